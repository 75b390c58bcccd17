#!/usr/bin/env bash
# The command line as a careful user expects it: nothing overwritten, nothing
# mixed, nothing silently partial. Each case checks the exact exit status,
# the exact one-line message, and that the inputs are byte-identical after.
# usage: check-cli.sh CASE BUILD_DIR
set -u
case_name=$1
build=$2
knot=$build/bin/knot
bin=$build/tests
work=$build/tests/cli-work/$case_name
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }
# refuses STATUS "MESSAGE" knot-args...: knot exits STATUS, its stderr is
# exactly MESSAGE (one line), and its stdout is empty.
refuses() {
    local want=$1 msg=$2
    shift 2
    "$knot" "$@" >"$work/out" 2>"$work/err"
    local got=$?
    if [[ $got == "$want" && "$(cat "$work/err")" == "$msg" && ! -s "$work/out" ]]; then
        ok "knot $*: $want, $msg"
    else
        fail "knot $*: status $got (want $want), stderr: $(cat "$work/err") (want: $msg)"
    fi
}
# Remember files' sums; unchanged checks them again.
remember() { sha256sum "$@" >"$work/sums"; }
unchanged() {
    if sha256sum --quiet -c "$work/sums"; then ok "inputs byte-identical"; else fail "an input changed"; fi
}
no_leftovers() {
    local left
    left=$(find . -name '*.tmp-*' -o -name '*.knot-lock' -o -name '*.knot-journal')
    if [[ -z $left ]]; then ok "no temporary files left"; else fail "left behind: $left"; fi
}

case $case_name in
overwrite)
    cp "$bin/rec-chan" app
    printf 'int main(void) { return 0; }\n' >app.c
    "$knot" run -o t.db -- ./app >/dev/null 2>&1 || fail "recording t.db"
    remember app app.c t.db
    refuses 2 "knot: app is the program it runs: refusing to write over it" run -o app -- ./app
    refuses 2 "knot: app.c exists and is not a knot trace: refusing to write over it" \
        run -o app.c -- ./app
    refuses 2 "knot: t.db is the trace it reads: refusing to write over it" report t.db -o t.db
    refuses 2 "knot: t.db is the trace it reads: refusing to write over it" \
        check t.db --format sarif --output t.db
    refuses 2 "knot: t.db is the trace it reads: refusing to write over it" check t.db -o t.db
    refuses 2 "knot: app.c exists and is not knot's text findings: refusing to write over it" \
        check t.db -o app.c
    refuses 2 "knot: app.c exists and is not a SARIF log: refusing to write over it" \
        check t.db --format sarif -o app.c
    refuses 2 "knot: app.c exists and is not a knot report: refusing to write over it" \
        report t.db -o app.c
    cp app.c app.dot && remember app app.c app.dot t.db
    refuses 2 "knot: app.dot exists and is not a picture of that format: refusing to write over it" \
        graph t.db -o app.dot
    refuses 2 "knot: app is the program it runs: refusing to write over it" \
        run -o u.db --format json --output app -- ./app
    cp t.db app.c.knot-journal
    refuses 2 "knot: app.c exists and is not a knot trace: refusing to write over it" import app.c
    rm app.c.knot-journal
    [[ ! -e u.db ]] && ok "a refused run records nothing" || fail "a refused run left u.db"
    unchanged
    # What knot wrote itself it may write again.
    for i in 1 2; do
        "$knot" check t.db -o r.json --format json 2>/dev/null || fail "check -o r.json ($i)"
        "$knot" report t.db -o r.html 2>/dev/null || fail "report -o r.html ($i)"
        "$knot" graph t.db --kind hb -o r.svg 2>/dev/null || fail "graph -o r.svg ($i)"
        "$knot" run -o t.db -- ./app >/dev/null 2>&1 || fail "run -o t.db again ($i)"
    done
    no_leftovers
    ;;
stdout)
    # The program's output is the program's: the report goes to stderr.
    "$bin/rec-chan" >own 2>/dev/null || fail "rec-chan alone"
    for format in text json sarif; do
        "$knot" run -o t.db --format "$format" -- "$bin/rec-chan" >out 2>err
        status=$?
        if [[ $status == 0 ]] && cmp -s out own; then
            ok "--format $format: stdout is the program's alone"
        else
            fail "--format $format: status $status, stdout: $(head -c 300 out)"
        fi
    done
    grep -q '"version"' err && ok "the SARIF report is on stderr" || fail "no report on stderr"
    "$knot" run -o t.db --format json --output r.json -- "$bin/rec-chan" >out 2>err
    cmp -s out own && grep -q '"findings"' r.json && ok "--output takes the report" ||
        fail "--output: $(cat out)"
    ;;
