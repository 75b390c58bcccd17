#!/usr/bin/env bash
# How long `knot lint` takes next to clang-tidy running one cheap check on the
# same translation units (both parse every file once; the difference is what
# each does with the AST), and how knot lint grows with the number of files
# at -j1 and -j2. See bench/lint/README.md.
#
# usage: bench/run-lint.sh [build-dir]     (default: <repo>/build)
# env:   BENCH_RUNS (default 3): runs per measurement, the median is printed
#        BENCH_LINT_PROJECT: the build directory (with compile_commands.json)
#        of another multi-file C project to time as well
#
# Prints ratios; a slow result never fails. Exit status 2 only when a tool
# cannot run at all (knot lint exit 2, a missing build, no SQLite source).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "run-lint.sh: $*" >&2; exit 2; }
build=${1:-$here/../build}
[[ -d $build ]] || die "no build directory '$build' (configure and build first)"
build=$(cd "$build" && pwd)
knot=$build/bin/knot
db=$build/compile_commands.json
runs=${BENCH_RUNS:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"
[[ -x $knot ]] || die "$knot is missing: build first"
[[ -f $db ]] || die "$db is missing (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)"
tidy=$(command -v clang-tidy-14 || command -v clang-tidy) || die "clang-tidy is not installed"
work=$build/bench-lint
mkdir -p "$work"

# One cheap check, and nothing from the repository's own .clang-tidy.
tidy_config='{Checks: "-*,bugprone-assert-side-effect", WarningsAsErrors: ""}'

# One run: "WALL_MS CPU_MS" (user + system; on a machine shared with other
# jobs, the CPU time is the steadier figure). knot lint may exit 1
# (findings); 2 means it could not lint, which makes the figure meaningless.
gnu_time=$(command -v /usr/bin/time || true)
ms() {
    local t0 t1 rc=0 cpu
    t0=$(date +%s%N)
    if [[ -n $gnu_time ]]; then
        "$gnu_time" -f '%U %S' -o "$work/cpu" "$@" >/dev/null 2>"$work/stderr" || rc=$?
    else
        "$@" >/dev/null 2>"$work/stderr" || rc=$?
    fi
    t1=$(date +%s%N)
    if [[ $1 == "$knot" && $rc -ge 2 ]]; then
        cat "$work/stderr" >&2
        die "knot lint failed (exit $rc): $*"
    fi
    cpu=$(((t1 - t0) / 1000000))
    [[ -n $gnu_time ]] && cpu=$(awk 'END {printf "%d", ($1 + $2) * 1000}' "$work/cpu")
    echo "$(((t1 - t0) / 1000000)) $cpu"
}

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
col() { local n=$1; shift; printf '%s\n' "$@" | awk -v n="$n" '{print $n}'; }

# Medians (wall and CPU) of knot and of clang-tidy, run alternately so that
# load changes hit both alike. Sets k_ms, k_cpu, t_ms, t_cpu.
versus() {
    local -n knot_cmd=$1 tidy_cmd=$2
    local ks=() ts=()
    for ((r = 0; r < runs; r++)); do
        ks+=("$(ms "${knot_cmd[@]}")")
        ts+=("$(ms "${tidy_cmd[@]}")")
    done
    mapfile -t kw < <(col 1 "${ks[@]}")
    mapfile -t kc < <(col 2 "${ks[@]}")
    mapfile -t tw < <(col 1 "${ts[@]}")
    mapfile -t tc < <(col 2 "${ts[@]}")
    k_ms=$(median "${kw[@]}") k_cpu=$(median "${kc[@]}")
    t_ms=$(median "${tw[@]}") t_cpu=$(median "${tc[@]}")
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

mapfile -t files < <(python3 -c '
import json, sys
seen = []
for e in json.load(open(sys.argv[1])):
    f = e["file"]
    if not f.startswith("/"):
        f = e["directory"] + "/" + f
    if f not in seen:
        seen.append(f)
print("\n".join(seen))' "$db")
[[ ${#files[@]} -gt 0 ]] || die "$db lists no files"

printf '%-30s %19s %19s %15s\n' "translation units" "knot lint" "clang-tidy" "knot/tidy"
printf '%-30s %19s %19s %15s\n' "" "wall / cpu ms" "wall / cpu ms" "wall / cpu"
report() {
    printf '%-30s %9d / %7d %9d / %7d %7s / %5s\n' "$1" "$k_ms" "$k_cpu" "$t_ms" "$t_cpu" \
        "$(ratio "$k_ms" "$t_ms")" "$(ratio "$k_cpu" "$t_cpu")"
}

# What following spawn wrappers across translation units costs (it is part
# of every knot figure above it): knot lint --stats, once.
summaries=()
summary_cost() {
    local label=$1 line
    shift
    line=$("$knot" lint --stats "$@" 2>&1 >/dev/null | grep '^knot: lint: .* units, CPU ms' || true)
    [[ -n $line ]] || die "knot lint --stats printed no figures: $*"
    summaries+=("$(printf '%-30s %s' "$label" "$(echo "$line" | sed 's/^knot: lint: //')")")
}

# ---- the project's own sources, through compile_commands.json ----
k_cmd=("$knot" lint -p "$build" -j1 "${files[@]}")
t_cmd=("$tidy" -p "$build" --quiet "--config=$tidy_config" "${files[@]}")
versus k_cmd t_cmd
report "project, ${#files[@]} files, -j1"
summary_cost "project" -p "$build" -j1 "${files[@]}"

# ---- another multi-file project, when given ----
if [[ -n ${BENCH_LINT_PROJECT:-} ]]; then
    other=$(cd "$BENCH_LINT_PROJECT" && pwd) || die "no directory '$BENCH_LINT_PROJECT'"
    [[ -f $other/compile_commands.json ]] || die "$other/compile_commands.json is missing"
    n=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' \
        "$other/compile_commands.json")
    k_cmd=("$knot" lint -p "$other" -j1)
    t_cmd=("$tidy" -p "$other" --quiet "--config=$tidy_config")
    mapfile -t other_files < <(python3 -c '
import json, os, sys
for e in json.load(open(sys.argv[1])):
    print(os.path.join(e["directory"], e["file"]))' "$other/compile_commands.json")
    t_cmd+=("${other_files[@]}")
    versus k_cmd t_cmd
    report "$(basename "$other"), $n files, -j1"
    summary_cost "$(basename "$other")" -p "$other" -j1
fi

# ---- the SQLite amalgamation (shipped inside the better-sqlite3 npm package) ----
sqlite=$work/sqlite3.c
if [[ ! -f $sqlite ]]; then
    command -v npm >/dev/null || die "npm is needed to fetch the SQLite amalgamation"
    (cd "$work" && tgz=$(npm pack --silent better-sqlite3 | tail -n 1) &&
        tar -xzf "$tgz" package/deps/sqlite3/sqlite3.c package/deps/sqlite3/sqlite3.h &&
        mv package/deps/sqlite3/sqlite3.c package/deps/sqlite3/sqlite3.h . &&
        rm -rf package "$tgz") || die "cannot fetch better-sqlite3 with npm pack"
fi
lines=$(wc -l <"$sqlite")
sqlite_args=(-I"$work" -DSQLITE_THREADSAFE=1)
k_cmd=("$knot" lint -j1 "$sqlite" -- "${sqlite_args[@]}")
t_cmd=("$tidy" --quiet "--config=$tidy_config" "$sqlite" -- "${sqlite_args[@]}")
versus k_cmd t_cmd
report "sqlite3.c, $lines lines"
summary_cost "sqlite3.c" -j1 "$sqlite" -- "${sqlite_args[@]}"

echo
echo "cross-unit summaries (included in the knot figures above):"
printf '%s\n' "${summaries[@]}"

# ---- knot lint alone: growth with the number of files, -j1 and -j2 ----
echo
printf '%-10s %10s %10s %16s %10s\n' "files" "-j1 wall" "-j2 wall" "-j1 cpu per file" "j1/j2"
for n in 8 16 32 64 "${#files[@]}"; do
    ((n <= ${#files[@]})) || continue
    subset=("${files[@]:0:n}")
    j1=() j2=()
    for ((r = 0; r < runs; r++)); do
        j1+=("$(ms "$knot" lint -p "$build" -j1 "${subset[@]}")")
        j2+=("$(ms "$knot" lint -p "$build" -j2 "${subset[@]}")")
    done
    mapfile -t w1 < <(col 1 "${j1[@]}")
    mapfile -t c1 < <(col 2 "${j1[@]}")
    mapfile -t w2 < <(col 1 "${j2[@]}")
    a=$(median "${w1[@]}") b=$(median "${w2[@]}") c=$(median "${c1[@]}")
    printf '%-10s %7d ms %7d ms %13d ms %10s\n' "$n" "$a" "$b" $((c / n)) "$(ratio "$a" "$b")"
    [[ $n -eq ${#files[@]} ]] && break
done
