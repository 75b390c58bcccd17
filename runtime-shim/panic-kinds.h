/* Which panic a panic event records (its a): the runtime says so when it
 * panics, so that neither it nor the analyzer's rules read a message, and a
 * message can be reworded without changing what the trace says. Stable
 * numbers, as the event kinds' (docs/trace-format.md lists them). */
#ifndef KNOT_PANIC_KINDS_H
#define KNOT_PANIC_KINDS_H

enum knot__panic_kind {
    KNOT__PANIC_OTHER = 0, /* anything else: out of memory, freeing a busy channel */
    KNOT__PANIC_SEND_ON_CLOSED = 1,
    KNOT__PANIC_CLOSE_OF_CLOSED = 2,
    KNOT__PANIC_CLOSE_OF_NIL = 3,
    KNOT__PANIC_NEGATIVE_WG = 4, /* a wait group's counter went below zero */
};

#endif /* KNOT_PANIC_KINDS_H */
