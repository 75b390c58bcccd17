/* Call chains of interposed calls: the return addresses of the few frames
 * above a pthread call, so that a finding can point past a lock wrapper
 * (pigz's possess() around pthread_mutex_lock) at the program's own line.
 *
 * Unwinding with the DWARF unwinder costs microseconds, too much for every
 * lock. But a function's frame has the same size at a given call
 * instruction every time (unless it uses alloca), so the distance from the
 * stack pointer after a call returns to the caller's own canonical frame
 * address (CFA) is a property of the return address alone. The unwinder is
 * run the first times a return address is seen and teaches this table each
 * frame's distance; after that, a chain is a few table look-ups and loads
 * from the stack, each checked to lie within the current stack. A distance
 * that changes between two unwinds marks its address as variable, and such
 * addresses, or ones never seen, send the walk back to the unwinder: a wrong
 * guess can only lead to a slow, correct answer, never a fault.
 *
 * The fast walk reads the return address at CFA - 8, which is where x86-64
 * calls put it; other machines always use the unwinder. */
#include "internal.h"

#include <pthread.h>
#include <string.h>
#include <unwind.h>

/* Per return address: its frame's distance, or one of these. */
enum { DISTANCE_UNKNOWN = 0, DISTANCE_VARIABLE = -1, DISTANCE_TRAMPOLINE = -2 };

#define FRAME_TABLE    16384 /* distinct return addresses remembered */
#define FRAME_PROBES   32
#define SAMPLES_NEEDED 2  /* unwinds that must agree before the walk is trusted */
#define UNWIND_FRAMES  48 /* the unwinder's depth: the runtime's frames + the chain */
#define RUNTIME_FRAMES 12 /* at most this many of the runtime's frames lie below ra */

typedef struct frame_entry {
    _Atomic uintptr_t pc;
    _Atomic int32_t distance;
    _Atomic uint32_t samples;
    _Atomic bool outermost;  /* the unwinder found no frame above it */
    _Atomic bool trampoline; /* a signal's return: a handler's chain ends below it */
} frame_entry;

static frame_entry frame_table[FRAME_TABLE];

static frame_entry *frame_find(uintptr_t pc, bool insert) {
    size_t h = (size_t)((pc >> 2) * 0x9E3779B97F4A7C15ull) & (FRAME_TABLE - 1);
    for (int probe = 0; probe < FRAME_PROBES; probe++, h = (h + 1) & (FRAME_TABLE - 1)) {
        uintptr_t cur = atomic_load_explicit(&frame_table[h].pc, memory_order_acquire);
        if (cur == pc)
            return &frame_table[h];
        if (cur == 0) {
            if (!insert)
                return NULL;
            if (atomic_compare_exchange_strong(&frame_table[h].pc, &cur, pc) || cur == pc)
                return &frame_table[h];
        }
    }
    return NULL; /* full: this address is always unwound */
}

static void frame_learn(uintptr_t pc, int32_t distance) {
    frame_entry *e = frame_find(pc, true);
    if (!e)
        return;
    int32_t old = DISTANCE_UNKNOWN;
    if (!atomic_compare_exchange_strong(&e->distance, &old, distance) && old != distance)
        atomic_store(&e->distance, DISTANCE_VARIABLE);
    atomic_fetch_add_explicit(&e->samples, 1, memory_order_relaxed);
}

/* ---- the unwinder ---- */

typedef struct unwound {
    uintptr_t pc[UNWIND_FRAMES], cfa[UNWIND_FRAMES];
    bool interrupted[UNWIND_FRAMES]; /* a frame a signal stopped (its pc is not a return) */
    unsigned n;
} unwound;

static _Unwind_Reason_Code collect(struct _Unwind_Context *uc, void *arg) {
    unwound *u = arg;
    int before_insn = 0;
    u->pc[u->n] = _Unwind_GetIPInfo(uc, &before_insn);
    u->interrupted[u->n] = before_insn != 0;
    u->cfa[u->n] = _Unwind_GetCFA(uc);
    return ++u->n == UNWIND_FRAMES ? _URC_NORMAL_STOP : _URC_NO_REASON;
}

