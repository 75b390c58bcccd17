/* lock-misuse-main-exit-holding.c with the lock released on the error path
 * before exit(). */
/* exits: 1 (its error path) */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static int services = 3;

static void write_pid_file(const char *path) {
    pthread_mutex_lock(&registry_mu);
    FILE *f = fopen(path, "w");
    if (!f) {
        pthread_mutex_unlock(&registry_mu);
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    fprintf(f, "%d services\n", services);
    fclose(f);
    pthread_mutex_unlock(&registry_mu);
}

int main(void) {
    write_pid_file("/nonexistent-dir/server.pid");
    return 0;
}
