/* Channel helpers in the style of a small pipeline library: the tasks and
 * functions of chan_users.c hand their channels to these, defined in
 * another translation unit. */
#ifndef CROSS_TU_CHAN_HELPERS_H
#define CROSS_TU_CHAN_HELPERS_H

#include <knot/knot.h>

/* Send one value on out. */
void produce(knot_chan *out, int value);
/* Send 0..n-1 on out. */
void produce_range(knot_chan *out, int n);
/* A second level: produce() with a log line. */
void emit_result(knot_chan *out, int value);
/* Receive n values from in and add them up. */
int take(knot_chan *in, int n);
/* Receive until in is closed. */
int drain(knot_chan *in);
/* Receive until the first negative value, and return it (0: none). */
int first_negative(knot_chan *in);
/* Close ch. */
void finish(knot_chan *ch);
/* Print how many values wait in ch: it neither sends nor receives. */
void log_queue(const char *what, knot_chan *ch);

#endif
