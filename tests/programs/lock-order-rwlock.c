/* A lock-order inversion between a rwlock (taken for writing) and a mutex:
 * the config reloader write-locks the config and then takes the listeners
 * mutex; 50 ms later the listener manager takes its mutex and then
 * write-locks the config. No deadlock in this run, one in a schedule that
 * overlaps them. */
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
    pthread_mutex_lock(&s->listeners_mu); /* rebind on the new port */
    s->listeners = 1;
    pthread_mutex_unlock(&s->listeners_mu);
    pthread_rwlock_unlock(&s->config_lock);
    return NULL;
}

static void *manage_listeners(void *arg) {
    struct server *s = arg;
    usleep(50 * 1000);
    pthread_mutex_lock(&s->listeners_mu);
    s->listeners++;
    pthread_rwlock_wrlock(&s->config_lock); // want: predicted lock-order
    s->port++;
    pthread_rwlock_unlock(&s->config_lock);
    pthread_mutex_unlock(&s->listeners_mu);
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
