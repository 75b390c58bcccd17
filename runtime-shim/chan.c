/* Channels, after Go's runtime/chan.go.
 *
 * A channel is a lock, a ring buffer and two queues of parked tasks. A sender
 * that finds a parked receiver copies straight into the receiver's variable
 * and wakes it; otherwise it uses the buffer, otherwise it parks. Values never
 * pass through the buffer when a partner is waiting, so an unbuffered channel
 * is a rendezvous and a full buffered one keeps FIFO order (the receiver that
 * unblocks a sender moves that sender's value into the slot it freed). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- wait queues ---------------------------------------------------------- */

void knot__waitq_push(knot__waitq *q, knot__waiter *w) {
    w->next = NULL;
    w->prev = q->last;
    if (q->last)
        q->last->next = w;
    else
        q->first = w;
    q->last = w;
    w->queued = true;
}

void knot__waitq_remove(knot__waitq *q, knot__waiter *w) {
    if (!w->queued)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        q->first = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        q->last = w->prev;
    w->prev = w->next = NULL;
    w->queued = false;
}

knot__waiter *knot__waitq_claim(knot__waitq *q) {
    for (knot__waiter *w = q->first; w; w = q->first) {
        knot__waitq_remove(q, w);
        if (w->task->gone)
            continue; /* left queued by a parent's task before fork() */
        if (w->selected) {
            /* A select waits on several queues; only the first claim wins. */
            int expect = -1;
            if (!atomic_compare_exchange_strong_explicit(w->selected, &expect, w->case_index,
                                                         memory_order_acq_rel,
                                                         memory_order_acquire))
                continue;
        }
        knot__block_claimed();
        return w;
    }
    return NULL;
}

/* ---- elements: the buffer's slots, copies in and out -------------------------- */

static unsigned char *slot(knot_chan *ch, size_t i) { return ch->buf + i * ch->elem_size; }

static void copy_elem(knot_chan *ch, void *dst, const void *src) {
    if (dst && ch->elem_size)
        memcpy(dst, src, ch->elem_size);
}

static void zero_elem(knot_chan *ch, void *dst) {
    if (dst && ch->elem_size)
        memset(dst, 0, ch->elem_size);
}

/* ---- tracing, with ch locked ------------------------------------------------ */

/* The event of an operation that completed without blocking. For a receive,
 * a names the event it observed (the send, or the close) and b says ok; in a
 * select, b is the case index. */
static uint64_t trace_op(knot_chan *ch, const knot__op *op, uint64_t matched, uint64_t ok) {
    return KNOT__TRACE(op->kind, KNOT__POINT, op->task, ch->id, &ch->clock, op->site, matched,
                       op->kind == KNOT__EV_CHAN_RECV || op->kind == KNOT__EV_CHAN_SEND
                           ? ok
                           : (uint64_t)op->case_index);
}

/* The end of a parked task's operation, completed by this thread. */
static uint64_t trace_end(knot_chan *ch, const knot__waiter *w, uint64_t matched, uint64_t ok) {
    return KNOT__TRACE(w->kind, KNOT__END, w->task, ch->id, &ch->clock, w->site, matched,
                       w->kind == KNOT__EV_SELECT ? (uint64_t)w->case_index : ok);
}

static void trace_begin(knot_chan *ch, knot__task *self, uint16_t kind, const knot_site *site) {
    (void)KNOT__TRACE(kind, KNOT__BEGIN, self, ch->id, &ch->clock, site, 0, 0);
}

/* A hand-off: the receive is synchronised before the send completes (Go's
 * memory model), so the sender's next event must sort after the receive.
 * Raising the sender's clock to the channel's does that: with ch locked, and
 * the sender either running this code or parked until we wake it. */
static void after_partner(knot__task *sender, const knot_chan *ch) {
    if (sender && sender->clock < ch->clock)
        sender->clock = ch->clock;
}

/* ---- the moves, with ch locked ------------------------------------------------ */

