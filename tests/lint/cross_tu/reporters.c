/* Tasks that report on a channel they are given: their callers, and the
 * callers' mistakes, are in workers.c. */
#include "spawn.h"

void report_done(void *arg) {
    struct report *r = arg;
    int code = r->code;
    knot_chan_send(r->results, &code); // want: unreceived-send
}
