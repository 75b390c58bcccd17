#!/usr/bin/env bash
# Recording overhead: each channel workload untraced and traced (KNOT_TRACE),
# interleaved, with the median times, their ratio, the events written per
# second, the bytes each event takes in the journal and in the trace, and
# how many events per second the import of that journal into the trace
# reaches (bench_import: the importer alone, best of 3).
#
# usage: bench/run-record.sh [build-dir]     (default: <repo>/build)
# env:   BENCH_RUNS (default 5), BENCH_SCALE (divide every N, default 1)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
runs=${BENCH_RUNS:-5}
scale=${BENCH_SCALE:-1}
knot=$build/bin/knot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[[ -x $knot && -x $build/bench/bench_pingpong && -x $build/bench/bench_import ]] || { echo "run-record.sh: build first ($build)" >&2; exit 2; }

n() { local x=$(($1 / scale)); echo $((x > 0 ? x : 1)); }
workloads=(
    "pingpong|$(n 200000)"
    "buffered|$(n 1000000) 128"
    "fanin|$(n 1000000) 64"
    "select4|$(n 200000)"
    "pipeline3|$(n 100000)"
)
# Run a command, print its wall time in ms. Pass a traced run's environment
# through env: set on ms itself, the dates around the run would be traced too
# (and, preloaded, write over the run's journal).
ms() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}
# Import journal $1 into trace $2; prints "events journal-B/ev trace-B/ev import-events/s".
import() {
    local events secs rate jbytes tbytes
    read -r events secs rate jbytes tbytes < <("$build/bench/bench_import" "$1" "$2" 3)
    echo "$events $((jbytes / events)) $((tbytes / events)) $rate"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

echo "nproc: $(nproc); runs: $runs per side, interleaved; cache-line round trip: $("$build/bench/bench_cacheline" 1000000) ns"
printf '%-10s | %9s | %9s | %7s | %9s | %11s | %12s | %10s | %12s\n' workload "plain ms" "traced ms" ratio events "events/s" "journal B/ev" "trace B/ev" "import ev/s"
echo "-----------+-----------+-----------+---------+-----------+-------------+--------------+------------+-------------"
for w in "${workloads[@]}"; do
    name=${w%%|*}
    read -r -a args <<<"${w#*|}"
    prog=$build/bench/bench_$name
    plain=() traced=()
    for ((i = 0; i < runs; i++)); do
        plain+=("$(ms "$prog" "${args[@]}")")
        rm -f "$work/t.db" "$work/t.db.knot-journal"
        traced+=("$(ms env KNOT_TRACE="$work/t.db" "$prog" "${args[@]}")")
    done
    read -r events jbpe tbpe rate < <(import "$work/t.db.knot-journal" "$work/t.db")
    p=$(median "${plain[@]}") t=$(median "${traced[@]}")
    printf '%-10s | %9d | %9d | %6s | %9d | %11d | %12d | %10d | %12d\n' "$name" "$p" "$t" \
        "$(awk -v a="$t" -v b="$p" 'BEGIN{printf "%.2fx", a/b}')" "$events" \
        "$((events * 1000 / (t > 0 ? t : 1)))" "$jbpe" "$tbpe" "$rate"
done
echo
echo "journal B/ev counts the 4 KiB chunks the threads took (the file grows in 8 MiB segments);"
echo "import ev/s is the importer alone, without the check knot import adds."

# The mutex-heavy case against the race detectors, on a plain pthread program
# (knot records it through its preloaded runtime, as knot run does).
m=$(n 1000000)
prog=$build/bench/bench_mutex
lib=$(dirname "$(readlink -f "$build/runtime-shim/libknot.so")")/libknot.so
plain=() knot=() bare=() tsan=()
for ((i = 0; i < runs; i++)); do
    plain+=("$(ms "$prog" "$m")")
    # Each lock's call chain (KNOT_CALL_DEPTH=6) against its return address alone.
    rm -f "$work/b.db.knot-journal"
    bare+=("$(ms env KNOT_TRACE="$work/b.db" KNOT_CALL_DEPTH=1 LD_PRELOAD="$lib" "$prog" "$m")")
    rm -f "$work/m.db.knot-journal"
    knot+=("$(ms env KNOT_TRACE="$work/m.db" LD_PRELOAD="$lib" "$prog" "$m")")
    tsan+=("$(ms env TSAN_OPTIONS=report_bugs=0 "$build/bench/bench_mutex_tsan" "$m")")
done
p=$(median "${plain[@]}")
read -r events jbpe tbpe rate < <(import "$work/m.db.knot-journal" "$work/m.db")
ratio() { awk -v a="$1" -v b="$p" 'BEGIN{printf "%.1fx", a/b}'; }
echo
echo "mutex-heavy: 2 threads x $m lock/unlock pairs; $events events, journal $jbpe B/ev, trace $tbpe B/ev, import $rate events/s"
printf '  %-28s %8d ms\n' "plain" "$p"
t=$(median "${knot[@]}")
printf '  %-28s %8d ms  %s\n' "knot traced" "$t" "$(ratio "$t")"
t=$(median "${bare[@]}")
printf '  %-28s %8d ms  %s\n' "knot traced, no call chains" "$t" "$(ratio "$t")"
t=$(median "${tsan[@]}")
printf '  %-28s %8d ms  %s\n' "-fsanitize=thread" "$t" "$(ratio "$t")"
if command -v valgrind >/dev/null; then
    t=$(ms valgrind --tool=helgrind -q "$prog" "$m")
    printf '  %-28s %8d ms  %s\n' "valgrind --tool=helgrind (1 run)" "$t" "$(ratio "$t")"
fi