/* The frame below which the task's own code runs (0: all of the stack). */
static uintptr_t entry_frame(void) {
    knot__task *t = knot__current; /* knot__self would adopt a foreign thread */
    return t ? t->entry_frame : 0;
}

/* Whether a function whose CFA is cfa is the runtime's, which called the
 * task's function (or one above it). */
static bool above_entry(uintptr_t cfa, uintptr_t entry) { return entry && cfa > entry; }

static __attribute__((noinline)) unsigned chain_unwound(uintptr_t ra, uintptr_t *out,
                                                        unsigned max) {
    unwound u = {.n = 0};
    _Unwind_Reason_Code rc = _Unwind_Backtrace(collect, &u);
    bool ended = rc == _URC_END_OF_STACK && u.n < UNWIND_FRAMES;
    /* The unwinder reports the end of the stack as one more frame at 0. */
    while (u.n > 0 && u.pc[u.n - 1] == 0)
        u.n--;
    /* The unwinder's CFA of a frame is the stack pointer in it (its
     * callee's CFA), so a frame's distance is the next one's minus its own. */
    for (unsigned k = 1; k + 1 < u.n; k++)
        frame_learn(u.pc[k], (int32_t)(u.cfa[k + 1] - u.cfa[k]));
    frame_entry *last = ended && u.n > 1 ? frame_find(u.pc[u.n - 1], true) : NULL;
    if (last)
        atomic_store_explicit(&last->outermost, true, memory_order_relaxed);
    for (unsigned k = 1; k + 1 < u.n; k++)
        if (u.interrupted[k + 1]) { /* then frame k is the signal's return */
            frame_entry *e = frame_find(u.pc[k], true);
            if (e)
                atomic_store_explicit(&e->trampoline, true, memory_order_relaxed);
            u.n = k; /* a handler's chain ends there */
        }
    uintptr_t entry = entry_frame();
    unsigned n = 0;
    for (unsigned k = 1; k < u.n && n < max; k++) {
        if (n > 0 && entry && (k + 1 == u.n || above_entry(u.cfa[k + 1], entry)))
            break;
        if (n > 0 || u.pc[k] == ra)
            out[n++] = u.pc[k];
    }
    return n;
}

/* ---- the fast walk ---- */

#if defined(__x86_64__)
/* The current stack's highest address, or 0 when unknown. */
static KNOT__TLS uintptr_t thread_stack_lo, thread_stack_hi;

static uintptr_t stack_top(uintptr_t sp) {
    knot__task *t = knot__current;
    if (t && t->stack && sp >= (uintptr_t)t->stack->lo && sp < (uintptr_t)knot__stack_top(t->stack))
        return (uintptr_t)knot__stack_top(t->stack);
    if (!thread_stack_hi) {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            void *addr;
            size_t size;
            if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
                thread_stack_lo = (uintptr_t)addr;
                thread_stack_hi = (uintptr_t)addr + size;
            }
            pthread_attr_destroy(&attr);
        }
    }
    return sp >= thread_stack_lo && sp < thread_stack_hi ? thread_stack_hi : 0;
}

/* The trusted distance of pc's frame, or a DISTANCE_ value; *outermost
 * says whether no frame lies above it. */
static int32_t distance_of(uintptr_t pc, bool *outermost) {
    frame_entry *e = frame_find(pc, false);
    if (!e)
        return DISTANCE_UNKNOWN;
    if (atomic_load_explicit(&e->trampoline, memory_order_relaxed))
        return DISTANCE_TRAMPOLINE;
    *outermost = atomic_load_explicit(&e->outermost, memory_order_relaxed);
    if (atomic_load_explicit(&e->samples, memory_order_relaxed) < SAMPLES_NEEDED)
        return DISTANCE_UNKNOWN;
    return atomic_load_explicit(&e->distance, memory_order_relaxed);
}

/* The last walks of this thread, by where they started: the same return
 * addresses found again in the same stack slots make the same chain (the
 * walk reads nothing else), so a repeated call from the same place costs
 * a few compares instead of a table look-up per frame. */
