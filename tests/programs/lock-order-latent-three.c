/* A router's single control thread (main) updates routes, neighbours and
 * interfaces in three handlers, each nesting two of the three locks: routes
 * then neighbours, neighbours then interfaces, and interfaces then routes.
 * The three pairs form a cycle. This run never deadlocks, because one
 * thread runs the handlers one after another; the moment a second thread
 * runs any two of them at once, each can hold one lock and wait for the
 * next. lockdep reports such a cycle from one thread; knot reports it as a
 * latent inversion. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t routes_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t neighbours_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t interfaces_mu = PTHREAD_MUTEX_INITIALIZER;
static int routes = 4, neighbours = 2, interfaces = 1;

static void add_route(void) {
    pthread_mutex_lock(&routes_mu);
    pthread_mutex_lock(&neighbours_mu);
    routes += neighbours;
    pthread_mutex_unlock(&neighbours_mu);
    pthread_mutex_unlock(&routes_mu);
}

static void neighbour_up(void) {
    pthread_mutex_lock(&neighbours_mu);
    pthread_mutex_lock(&interfaces_mu);
    neighbours += interfaces;
    pthread_mutex_unlock(&interfaces_mu);
    pthread_mutex_unlock(&neighbours_mu);
}

static void link_down(void) {
    pthread_mutex_lock(&interfaces_mu);
    pthread_mutex_lock(&routes_mu); // want: lock-order-latent
    interfaces -= routes > 100;
    pthread_mutex_unlock(&routes_mu);
    pthread_mutex_unlock(&interfaces_mu);
}

int main(void) {
    add_route();
    neighbour_up();
    link_down();
    printf("routes %d, neighbours %d, interfaces %d\n", routes, neighbours, interfaces);
    return 0;
}
