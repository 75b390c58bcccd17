/* The recorder: with KNOT_TRACE=path.db in the environment, every knot
 * operation appends a record to path.db.knot-journal, which
 * `knot run` (or any later knot command) imports into the SQLite trace.
 *
 * Hot path: one predictable branch when tracing is off. When on: a Lamport
 * clock (taken under the object's lock by the caller, so each object's
 * events are ordered as its operations were; record.h says why there is no
 * global counter), and a compact item of a dozen bytes or so (record.h)
 * written into this thread's chunk of a MAP_SHARED mapping of the journal. No system call, no lock,
 * no copy; and because the mapping is shared with the file, a record written is a record kept,
 * whether the process then exits, panics, aborts, crashes or is killed with SIGKILL. */
#include "record.h"
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <x86intrin.h>
#define HAVE_TSC 1
#endif

#define MAX_SEGMENTS 8192 /* 64 GiB of journal */
#define SITE_TABLE   16384

bool knot__tracing;

static int journal_fd = -1;
static knot__lock map_lock;
static uint8_t *_Atomic segments[MAX_SEGMENTS];
static _Atomic uint64_t next_chunk; /* byte offset in the segments of the next free chunk */
static _Atomic uintptr_t sites_seen[SITE_TABLE];
static _Atomic bool journal_full;

/* Where a thread writes: its chunk, and what the chunk's compact events are
 * written against (record.h). A signal handler that records while its
 * thread is in the middle of writing an item gets a chunk of its own, one
 * level deeper, so that neither disturbs the other's half-written item;
 * deeper than WRITE_DEPTH (handlers within handlers), nothing is recorded. */
typedef struct cursor {
    uint8_t *next, *end;
    knot__chunk_base base;
} cursor;
#define WRITE_DEPTH 3
static KNOT__TLS cursor cursors[WRITE_DEPTH];
static KNOT__TLS unsigned writing; /* items this thread has under way, nested */

/* The cursor for an item about to be written, or NULL (too deep). */
static inline cursor *begin_item(void) {
    unsigned depth = writing;
    if (KNOT__UNLIKELY(depth >= WRITE_DEPTH))
        return NULL;
    writing = depth + 1;
    atomic_signal_fence(memory_order_seq_cst); /* counted before the cursor is touched */
    return &cursors[depth];
}

static inline void end_item(void) {
    atomic_signal_fence(memory_order_seq_cst);
    writing--;
}

static void rec_warn(const char *what) {
    fprintf(stderr, "knot: trace: %s: %s\n", what, strerror(errno));
}

/* A mapping of the journal segment at file offset off, at a 2 MiB boundary
 * and with huge pages where the kernel and file system allow it (first
 * touching a 4 KiB page costs microseconds under some hypervisors). */
static void *map_segment(off_t off) {
    const uintptr_t align = KNOT__JOURNAL_DATA;
    size_t span = KNOT__JOURNAL_SEGMENT + align;
    char *area = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area == MAP_FAILED)
        return MAP_FAILED;
    char *at = area + (-(uintptr_t)area & (align - 1));
    void *m = mmap(at, KNOT__JOURNAL_SEGMENT, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                   journal_fd, off);
    if (m == MAP_FAILED) {
        munmap(area, span);
        return MAP_FAILED;
    }
    if (at > area)
        munmap(area, (size_t)(at - area));
    if (at + KNOT__JOURNAL_SEGMENT < area + span)
        munmap(at + KNOT__JOURNAL_SEGMENT, (size_t)(area + span - (at + KNOT__JOURNAL_SEGMENT)));
#ifdef MADV_HUGEPAGE
    (void)madvise(m, KNOT__JOURNAL_SEGMENT, MADV_HUGEPAGE);
#endif
    return m;
}

