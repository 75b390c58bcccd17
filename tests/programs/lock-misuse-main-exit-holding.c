/* A server's main takes the registry lock to write its pid file and calls
 * exit() on the error path without releasing it. Nothing hangs in this
 * run, but atexit handlers and destructors of the program that take the
 * lock (a log flush, a registry dump) would: main ended the program while
 * holding it. */
/* exits: 1 (its error path) */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static int services = 3;

static void write_pid_file(const char *path) {
    pthread_mutex_lock(&registry_mu); // want: lock-misuse
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1); /* BUG: still holding registry_mu */
    }
    fprintf(f, "%d services\n", services);
    fclose(f);
    pthread_mutex_unlock(&registry_mu);
}

int main(void) {
    write_pid_file("/nonexistent-dir/server.pid");
    return 0;
}
