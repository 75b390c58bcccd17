/* Choosing where an interposed call's call chain points: past lock wrappers. */
#ifndef KNOT_TRACE_CALL_CHAINS_H
#define KNOT_TRACE_CALL_CHAINS_H

#include <sqlite3.h>
#include <stddef.h>

/* Give every call-chain site (the site_frames table) the file, line and
 * function of its first frame outside a lock wrapper, once the frames are
 * symbolized. A lock wrapper is a function (or one KNOT_LOCK_WRAPPERS
 * names) whose every recorded call, reached through wrappers only, is a
 * lock, unlock, wait, signal or post, and that is called from two places or
 * more. Returns 0, or -1 with err filled. */
int knot__choose_chain_frames(sqlite3 *db, char *err, size_t errsize);

#endif
