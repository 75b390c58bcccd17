#!/usr/bin/env bash
# Time knot's channel benchmarks against their Go twins and print one table.
#
# usage: bench/run-chan.sh [build-dir]          (default: <repo>/build)
#   knot programs:  <build-dir>/bench/bench_<name>   (built by CMake)
#   Go twins:       built here into <build-dir>/bench-go
# env:
#   BENCH_RUNS     runs per program and workload (default 7)
#   BENCH_SCALE    divide every N by this, for a quick run (default 1)
#   BENCH_TIMEOUT  seconds before a run counts as hung (default 120)
#
# Exit status is non-zero if a program fails or hangs, or if knot and Go
# print different checksums. A missed goal never fails: this is a benchmark.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "run-chan.sh: $*" >&2; exit 2; }
problems=()
fail() { echo "FAIL: $*" >&2; problems+=("$*"); }

build=${1:-$here/../build}
[[ -d $build ]] || die "no build directory '$build' (configure and build with cmake first)"
build=$(cd "$build" && pwd)
cbin=$build/bench
gobin=$build/bench-go

runs=${BENCH_RUNS:-7}
scale=${BENCH_SCALE:-1}
limit=${BENCH_TIMEOUT:-120}
for v in runs scale limit; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done

n() { local x=$(($1 / scale)); echo $((x > 0 ? x : 1)); }

# name | program | arguments | goal: the largest acceptable knot/Go ratio,
# in hundredths. Tasks are coroutines like goroutines: every workload must
# match Go, the spawn of 10^5 tasks and 10^6 parked at once included.
workloads=(
    "pingpong|pingpong|$(n 200000)|100"
    "buffered cap=1|buffered|$(n 2000000) 1|100"
    "buffered cap=128|buffered|$(n 2000000) 128|100"
    "fanin 8->1 cap=64|fanin|$(n 2000000) 64|100"
    "select4|select4|$(n 500000)|100"
    "pipeline3|pipeline3|$(n 500000)|100"
    "spawn 10^5|spawn|$(n 100000)|100"
    "parked 10^6|parked|$(n 1000000)|100"
)
programs=(pingpong buffered fanin select4 pipeline3 spawn parked)

# Go's defaults (GOMAXPROCS = nproc), whatever the caller's environment says.
unset GOMAXPROCS GOGC GODEBUG
# Standard library only, no module download, caches inside the build tree.
export GO111MODULE=off GOFLAGS= GOCACHE=$gobin/cache GOPATH=$gobin/gopath
command -v go >/dev/null || die "go not found in PATH (Debian: apt-get install golang-go)"
mkdir -p "$gobin"
for p in "${programs[@]}"; do
    [[ -x $cbin/bench_$p ]] || die "missing $cbin/bench_$p (build the CMake project first)"
    go build -o "$gobin/$p" "$here/chan/go/$p.go" "$here/chan/go/args.go" || die "go build $p.go failed"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_one PROGRAM ARGS...: run it under a timeout; set ns (wall time) and
# sum (its checksum), or report why not and return 1.
run_one() {
    local t0 t1 rc=0
    t0=$(date +%s%N)
    timeout -k 5 "$limit" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    t1=$(date +%s%N)
    if ((rc == 124)); then
        fail "'$*' hung: stopped after ${limit}s"
    elif ((rc > 128)); then # killed by a signal, e.g. SIGABRT from a panic
        fail "'$*' died of SIG$(kill -l $((rc - 128)))"
    elif ((rc)); then
        fail "'$*' exited with status $rc"
    fi
    sum=$(<"$tmp/out")
    if ((rc == 0)) && ! [[ $sum =~ ^[0-9]+$ ]]; then
        fail "'$*' printed '$sum', not a checksum"
        rc=1
    fi
    if ((rc)); then
        head -n 20 "$tmp/err" | sed 's/^/    /' >&2
        return 1
    fi
    ns=$((t1 - t0))
}

