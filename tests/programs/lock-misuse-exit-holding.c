/* A loader thread returns on its error path while it still holds the config
 * lock. Any later pthread_mutex_lock on it would hang forever; here the
 * reporter only tries the lock and gives up, so the program ends normally. */
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
    pthread_mutex_lock(&cfg->mu); // want: lock-misuse
    int port = parse_port("port=http");
    if (port < 0) {
        fputs("config: bad port\n", stderr);
        return NULL; /* BUG: still holding cfg->mu */
    }
    cfg->port = port;
    cfg->loaded = 1;
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
