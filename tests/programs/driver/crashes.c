/* For the driver's own test: a "fixed twin" with no findings that ends by
 * a signal. The driver must fail it, not pass it as "0 findings". */
#include <signal.h>
#include <stdio.h>

int main(void) {
    puts("about to crash");
    fflush(stdout);
    raise(SIGSEGV);
    return 0;
}
