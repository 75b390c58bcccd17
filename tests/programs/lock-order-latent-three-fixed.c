/* lock-order-latent-three.c with one order for the three locks: routes,
 * then neighbours, then interfaces. link_down takes routes first, so no
 * pair of handlers can ever wait for each other, whichever threads run
 * them. */
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
    pthread_mutex_lock(&routes_mu);
    pthread_mutex_lock(&interfaces_mu);
    interfaces -= routes > 100;
    pthread_mutex_unlock(&interfaces_mu);
    pthread_mutex_unlock(&routes_mu);
}

int main(void) {
    add_route();
    neighbour_up();
    link_down();
    printf("routes %d, neighbours %d, interfaces %d\n", routes, neighbours, interfaces);
    return 0;
}
