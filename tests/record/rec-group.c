/* knot_group in the trace: a `group` object, a group_go naming each task it
 * started, and knot_group_wait as a begin and an end with the first error. */
#include <knot/knot.h>
#include <stdio.h>

/* Returns its argument: 0 succeeds. */
static int give(void *arg, knot_chan *done) {
    (void)done;
    return (int)(long)arg;
}

int main(void) {
    knot_group *g = knot_group_make(1);
    knot_group_go(g, give, NULL);                   /* GO_SUCCEED */
    knot_group_go(g, give, (void *)7);              /* GO_FAIL */
    int err = knot_group_wait(g);                   /* WAIT_FAILED */
    int none = knot_group_wait(knot_group_make(0)); /* WAIT_EMPTY */
    printf("%d %d\n", err, none);
    return err == 7 && none == 0 ? 0 : 1;
}
