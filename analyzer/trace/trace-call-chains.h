/* Choosing where an interposed call's call chain points: past lock wrappers. */
#ifndef KNOT_TRACE_CALL_CHAINS_H
#define KNOT_TRACE_CALL_CHAINS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* What the events at a site do, as the choice below needs it: the bits of
 * their kinds (knot__chain_kind_bits), or'd together by the importer as it
 * writes them, so that the choice reads no events back (a grouping of all
 * of them by site was a tenth of a large import). */
enum {
    KNOT_CHAIN_LOCK = 1,     /* a mutex_, cond_, rwlock_, spin_, sem_ or barrier_ kind */
    KNOT_CHAIN_SPAWN = 2,    /* go, task_start */
    KNOT_CHAIN_OTHER = 4,    /* neither */
    KNOT_CHAIN_ACQUIRE = 8,  /* takes a lock or a semaphore's unit */
    KNOT_CHAIN_RELEASE = 16, /* lets one go */
    KNOT_CHAIN_COND_WAIT = 32,
};
unsigned knot__chain_kind_bits(const char *kind);

/* Give every call-chain site (the site_frames table) the file, line and
 * function of its first frame outside a lock wrapper, once the frames are
 * symbolized. A lock wrapper is a function (or one KNOT_LOCK_WRAPPERS
 * names) whose every recorded call, reached through wrappers only, is a
 * lock, unlock, wait, signal or post, and that is called from two places or
 * more. site_bits[id] holds the bits of the events at site id, for ids
 * below nsites. Returns 0, or -1 with err filled. */
int knot__choose_chain_frames(sqlite3 *db, const uint8_t *site_bits, size_t nsites, char *err,
                              size_t errsize);

#endif