bool knot__chan_try_send(knot_chan *ch, const void *elem, knot__waiter **wake, const knot__op *op) {
    knot__waiter *w = knot__waitq_claim(&ch->recvq);
    if (w) {
        copy_elem(ch, w->elem, elem);
        w->success = true;
        *wake = w;
        if (KNOT__UNLIKELY(knot__tracing)) {
            trace_end(ch, w, trace_op(ch, op, 0, 0), 1);
            after_partner(op->task, ch);
        }
        return true;
    }
    if (ch->count < ch->cap) {
        if (ch->elem_size)
            memcpy(slot(ch, ch->sendx), elem, ch->elem_size);
        if (KNOT__UNLIKELY(knot__tracing) && ch->slot_seq)
            ch->slot_seq[ch->sendx] = trace_op(ch, op, 0, 0);
        ch->sendx = ch->sendx + 1 == ch->cap ? 0 : ch->sendx + 1;
        ch->count++;
        return true;
    }
    return false;
}

bool knot__chan_try_recv(knot_chan *ch, void *elem, bool *ok, knot__waiter **wake,
                         const knot__op *op) {
    bool tracing = KNOT__UNLIKELY(knot__tracing);
    knot__waiter *w = knot__waitq_claim(&ch->sendq);
    if (w) {
        if (ch->cap == 0) {
            copy_elem(ch, elem, w->elem);
            if (tracing) {
                trace_op(ch, op, trace_end(ch, w, 0, 0), 1);
                after_partner(w->task, ch);
            }
        } else {
            /* Full buffer: take the head, put the sender's value at the tail,
             * which is the slot just freed. */
            copy_elem(ch, elem, slot(ch, ch->recvx));
            if (ch->elem_size)
                memcpy(slot(ch, ch->recvx), w->elem, ch->elem_size);
            if (tracing && ch->slot_seq) {
                trace_op(ch, op, ch->slot_seq[ch->recvx], 1);
                ch->slot_seq[ch->recvx] = trace_end(ch, w, 0, 0);
            }
            ch->recvx = ch->recvx + 1 == ch->cap ? 0 : ch->recvx + 1;
            ch->sendx = ch->recvx;
        }
        w->success = true;
        *wake = w;
        *ok = true;
        return true;
    }
    if (ch->count > 0) {
        copy_elem(ch, elem, slot(ch, ch->recvx));
        if (tracing && ch->slot_seq)
            trace_op(ch, op, ch->slot_seq[ch->recvx], 1);
        ch->recvx = ch->recvx + 1 == ch->cap ? 0 : ch->recvx + 1;
        ch->count--;
        *ok = true;
        return true;
    }
    if (ch->closed) {
        zero_elem(ch, elem);
        if (tracing)
            trace_op(ch, op, ch->close_seq, 0);
        *ok = false;
        return true;
    }
    return false;
}

void knot__chan_wake(knot__waiter *w) {
    if (w)
        knot__unpark(&w->task->parker);
}

static const char *chan_label(knot_chan *ch, char *buf, size_t size) {
    const knot_site *s = ch->made_at ? ch->made_at : &knot__unknown_site;
    if (ch->name)
        snprintf(buf, size, "channel \"%s\" made at %s:%d in %s()", ch->name, s->file, s->line,
                 s->func);
    else
        snprintf(buf, size, "channel made at %s:%d in %s()", s->file, s->line, s->func);
    return buf;
}

void knot__chan_panic(knot_chan *ch, const knot_site *site, enum knot__panic_kind kind,
                      const char *msg) {
    char label[512];
    knot__panic_object(ch ? ch->id : 0, site, ch ? chan_label(ch, label, sizeof label) : NULL, kind,
                       msg);
}

/* ---- public operations -------------------------------------------------------- */

