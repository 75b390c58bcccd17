/* A lock wrapper in the manner of pigz's yarn: a mutex and a condition
 * variable with a value, behind functions that do nothing but lock, unlock,
 * wait and signal (and fail loudly). Fixtures that name it in a `// with:`
 * line are linked with it, so that findings must look past it. */
#ifndef LOCK_WRAPPER_H
#define LOCK_WRAPPER_H

typedef struct lock lock;

lock *new_lock(long initial);
void possess(lock *bolt);
void release(lock *bolt);
/* Set the value (while possessed) and wake the waiters; release it. */
void twist(lock *bolt, long value);
/* Possess it once its value is value. */
void wait_for(lock *bolt, long value);
long peek_lock(lock *bolt);
void free_lock(lock *bolt);

#endif
