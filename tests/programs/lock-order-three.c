/* A three-lock cycle spread over three knot tasks: a router locks its route
 * table then the neighbour table, a prober locks neighbours then links, and a
 * link monitor locks links then routes. No two tasks share an order, no one
 * task sees a cycle, and the sleeps keep this run from deadlocking; three
 * overlapping critical sections would. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

struct net {
    pthread_mutex_t routes_mu, neigh_mu, links_mu;
    int routes, neighbours, links;
    knot_wg wg;
};

static struct net net = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, 4, 2, 2, {0}};

static void router(void *arg) {
    struct net *n = arg;
    pthread_mutex_lock(&n->routes_mu);
    pthread_mutex_lock(&n->neigh_mu);
    n->routes = n->neighbours * 2;
    pthread_mutex_unlock(&n->neigh_mu);
    pthread_mutex_unlock(&n->routes_mu);
    knot_wg_done(&n->wg);
}

static void prober(void *arg) {
    struct net *n = arg;
    knot_sleep(40);
    pthread_mutex_lock(&n->neigh_mu);
    pthread_mutex_lock(&n->links_mu);
    n->neighbours = n->links;
    pthread_mutex_unlock(&n->links_mu);
    pthread_mutex_unlock(&n->neigh_mu);
    knot_wg_done(&n->wg);
}

static void link_monitor(void *arg) {
    struct net *n = arg;
    knot_sleep(80);
    pthread_mutex_lock(&n->links_mu);
    pthread_mutex_lock(&n->routes_mu); // want: predicted lock-order
    if (n->links == 0)
        n->routes = 0;
    pthread_mutex_unlock(&n->routes_mu);
    pthread_mutex_unlock(&n->links_mu);
    knot_wg_done(&n->wg);
}

int main(void) {
    void (*tasks[])(void *) = {router, prober, link_monitor};
    for (int i = 0; i < 3; i++) {
        knot_wg_add(&net.wg, 1);
        if (knot_go(tasks[i], &net) != 0) {
            knot_wg_done(&net.wg);
            fprintf(stderr, "task %d did not start\n", i);
        }
    }
    knot_wg_wait(&net.wg);
    printf("routes %d, neighbours %d, links %d\n", net.routes, net.neighbours, net.links);
    return 0;
}
