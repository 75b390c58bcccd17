/* Reading a version 4 journal's chunks (record.h): the compact and full items
 * are rewritten as the 64-byte records of version 3, so that the importer has
 * one layout to read whatever version wrote the journal. */
#ifndef KNOT_JOURNAL_CHUNKS_H
#define KNOT_JOURNAL_CHUNKS_H

#include "record.h"

#include <stddef.h>

/* Expands the chunks in data[0, size), which starts offset bytes into the
 * journal file (for messages), into *out (malloc'd; the caller frees it) of
 * *n records, payloads following their records as in version 3. Returns 0,
 * or -1 with a one-line message in err for an item that cannot be read. */
int knot_journal_expand_chunks(const unsigned char *data, size_t size, size_t offset,
                               knot__rec **out, size_t *n, char *err, size_t errsize);

#endif /* KNOT_JOURNAL_CHUNKS_H */