knot_chan *knot_chan_make_at(size_t elem_size, size_t cap, const knot_site *site) {
    if (cap && elem_size > SIZE_MAX / cap)
        return NULL;
    knot_chan *ch = calloc(1, sizeof *ch);
    if (!ch)
        return NULL;
    if (cap && elem_size) {
        ch->buf = malloc(elem_size * cap);
        if (!ch->buf) {
            free(ch);
            return NULL;
        }
    }
    ch->elem_size = elem_size;
    ch->cap = cap;
    ch->made_at = site ? site : &knot__unknown_site;
    ch->id = knot__object_id();
    atomic_init(&ch->refs, 1);
    if (KNOT__UNLIKELY(knot__tracing)) {
        if (cap && !(ch->slot_seq = calloc(cap, sizeof *ch->slot_seq))) {
            free(ch->buf);
            free(ch);
            return NULL;
        }
        (void)KNOT__TRACE(KNOT__EV_CHAN_MAKE, KNOT__POINT, knot__self(), ch->id, &ch->clock, site,
                          cap, elem_size);
    }
    return ch;
}

void knot__chan_send_op(knot_chan *ch, const void *elem, const knot_site *site) {
    if (!ch) { /* a begin with no channel: blocked on nil, for the trace's leak check */
        (void)KNOT__TRACE(KNOT__EV_CHAN_SEND, KNOT__BEGIN, knot__self(), 0, NULL, site, 0, 0);
        knot__block_forever("chan send (nil chan)", site);
    }
    knot__waiter *wake = NULL;
    knot__lock_acquire(&ch->lock);
    if (ch->closed) {
        (void)KNOT__TRACE(KNOT__EV_CHAN_SEND, KNOT__POINT, knot__self(), ch->id, &ch->clock, site,
                          ch->close_seq, 1); /* result 1: this send panics */
        knot__lock_release(&ch->lock);
        knot__chan_panic(ch, site, KNOT__PANIC_SEND_ON_CLOSED, "send on closed channel");
    }
    knot__op op = {knot__tracing ? knot__self() : NULL, site, KNOT__EV_CHAN_SEND, 0};
    if (knot__chan_try_send(ch, elem, &wake, &op)) {
        knot__lock_release(&ch->lock);
        knot__chan_wake(wake);
        return;
    }
    knot__task *self = knot__self();
    knot__waiter w = {.task = self, .elem = (void *)elem, .site = site, .kind = KNOT__EV_CHAN_SEND};
    knot__waitq_push(&ch->sendq, &w);
    trace_begin(ch, self, KNOT__EV_CHAN_SEND, site);
    knot__block_begin(self, "chan send", site);
    knot__lock_release(&ch->lock);
    knot__park(&self->parker);
    if (!w.success)
        knot__chan_panic(ch, site, KNOT__PANIC_SEND_ON_CLOSED, "send on closed channel");
}

bool knot__chan_recv_op(knot_chan *ch, void *elem, const knot_site *site, const char *op) {
    if (!ch) {
        (void)KNOT__TRACE(KNOT__EV_CHAN_RECV, KNOT__BEGIN, knot__self(), 0, NULL, site, 0, 0);
        knot__block_forever("chan receive (nil chan)", site);
    }
    knot__waiter *wake = NULL;
    bool ok = false;
    knot__lock_acquire(&ch->lock);
    knot__op rop = {knot__tracing ? knot__self() : NULL, site, KNOT__EV_CHAN_RECV, 0};
    if (knot__chan_try_recv(ch, elem, &ok, &wake, &rop)) {
        knot__lock_release(&ch->lock);
        knot__chan_wake(wake);
        return ok;
    }
    knot__task *self = knot__self();
    knot__waiter w = {.task = self, .elem = elem, .site = site, .kind = KNOT__EV_CHAN_RECV};
    knot__waitq_push(&ch->recvq, &w);
    trace_begin(ch, self, KNOT__EV_CHAN_RECV, site);
    knot__block_begin(self, op, site);
    knot__lock_release(&ch->lock);
    knot__park(&self->parker);
    return w.success; /* on close, the closer zeroed *elem */
}

void knot_chan_send_at(knot_chan *ch, const void *elem, const knot_site *site) {
    knot__chan_send_op(ch, elem, site);
}

