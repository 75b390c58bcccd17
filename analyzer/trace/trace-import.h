/* Importing a recorder journal into an SQLite trace. */
#ifndef KNOT_TRACE_IMPORT_H
#define KNOT_TRACE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct knot__import_stats {
    long long events, tasks, objects, sites;
    long long skipped; /* reserved slots never written (the process died mid-chunk) */
    long long cut_at;  /* not 0: the journal ends inside a segment, at this many bytes */
} knot__import_stats;

/* Read journal_path and write the trace database db_path (replacing it).
 * Returns 0, or -1 with a one-line reason in err. */
int knot__trace_import(const char *journal_path, const char *db_path, knot__import_stats *stats,
                       char *err, size_t errsize);

/* The same from a journal already in memory (name is used in messages);
 * db_path may be ":memory:". */
int knot__trace_import_buffer(const void *journal, size_t size, const char *name,
                              const char *db_path, knot__import_stats *stats, char *err,
                              size_t errsize);

/* The journal that belongs to a trace path: "<trace>.knot-journal". */
void knot__trace_journal_path(const char *trace, char *out, size_t size);

/* Import the journal a traced program left beside trace, if there is one,
 * and remove it; a journal cut short is imported with one line on stderr
 * saying so. Returns 0 imported, 1 no journal, -1 error (err says). */
int knot__trace_import_pending(const char *trace, knot__import_stats *stats, char *err,
                               size_t errsize);

/* Whether name is an event kind the importer writes. */
bool knot__trace_kind_known(const char *name);

/* The name the importer writes for journal kind number kind (below
 * KNOT_TRACE_KINDS), or NULL if there is none. */
#define KNOT_TRACE_KINDS 256
const char *knot__trace_kind_name(unsigned kind);

#endif
