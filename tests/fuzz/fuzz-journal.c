/* libFuzzer target for the journal importer: whatever the bytes, importing
 * them either succeeds or fails with a message; never a crash, a hang or a
 * sanitizer report. */
#include "record.h"
#include "trace-import.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    /* Even first byte: the rest are chunks behind a valid header, which lets
     * the fuzzer reach the chunk and record parsers; with bit 1 set too, one
     * whose events' times are counter ticks; with bit 2, a version 3 header
     * (64-byte records, no chunks). Odd: the bytes are the whole file. */
    int with_header = (data[0] & 1) == 0;
    size_t len = (with_header ? KNOT__JOURNAL_HEADER : 0) + size - 1;
    unsigned char *buf = aligned_alloc(64, (len + 63) / 64 * 64 + 64);
    if (!buf)
        return 0;
    memset(buf, 0, (len + 63) / 64 * 64 + 64);
    if (with_header) {
        knot__journal_header h = {.version = data[0] & 4 ? 3 : KNOT__JOURNAL_VERSION,
                                  .record_size = sizeof(knot__rec),
                                  .pid = 1,
                                  .segment_size = KNOT__JOURNAL_SEGMENT,
                                  .chunk_size = KNOT__JOURNAL_CHUNK_BYTES};
        if (data[0] & 2) {
            h.start_ns = 5000;
            h.tsc_start = 1000;
            h.tsc_hz = 2400000000u;
        }
        memcpy(h.magic, KNOT__JOURNAL_MAGIC, sizeof h.magic);
        memcpy(buf, &h, sizeof h);
        memcpy(buf + KNOT__JOURNAL_HEADER, data + 1, size - 1);
    } else {
        memcpy(buf, data + 1, size - 1);
    }
    char err[512];
    knot__import_stats stats;
    (void)knot__trace_import_buffer(buf, len, "fuzz", ":memory:", &stats, err, sizeof err);
    free(buf);
    return 0;
}
