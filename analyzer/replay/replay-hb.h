/* The happens-before model of the replayer (replay-hb.c): each task's vector
 * clock, advanced and joined along the Go memory model's edges and the
 * pthread ones as the events stream past. */
#ifndef KNOT_REPLAY_HB_H
#define KNOT_REPLAY_HB_H

#include "replay.h"

int knot__hb_init(knot__replay *r);
/* Advance the clocks for e and set e->clock to its epoch. */
void knot__hb_event(knot__replay *r, knot__event *e);
void knot__hb_free(knot__replay *r);

#endif
