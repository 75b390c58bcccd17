/* Ends badly after recording some events: by panic, abort() or SIGSEGV
 * (argv[1]). Every event before the end must be in the trace. */
#include <knot/knot.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    knot_chan *ch = knot_chan_make(sizeof(int), 8);
    for (int i = 0; i < 8; i++)
        knot_chan_send(ch, &i); /* SEND_LOOP */
    knot_chan_close(ch);
    const char *how = argc > 1 ? argv[1] : "panic";
    if (!strcmp(how, "abort"))
        abort();
    if (!strcmp(how, "segv"))
        raise(SIGSEGV);
    int v = 1;
    knot_chan_send(ch, &v); /* SEND_CLOSED */
    return 0;
}
