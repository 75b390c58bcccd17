#!/usr/bin/env bash
# Build a fuzzer with clang's libFuzzer (+ ASan, UBSan) and run it for
# SECONDS, starting from a corpus seeded with real input.
#   journal: the journal importer, seeded with a real journal
#   trace:   the trace reader and the replayer with every rule, seeded with
#            real traces
# usage: run-fuzz.sh SOURCE_DIR BUILD_DIR SECONDS [journal|trace]
set -euo pipefail
src=$1 build=$2 seconds=$3 target=${4:-journal}
out=$build/tests/fuzz/$target
mkdir -p "$out/corpus"
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
    -I"$src/include" -I"$src/runtime-shim" -I"$src/rules" -D_GNU_SOURCE)
for part in util trace replay lint findings cli; do flags+=(-I"$src/analyzer/$part"); done
case $target in
journal)
    clang "${flags[@]}" -o "$out/fuzz" "$src/tests/fuzz/fuzz-journal.c" \
        "$src"/analyzer/trace/*.c "$src"/analyzer/util/*.c \
        $(pkg-config --cflags --libs sqlite3)
    # Seed: the used front of a real journal, as the fuzzer sees inputs (a
    # mode byte, then records behind the header it adds).
    seed=$out/seed.db
    rm -f "$seed" "$seed.knot-journal"
    KNOT_TRACE=$seed "$build/tests/rec-chan" >/dev/null
    { printf '\0'; dd if="$seed.knot-journal" bs=4096 skip=512 count=2 2>/dev/null; } \
        >"$out/corpus/real-journal"
    { printf '\2'; dd if="$seed.knot-journal" bs=4096 skip=512 count=2 2>/dev/null; } \
        >"$out/corpus/real-journal-ticks"
    max_len=16384
    ;;
trace)
    # everything but the commands, the libclang front end and the pictures
    # (rules/rules.c holds the list of dynamic checks the fuzzer runs)
    analyzer=$(ls "$src"/analyzer/{util,trace,replay,findings}/*.c \
        "$src"/analyzer/lint/lint-{query,summary}.c)
    # shellcheck disable=SC2086
    clang "${flags[@]}" -o "$out/fuzz" "$src/tests/fuzz/fuzz-trace.c" $analyzer "$src"/rules/*.c \
        $(pkg-config --cflags --libs sqlite3 jansson)
    # Seeds: whole traces of real runs (odd first byte: a database file),
    # between them every kind of event the recorder writes. A program may
    # end with findings (1) or by its deadlock (2), never fail to record.
    seed=$out/seed.db
    for prog in rec-chan rec-abba rec-mutex rec-cond rec-rwlock rec-sem rec-barrier rec-group \
        rec-timedlock rec-exit rec-c11 rec-join; do
        rm -f "$seed" "$seed.knot-journal"
        status=0
        "$build/bin/knot" run -o "$seed" --timeout 5 -- "$build/tests/$prog" >/dev/null 2>&1 ||
            status=$?
        if ((status > 2)) || [[ ! -s $seed ]]; then
            echo "run-fuzz.sh: seeding with $prog failed (knot run exited $status)" >&2
            exit 1
        fi
        { printf '\1'; cat "$seed"; } >"$out/corpus/real-$prog"
    done
    # Inputs that once failed stay in the corpus.
    cp "$src"/tests/fuzz/regressions/trace/* "$out/corpus/" 2>/dev/null || true
    max_len=65536
    ;;
*)
    echo "run-fuzz.sh: unknown target '$target' (journal or trace)" >&2
    exit 2
    ;;
esac
"$out/fuzz" -max_total_time="$seconds" -max_len=$max_len -timeout=10 -artifact_prefix="$out/" \
    -print_final_stats=1 "$out/corpus" 2>&1 | tail -n 12