concurrent)
    # A run holds its trace: a second run naming it refuses and changes
    # nothing; the first run's events are all its own.
    mkfifo started release
    "$knot" run -o t.db -- sh -c 'echo up >started; read -r x <release' >/dev/null 2>first.err &
    first=$!
    read -r _ <started
    remember "$bin/rec-chan"
    refuses 2 "knot: t.db: another knot run is recording into this trace" \
        run -o t.db -- "$bin/rec-chan"
    refuses 2 "knot: t.db: another knot run is recording into this trace" \
        run -o t.db --format json --output r.json -- "$bin/rec-chan"
    [[ ! -e r.json ]] && ok "the refused run wrote no report" || fail "r.json written"
    echo go >release
    wait "$first"
    status=$?
    [[ $status == 0 ]] && ok "the first run ends normally" || fail "first run: $status $(cat first.err)"
    unchanged
    "$knot" run -o t.db -- "$bin/rec-chan" >/dev/null 2>&1 || fail "the trace is free again"
    ok "the trace is free once the first run is over"
    no_leftovers
    ;;
unrecorded)
    refuses 2 "knot: cannot run ./no-such-program: No such file or directory" \
        run -o m.db -- ./no-such-program
    [[ ! -e m.db ]] && ok "a missing program leaves no trace file" || fail "m.db left behind"
    printf 'int main(void) { return 0; }\n' >static.c
    if cc -static -o static static.c 2>/dev/null; then
        remember static
        "$knot" run -o s.db -- ./static >out 2>err
        status=$?
        msg="knot: ./static is statically linked: the recorder could not be loaded into it, so nothing was recorded (build it with knot cc)"
        [[ $status == 2 && "$(tail -n1 err)" == "$msg" ]] && ok "a static binary: status 2 and why" ||
            fail "static: status $status: $(cat err)"
        [[ ! -e s.db ]] && ok "and no trace file" || fail "s.db left behind"
        unchanged
    else
        echo "skip static: no static libc"
    fi
    no_leftovers
    ;;
orphan)
    # SIGKILL of knot run takes its program with it.
    mkfifo pid
    "$knot" run -o t.db -- sh -c 'echo $$ >pid; exec sleep 600' >/dev/null 2>&1 &
    runner=$!
    read -r child <pid
    kill -KILL "$runner"
    wait "$runner" 2>/dev/null
    for _ in $(seq 100); do
        state=$(awk '{print $3}' "/proc/$child/stat" 2>/dev/null)
        [[ -z $state || $state == Z ]] && break
        sleep 0.1
    done
    if [[ -z $state || $state == Z ]]; then
        ok "the program died with knot run"
    else
        fail "the program outlived knot run"
        kill -KILL "$child" 2>/dev/null
    fi
    ;;
options)
    "$knot" run -o t.db -- "$bin/rec-chan" >/dev/null 2>&1 || fail "recording t.db"
    remember t.db
    for cmd in run import summary check graph report rules lint; do
        "$knot" "$cmd" --help >out 2>err
        status=$?
        [[ $status == 0 && ! -s err ]] && grep -q "^usage: knot $cmd" out &&
            ok "knot $cmd --help" || fail "knot $cmd --help: $status $(cat err)"
    done
    refuses 2 "knot: check: 'loop-capture' is not a dynamic rule (knot lint finds it in the source)" \
        check t.db --rule loop-capture
    refuses 2 "knot: run: 'unreceived-send' is not a dynamic rule (knot lint finds it in the source)" \
        run -o u.db --rule unreceived-send -- "$bin/rec-chan"
    refuses 2 "knot: check: unknown rule 'no-such-rule' (knot rules lists them)" check t.db --rule no-such-rule
    # check, run and lint word a bad value of the options they share alike
    refuses 2 "knot: check: bad --format 'xml' (text, json or sarif)" check t.db --format xml
    refuses 2 "knot: run: bad --fail-on 'fatal' (note, warning or error)" \
        run -o u.db --fail-on fatal -- "$bin/rec-chan"
    refuses 2 "knot: lint: bad --format 'xml' (text, json or sarif)" lint --format xml t.c
    refuses 2 "knot: lint: unknown rule 'no-such-rule' (knot rules lists them)" \
        lint --rule no-such-rule t.c
    refuses 2 "knot: check: no trace given (see knot check --help)" check
    refuses 2 "knot: run: no program given (see knot run --help)" run
    refuses 2 "knot: t.gif: unknown picture format (use .svg, .png, .pdf or .dot)" graph t.db -o t.gif
    refuses 2 "knot: no-such.db: no such trace" check no-such.db
    "$knot" check t.db -o r.txt 2>err
    status=$?
    [[ $status == 0 && -e r.txt ]] && ok "check takes -o" || fail "check -o: $status $(cat err)"
    # A clean trace draws an empty wait-for graph, says so, and is status 0.
    "$knot" graph t.db -o clean.dot >out 2>err
    status=$?
    [[ $status == 0 && "$(cat err)" == "knot: t.db: no task was blocked at the end: the wait-for graph is empty" ]] &&
        grep -q "digraph" clean.dot && ok "a clean trace graphs as empty" ||
        fail "clean graph: $status $(cat err)"
    unchanged
    ;;
