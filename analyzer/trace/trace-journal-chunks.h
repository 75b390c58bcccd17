/* Reading a version 4 journal's chunks (record.h): the compact and full items
 * are rewritten as the 64-byte records of version 3, so that the importer has
 * one layout to read whatever version wrote the journal. */
#ifndef KNOT_TRACE_JOURNAL_CHUNKS_H
#define KNOT_TRACE_JOURNAL_CHUNKS_H

#include "record.h"

#include <stddef.h>

/* Records rewritten from chunks, in memory of their own. */
typedef struct knot__journal_records {
    knot__rec *recs;
    size_t n;
    size_t mapped; /* bytes of address space recs holds */
} knot__journal_records;

/* Expands the chunks in data[0, size), which starts offset bytes into the
 * journal file (for messages), into out: records, payloads following their
 * records as in version 3. Returns 0, or -1 with a one-line message in err
 * for an item that cannot be read. Free out with knot__journal_records_free
 * either way. */
int knot__journal_expand_chunks(const unsigned char *data, size_t size, size_t offset,
                                knot__journal_records *out, char *err, size_t errsize);
void knot__journal_records_free(knot__journal_records *records);

#endif /* KNOT_TRACE_JOURNAL_CHUNKS_H */
