#!/usr/bin/env bash
# Lock-order inversions: knot next to ThreadSanitizer and Helgrind on the
# same programs — two real inversions, and three that cannot deadlock (a
# gate lock serialises the pairs; create/join orders them; one thread takes
# both orders). Prints who reports what; it is a comparison, not a test.
# usage: bench/lockorder/compare.sh BUILD_DIR
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
knot=$build/bin/knot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v valgrind >/dev/null || { echo "compare.sh: valgrind is needed" >&2; exit 2; }

programs=(
    "lock-order-abba|inversion"
    "three-threads|inversion (3 locks)"
    "lock-order-gate-fixed|none (gate lock)"
    "lock-order-join-fixed|none (create/join)"
    "lock-order-single-task-fixed|none (one thread)"
)
printf '%-30s %-20s %-10s %-10s %-10s\n' program truth TSan Helgrind knot
for entry in "${programs[@]}"; do
    name=${entry%%|*} truth=${entry#*|}
    c=$src/tests/programs/$name.c
    [[ -f $c ]] || c=$here/$name.c
    clang -g -O1 -fsanitize=thread -I"$src/include" "$c" -o "$work/$name-tsan" -lpthread 2>/dev/null
    TSAN_OPTIONS="detect_deadlocks=1 second_deadlock_stack=1" "$work/$name-tsan" >/dev/null 2>"$work/tsan.err"
    tsan=$(grep -q "lock-order-inversion" "$work/tsan.err" && echo reports || echo silent)
    [[ -x $work/$name-tsan ]] || tsan="(no build)"
    cc -g -O0 -I"$src/include" "$c" -o "$work/$name" -lpthread 2>/dev/null
    valgrind --tool=helgrind "$work/$name" >/dev/null 2>"$work/hg.err"
    hg=$(grep -q "lock order" "$work/hg.err" && echo reports || echo silent)
    "$knot" cc -O0 "$c" -o "$work/$name-knot" 2>/dev/null
    "$knot" run -o "$work/$name.db" --format json --output "$work/$name.json" -- "$work/$name-knot" \
        >/dev/null 2>&1
    kn=$(grep -q '"rule": "lock-order"' "$work/$name.json" && echo reports ||
        { grep -q '"rule": "lock-order-latent"' "$work/$name.json" && echo "latent (note)" ||
            echo silent; })
    printf '%-30s %-20s %-10s %-10s %-10s\n' "$name" "$truth" "$tsan" "$hg" "$kn"
done
