/* For the driver's own test: no findings, but exit status 3 where the
 * program says nothing of it. The driver must fail it. */
int main(void) { return 3; }
