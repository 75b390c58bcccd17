/* The SQLite trace schema, version 2. docs/trace-format.md describes it for
 * users; keep the two in step, and bump KNOT_TRACE_SCHEMA_VERSION (stored in
 * PRAGMA user_version) on any change readers must know about. */
#ifndef KNOT_TRACE_SCHEMA_H
#define KNOT_TRACE_SCHEMA_H

#define KNOT_TRACE_SCHEMA_VERSION 2
/* Stored in PRAGMA application_id, so a foreign SQLite file is told apart. */
#define KNOT_TRACE_APPLICATION_ID 0x4b4e4f54 /* "KNOT" */

/* The tables and the view; the indexes apart, so that the importer can
 * build them once its rows are in (one sort each, instead of an insertion
 * at a random place of each index for every event). Since version 2 the
 * events table has none: its readers walk it in seq order, the table's own,
 * and building an index by task and one by object was two thirds of the
 * import. blocked_at_end: a blocking operation writes a begin and an end;
 * a task's operations are sequential, so a begin that is its task's last
 * event was still blocked when the trace stopped (one pass grouping by
 * task, not a search per begin, which needed the task index). site_frames:
 * a site that is an interposed call's call chain, its frames, the call
 * first (depth 0), each a site of its own; the site's own columns are those
 * of the frame a finding should point at (past lock wrappers). */
#define KNOT_TRACE_TABLES_SQL                                                               \
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value);\n"                                     \
    "CREATE TABLE sites(id INTEGER PRIMARY KEY, file TEXT, line INTEGER, function TEXT,\n"  \
    "  module TEXT, address INTEGER);\n"                                                    \
    "CREATE TABLE site_frames(site INTEGER, depth INTEGER, frame INTEGER,\n"                \
    "  PRIMARY KEY(site, depth)) WITHOUT ROWID;\n"                                          \
    "CREATE TABLE tasks(id INTEGER PRIMARY KEY, parent INTEGER, spawn_site INTEGER,\n"      \
    "  start_seq INTEGER, end_seq INTEGER, ended TEXT);\n"                                  \
    "CREATE TABLE objects(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, capacity INTEGER,\n"  \
    "  elem_size INTEGER, name TEXT, site INTEGER, made_seq INTEGER);\n"                    \
    "CREATE TABLE events(seq INTEGER PRIMARY KEY, task INTEGER NOT NULL, object INTEGER,\n" \
    "  kind TEXT NOT NULL, phase TEXT NOT NULL, site INTEGER, matched INTEGER,\n"           \
    "  result INTEGER, value INTEGER, time_ns INTEGER);\n"                                  \
    "CREATE VIEW blocked_at_end AS\n"                                                       \
    "  SELECT e.* FROM events e WHERE e.phase = 'begin' AND e.seq IN\n"                     \
    "  (SELECT max(seq) FROM events GROUP BY task);\n"
#define KNOT_TRACE_INDEXES_SQL ""

static const char knot__trace_schema_sql[] = KNOT_TRACE_TABLES_SQL KNOT_TRACE_INDEXES_SQL;

#endif
