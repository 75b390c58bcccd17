/* Symbolizing the sites of interposed calls (module + address). */
#ifndef KNOT_TRACE_SYMBOLIZE_H
#define KNOT_TRACE_SYMBOLIZE_H

#include <sqlite3.h>

/* Fill file, line and function of the sites listed in the temporary table
 * raw_sites(id, module, address, offset), where a symbolizer can; name the
 * objects of raw_places(object, address) that are a module's globals. */
void knot__symbolize_sites(sqlite3 *db);

#endif