/* Map segment seg of the journal, growing the file to hold it. */
static uint8_t *segment(uint64_t seg) {
    if (seg >= MAX_SEGMENTS)
        return NULL;
    uint8_t *s = atomic_load_explicit(&segments[seg], memory_order_acquire);
    if (s)
        return s;
    knot__lock_acquire(&map_lock);
    s = atomic_load_explicit(&segments[seg], memory_order_relaxed);
    if (!s) {
        off_t off = (off_t)(KNOT__JOURNAL_DATA + seg * (uint64_t)KNOT__JOURNAL_SEGMENT);
        struct stat st;
        if (fstat(journal_fd, &st) == 0 && st.st_size < off + (off_t)KNOT__JOURNAL_SEGMENT &&
            ftruncate(journal_fd, off + (off_t)KNOT__JOURNAL_SEGMENT) != 0) {
            rec_warn("cannot grow the journal");
        } else {
            void *m = map_segment(off);
            if (m == MAP_FAILED) {
                rec_warn("cannot map the journal");
            } else {
#ifdef MADV_POPULATE_WRITE
                /* Fault the pages in writable now (Linux 5.14+): otherwise
                 * every 64th event pays a write fault to the file system. */
                (void)madvise(m, KNOT__JOURNAL_SEGMENT, MADV_POPULATE_WRITE);
#endif
                atomic_store_explicit(&segments[seg], s = m, memory_order_release);
            }
        }
    }
    knot__lock_release(&map_lock);
    return s;
}

/* The slow half of reserve(): a new chunk, perhaps a new segment. Keeps
 * errno: the program must see libc's, not what growing the journal left. */
static __attribute__((noinline)) uint8_t *reserve_chunk(cursor *c, uint32_t n) {
    if (atomic_load_explicit(&journal_full, memory_order_relaxed))
        return NULL;
    int saved = errno;
    uint64_t at =
        atomic_fetch_add_explicit(&next_chunk, KNOT__JOURNAL_CHUNK_BYTES, memory_order_relaxed);
    uint8_t *seg = segment(at / KNOT__JOURNAL_SEGMENT);
    if (!seg) {
        if (!atomic_exchange(&journal_full, true))
            fputs("knot: trace: the journal is full; recording stops here\n", stderr);
        errno = saved;
        return NULL;
    }
    uint8_t *r = seg + at % KNOT__JOURNAL_SEGMENT;
    c->end = r + KNOT__JOURNAL_CHUNK_BYTES;
    c->next = r + n;
    memset(&c->base, 0, sizeof c->base);
    errno = saved;
    return r;
}

/* n free bytes in this thread's chunk (n <= KNOT__JOURNAL_CHUNK_BYTES), or
 * NULL when the journal cannot grow: then recording stops, the program goes
 * on. What is left of a chunk too short for n stays zero: its end. */
static inline uint8_t *reserve(cursor *c, uint32_t n) {
    if (KNOT__LIKELY(c->next && c->end - c->next >= (ptrdiff_t)n)) {
        uint8_t *r = c->next;
        c->next += n;
        /* Fresh journal lines miss every cache; ask for them ahead of use. */
        __builtin_prefetch(c->next + 256, 1, 0);
        return r;
    }
    return reserve_chunk(c, n);
}

/* A full item: the record r (its type set), then n bytes of payload,
 * committed by the item's tag. */