bool knot_chan_recv_at(knot_chan *ch, void *elem, const knot_site *site) {
    return knot__chan_recv_op(ch, elem, site, "chan receive");
}

void knot_chan_close_at(knot_chan *ch, const knot_site *site) {
    if (!ch)
        knot__panic(site, NULL, KNOT__PANIC_CLOSE_OF_NIL, "close of nil channel");
    knot__lock_acquire(&ch->lock);
    if (ch->closed) {
        knot__lock_release(&ch->lock);
        knot__chan_panic(ch, site, KNOT__PANIC_CLOSE_OF_CLOSED, "close of closed channel");
    }
    ch->closed = true;
    ch->close_seq =
        KNOT__TRACE(KNOT__EV_CHAN_CLOSE, KNOT__POINT, knot__self(), ch->id, &ch->clock, site, 0, 0);
    /* Claim every waiter under the lock, wake them after it: receivers get
     * false and a zero value, senders wake to panic. */
    knot__waiter *woken = NULL, *w;
    while ((w = knot__waitq_claim(&ch->recvq))) {
        zero_elem(ch, w->elem);
        w->success = false;
        trace_end(ch, w, ch->close_seq, 0);
        w->next = woken;
        woken = w;
    }
    while ((w = knot__waitq_claim(&ch->sendq))) {
        w->success = false;
        trace_end(ch, w, ch->close_seq, 0);
        w->next = woken;
        woken = w;
    }
    knot__lock_release(&ch->lock);
    while (woken) {
        w = woken;
        woken = w->next; /* read before the wake: the waiter's frame may vanish */
        knot__chan_wake(w);
    }
}

size_t knot_chan_len(knot_chan *ch) {
    if (!ch)
        return 0;
    knot__lock_acquire(&ch->lock);
    size_t n = ch->count;
    knot__lock_release(&ch->lock);
    return n;
}

size_t knot_chan_cap(knot_chan *ch) { return ch ? ch->cap : 0; }

void knot__chan_unref(knot_chan *ch) {
    if (atomic_fetch_sub_explicit(&ch->refs, 1, memory_order_acq_rel) != 1)
        return;
    free(ch->buf);
    free(ch->slot_seq);
    free(ch->name);
    free(ch);
}

void knot_chan_free_at(knot_chan *ch, const knot_site *site) {
    if (!ch)
        return;
    knot__lock_acquire(&ch->lock);
    bool busy = ch->recvq.first || ch->sendq.first;
    knot__lock_release(&ch->lock);
    if (busy)
        knot__chan_panic(ch, site, KNOT__PANIC_OTHER, "free of channel with blocked tasks");
    if (ch->is_timer)
        knot__timer_cancel(ch);
    (void)KNOT__TRACE(KNOT__EV_CHAN_FREE, KNOT__POINT, knot__self(), ch->id, &ch->clock, site, 0,
                      0);
    knot__chan_unref(ch);
}

void knot_chan_name(knot_chan *ch, const char *name) {
    if (!ch)
        return;
    char *copy = name ? strdup(name) : NULL;
    knot__lock_acquire(&ch->lock);
    char *old = ch->name;
    ch->name = copy;
    if (KNOT__UNLIKELY(knot__tracing) && copy)
        knot__emit_name(ch->id, copy);
    knot__lock_release(&ch->lock);
    free(old);
}

/* The plain functions behind the macros, for function pointers and (f)(x) calls. */
knot_chan *knot_chan_make(size_t elem_size, size_t cap) {
    return knot_chan_make_at(elem_size, cap, NULL);
}
void knot_chan_send(knot_chan *ch, const void *elem) { knot_chan_send_at(ch, elem, NULL); }
bool knot_chan_recv(knot_chan *ch, void *elem) { return knot_chan_recv_at(ch, elem, NULL); }
void knot_chan_close(knot_chan *ch) { knot_chan_close_at(ch, NULL); }
void knot_chan_free(knot_chan *ch) { knot_chan_free_at(ch, NULL); }
