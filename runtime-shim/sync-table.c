/* The side table behind the interposed pthread objects (mutexes, read-write
 * locks, condition variables, semaphores, barriers): for each object address, knot's object id,
 * its Lamport clock and the unlocks later locks follow. The pthread object
 * belongs to the program; knot adds nothing to it.
 *
 * Open addressing, lock-free: a lookup is a few loads, and two threads using
 * the same object share nothing here but read-only lines. Entries are never
 * removed; an object's lifetime is its entry's id instead: an init, a
 * destroy, or the free or unmap of the memory that holds the object gives
 * the entry a new id, so an object made later at the same address is
 * another object to the trace. */
#include "internal.h"

#include <stdlib.h>
#include <sys/mman.h>

#define SLOTS (1u << 16)
static _Atomic(knot__sync_info *) slots[SLOTS];

static size_t slot_of(const void *addr) {
    return (size_t)(((uintptr_t)addr >> 3) * 0x9E3779B97F4A7C15ull >> 48) & (SLOTS - 1);
}

static __attribute__((noinline)) knot__sync_info *insert(const void *addr, size_t h);

/* Which 256-byte lines of memory may hold an entry's object: one bit per
 * hashed line, set when the entry is made, so that freeing memory that holds
 * no object (nearly every free) costs a few bit tests. A false positive only
 * costs lookups. */
#define LINE_SHIFT 8
#define LINE_BITS  (1u << 22)
static _Atomic uint64_t lines[LINE_BITS / 64];

static size_t line_bit(uintptr_t line) {
    return (size_t)((line * 0x9E3779B97F4A7C15ull) >> 42) & (LINE_BITS - 1);
}

static void mark_line(const void *addr) {
    size_t b = line_bit((uintptr_t)addr >> LINE_SHIFT);
    atomic_fetch_or_explicit(&lines[b / 64], 1ull << (b % 64), memory_order_relaxed);
}

static bool line_marked(uintptr_t line) {
    size_t b = line_bit(line);
    return atomic_load_explicit(&lines[b / 64], memory_order_relaxed) & (1ull << (b % 64));
}

/* addr's entry, if it has one; never makes one. */
static knot__sync_info *find(const void *addr) {
    size_t h = slot_of(addr);
    for (unsigned probe = 0; probe < SLOTS; probe++, h = (h + 1) & (SLOTS - 1)) {
        knot__sync_info *i = atomic_load_explicit(&slots[h], memory_order_acquire);
        if (!i || i->addr == addr)
            return i;
    }
    return NULL;
}

knot__sync_info *knot__sync_info_of(const void *addr) {
    /* The common case first: the object's entry in its own slot. */
    size_t h = slot_of(addr);
    knot__sync_info *i = atomic_load_explicit(&slots[h], memory_order_acquire);
    if (KNOT__LIKELY(i && i->addr == addr))
        return i;
    return insert(addr, h);
}

/* Find addr's entry from slot h on, or make it. */
static knot__sync_info *insert(const void *addr, size_t h) {
    knot__sync_info *mine = NULL;
    for (unsigned probe = 0; probe < SLOTS; probe++, h = (h + 1) & (SLOTS - 1)) {
        knot__sync_info *i = atomic_load_explicit(&slots[h], memory_order_acquire);
        if (i && i->addr == addr) {
            free(mine);
            return i;
        }
        if (i)
            continue;
        if (!mine && !(mine = calloc(1, sizeof *mine)))
            return NULL;
        mine->addr = addr;
        if (!mine->id)
            mine->id = knot__object_id();
        if (atomic_compare_exchange_strong_explicit(&slots[h], &i, mine, memory_order_acq_rel,
                                                    memory_order_acquire)) {
            mark_line(addr);
            knot__emit_address(mine->id, addr);
            return mine;
        }
        if (i->addr == addr) { /* another thread inserted it first */
            free(mine);
            return i;
        }
    }
    free(mine);
    return NULL; /* 65536 objects: the rest go unrecorded */
}

