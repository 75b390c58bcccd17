/*
 * crawler — mirrors gopl.io ch8 "crawl2" (section 8.6): a concurrent web
 * crawler whose parallelism is bounded by a counting semaphore, and which
 * knows when to stop.
 *
 * What it shows:
 *   - a buffered channel of capacity 20 with zero-size elements used as a
 *     pool of tokens: send to acquire, receive to release. At most 20
 *     fetches run at once however many tasks exist;
 *   - the worklist channel: every crawl task sends the links it found back
 *     to main, which alone owns the `seen` set (no lock needed);
 *   - the counter `n` of sends still to come: main stops when it reaches
 *     zero, i.e. when no crawl is in flight and the worklist is empty.
 *
 * There is no network: "fetching" looks the page up in a static link table
 * and sleeps a few milliseconds. One link points at a page missing from the
 * table (a 404), and one page is never linked to, so it is never found.
 */
#include <knot/knot.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SITE "https://knot.example"

enum { MAX_FETCHES = 20, MAX_LINKS = 8, MAX_PAGES = 64 };

struct page {
    const char *url;
    const char *links[MAX_LINKS]; /* NULL-terminated */
};

static const struct page site[] = {
    {SITE "/", {SITE "/docs", SITE "/blog", SITE "/about", SITE "/download"}},
    {SITE "/docs",
     {SITE "/docs/chan", SITE "/docs/select", SITE "/docs/wg", SITE "/docs/timers",
      SITE "/docs/group", SITE "/"}},
    {SITE "/docs/chan", {SITE "/docs/select", SITE "/docs/chan/close", SITE "/docs/chan/nil"}},
    {SITE "/docs/chan/close", {SITE "/docs/chan", SITE "/blog/leaks"}},
    {SITE "/docs/chan/nil", {SITE "/docs/select"}},
    {SITE "/docs/select", {SITE "/docs/chan", SITE "/docs/timers"}},
    {SITE "/docs/wg", {SITE "/docs/group"}},
    {SITE "/docs/timers", {SITE "/docs/select", SITE "/docs/timers/tick"}},
    {SITE "/docs/timers/tick", {SITE "/blog/tickers"}},
    {SITE "/docs/group", {SITE "/docs/wg", SITE "/examples"}},
    {SITE "/examples",
     {SITE "/examples/pipeline", SITE "/examples/crawler", SITE "/examples/du",
      SITE "/examples/worker-pool"}},
    {SITE "/examples/pipeline", {SITE "/examples"}},
    {SITE "/examples/crawler", {SITE "/examples"}},
    {SITE "/examples/du", {SITE "/examples"}},
    {SITE "/examples/worker-pool", {SITE "/examples", SITE "/docs/group"}},
    {SITE "/blog", {SITE "/blog/leaks", SITE "/blog/tickers", SITE "/blog/memory-model"}},
    {SITE "/blog/leaks", {SITE "/docs/chan/close", SITE "/examples"}},
    {SITE "/blog/tickers", {SITE "/docs/timers/tick"}},
    {SITE "/blog/memory-model", {SITE "/docs/chan", SITE "/gone"}}, /* dead link */
    {SITE "/about", {SITE "/", SITE "/about/team"}},
    {SITE "/about/team", {SITE "/about"}},
    {SITE "/download", {SITE "/download/0.1.0"}},
    {SITE "/download/0.1.0", {SITE "/download"}},
    {SITE "/unlinked", {SITE "/"}}, /* nothing points here */
};

/* A list of links as sent on the worklist: a NULL-terminated array owned by
 * the static table, so copying the pointer is enough. */
struct linklist {
    const char *const *links;
};

/* Package-level state, as in the Go program. */
static knot_chan *tokens;   /* counting semaphore: chan struct{}, cap 20 */
static knot_chan *worklist; /* chan struct linklist, unbuffered */
static atomic_int in_flight, peak_in_flight;
static atomic_int failures;

/* Record how many fetches hold a token right now, and the high-water mark. */
static void note_fetch_started(void) {
    int now = atomic_fetch_add(&in_flight, 1) + 1;
    int peak = atomic_load(&peak_in_flight);
    while (now > peak && !atomic_compare_exchange_weak(&peak_in_flight, &peak, now))
        ;
}

/* The fake links.Extract: the page's links, or NULL for a missing page. */
static const char *const *fetch(const char *url) {
    knot_sleep(5); /* network latency */
    for (size_t i = 0; i < sizeof site / sizeof site[0]; i++)
        if (strcmp(site[i].url, url) == 0)
            return site[i].links;
    return NULL;
}

static const char *const *crawl(const char *url) {
    static const char *const none[] = {NULL};

    knot_chan_send(tokens, NULL); /* acquire a token; blocks while 20 are out */
    note_fetch_started();
    const char *const *links = fetch(url);
    atomic_fetch_sub(&in_flight, 1);
    knot_chan_recv(tokens, NULL); /* release the token */

    if (links == NULL) {
        atomic_fetch_add(&failures, 1);
        fprintf(stderr, "crawler: %s: 404 not found\n", url);
        return none;
    }
    return links;
}

/* One task per unseen link: crawl it and report what it found. */
static void crawl_task(void *arg) {
    const char *url = *(const char *const *)arg;
    struct linklist found = {crawl(url)};
    knot_chan_send(worklist, &found);
}

static void send_seeds(void *arg) {
    struct linklist seeds = {arg};
    knot_chan_send(worklist, &seeds);
}

static bool contains(const char *const *set, size_t n, const char *url) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(set[i], url) == 0)
            return true;
    return false;
}

static int by_url(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void) {
    static const char *const seeds[] = {SITE "/", NULL};
    const char *seen[MAX_PAGES];
    size_t nseen = 0;

    tokens = knot_chan_make(0, MAX_FETCHES);
    worklist = knot_chan_make(sizeof(struct linklist), 0);
    knot_chan_name(tokens, "tokens");
    knot_chan_name(worklist, "worklist");

    int n = 1; /* sends to worklist still to come */
    knot_go(send_seeds, (void *)seeds);

    /* Only main touches `seen`: confinement instead of a lock. */
    for (; n > 0; n--) {
        struct linklist list;
        knot_chan_recv(worklist, &list);
        for (const char *const *l = list.links; *l != NULL; l++) {
            const char *link = *l;
            if (contains(seen, nseen, link))
                continue;
            if (nseen == MAX_PAGES) {
                fputs("crawler: too many pages\n", stderr);
                return EXIT_FAILURE;
            }
            seen[nseen++] = link;
            n++;
            knot_go_copy(crawl_task, &link, sizeof link);
        }
    }

    /* n == 0: every crawl task has delivered its list; nothing else will
     * touch the channels. */
    knot_chan_free(worklist);
    knot_chan_free(tokens);

    qsort(seen, nseen, sizeof seen[0], by_url);
    for (size_t i = 0; i < nseen; i++)
        printf("%s\n", seen[i]);

    int peak = atomic_load(&peak_in_flight);
    printf("crawled %zu pages, %d not found\n", nseen, atomic_load(&failures));
    printf("peak concurrent fetches: %d of %d tokens%s\n", peak, MAX_FETCHES,
           peak > MAX_FETCHES ? " -- LIMIT EXCEEDED" : "");
    return EXIT_SUCCESS;
}
