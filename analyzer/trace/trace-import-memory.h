/* Large arrays for the importer: address space reserved for the most an
 * array can need and touched only as far as it fills, in huge pages where
 * the kernel gives them. A fresh 4 KiB page costs a fault, and faults are
 * slow under some hypervisors (6-17 us each measured): for the arrays of a
 * large import, one per 64 events, they were a third of its time. */
#ifndef KNOT_TRACE_IMPORT_MEMORY_H
#define KNOT_TRACE_IMPORT_MEMORY_H

#include <stddef.h>

/* bytes of zeros; out of memory ends knot as the memory policy says. */
void *knot__import_reserve(size_t bytes);

/* Give back what knot__import_reserve(bytes) returned; p may be NULL. */
void knot__import_release(void *p, size_t bytes);

#endif
