#!/usr/bin/env bash
# knot graph and knot report: the pictures of a known deadlock, a leak of a
# thousand tasks and a happens-before window, parsed and checked; every
# format; the report's escaping of hostile names; clear errors.
# usage: check-graphs.sh SOURCE_DIR BUILD_DIR
set -u
src=$1 build=$2
knot=$build/bin/knot
here=$src/tests/graphs
work=$build/tests/graphs-work
rm -rf "$work" && mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }
py() { python3 "$here/$1" "${@:2}" || fail "$1 ${*:2}"; }

# A lock-order deadlock, caught live and recorded.
"$knot" run -o "$work/abba.db" -- "$build/tests/rec-abba" >/dev/null 2>&1
"$knot" graph "$work/abba.db" -o "$work/abba.svg" || fail "knot graph abba"
py check-svg.py wfg-cycle "$work/abba.svg"
py check-svg.py wfg-layout "$work/abba.svg"
"$knot" graph "$work/abba.db" --kind hb -o "$work/abba-hb.svg" || fail "knot graph --kind hb"
py check-svg.py hb "$work/abba-hb.svg" 3 3 # a wg done -> wait inside task 3 draws none
py check-svg.py hb-story "$work/abba-hb.svg"
"$knot" graph "$work/abba.db" --kind hb --tasks 2 --window 5 -o "$work/lane.svg" || fail "--tasks"
py check-svg.py hb "$work/lane.svg" 1 0

# A finding's story: a thousand iterations folded into a few boxes, both
# closes marked; a prediction's racing pair marked and its reordering drawn.
"$knot" run -o "$work/loop.db" -- "$build/tests/hb-loop" >/dev/null 2>&1
"$knot" graph "$work/loop.db" --kind hb --finding 1 --window 500 -o "$work/loop.svg" ||
    fail "knot graph loop"
py check-svg.py hb-story "$work/loop.svg" folded=12 marked=chan_close,panic
"$knot" run -o "$work/mix.db" -- "$build/tests/report-mix" >/dev/null 2>&1
"$knot" check "$work/mix.db" --format json -o "$work/mix.json"
predicted=$(python3 -c 'import json,sys; print(1 + [f["rule"] for f in json.load(open(sys.argv[1]))["findings"]].index("send-on-closed"))' "$work/mix.json")
"$knot" graph "$work/mix.db" --finding "$predicted" -o "$work/race.svg" || fail "knot graph race"
py check-svg.py hb-story "$work/race.svg" marked=chan_send,chan_close reorder=chan_close\>chan_send

# The arrows are the replayer's edges: a buffered send after the receive that
# made room for it, an unbuffered sender's next step after the receive, and
# the Wait after both Dones (not only the last), besides the recorded pairs.
"$knot" run -o "$work/edges.db" -- "$build/tests/hb-edges" >/dev/null 2>&1
"$knot" graph "$work/edges.db" --kind hb --window 100 -o "$work/edges.svg" || fail "knot graph edges"
py check-svg.py hb-edges "$work/edges.svg" "go>task_start=2" "chan_send>chan_recv=3" \
    "chan_recv>chan_send=1" "chan_recv>wg_add=1" "wg_add>wg_wait=2"

# Every format, told by its extension.
"$knot" graph "$work/abba.db" -o "$work/abba.png" && [[ $(head -c 4 "$work/abba.png" | tail -c 3) == PNG ]] &&
    ok "png" || fail "png"
"$knot" graph "$work/abba.db" -o "$work/abba.pdf" && [[ $(head -c 4 "$work/abba.pdf") == %PDF ]] &&
    ok "pdf" || fail "pdf"
"$knot" graph "$work/abba.db" -o "$work/abba.dot" && grep -q "^strict digraph wait_for" "$work/abba.dot" &&
    ok "dot" || fail "dot"

