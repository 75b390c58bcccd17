#!/usr/bin/env bash
# Build the journal fuzzer with clang's libFuzzer (+ ASan, UBSan) and run it
# for SECONDS, starting from a corpus seeded with a real journal.
# usage: run-fuzz.sh SOURCE_DIR BUILD_DIR SECONDS
set -euo pipefail
src=$1 build=$2 seconds=$3
out=$build/tests/fuzz
mkdir -p "$out/corpus"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src/include" -D_GNU_SOURCE -o "$out/fuzz-journal" \
    "$src/tests/fuzz/fuzz-journal.c" "$src/analyzer/trace-import.c" "$src/analyzer/symbolize.c" \
    $(pkg-config --cflags --libs sqlite3)
# Seed: the used front of a real journal, as the fuzzer sees inputs (a mode
# byte, then records behind the header it adds).
seed=$out/seed.db
rm -f "$seed" "$seed.knot-journal"
KNOT_TRACE=$seed "$build/tests/rec-chan" >/dev/null
{ printf '\0'; dd if="$seed.knot-journal" bs=4096 skip=1 count=2 2>/dev/null; } >"$out/corpus/real-journal"
"$out/fuzz-journal" -max_total_time="$seconds" -max_len=16384 -timeout=10 -artifact_prefix="$out/" \
    -print_final_stats=1 "$out/corpus" 2>&1 | tail -n 12