end)
    # How the program ended is in every output, not only in the status.
    "$knot" run -o c.db -- "$bin/rec-crash" segv >out 2>err
    status=$?
    [[ $status == 139 ]] && grep -qx "the program was killed by signal 11 (SIGSEGV)" err &&
        ok "run: 139 and the signal in the text report" || fail "run segv: $status $(cat err)"
    remember c.db
    "$knot" check c.db >out 2>err
    [[ $? == 0 && "$(cat out)" == "the program was killed by signal 11 (SIGSEGV)" ]] &&
        ok "check: text" || fail "check text: $(cat out err)"
    "$knot" check c.db --format json >out 2>err
    python3 -c 'import json,sys; e=json.load(open("out"))["program_end"]; sys.exit(e != {"signal": 11, "signal_name": "SIGSEGV", "timed_out": False})' &&
        ok "check: JSON program_end" || fail "check json: $(cat out)"
    "$knot" check c.db --format sarif >out 2>err
    python3 -c 'import json,sys; i=json.load(open("out"))["runs"][0]["invocations"][0]; sys.exit(not (i["exitSignalName"] == "SIGSEGV" and i["executionSuccessful"] is False))' &&
        ok "check: SARIF invocation" || fail "check sarif: $(cat out)"
    "$knot" report c.db -o c.html 2>err
    grep -q "The program was killed by signal 11 (SIGSEGV)." c.html && ok "report: the end" ||
        fail "report: no end"
    grep -q "raced" c.html && fail "the report claims races" || ok "the report claims no races"
    unchanged
    "$knot" run -o h.db --timeout 1 -- "$bin/rec-hang" >out 2>err
    status=$?
    "$knot" check h.db --format json >out 2>/dev/null
    [[ $status == 137 ]] && python3 -c 'import json,sys; sys.exit(not json.load(open("out"))["program_end"]["timed_out"])' &&
        ok "a --timeout kill is marked as one" || fail "timeout: $status $(cat out)"
    ;;
paths)
    # knot cc records sources by absolute path: check, report and
    # knot:ignore work from any directory.
    mkdir src elsewhere
    here=$(cd "$(dirname "$0")" && pwd)
    sed 's|// want: leak|// knot:ignore leak|' "$here/../programs/leak-unbuffered.c" >src/quiet.c
    cp "$here/../programs/leak-unbuffered.c" src/loud.c
    (cd src && "$knot" cc quiet.c -o ../quiet && "$knot" cc loud.c -o ../loud) || fail "knot cc"
    cd elsewhere || exit 1
    "$knot" run -o quiet.db -- ../quiet >/dev/null 2>err
    status=$?
    [[ $status == 0 ]] && grep -q "no findings" err && ok "knot:ignore holds from another directory" ||
        fail "quiet: $status $(cat err)"
    "$knot" run -o loud.db --format json --output loud.json -- ../loud >/dev/null 2>&1
    python3 -c 'import json,sys; f=json.load(open("loud.json"))["findings"]; sys.exit(not f or f[0]["location"]["file"] != sys.argv[1])' "$work/src/loud.c" &&
        ok "findings name the source by absolute path" || fail "loud: $(head -c 400 loud.json)"
    ;;