static void write_full(const knot__rec *r, const void *payload, uint32_t n) {
    cursor *c = begin_item();
    uint8_t *p = c ? reserve(c, 1 + (uint32_t)sizeof *r + n) : NULL;
    if (p) {
        memcpy(p + 1, r, sizeof *r);
        if (n)
            memcpy(p + 1 + sizeof *r, payload, n);
        atomic_store_explicit((_Atomic uint8_t *)p, KNOT__ITEM_FULL, memory_order_release);
    }
    if (c)
        end_item();
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Timestamps. clock_gettime costs as much as the rest of an event (more
 * under a hypervisor's clock source), so where the CPU has an invariant time
 * stamp counter, events carry its raw count instead, and each thread pairs
 * the counter with the monotonic clock in a clock record at least every
 * SYNC_TICKS (well under a millisecond): the importer converts the counts
 * to nanoseconds between those pairs. Elsewhere events take the clock. */
#define SYNC_TICKS (1ull << 20)

static bool tsc_clock;
static KNOT__TLS uint64_t sync_ticks; /* the count at this thread's last clock record */

#ifdef HAVE_TSC
/* The counter and the clock at one moment: the counter read on both sides
 * of the clock, and the middle taken. */
static uint64_t clock_pair(uint64_t *ns) {
    uint64_t t0 = __rdtsc();
    *ns = now_ns();
    uint64_t t1 = __rdtsc();
    return t0 + (t1 - t0) / 2;
}

static __attribute__((noinline)) uint64_t clock_sync(void) {
    uint64_t ns, t = clock_pair(&ns);
    sync_ticks = t;
    write_full(&(knot__rec){.type = KNOT__REC_CLOCK, .a = t, .b = ns}, NULL, 0);
    return t;
}

/* Whether the counter runs at a constant rate in every power state (and so
 * can stand for time), and if so its rate against the monotonic clock,
 * measured over 100 µs from *t0 (the count at *ns0). 0: take the clock. */
static uint64_t tsc_calibrate(uint64_t *t0, uint64_t *ns0) {
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000007, &a, &b, &c, &d) || !(d & (1u << 8)))
        return 0;
    *t0 = clock_pair(ns0);
    uint64_t ns, t;
    do
        t = clock_pair(&ns);
    while (ns - *ns0 < 100000);
    uint64_t hz = (uint64_t)((double)(t - *t0) * 1e9 / (double)(ns - *ns0));
    return hz >= 100000000u && hz <= 100000000000u ? hz : 0; /* 0.1 to 100 GHz, or nonsense */
}
#endif

static inline uint64_t event_time(void) {
#ifdef HAVE_TSC
    if (KNOT__LIKELY(tsc_clock)) {
        uint64_t t = __rdtsc();
        return KNOT__LIKELY(t - sync_ticks < SYNC_TICKS) ? t : clock_sync();
    }
#endif
    return now_ns();
}

/* Sites this thread has seen written (or being written): most events come
 * from a few call sites, which this spares the shared table. */
#define SITES_KNOWN 16
static KNOT__TLS uintptr_t sites_known[SITES_KNOWN];

/* Whether this thread knows key to be interned; if not, it will be once
 * the caller has interned it. */
static inline bool known_here(uintptr_t key) {
    uintptr_t *slot = &sites_known[(key * 0x9E3779B97F4A7C15ull) >> 60];
    if (KNOT__LIKELY(*slot == key))
        return true;
    *slot = key;
    return false;
}

/* Whether key is seen for the first time (then the caller writes it). */
static bool first_sight(uintptr_t key) {
    size_t h = (size_t)((key >> 4) * 0x9E3779B97F4A7C15ull) & (SITE_TABLE - 1);
    for (int probe = 0; probe < 32; probe++, h = (h + 1) & (SITE_TABLE - 1)) {
        uintptr_t cur = atomic_load_explicit(&sites_seen[h], memory_order_relaxed);
        if (cur == key)
            return false;
        if (cur == 0) {
            if (atomic_compare_exchange_strong(&sites_seen[h], &cur, key))
                return true;
            if (cur == key)
                return false;
        }
    }
    return true; /* a full table just means writing the site again: the importer dedups */
}

/* Write a site's strings the first time the site is seen. */
static void intern_site(const knot_site *site) {
    uintptr_t key = (uintptr_t)site;
    if (known_here(key) || !first_sight(key))
        return;
    char buf[KNOT__PAYLOAD_MAX];
    int n = snprintf(buf, sizeof buf, "%s%c%s", site->file ? site->file : "", 0,
                     site->func ? site->func : "");
    if (n < 0)
        return;
    uint32_t len = (uint32_t)n + 1 < sizeof buf ? (uint32_t)n + 1 : (uint32_t)sizeof buf;
    write_full(
        &(knot__rec){.type = KNOT__REC_SITE, .u32 = len, .site = key, .a = (uint64_t)site->line},
        buf, len);
}

/* The runtime's own events (timers firing, the deadlock report) belong to
 * task 0. Only the timer thread and, once every task is asleep, the watchdog
 * record them, never at the same time. */
static knot__task runtime_task;