median() {
    local -a s
    mapfile -t s < <(printf '%s\n' "$@" | sort -n)
    local k=${#s[@]}
    if ((k % 2)); then echo "${s[k / 2]}"; else echo $(((s[k / 2 - 1] + s[k / 2]) / 2)); fi
}

ms() { local t=$((($1 + 50000) / 100000)); printf '%d.%d' $((t / 10)) $((t % 10)); }
x100() { printf '%d.%02dx' $(($1 / 100)) $(($1 % 100)); }

status=0
rows=()
cacheline_before=$([[ -x $cbin/bench_cacheline ]] && "$cbin/bench_cacheline" 1000000 || echo "?")

for w in "${workloads[@]}"; do
    IFS='|' read -r name prog args goal <<<"$w"
    read -ra argv <<<"$args"
    echo "running $name: $prog $args, $runs runs each" >&2
    kt=() gt=() failed=
    # Interleave C, Go, C, Go... so drift in machine load hits both alike.
    for ((r = 1; r <= runs; r++)); do
        run_one "$cbin/bench_$prog" "${argv[@]}" || { failed=1; break; }
        kt+=("$ns") ksum=$sum
        run_one "$gobin/$prog" "${argv[@]}" || { failed=1; break; }
        gt+=("$ns") gsum=$sum
        if [[ $ksum != "$gsum" ]]; then
            fail "checksum mismatch in run $r: bench_$prog $args printed $ksum," \
                 "its Go twin printed $gsum"
            failed=1
            break
        fi
        ((r == 1)) && want=$gsum
        if [[ $gsum != "$want" ]]; then
            fail "checksums vary between runs of $prog $args: $want, then $gsum"
            failed=1
            break
        fi
    done
    if [[ $failed ]]; then
        status=1
        rows+=("$name|FAIL|FAIL|-|<= $(x100 "$goal")|-")
        continue
    fi
    km=$(median "${kt[@]}") gm=$(median "${gt[@]}")
    ratio=$(((km * 100 + gm / 2) / gm))
    within=no
    ((ratio <= goal)) && within=yes
    rows+=("$name|$(ms "$km")|$(ms "$gm")|$(x100 "$ratio")|<= $(x100 "$goal")|$within")
done

echo
echo "nproc: $(nproc)    $(go version)    GOMAXPROCS: default"
echo "runs: $runs per side, interleaved; N scaled by 1/$scale; medians of wall time per process"
if [[ -x $cbin/bench_cacheline ]]; then
    # Before and after: the host may move the virtual CPUs during the run.
    echo "cache-line round trip between two threads: ${cacheline_before} ns before, $("$cbin/bench_cacheline" 1000000) ns after"
    echo "  (the floor under any cross-thread hand-off; Go's goroutines on one core do not pay it)"
fi
# Resident memory per parked task, as each program measured it while all
# its tasks were parked (the goal: at most twice a goroutine's).
rss_of() {
    "$@" 2>&1 >/dev/null | sed -n 's/^rss_per_task_bytes \([0-9]*\)$/\1/p'
}
krss=$(rss_of "$cbin/bench_parked" "$(n 1000000)")
grss=$(rss_of "$gobin/parked" "$(n 1000000)")

echo
fmt='%-18s | %14s | %12s | %13s | %9s | %s\n'
printf "$fmt" workload "knot median ms" "Go median ms" "ratio knot/Go" goal "within goal?"
echo "-------------------+----------------+--------------+---------------+-----------+-------------"
for row in "${rows[@]}"; do
    IFS='|' read -ra c <<<"$row"
    printf "$fmt" "${c[@]}"
done
if [[ $krss =~ ^[0-9]+$ && $grss =~ ^[0-9]+$ && $grss -gt 0 ]]; then
    rr=$(((krss * 100 + grss / 2) / grss))
    echo
    echo "resident memory per parked task: knot $krss bytes, Go $grss bytes," \
         "ratio $(x100 "$rr") (goal <= 2.00x: $( ((rr <= 200)) && echo yes || echo no))"
else
    fail "parked did not report its resident memory per task (knot: '$krss', Go: '$grss')"
    status=1
fi
if ((${#problems[@]})); then
    echo
    printf 'FAIL: %s\n' "${problems[@]}"
fi
exit "$status"
