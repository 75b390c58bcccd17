/* lock-misuse-exit-holding.c with a single exit from the loader, after the
 * unlock. */
#include <errno.h>
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct config {
    pthread_mutex_t mu;
    int port;
    int loaded;
};

static int parse_port(const char *text) {
    int port = 0;
    if (sscanf(text, "port=%d", &port) != 1 || port <= 0 || port > 65535)
        return -1;
    return port;
}

static void *loader(void *arg) {
    struct config *cfg = arg;
    pthread_mutex_lock(&cfg->mu);
    int port = parse_port("port=http");
    if (port < 0) {
        fputs("config: bad port\n", stderr);
        goto out;
    }
    cfg->port = port;
    cfg->loaded = 1;
out:
    pthread_mutex_unlock(&cfg->mu);
    return NULL;
}

int main(void) {
    static struct config cfg = {PTHREAD_MUTEX_INITIALIZER, 8080, 0};
    pthread_t th;
    if (pthread_create(&th, NULL, loader, &cfg) != 0)
        return 1;
    pthread_join(th, NULL);
    if (pthread_mutex_trylock(&cfg.mu) == EBUSY) {
        fputs("config is locked; using defaults\n", stderr);
        return 0;
    }
    printf("port %d (loaded %d)\n", cfg.port, cfg.loaded);
    pthread_mutex_unlock(&cfg.mu);
    return 0;
}