# A thousand leaked tasks are one node.
"$knot" run -o "$work/many.db" -- "$build/tests/many-leaks" >/dev/null 2>&1
"$knot" graph "$work/many.db" -o "$work/many.svg" || fail "knot graph many"
py check-svg.py wfg-group "$work/many.svg" 999
py check-svg.py wfg-layout "$work/many.svg"

# A page of several findings: the run's end first, unique ids though the
# wait-for graph is shown twice, each rule's page linked, how to fix, what
# predicted means, a pool of tasks on one line (in the text output too).
"$knot" check "$work/mix.db" -o "$work/mix.txt"
"$knot" report "$work/mix.db" -o "$work/mix.html" || fail "knot report mix"
py check-report.py page "$work/mix.html" "$work/mix.json" "$src/docs" "exited with status 3"
count() { grep -c -- "$1" "$work/mix.txt"; }
findings=$(grep -c '"rule":' "$work/mix.json")
[[ $(count "note: 11 tasks were spawned here (tasks 3 to 13)$") == 1 &&
    $(count "was spawned here") == 2 ]] &&
    ok "text: eleven tasks spawned at one line are one note" || fail "text: task notes: $(grep spawned "$work/mix.txt")"
[[ $(count "is the main task") == 0 ]] && ok "text: no note for the main task" || fail "text: main task note"
[[ $findings == 3 && $(count "^note: to fix: .*; see docs/rules/[a-z-]*\.md$") == 3 &&
    $(count "see docs/rules/send-on-closed.md$") == 1 ]] &&
    ok "text: each finding says how to fix it and links its rule" || fail "text: fix notes"
[[ $(count "^note: predicted: it did not happen in this run") == 1 ]] &&
    ok "text: the predicted finding says what predicted means" || fail "text: predicted note"

# Errors: one line, status 2.
expect_error() { # DESCRIPTION PATTERN knot-args...
    local what=$1 pattern=$2
    shift 2
    "$knot" "$@" >/dev/null 2>"$work/err"
    local status=$?
    if [[ $status == 2 && $(wc -l <"$work/err") == 1 ]] && grep -q "$pattern" "$work/err"; then
        ok "$what"
    else
        fail "$what: status $status: $(cat "$work/err")"
    fi
}
"$knot" run -o "$work/clean.db" -- "$build/tests/rec-chan" >/dev/null 2>&1
expect_error "unknown picture format" "unknown picture format" graph "$work/abba.db" -o "$work/x.gif"
# A clean end is an answer: an empty wait-for graph, said so, and status 0.
if "$knot" graph "$work/clean.db" -o "$work/clean.svg" 2>"$work/err" &&
    grep -q "no task was blocked at the end" "$work/err" && grep -q "<svg" "$work/clean.svg"; then
    ok "nothing blocked draws an empty graph"
else
    fail "nothing blocked: $(cat "$work/err")"
fi
expect_error "no such finding" "no finding 99" graph "$work/abba.db" --finding 99 -o "$work/x.svg"
expect_error "no output" "no output file" graph "$work/abba.db"
expect_error "not a trace" "not a knot trace" report /etc/hostname -o "$work/x.html"
cp "$work/clean.db" "$work/empty.db" && sqlite3 "$work/empty.db" "DELETE FROM events"
expect_error "empty trace" "no events" report "$work/empty.db" -o "$work/x.html"

# Hostile names from the trace are text in the report, never markup.
cp "$work/many.db" "$work/evil.db"
sqlite3 "$work/evil.db" "UPDATE sites SET function='<script>alert(1)</script>',
    file='/nowhere/a&b\"<img src=x onerror=alert(2)>.c';
    UPDATE objects SET name='<b>\"q\" & ''x''</b>' WHERE name='results';"
"$knot" report "$work/evil.db" -o "$work/evil.html" || fail "knot report evil"
py check-report.py escape "$work/evil.html" "<script>alert(1)</script>" \
    "a&b\"<img src=x onerror=alert(2)>.c" "<b>\"q\" & 'x'</b>"

[[ $failures == 0 ]] && echo "all graph checks passed"
exit $((failures > 0))