knot__sync_info *knot__sync_info_locked(const void *addr) {
    knot__sync_info *i = KNOT__UNLIKELY(knot__tracing) ? knot__sync_info_of(addr) : NULL;
    if (i)
        knot__lock_acquire(&i->lock);
    return i;
}

/* The post ring lives in pages of its own: sem_post, which grows it, may
 * run in a signal handler, where malloc must not be called. */
uint64_t *knot__ring_alloc(uint32_t n) {
    void *p = mmap(NULL, n * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void knot__ring_free(uint64_t *ring, uint32_t n) {
    if (ring)
        munmap(ring, n * sizeof(uint64_t));
}

void knot__sync_info_renew(knot__sync_info *i) {
    knot__ring_free(i->posts, i->posts_cap);
    i->posts = NULL;
    i->posts_head = i->posts_len = i->posts_cap = 0;
    i->initial_units = 0;
    i->count = i->arrived = 0;
    i->round = 0;
    i->last_unlock = i->last_write_unlock = 0;
    i->id = knot__object_id();
    knot__emit_address(i->id, i->addr);
}

uint64_t knot__sync_made(const void *addr, uint16_t kind, int rc, const void *ra) {
    knot__sync_info *i = KNOT__UNLIKELY(knot__tracing) ? knot__sync_info_of(addr) : NULL;
    if (!i)
        return 0;
    if (rc == 0)
        knot__sync_info_renew(i);
    return knot__emit_at(kind, KNOT__POINT, knot__self(), i->id, &i->clock, ra, 0, (uint64_t)rc);
}

uint64_t knot__sync_ended(const void *addr, uint16_t kind, int rc, const void *ra) {
    knot__sync_info *i = KNOT__UNLIKELY(knot__tracing) ? knot__sync_info_of(addr) : NULL;
    if (!i)
        return 0;
    uint64_t id =
        knot__emit_at(kind, KNOT__POINT, knot__self(), i->id, &i->clock, ra, 0, (uint64_t)rc);
    if (rc == 0)
        knot__sync_info_renew(i);
    return id;
}

/* The entries of objects in [lo, hi): by the line bits for a block of a few
 * lines (objects are at least 8-byte aligned, as their addresses in the
 * table are), by a walk over the table for a large mapping. */
void knot__sync_forget(const void *start, size_t size) {
    uintptr_t lo = (uintptr_t)start, hi = lo + size;
    if (!size || hi < lo)
        return;
    if (size >> LINE_SHIFT > SLOTS) {
        for (size_t h = 0; h < SLOTS; h++) {
            knot__sync_info *i = atomic_load_explicit(&slots[h], memory_order_acquire);
            if (i && (uintptr_t)i->addr >= lo && (uintptr_t)i->addr < hi)
                knot__sync_info_renew(i);
        }
        return;
    }
    for (uintptr_t line = lo >> LINE_SHIFT; line <= (hi - 1) >> LINE_SHIFT; line++) {
        if (!line_marked(line))
            continue;
        uintptr_t a = line << LINE_SHIFT, end = a + (1u << LINE_SHIFT);
        a = a < lo ? (lo + 7) & ~(uintptr_t)7 : a;
        end = end > hi ? hi : end;
        for (; a < end; a += 8) {
            knot__sync_info *i = find((const void *)a);
            if (i)
                knot__sync_info_renew(i);
        }
    }
}

void knot__sync_table_fork_child(void) {
    if (!knot__tracing)
        return; /* the entries are made, and locked, only when tracing */
    for (size_t h = 0; h < SLOTS; h++) {
        knot__sync_info *i = atomic_load_explicit(&slots[h], memory_order_relaxed);
        if (i)
            atomic_store_explicit(&i->lock.state, 0, memory_order_relaxed);
    }
}
