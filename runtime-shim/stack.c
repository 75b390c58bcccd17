/* Task stacks: allocation, reuse, and catching an overflow.
 *
 * A stack is reserved, never committed: the kernel gives it a page when it
 * is first touched, so a parked task costs the pages its frames reached
 * (usually one) whatever the stack's size. Its descriptor lives apart, so
 * handing a stack out touches none of its pages: the new task's first frame
 * does, on the thread that runs it. A first touch is the dearest thing a
 * spawn does (a page fault; tens of microseconds under some hypervisors),
 * and this way it runs in parallel with the spawner. The spawner only asks
 * the kernel for the top page of a fresh stack (MADV_POPULATE_WRITE), which
 * costs less than the fault it saves the runner.
 *
 * Two kinds:
 * - Guarded: a mapping of its own with a PROT_NONE page below it. An
 *   overflow faults there, and the SIGSEGV handler (on an alternate signal
 *   stack) says which task overflowed. Each costs two of the kernel's memory
 *   mappings, and vm.max_map_count is 65530 by default, so only the first
 *   quarter of that budget is spent on guarded stacks. They are mapped
 *   GUARD_BATCH at a time, one system call for the lot and one per guard.
 * - Packed: past that budget, stacks are cut from slabs of SLAB_STACKS,
 *   one mapping each, with no guard page. They rely on the canary below.
 *
 * A packed stack's canary is in the top CANARY_ROOM bytes of the stack below
 * it in the slab, kept out of that stack's usable size, so an overflow
 * reaches it first and it costs no page of its own (the slab's lowest stack
 * has one at its bottom). The task writes it at its first moment
 * (knot__stack_arm); it is checked each time the task switches out and when
 * it ends: an overflow is reported there rather than left to corrupt its
 * neighbour.
 *
 * A finished stack of the default size goes back on the ready list as it
 * is: no system call when a task ends. The monitor thread gives memory back
 * (knot__stacks_trim), Go's scavenger in small: stacks the ready list held
 * through a whole TRIM_PERIOD_NS beyond HOT_STACKS hand their pages back
 * (MADV_DONTNEED; a packed one keeps its top page, which holds the canary
 * of the stack above), and guarded ones past COLD_GUARDED are unmapped. */
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define CANARY         UINT64_C(0x6b6e6f7453544b21) /* "knotSTK!" */
#define CANARY_ROOM    16                           /* keeps the top 16-byte aligned */
#define SLAB_STACKS    64
#define GUARD_BATCH    16
#define HOT_STACKS     64
#define COLD_GUARDED   1024
#define TRIM_PERIOD_NS (UINT64_C(50) * 1000 * 1000)
#define TRIM_MAX       512 /* stacks given back per call, so the monitor never lingers */
#define MIN_STACK      (16u << 10)
#define DEFAULT_STACK  (64u << 10)

static knot__lock stack_lock;
static knot__stack *ready, *cold; /* default-size stacks: resident, and given back */
static size_t ready_len, ready_low, cold_guarded;
static size_t guarded_live, guarded_budget;
static size_t default_size, page;
static char *slab_next; /* packed stacks not yet handed out */
static size_t slab_left;
static knot__stack *batch;          /* guarded stacks mapped, not yet handed out */
static _Atomic uint64_t trimmed_ns; /* read unlocked: the monitor asks often */

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

static size_t max_map_count(void) {
    FILE *f = fopen("/proc/sys/vm/max_map_count", "re");
    char line[32] = "";
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    long n = strtol(line, NULL, 10);
    return n > 0 ? (size_t)n : 65530;
}

/* Sizes from KNOT_STACK: bytes, or with a k/K or m/M suffix. */
static size_t parse_size(const char *s) {
    if (!s || !*s)
        return 0;
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    if (*end == 'k' || *end == 'K')
        n <<= 10;
    else if (*end == 'm' || *end == 'M')
        n <<= 20;
    return (size_t)n;
}

static void init_sizes(void) {
    if (page)
        return;
    page = (size_t)sysconf(_SC_PAGESIZE);
    size_t want = parse_size(getenv("KNOT_STACK"));
    default_size = round_up(want >= MIN_STACK ? want : DEFAULT_STACK, page);
    guarded_budget = max_map_count() / 4;
}

static knot__stack *describe(char *lo, size_t size, char *guard, size_t map_size) {
    knot__stack *s = calloc(1, sizeof *s);
    if (s) {
        s->lo = lo;
        s->size = size;
        s->guard = guard;
        s->map_size = map_size;
    }
    return s;
}

/* A fresh stack's top page, taken now by a system call rather than later
 * by a page fault, which costs several times more (most of all under a
 * hypervisor). Without MADV_POPULATE_WRITE (before Linux 5.14) the fault
 * it is. */
