/* Symbolizing the sites of interposed calls (module + address). */
#ifndef KNOT_TRACE_SYMBOLIZE_H
#define KNOT_TRACE_SYMBOLIZE_H

#include <sqlite3.h>

typedef struct knot__symbolizer knot__symbolizer;

/* Ask a symbolizer, in processes of their own that run on while the caller
 * goes on, about the sites listed in the temporary table raw_sites(id,
 * module, address, offset) and the objects of raw_places(object, address). */
knot__symbolizer *knot__symbolize_start(sqlite3 *db);

/* Fill file, line and function of those sites where the symbolizer could,
 * and name the objects that are a module's globals; the objects and sites
 * rows must be written by now. db NULL: the answers are not wanted, only
 * the processes ended. Frees s. */
void knot__symbolize_finish(knot__symbolizer *s, sqlite3 *db);

#endif