#define MEMOS      8
#define MEMO_SLOTS (RUNTIME_FRAMES + KNOT__CHAIN_MAX)

typedef struct walk_memo {
    uintptr_t lo, hi, ra0, entry; /* where the walk began, in which stack, for which call, task */
    unsigned nslots, n;           /* stack slots read; frames found */
    uintptr_t slot[MEMO_SLOTS], value[MEMO_SLOTS];
    uintptr_t out[KNOT__CHAIN_MAX];
    uintptr_t note; /* the caller's, for this chain (knot__callchain); 0 when new */
} walk_memo;

static KNOT__TLS walk_memo memos[MEMOS];

static walk_memo *memo_of(uintptr_t ra0) {
    return &memos[(ra0 * 0x9E3779B97F4A7C15ull) >> 61]; /* calls a few bytes apart differ */
}

static bool memo_holds(const walk_memo *m, uintptr_t lo, uintptr_t hi, uintptr_t ra0,
                       uintptr_t entry) {
    if (m->lo != lo || m->hi != hi || !hi || m->ra0 != ra0 || m->entry != entry || m->n == 0)
        return false;
    for (unsigned i = 0; i < m->nslots; i++)
        if (*(const uintptr_t *)m->slot[i] != m->value[i])
            return false;
    return true;
}

/* The walk over the table; 0 when the unwinder must answer. */
static unsigned walk(uintptr_t ra0, uintptr_t lo, uintptr_t hi, uintptr_t ra, uintptr_t entry,
                     uintptr_t *out, unsigned max, walk_memo *m) {
    uintptr_t cfa = lo + 16;
    unsigned n = 0, below = 0;
    m->nslots = 0;
    while (hi) {
        bool outermost = false;
        int32_t d = distance_of(ra, &outermost);
        if (n > 0 && d == DISTANCE_TRAMPOLINE)
            return n;
        if (n > 0 && outermost) {
            if (!entry)
                out[n++] = ra;
            return n;
        }
        if (d <= 0 || cfa + (uintptr_t)d > hi)
            return 0; /* not known well enough */
        if (n > 0 || ra == ra0) {
            if (n > 0 && above_entry(cfa + (uintptr_t)d, entry))
                return n;
            out[n++] = ra;
            if (n == max)
                return n;
        } else if (++below > RUNTIME_FRAMES) {
            return 0;
        }
        cfa += (uintptr_t)d;
        ra = *(const uintptr_t *)(cfa - 8);
        m->slot[m->nslots] = cfa - 8;
        m->value[m->nslots++] = ra;
    }
    return 0;
}
#endif

unsigned __attribute__((noinline))
knot__callchain(const void *return_address, uintptr_t *out, unsigned max, uintptr_t **note) {
    uintptr_t ra0 = (uintptr_t)return_address;
    *note = NULL;
    if (max == 0 || !ra0)
        return 0;
    if (max == 1) {
        out[0] = ra0;
        return 1;
    }
#if defined(__x86_64__)
    /* This function's own frame: its return address sits just below its
     * CFA, and __builtin_frame_address gives it a frame pointer. */
    uintptr_t lo = (uintptr_t)__builtin_frame_address(0);
    uintptr_t hi = stack_top(lo), entry = entry_frame();
    walk_memo *m = memo_of(ra0);
    if (memo_holds(m, lo, hi, ra0, entry) && m->n <= max) {
        *note = &m->note;
        if (m->note == 0) /* else the caller needs no frames */
            memcpy(out, m->out, m->n * sizeof *out);
        return m->n;
    }
    unsigned n = walk(ra0, lo, hi, (uintptr_t)__builtin_return_address(0), entry, out, max, m);
    m->lo = lo, m->hi = hi, m->ra0 = ra0, m->entry = entry, m->n = n;
    m->note = 0;
    memcpy(m->out, out, n * sizeof *out);
    if (n > 0) {
        *note = &m->note;
        return n;
    }
#endif
    return chain_unwound(ra0, out, max);
}

void knot__callchain_forget_notes(void) {
#if defined(__x86_64__)
    for (unsigned i = 0; i < MEMOS; i++)
        memos[i].note = 0;
#endif
}