static void populate_top(const knot__stack *s) {
    uintptr_t top_page = ((uintptr_t)knot__stack_top(s) - 1) & ~(uintptr_t)(page - 1);
    int saved = errno; /* the spawner's: an old kernel's EINVAL is no news to it */
    (void)madvise((void *)top_page, page, MADV_POPULATE_WRITE);
    errno = saved;
}

/* n guarded stacks of size bytes in one mapping, each below its guard
 * page; the first is returned, the others go on `batch` (lock held by the
 * caller for default-size ones). */
static knot__stack *map_guarded(size_t size, int n) {
    size_t each = size + page;
    char *m = mmap(NULL, each * (size_t)n, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    knot__stack *first = NULL;
    for (int i = 0; i < n; i++) {
        char *g = m + each * (size_t)i;
        knot__stack *s = NULL;
        if (mprotect(g, page, PROT_NONE) != 0 || !(s = describe(g + page, size, g, each))) {
            munmap(g, each * (size_t)(n - i)); /* the rest, never handed out */
            break;
        }
        if (!first) {
            first = s;
        } else {
            s->next = batch;
            batch = s;
        }
    }
    if (!first)
        munmap(m, each * (size_t)n);
    return first;
}

static knot__stack *cut_packed(void) {
    if (!slab_left) {
        size_t total = default_size * SLAB_STACKS;
        char *m = mmap(NULL, total, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        slab_next = m;
        slab_left = SLAB_STACKS;
    }
    char *lo = slab_next;
    knot__stack *s = describe(lo, default_size - CANARY_ROOM, NULL, 0);
    if (!s)
        return NULL;
    bool lowest = slab_left == SLAB_STACKS;
    slab_next += default_size;
    slab_left--;
    /* The stack below's canary room, or for the slab's lowest stack, its
     * own bottom word. */
    s->canary = lowest ? (uint64_t *)(void *)lo : (uint64_t *)(void *)(lo - CANARY_ROOM);
    return s;
}

/* A default-size stack (lock held); *fresh: its pages are not there yet. */
static knot__stack *get_default(bool *fresh) {
    knot__stack *s;
    *fresh = false;
    if ((s = ready)) {
        ready = s->next;
        if (--ready_len < ready_low)
            ready_low = ready_len;
        return s;
    }
    if ((s = cold)) {
        cold = s->next;
        if (s->guard)
            cold_guarded--;
    } else if ((s = batch)) {
        batch = s->next;
    } else if (guarded_live < guarded_budget && (s = map_guarded(default_size, GUARD_BATCH))) {
        guarded_live += GUARD_BATCH;
    } else {
        s = cut_packed();
    }
    *fresh = s != NULL;
    return s;
}

knot__stack *knot__stack_get(size_t size) {
    knot__lock_acquire(&stack_lock);
    init_sizes();
    knot__stack *s = NULL;
    bool fresh = true;
    if (size == 0 || round_up(size, page) == default_size) {
        s = get_default(&fresh);
        knot__lock_release(&stack_lock);
    } else {
        /* A size of its own: always guarded, unmapped when the task ends. */
        size = round_up(size < MIN_STACK ? MIN_STACK : size, page);
        guarded_live++;
        knot__lock_release(&stack_lock);
        if (!(s = map_guarded(size, 1))) {
            knot__lock_acquire(&stack_lock);
            guarded_live--;
            knot__lock_release(&stack_lock);
        }
    }
    if (!s)
        return NULL;
    s->next = NULL;
    if (fresh)
        populate_top(s); /* a system call: outside the lock ending tasks take */
    return s;
}

static void unmap(knot__stack *s) {
    munmap(s->guard, s->map_size);
    free(s);
}

void knot__stack_put(knot__stack *s) {
    knot__lock_acquire(&stack_lock);
    if (s->size != default_size - (s->guard ? 0 : CANARY_ROOM)) {
        guarded_live--; /* a size of its own */
        knot__lock_release(&stack_lock);
        unmap(s);
        return;
    }
    s->next = ready;
    ready = s;
    ready_len++;
    knot__lock_release(&stack_lock);
}

void knot__stacks_trim(uint64_t now_ns, bool all) {
    if (!all && now_ns - atomic_load_explicit(&trimmed_ns, memory_order_relaxed) < TRIM_PERIOD_NS)
        return;
    knot__lock_acquire(&stack_lock);
    /* Only what sat unused the whole period: a list drawn down and filled
     * again by bursts of tasks keeps what the bursts need. */
    size_t spare = all ? ready_len : ready_low;
    size_t n = spare > HOT_STACKS ? spare - HOT_STACKS : 0;
    if (!all && n > TRIM_MAX)
        n = TRIM_MAX;
    knot__stack *take = NULL;
    for (size_t i = 0; i < n; i++) {
        knot__stack *s = ready;
        ready = s->next;
        s->next = take;
        take = s;
    }
    ready_len -= n;
    ready_low = ready_len;
    atomic_store_explicit(&trimmed_ns, now_ns, memory_order_relaxed);
    size_t guarded_room = COLD_GUARDED > cold_guarded ? COLD_GUARDED - cold_guarded : 0;
    knot__lock_release(&stack_lock);
    if (!take)
        return;
    /* Outside the lock: one system call each. */
    knot__stack *keep = NULL, *last = NULL;
    size_t kept_guarded = 0, unmapped = 0;
    while (take) {
        knot__stack *s = take;
        take = s->next;
        if (s->guard && kept_guarded >= guarded_room) {
            unmap(s);
            unmapped++;
            continue;
        }
        /* A packed stack's top page holds the canary of the stack above. */
        size_t back = s->guard ? s->size : s->size + CANARY_ROOM - page;
        (void)madvise(s->lo, back, MADV_DONTNEED);
        kept_guarded += s->guard != NULL;
        s->next = keep;
        keep = s;
        if (!last)
            last = s;
    }
    knot__lock_acquire(&stack_lock);
    if (keep) {
        last->next = cold;
        cold = keep;
    }
    cold_guarded += kept_guarded;
    guarded_live -= unmapped;
    knot__lock_release(&stack_lock);
}

void knot__stack_arm(knot__stack *s) {
    if (s->canary)
        *s->canary = CANARY;
}

bool knot__stack_intact(const knot__stack *s) { return !s->canary || *s->canary == CANARY; }

void knot__stacks_fork(enum knot__fork_phase phase) {
    /* Held across fork, so the child never inherits the lists half-changed. */
    (void)knot__lock_fork(&stack_lock, phase);
}

/* ---- reporting an overflow --------------------------------------------------------------- */

/* Async-signal-safe: built with no stdio, written with one write(). */
static size_t put_str(char *buf, size_t at, size_t size, const char *s) {
    while (*s && at + 1 < size)
        buf[at++] = *s++;
    return at;
}

static size_t put_num(char *buf, size_t at, size_t size, uint64_t n) {
    char digits[24];
    int k = 0;
    do
        digits[k++] = (char)('0' + n % 10);
    while ((n /= 10) && k < (int)sizeof digits);
    while (k && at + 1 < size)
        buf[at++] = digits[--k];
    return at;
}

void knot__stack_overflow(const knot__task *t) {
    char buf[768];
    size_t n = 0, size = sizeof buf;
    const knot_site *site = t->spawn_site ? t->spawn_site : &knot__unknown_site;
    n = put_str(buf, n, size, "fatal error: stack overflow in task ");
    n = put_num(buf, n, size, t->id);
    n = put_str(buf, n, size, " (spawned at ");
    n = put_str(buf, n, size, site->file ? site->file : "<unknown>");
    n = put_str(buf, n, size, ":");
    n = put_num(buf, n, size, (uint64_t)site->line);
    n = put_str(buf, n, size, ")\n\thint: the task had a stack of ");
    n = put_num(buf, n, size, (t->stack ? t->stack->size + 1023 : 0) >> 10);
    n = put_str(buf, n, size,
                " KiB; raise every task's with KNOT_STACK (e.g. KNOT_STACK=1M), or start this "
                "one with knot_go_stack()\n");
    (void)!write(2, buf, n);
    if (knot__on_fatal)
        knot__on_fatal();
    _exit(2);
}

static struct sigaction previous_segv;

static void on_segv(int sig, siginfo_t *info, void *uc) {
    const knot__task *t = knot__sched_running();
    if (t && t->stack) {
        /* Into its guard page, or for a packed stack, past its slab's end. */
        const char *a = info->si_addr;
        const char *below = t->stack->guard ? t->stack->guard : t->stack->lo - (64u << 10);
        if (a >= below && a < t->stack->lo + 64)
            knot__stack_overflow(t);
    }
    /* Not a task's overflow: as if knot had not been here. */
    if (previous_segv.sa_flags & SA_SIGINFO && previous_segv.sa_sigaction) {
        previous_segv.sa_sigaction(sig, info, uc);
        return;
    }
    if (previous_segv.sa_handler != SIG_DFL && previous_segv.sa_handler != SIG_IGN &&
        previous_segv.sa_handler) {
        previous_segv.sa_handler(sig);
        return;
    }
    signal(SIGSEGV, SIG_DFL); /* the fault repeats on return and ends the process */
}

void knot__stack_catch_overflow(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGSEGV, &sa, &previous_segv);
}

void knot__stack_signal_stack(void) {
    stack_t old;
    if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
        return; /* the program set one up: keep it */
    size_t size = (size_t)SIGSTKSZ > (32u << 10) ? (size_t)SIGSTKSZ : (32u << 10);
    void *mem = malloc(size);
    if (!mem)
        return;
    stack_t ss = {.ss_sp = mem, .ss_size = size, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0)
        free(mem);
}
