/* gopl's mirroredQuery with an unbuffered channel: three mirrors are asked in
 * parallel and only the quickest answer is read. The two slower requests
 * finish later and block forever sending an answer nobody will receive. */
#include <knot/knot.h>
#include <stdio.h>
#include <string.h>

struct request {
    const char *host;
    unsigned latency_ms; /* a stand-in for the network */
    knot_chan *responses;
};

struct response {
    char body[64];
};

static void fetch(void *arg) {
    const struct request *rq = arg;
    struct response resp;
    knot_sleep(rq->latency_ms);
    snprintf(resp.body, sizeof resp.body, "index page from %s", rq->host);
    knot_chan_send(rq->responses, &resp); // want: leak
}

static struct response mirrored_query(void) {
    static struct request reqs[3] = {
        {"asia.mirror.example", 30, NULL},
        {"europe.mirror.example", 5, NULL},
        {"americas.mirror.example", 20, NULL},
    };
    knot_chan *responses = knot_chan_make(sizeof(struct response), 0); /* BUG: unbuffered */
    knot_chan_name(responses, "responses");
    for (int i = 0; i < 3; i++) {
        reqs[i].responses = responses;
        knot_go(fetch, &reqs[i]);
    }
    struct response first;
    knot_chan_recv(responses, &first); /* the quickest one */
    return first;
}

int main(void) {
    struct response r = mirrored_query();
    printf("%s\n", r.body);
    knot_sleep(60); /* long enough for the slow mirrors to answer */
    return 0;
}
