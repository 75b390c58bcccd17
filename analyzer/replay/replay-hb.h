/* The happens-before model of the replayer (replay-hb.c): each task's vector
 * clock, advanced and joined along the Go memory model's edges and the
 * pthread ones as the events stream past. */
#ifndef KNOT_REPLAY_HB_H
#define KNOT_REPLAY_HB_H

#include "replay.h"

int knot_hb_init(knot_replay *r);
/* Advance the clocks for e and set e->clock to its epoch. */
void knot_hb_event(knot_replay *r, knot_event *e);
void knot_hb_free(knot_replay *r);

#endif
