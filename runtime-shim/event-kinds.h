/* The event kinds, listed once. The runtime writes a kind's number into the
 * journal, the importer writes its name into the trace, the replayer reads
 * the name back and the pictures label events with it: each of them expands
 * this table, so no list can lack a kind another one has.
 *
 * One row per kind: X(number, NAME, "name", REPLAY)
 *   number  the journal's number for it; stable, old journals keep it
 *   NAME    its C name: KNOT__EV_NAME in the journal (record.h), KNOT_EV_NAME
 *           in the replayer (replay.h)
 *   "name"  its name in the trace (docs/trace-format.md); stable too
 *   REPLAY  the kind the replayer models it as: its own NAME, a twin's (a
 *           spinlock is a mutex to every rule: an owner, an order, a holder),
 *           or OTHER for a kind no rule needs
 * The comments say what each kind's a and b hold in the journal. */
#ifndef KNOT_EVENT_KINDS_H
#define KNOT_EVENT_KINDS_H

#define KNOT__EVENT_KINDS(X)                                                                       \
    X(1, TASK_START, "task_start", TASK_START) /* task starts running; a = parent */               \
    X(2, TASK_END, "task_end", TASK_END)       /* task returns; a = 0 normal, 1 panic,             \
                                                * 2 pthread_exit */                                \
    X(3, GO, "go", GO)                         /* spawn; a = child task id */                      \
    X(4, CHAN_MAKE, "chan_make", CHAN_MAKE)    /* a = capacity, b = element size */                \
    X(5, CHAN_SEND, "chan_send", CHAN_SEND)    /* b = 1 panicked (closed) */                       \
    X(6, CHAN_RECV, "chan_recv", CHAN_RECV)    /* a = matched send (or close) id, b = ok */        \
    X(7, CHAN_CLOSE, "chan_close", CHAN_CLOSE)                                                     \
    X(8, CHAN_FREE, "chan_free", CHAN_FREE)                                                        \
    X(9, SELECT, "select", SELECT)              /* obj = fired case's channel; a = matched         \
                                                 * event id; b = case index */                     \
    X(10, SELECT_NB, "select_nb", SELECT_NB)    /* b = case index, or -1 when nothing was ready */ \
    X(11, WG_ADD, "wg_add", WG_ADD)             /* a = delta, b = counter after */                 \
    X(12, WG_WAIT, "wg_wait", WG_WAIT)          /* a = id of the add that released it */           \
    X(13, TIMER_MAKE, "timer_make", TIMER_MAKE) /* obj = channel; a = ms; b = period ms */         \
    X(14, PANIC, "panic", PANIC)                /* obj = the channel, if any; a = which panic      \
                                                 * (enum knot__panic_kind, panic-kinds.h) */       \
    X(15, DEADLOCK, "deadlock", DEADLOCK)       /* the live detector fired */                      \
    /* Interposed pthread calls; their sites are return addresses. */                              \
    X(16, MUTEX_LOCK, "mutex_lock", MUTEX_LOCK)          /* a = the unlock it followed; b = result \
                                                          * (0 or an errno) */                     \
    X(17, MUTEX_TRYLOCK, "mutex_trylock", MUTEX_TRYLOCK) /* as lock; b = EBUSY when it did not     \
                                                          * take the mutex */                      \
    X(18, MUTEX_UNLOCK, "mutex_unlock", MUTEX_UNLOCK)    /* b = result */                          \
    X(19, THREAD_JOIN, "thread_join", THREAD_JOIN)       /* begin: a = the joined task; end:       \
                                                          * a = its task_end; b = result */        \
    X(20, COND_WAIT, "cond_wait", COND_WAIT)       /* obj = the cond; a = the mutex; b = result */ \
    X(21, COND_SIGNAL, "cond_signal", COND_SIGNAL) /* obj = the cond */                            \
    X(22, COND_BROADCAST, "cond_broadcast", COND_BROADCAST)                                        \
    X(23, RW_RDLOCK, "rwlock_rdlock", RW_RDLOCK) /* a = the write unlock it followed;              \
                                                  * b = result */                                  \
    X(24, RW_WRLOCK, "rwlock_wrlock", RW_WRLOCK) /* a = the unlock it followed; b = result */      \
    X(25, RW_UNLOCK, "rwlock_unlock", RW_UNLOCK)                                                   \
    X(26, MUTEX_TIMEDLOCK, "mutex_timedlock", MUTEX_TIMEDLOCK) /* as lock; b = ETIMEDOUT when it   \
                                                                * gave up */                       \
    X(27, MUTEX_DESTROY, "mutex_destroy", MUTEX_DESTROY)       /* b = result */                    \
    X(28, SEM_INIT, "sem_init", OTHER)                         /* a = initial value; b = result */ \
    X(29, SEM_POST, "sem_post", SEM_POST)                      /* b = result */                    \
    X(30, SEM_WAIT, "sem_wait", SEM_WAIT)          /* a = the post whose unit it took; b = result  \
                                                    * (0 or errno) */                              \
    X(31, SEM_TRYWAIT, "sem_trywait", SEM_TRYWAIT) /* as wait; b = EAGAIN when no unit was free */ \
    X(32, SEM_TIMEDWAIT, "sem_timedwait", SEM_TIMEDWAIT) /* as wait; b = ETIMEDOUT when it gave    \
                                                          * up */                                  \
    X(33, SEM_DESTROY, "sem_destroy", OTHER)             /* b = result */                          \
    X(34, BARRIER_INIT, "barrier_init", OTHER)           /* a = count; b = result */               \
    X(35, BARRIER_WAIT, "barrier_wait", BARRIER_WAIT)    /* end: a = the begin of the arrival that \
                                                          * released it; b =                       \
                                                          * PTHREAD_BARRIER_SERIAL_THREAD, 0 or an \
                                                          * errno */                               \
    X(36, BARRIER_DESTROY, "barrier_destroy", OTHER)     /* b = result */                          \
    X(37, THREAD_DETACH, "thread_detach", THREAD_DETACH) /* a = the detached task; b = result */   \
    /* knot_group (sites are knot sites again) */                                                  \
    X(38, GROUP_GO, "group_go", GROUP_GO)       /* obj = the group; a = the child task */          \
    X(39, GROUP_WAIT, "group_wait", GROUP_WAIT) /* obj = the group; end: b = the first error */    \
    /* Interposed pthread spinlocks (sites are return addresses again) */                          \
    X(40, SPIN_LOCK, "spin_lock", MUTEX_LOCK) /* as mutex_lock: a = the unlock it followed;        \
                                               * b = result */                                     \
    X(41, SPIN_TRYLOCK, "spin_trylock", MUTEX_TRYLOCK) /* as mutex_trylock; b = EBUSY when it did  \
                                                        * not take it */                           \
    X(42, SPIN_UNLOCK, "spin_unlock", MUTEX_UNLOCK)                                                \
    X(43, MUTEX_CONSISTENT, "mutex_consistent", MUTEX_CONSISTENT) /* pthread_mutex_consistent;     \
                                                                   * b = result */                 \
    X(44, SELECT_CASE, "select_case", SELECT_CASE) /* before a blocking select's begin, when one   \
                                                    * of its channels is a timer: obj = a case's   \
                                                    * channel; a = dir */                          \
    /* Object lifetimes of the interposed kinds that had none recorded: an                         \
     * init starts a new object (a new id, even at an address used before),                        \
     * a destroy ends one. b = result. */                                                          \
    X(45, MUTEX_INIT, "mutex_init", OTHER)                                                         \
    X(46, COND_INIT, "cond_init", OTHER)                                                           \
    X(47, COND_DESTROY, "cond_destroy", OTHER)                                                     \
    X(48, RW_INIT, "rwlock_init", OTHER)                                                           \
    X(49, RW_DESTROY, "rwlock_destroy", OTHER)

#endif /* KNOT_EVENT_KINDS_H */