corrupt)
    # One validator: every command refuses a broken trace with the same line.
    "$knot" run -o t.db -- "$bin/rec-chan" >/dev/null 2>&1 || fail "recording t.db"
    cp t.db task.db && sqlite3 task.db "UPDATE events SET task=999 WHERE seq=3"
    cp t.db object.db && sqlite3 object.db "UPDATE events SET object=777 WHERE seq=3"
    cp t.db kind.db && sqlite3 kind.db "UPDATE events SET kind='frob' WHERE seq=3"
    cp t.db gone.db && sqlite3 gone.db "DROP VIEW blocked_at_end; DROP TABLE events"
    remember task.db object.db kind.db gone.db
    for cmd in summary check "graph --kind hb -o x.svg" "graph -o x.svg" "report -o x.html"; do
        # shellcheck disable=SC2086
        refuses 2 "knot: task.db: corrupt trace: event 3 names task 999, which it does not hold" $cmd task.db
        # shellcheck disable=SC2086
        refuses 2 "knot: object.db: corrupt trace: event 3 names object 777, which it does not hold" $cmd object.db
        # shellcheck disable=SC2086
        refuses 2 "knot: kind.db: corrupt trace: event 3 is of unknown kind frob" $cmd kind.db
        # shellcheck disable=SC2086
        refuses 2 "knot: gone.db: not a readable knot trace: no such table: events" $cmd gone.db
    done
    unchanged
    [[ ! -e x.svg && ! -e x.html ]] && ok "no output for a broken trace" || fail "output written"
    # A journal cut short imports what it holds, and says so.
    KNOT_TRACE=$work/j.db LD_PRELOAD=$build/runtime-shim/libknot.so "$bin/rec-plain" >/dev/null 2>&1
    cp j.db.knot-journal full.journal
    truncate -s 3000000 j.db.knot-journal
    "$knot" import j.db >out 2>err
    status=$?
    [[ $status == 0 && "$(head -n1 err)" == "knot: j.db: the journal was cut short (it ends inside a segment, at 3000000 bytes): imported what it holds" ]] &&
        ok "a journal cut short: imported, and said" || fail "cut short: $status $(cat err)"
    [[ $(sqlite3 j.db "SELECT value FROM meta WHERE key='journal_cut_at'") == 3000000 ]] &&
        ok "the trace remembers it" || fail "no journal_cut_at"
    cp full.journal j.db.knot-journal
    "$knot" import j.db >out 2>err
    [[ $? == 0 ]] && ! grep -q "cut short" err && ok "a whole journal is not cut short" ||
        fail "whole journal: $(cat err)"
    head -c 10000 /dev/urandom >j.db.knot-journal
    refuses 2 "knot: j.db.knot-journal: not a knot journal" import j.db
    ;;
open)
    # One way to open a trace: every command that reads one refuses a
    # foreign file, a missing one or a corrupt one with the same line and
    # status 2, and writes nothing.
    printf 'not a trace\n' >foreign.txt
    sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES (1)"
    mkdir dir.db
    "$knot" run -o t.db -- "$bin/rec-chan" >/dev/null 2>&1 || fail "recording t.db"
    cp t.db site.db && sqlite3 site.db "UPDATE events SET site=555 WHERE seq=3"
    remember foreign.txt other.db site.db
    for cmd in summary check "graph -o x.svg" "graph --kind hb -o x.svg" "report -o x.html" \
        "export -o x.json"; do
        # shellcheck disable=SC2086
        refuses 2 "knot: foreign.txt: not a knot trace (file is not a database)" $cmd foreign.txt
        # shellcheck disable=SC2086
        refuses 2 "knot: other.db: not a knot trace" $cmd other.db
        # shellcheck disable=SC2086
        refuses 2 "knot: missing.db: no such trace" $cmd missing.db
        # shellcheck disable=SC2086
        refuses 2 "knot: dir.db: is a directory, not a trace" $cmd dir.db
        # shellcheck disable=SC2086
        refuses 2 "knot: site.db: corrupt trace: event 3 names site 555, which it does not hold" \
            $cmd site.db
    done
    unchanged
    [[ ! -e x.svg && ! -e x.html && ! -e x.json ]] && ok "no output for a trace refused" ||
        fail "output written"
    ;;
rules)
    # The rule registry, made from rules/rules.def, lists every rule as it
    # always has: ids, kinds, severities and summaries, in SARIF's order.
    here=$(cd "$(dirname "$0")" && pwd)
    "$knot" rules >out 2>err
    status=$?
    [[ $status == 0 && ! -s err ]] && cmp -s out "$here/rules.txt" && ok "knot rules: as listed" ||
        fail "knot rules: $status $(diff out "$here/rules.txt")"
    ;;
*)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
[[ $failures == 0 ]] && echo "all $case_name checks passed"
exit $((failures > 0))
