/* Task stacks: allocation, reuse, and catching an overflow.
 *
 * A stack is reserved, never committed: the kernel gives it a page when it
 * is first touched, so a parked task costs the pages its frames reached
 * (usually one) whatever the stack's size. Two kinds:
 *
 * - Guarded: a mapping of its own with a PROT_NONE page below it. An
 *   overflow faults there, and the SIGSEGV handler (on an alternate signal
 *   stack) says which task overflowed. Each costs two of the kernel's memory
 *   mappings, and vm.max_map_count is 65530 by default, so only the first
 *   quarter of that budget is spent on guarded stacks.
 * - Packed: past that budget, stacks are cut from slabs of SLAB_STACKS,
 *   one mapping each, with no guard page. They rely on the canary below.
 *
 * A packed stack's canary is the top word of the stack below it in the
 * slab, part of that stack's header, so an overflow reaches it first and it
 * costs no page of its own (the slab's lowest stack has one at its bottom).
 * It is checked each time the task switches out and when it ends: an
 * overflow is reported there rather than left to corrupt its neighbour.
 *
 * Finished stacks of the default size are kept for reuse: the first
 * HOT_STACKS as they are, the rest with their pages handed back to the
 * system (MADV_DONTNEED), and guarded ones past COLD_GUARDED unmapped. */
#include "internal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define CANARY        UINT64_C(0x6b6e6f7453544b21) /* "knotSTK!" */
#define SLAB_STACKS   64
#define HOT_STACKS    64
#define COLD_GUARDED  1024
#define MIN_STACK     (16u << 10)
#define DEFAULT_STACK (64u << 10)

static knot__lock stack_lock;
static knot__stack *hot, *cold; /* default-size stacks ready for reuse */
static size_t hot_len, cold_guarded;
static size_t guarded_live, guarded_budget;
static size_t default_size, page;
static char *slab_next; /* packed stacks not yet handed out */
static size_t slab_left;

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

/* The header lives in the stack's top bytes, so a stack needs no other
 * allocation; the task's first frame starts below it. */
static knot__stack *header_at(char *lo, size_t size) {
    /* The top page is written at once (this header, the first frames).
     * Asking for it costs a system call; taking it by a page fault costs
     * several times more, most of all under a hypervisor. Without
     * MADV_POPULATE_WRITE (before Linux 5.14) the fault it is. */
    (void)madvise(lo + size - page, page, MADV_POPULATE_WRITE);
    knot__stack *s = (knot__stack *)(void *)(lo + size - sizeof(knot__stack));
    s->lo = lo;
    s->size = size - sizeof(knot__stack);
    s->canary = NULL;
    s->top_canary = CANARY;
    return s;
}

static knot__stack *map_guarded(size_t size) {
    size_t total = size + page;
    char *m = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    if (mprotect(m + page, size, PROT_READ | PROT_WRITE) != 0) {
        munmap(m, total);
        return NULL;
    }
    knot__stack *s = header_at(m + page, size);
    s->guard = m;
    s->map_size = total;
    return s;
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
    bool lowest = slab_left == SLAB_STACKS;
    slab_next += default_size;
    slab_left--;
    knot__stack *s = header_at(lo, default_size);
    s->guard = NULL;
    s->map_size = 0;
    /* The word below this stack: the top of the one under it, or for the
     * slab's lowest stack, its own bottom word. */
    s->canary = lowest ? (uint64_t *)(void *)lo : (uint64_t *)(void *)lo - 1;
    *s->canary = CANARY;
    return s;
}

knot__stack *knot__stack_get(size_t size) {
    knot__lock_acquire(&stack_lock);
    init_sizes();
    knot__stack *s = NULL;
    if (size == 0 || round_up(size, page) == default_size) {
        if (hot) {
            s = hot;
            hot = s->next;
            hot_len--;
        } else if (cold) {
            s = cold;
            cold = s->next;
            if (s->guard)
                cold_guarded--;
        } else if (guarded_live < guarded_budget && (s = map_guarded(default_size))) {
            guarded_live++;
        } else {
            s = cut_packed();
        }
    } else {
        /* A size of its own: always guarded, unmapped when the task ends. */
        size = round_up(size < MIN_STACK ? MIN_STACK : size, page);
        if ((s = map_guarded(size)))
            guarded_live++;
    }
    knot__lock_release(&stack_lock);
    if (s && s->canary)
        *s->canary = CANARY; /* the slab's lowest may have been handed back */
    return s;
}

void knot__stack_put(knot__stack *s) {
    bool unmap = false;
    knot__lock_acquire(&stack_lock);
    bool own_size = s->size + sizeof *s != default_size;
    bool too_many = s->guard && cold_guarded >= COLD_GUARDED && hot_len >= HOT_STACKS;
    if (own_size || too_many) {
        unmap = true;
    } else if (hot_len < HOT_STACKS) {
        s->next = hot;
        hot = s;
        hot_len++;
        s = NULL;
    } else {
        /* Give the pages back, all but the one holding the header. */
        size_t keep = round_up(sizeof *s, page);
        (void)madvise(s->lo, default_size - keep, MADV_DONTNEED);
        s->next = cold;
        cold = s;
        if (s->guard)
            cold_guarded++;
        s = NULL;
    }
    if (unmap)
        guarded_live--;
    knot__lock_release(&stack_lock);
    if (unmap)
        munmap(s->guard, s->map_size);
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
    n = put_num(buf, n, size, (t->stack ? t->stack->size + sizeof(knot__stack) : 0) >> 10);
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
    if (t && t->stack && t->stack->guard) {
        const char *a = info->si_addr;
        if (a >= t->stack->guard && a < t->stack->lo + 64)
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
