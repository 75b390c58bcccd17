/* The first pass of the opposite order is ordered (a channel tells the
 * second thread to start only after it), but the same thread takes the pair
 * again later, concurrently with the second thread's reverse order. The
 * early, harmless sample must not hide the later one. */
#include <knot/knot.h>
#include <pthread.h>

static pthread_mutex_t accounts_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ledger_mu = PTHREAD_MUTEX_INITIALIZER;
static knot_chan *started;

static void post_entry(void) {
    pthread_mutex_lock(&accounts_mu);
    pthread_mutex_lock(&ledger_mu); // want: predicted lock-order
    pthread_mutex_unlock(&ledger_mu);
    pthread_mutex_unlock(&accounts_mu);
}

static void *poster(void *arg) {
    (void)arg;
    post_entry(); /* before the auditor starts: ordered */
    knot_chan_send(started, NULL);
    knot_sleep(50);
    post_entry(); /* while the auditor runs: not ordered */
    return NULL;
}

static void *auditor(void *arg) {
    (void)arg;
    knot_chan_recv(started, NULL);
    pthread_mutex_lock(&ledger_mu);
    pthread_mutex_lock(&accounts_mu);
    pthread_mutex_unlock(&accounts_mu);
    pthread_mutex_unlock(&ledger_mu);
    return NULL;
}

int main(void) {
    started = knot_chan_make(0, 1);
    pthread_t a, b;
    if (pthread_create(&a, NULL, poster, NULL) != 0 || pthread_create(&b, NULL, auditor, NULL) != 0)
        return 1;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