/* A call site known only by its return address (an interposed pthread call):
 * recorded as module + offset, symbolised when the trace is imported. */
static void intern_address(uintptr_t ra) {
    if (known_here(ra) || !first_sight(ra))
        return;
    int saved = errno; /* the program must see libc's, not what dladdr, readlink left */
    Dl_info info = {0};
    bool found = dladdr((void *)ra, &info) && info.dli_fname;
    const char *module = found ? info.dli_fname : "";
    uintptr_t base = found ? (uintptr_t)info.dli_fbase : 0;
    /* Only the main program comes back as a relative path (its argv[0]);
     * name it absolutely so the trace can be symbolized from anywhere. */
    char exe[PATH_MAX];
    if (found && module[0] != '/') {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = '\0';
            module = exe;
        }
    }
    uint32_t len = (uint32_t)strnlen(module, KNOT__PAYLOAD_MAX - 1) + 1;
    errno = saved;
    write_full(&(knot__rec){.type = KNOT__REC_SITE,
                            .phase = 1, /* raw: the payload is a module path, b the offset in it */
                            .u32 = len,
                            .site = ra,
                            .a = ra - 1,         /* the call instruction, not the one after it */
                            .b = ra - base - 1}, /* the same, from the start of the module */
               module, len);
}

/* Set while this thread's recorder runs the unwinder, which is not the
 * program's code: the pthread calls it makes are not recorded (nor, in that
 * short while, a signal handler's). Recording them would unwind again,
 * inside the unwinder: nongnu libunwind (which perf, for one, links, and
 * whose _Unwind_Backtrace then serves every library) creates and takes
 * mutexes of its own there, and the nested unwind waited forever for the
 * one its caller held. */
static KNOT__TLS bool in_unwinder;

/* Frames of an interposed call's chain recorded: KNOT_CALL_DEPTH, 1 to
 * KNOT__CHAIN_MAX (1: the return address alone). */
#define CALL_DEPTH_DEFAULT 6
static unsigned call_depth = CALL_DEPTH_DEFAULT;

/* An interposed call's site: its call chain pcs[0..n), interned the first
 * time it is seen (with each of its addresses), or its return address alone
 * when that is all there is. */
static uintptr_t intern_pcs(const void *return_address, const uintptr_t *pcs, unsigned n) {
    if (n <= 1) {
        intern_address((uintptr_t)return_address);
        return (uintptr_t)return_address;
    }
    uint64_t key = 0xcbf29ce484222325ull; /* FNV-1a over the addresses */
    for (unsigned i = 0; i < n; i++)
        key = (key ^ pcs[i]) * 0x100000001b3ull;
    key |= KNOT__CHAIN_BIT;
    if (known_here(key) || !first_sight(key))
        return key;
    for (unsigned i = 0; i < n; i++)
        intern_address(pcs[i]);
    uint64_t payload[KNOT__CHAIN_MAX];
    for (unsigned i = 0; i < n; i++)
        payload[i] = pcs[i];
    uint32_t len = n * (uint32_t)sizeof *payload;
    write_full(&(knot__rec){.type = KNOT__REC_CHAIN, .u32 = len, .site = key}, payload, len);
    return key;
}

/* The same for the call whose return address is given, its chain found
 * by walking the stack (the walk remembers the site of a chain it finds
 * again from the same place). */
static uintptr_t intern_chain(const void *return_address) {
    uintptr_t pcs[KNOT__CHAIN_MAX], *note;
    int saved = errno;
    in_unwinder = true;
    unsigned n = knot__callchain(return_address, pcs, call_depth, &note);
    in_unwinder = false;
    errno = saved;
    if (note && *note) /* the same chain from the same place: interned then */
        return *note;
    uintptr_t key = intern_pcs(return_address, pcs, n);
    if (note)
        *note = key;
    return key;
}

