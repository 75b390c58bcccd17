/* lock-order-rwlock.c with one order: the listener manager takes the config
 * lock first, like the reloader, and the listeners mutex inside it. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct server {
    pthread_rwlock_t config_lock;
    pthread_mutex_t listeners_mu;
    int port;
    int listeners;
};

static struct server srv = {PTHREAD_RWLOCK_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, 80, 1};

static void *reload_config(void *arg) {
    struct server *s = arg;
    pthread_rwlock_wrlock(&s->config_lock);
    s->port = 8080;
    pthread_mutex_lock(&s->listeners_mu);
    s->listeners = 1;
    pthread_mutex_unlock(&s->listeners_mu);
    pthread_rwlock_unlock(&s->config_lock);
    return NULL;
}

static void *manage_listeners(void *arg) {
    struct server *s = arg;
    usleep(50 * 1000);
    pthread_rwlock_wrlock(&s->config_lock);
    pthread_mutex_lock(&s->listeners_mu);
    s->listeners++;
    s->port++;
    pthread_mutex_unlock(&s->listeners_mu);
    pthread_rwlock_unlock(&s->config_lock);
    return NULL;
}

int main(void) {
    pthread_t a, b;
    if (pthread_create(&a, NULL, reload_config, &srv) != 0)
        return 1;
    if (pthread_create(&b, NULL, manage_listeners, &srv) != 0)
        return 1;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("port %d, %d listener(s)\n", srv.port, srv.listeners);
    return 0;
}