/* LEB128: seven bits a byte, low first, the top bit set on all but the last. */
static inline uint8_t *put_varint(uint8_t *p, uint64_t v) {
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

/* A difference as an unsigned number small when the difference is small. */
static inline uint64_t zigzag(uint64_t difference) {
    return (difference << 1) ^ (uint64_t)((int64_t)difference >> 63);
}

/* A compact event at p, whose KNOT__C_MAX bytes c has just reserved: encoded
 * against c's base, the bytes it did not take given back, committed. */
static inline void write_compact(uint8_t *p, cursor *c, const knot__task *t, uint64_t n,
                                 uint64_t clock, uint64_t time, uint64_t obj, uint64_t site,
                                 uint64_t a, uint64_t b, uint8_t kind_phase) {
    knot__chunk_base *base = &c->base;
    unsigned tag = KNOT__C_EVENT;
    uint8_t *q = p + 2;
    if (t->id == base->task && n == base->n + 1) {
        tag |= KNOT__C_NEXT_OF_TASK;
    } else {
        q = put_varint(q, t->id);
        q = put_varint(q, n);
    }
    q = put_varint(q, zigzag(clock - base->clock));
    q = put_varint(q, zigzag(time - base->time));
    if (obj == base->obj)
        tag |= KNOT__C_SAME_OBJ;
    else
        q = put_varint(q, zigzag(obj - base->obj));
    unsigned slot = (unsigned)((site * 0x9E3779B97F4A7C15ull) >> 62);
    tag |= KNOT__C_WITH_SITE_SLOT(slot);
    if (base->sites[slot] == site) {
        tag |= KNOT__C_SITE_KNOWN;
    } else {
        q = put_varint(q, site);
        base->sites[slot] = site;
    }
    uint64_t a_task = a >> KNOT__EVENT_N_BITS, a_n = a & ((1ull << KNOT__EVENT_N_BITS) - 1);
    if (a == 0) {
        tag |= KNOT__C_WITH_A_MODE(KNOT__C_A_ZERO);
    } else if (a_task == 0) {
        tag |= KNOT__C_WITH_A_MODE(KNOT__C_A_VALUE);
        q = put_varint(q, a);
    } else if (a_task == t->id && a_n <= n) {
        tag |= KNOT__C_WITH_A_MODE(KNOT__C_A_OWN_TASK);
        q = put_varint(q, n - a_n);
    } else {
        tag |= KNOT__C_WITH_A_MODE(KNOT__C_A_EVENT);
        q = put_varint(q, a_task);
        q = put_varint(q, a_n);
    }
    q = put_varint(q, zigzag(b));
    p[1] = kind_phase;
    c->next = q; /* what the event did not take */
    base->task = t->id;
    base->n = n;
    base->clock = clock;
    base->time = time;
    base->obj = obj;
    atomic_store_explicit((_Atomic uint8_t *)p, (uint8_t)tag, memory_order_release);
}

/* Write an event whose site (a knot_site or a return address, both known
 * by their address) has been interned. */
static uint64_t emit(uint16_t kind, uint8_t phase, knot__task *t, uint64_t obj, uint64_t *obj_clock,
                     uintptr_t site, uint64_t a, uint64_t b) {
    if (!t)
        t = &runtime_task;
    uint64_t clock = t->clock;
    if (obj_clock && *obj_clock > clock)
        clock = *obj_clock;
    clock++;
    t->clock = clock;
    if (obj_clock)
        *obj_clock = clock;
    uint64_t n = ++t->events;
    uint64_t id = KNOT__EVENT_ID(t->id, n);
    uint64_t time = event_time();
    if (KNOT__UNLIKELY(kind >= KNOT__C_KIND_LIMIT)) {
        write_full(&(knot__rec){.type = KNOT__REC_EVENT,
                                .phase = phase,
                                .kind = kind,
                                .u32 = (uint32_t)t->id,
                                .id = id,
                                .clock = clock,
                                .obj = obj,
                                .site = site,
                                .a = a,
                                .b = b,
                                .time_ns = time},
                   NULL, 0);
        return id;
    }
    cursor *c = begin_item();
    if (!c)
        return id;
    uint8_t *p = reserve(c, KNOT__C_MAX);
    if (p)
        write_compact(p, c, t, n, clock, time, obj, site, a, b, KNOT__C_KIND_PHASE(kind, phase));
    end_item();
    return id;
}

KNOT__TLS unsigned knot__recording;

/* knot__emit and knot__emit_call keep errno (the slow paths that could change
 * it restore it). */
uint64_t knot__emit(uint16_t kind, uint8_t phase, knot__task *t, uint64_t obj, uint64_t *obj_clock,
                    const knot_site *site, uint64_t a, uint64_t b) {
    if (KNOT__UNLIKELY(in_unwinder))
        return 0;
    knot__recording++;
    if (site)
        intern_site(site);
    uint64_t id = emit(kind, phase, t, obj, obj_clock, (uintptr_t)site, a, b);
    knot__recording--;
    return id;
}

uintptr_t knot__call_site(const void *return_address) {
    if (KNOT__UNLIKELY(in_unwinder))
        return 0;
    knot__recording++;
    uintptr_t site = return_address ? intern_chain(return_address) : 0;
    knot__recording--;
    return site;
}

uint64_t knot__emit_call(uint16_t kind, uint8_t phase, knot__task *t, uint64_t obj,
                         uint64_t *obj_clock, uintptr_t call_site, uint64_t a, uint64_t b) {
    if (KNOT__UNLIKELY(in_unwinder))
        return 0;
    knot__recording++;
    uint64_t id = emit(kind, phase, t, obj, obj_clock, call_site, a, b);
    knot__recording--;
    return id;
}

uint64_t knot__emit_at(uint16_t kind, uint8_t phase, knot__task *t, uint64_t obj,
                       uint64_t *obj_clock, const void *return_address, uint64_t a, uint64_t b) {
    if (KNOT__UNLIKELY(in_unwinder))
        return 0;
    knot__recording++;
    uintptr_t site = return_address ? intern_chain(return_address) : 0;
    uint64_t id = emit(kind, phase, t, obj, obj_clock, site, a, b);
    knot__recording--;
    return id;
}

void knot__emit_name(uint64_t obj, const char *name) {
    uint32_t n = (uint32_t)strnlen(name, KNOT__PAYLOAD_MAX);
    write_full(&(knot__rec){.type = KNOT__REC_NAME, .u32 = n, .obj = obj}, name, n);
}

void knot__emit_address(uint64_t obj, const void *addr) {
    write_full(&(knot__rec){.type = KNOT__REC_NAME, .phase = 1, .obj = obj, .a = (uintptr_t)addr},
               NULL, 0);
}

static char trace_path[PATH_MAX];

/* Whether the journal at path was started by another process still alive:
 * then it is not ours to overwrite. */
static bool owned_by_other(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    knot__journal_header h;
    bool other = pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
                 memcmp(h.magic, KNOT__JOURNAL_MAGIC, sizeof h.magic) == 0 &&
                 h.pid != (uint64_t)getpid() && kill((pid_t)h.pid, 0) == 0;
    close(fd);
    return other;
}

/* Start a journal for trace; false (and tracing stays off) if impossible. */
static bool open_journal(const char *trace) {
    char path[PATH_MAX + 32];
    snprintf(trace_path, sizeof trace_path, "%s", trace);
    snprintf(path, sizeof path, "%s.knot-journal", trace);
    if (owned_by_other(path)) {
        /* A program exec'd by a traced program (or a forked child) gets a
         * trace of its own rather than truncating its parent's. */
        char child[PATH_MAX];
        knot__trace_child_path(trace, (long)getpid(), child, sizeof child);
        snprintf(trace_path, sizeof trace_path, "%s", child);
        snprintf(path, sizeof path, "%s.knot-journal", child);
    }
    journal_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (journal_fd < 0) {
        fprintf(stderr, "knot: trace: cannot create %s: %s; not recording\n", path,
                strerror(errno));
        return false;
    }
    knot__journal_header h = {.version = KNOT__JOURNAL_VERSION,
                              .record_size = sizeof(knot__rec),
                              .pid = (uint64_t)getpid(),
                              .segment_size = KNOT__JOURNAL_SEGMENT,
                              .chunk_size = KNOT__JOURNAL_CHUNK_BYTES};
#ifdef HAVE_TSC
    h.tsc_hz = tsc_calibrate(&h.tsc_start, &h.start_ns);
#endif
    if (!h.tsc_hz)
        h.start_ns = now_ns();
    tsc_clock = h.tsc_hz != 0;
    sync_ticks = 0;
    memcpy(h.magic, KNOT__JOURNAL_MAGIC, sizeof h.magic);
    snprintf(h.program, sizeof h.program, "%s", program_invocation_name);
    if (pwrite(journal_fd, &h, sizeof h, 0) != (ssize_t)sizeof h) {
        fprintf(stderr, "knot: trace: cannot write %s: %s; not recording\n", path, strerror(errno));
        close(journal_fd);
        journal_fd = -1;
        return false;
    }
    return true;
}

/* Let go of the journal: its mappings, its file, and what this thread and
 * the site table knew of it. */
static void forget_journal(void) {
    memset(cursors, 0, sizeof cursors);
    writing = 0;
    /* The only thread left (after fork), or the one that yields, forgets
     * what it knew of the old journal's sites. */
    memset(sites_known, 0, sizeof sites_known);
    knot__callchain_forget_notes();
    tsc_clock = false;
    for (size_t i = 0; i < MAX_SEGMENTS; i++) {
        uint8_t *seg = atomic_load_explicit(&segments[i], memory_order_relaxed);
        if (!seg)
            break;
        munmap(seg, KNOT__JOURNAL_SEGMENT);
        atomic_store_explicit(&segments[i], NULL, memory_order_relaxed);
    }
    atomic_store(&next_chunk, 0);
    atomic_store(&journal_full, false);
    for (size_t i = 0; i < SITE_TABLE; i++)
        atomic_store_explicit(&sites_seen[i], 0, memory_order_relaxed);
    atomic_store(&map_lock.state, 0);
    if (journal_fd >= 0)
        close(journal_fd);
    journal_fd = -1;
}

/* `knot run` preloads libknot.so so that programs not linked with knot are
 * recorded too. A program linked with the static library carries its own
 * copy, which the program's calls reach and which starts after the preloaded
 * one: it asks that one, through this function, to stop recording. Exported
 * for that lookup; not part of the API. */
__attribute__((visibility("default"))) void knot__recorder_yield(void) {
    knot__tracing = false;
    forget_journal();
}

/* Open the journal before main (and before the main thread registers as
 * task 1, whose start is the first event). */
__attribute__((constructor(101))) static void recorder_init(void) {
    const char *trace = getenv("KNOT_TRACE");
    if (!trace || !*trace)
        return;
    void (*earlier)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "knot__recorder_yield");
    if (earlier && earlier != knot__recorder_yield)
        earlier(); /* a preloaded copy started first; the program's own copy records */
    if (strlen(trace) + 64 >= PATH_MAX) {
        fputs("knot: trace: KNOT_TRACE path too long; not recording\n", stderr);
        return;
    }
    const char *depth = getenv("KNOT_CALL_DEPTH");
    if (depth && *depth) {
        char *end;
        long d = strtol(depth, &end, 10);
        if (*end || d < 1 || d > KNOT__CHAIN_MAX)
            fprintf(stderr, "knot: trace: KNOT_CALL_DEPTH must be 1 to %d; using %d\n",
                    KNOT__CHAIN_MAX, CALL_DEPTH_DEFAULT);
        else
            call_depth = (unsigned)d;
    }
    knot__tracing = open_journal(trace);
}

static _Atomic uint64_t next_object_id;

uint64_t knot__object_id(void) {
    return atomic_fetch_add_explicit(&next_object_id, 1, memory_order_relaxed) + 1;
}

/* A forked child must not write into its parent's journal: the mapping is
 * shared with it. It starts a journal of its own, beside the parent's trace
 * ("app.db" → "app-PID.db"), which `knot run` imports as well. */
void knot__recorder_fork_child(void) {
    if (!knot__tracing)
        return;
    forget_journal();
    char parent[PATH_MAX], child[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", trace_path);
    knot__trace_child_path(parent, (long)getpid(), child, sizeof child);
    knot__tracing = open_journal(child);
}
