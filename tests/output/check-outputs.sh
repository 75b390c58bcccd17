#!/usr/bin/env bash
# knot check's JSON and SARIF for traces with findings of several rules, and
# for a clean one, are valid: JSON as DESIGN.md specifies it, SARIF against
# the published SARIF 2.1.0 schema (shipped in the npm package
# @microsoft/jest-sarif; fetched once into the build tree).
# usage: check-outputs.sh SOURCE_DIR BUILD_DIR
set -u
src=$1 build=$2
knot=$build/bin/knot
work=$build/tests/output-work
mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

schema=$work/sarif-schema-2.1.0.json
if [[ ! -s $schema ]]; then
    (cd "$work" && npm pack --silent @microsoft/jest-sarif >/dev/null 2>&1 &&
        tar xzf microsoft-jest-sarif-*.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json &&
        mv package/lib/schemas/sarif-2.1.0-rtm.5.json "$schema" && rm -rf package ./*.tgz) ||
        { echo "FAIL: could not fetch the SARIF schema with npm"; exit 1; }
fi
python=/usr/bin/python3 # Debian's, which has python3-jsonschema

# Traces: a leak, a deadlock, a panic, a lock-order inversion, and none.
"$knot" cc -O0 "$src/tests/programs/leak-unbuffered.c" -o "$work/leak" || fail "knot cc"
"$knot" run -o "$work/leak.db" -- "$work/leak" >/dev/null 2>&1
"$knot" run -o "$work/deadlock.db" -- "$build/tests/rec-abba" >/dev/null 2>&1
"$knot" run -o "$work/panic.db" -- "$build/tests/rec-crash" panic >/dev/null 2>&1
"$knot" run -o "$work/clean.db" -- "$build/tests/rec-chan" >/dev/null 2>&1
"$knot" cc -O0 "$src/tests/output/hostile-name.c" -o "$work/hostile" || fail "knot cc hostile"
"$knot" run -o "$work/hostile.db" -- "$work/hostile" >/dev/null 2>&1
for db in leak deadlock panic clean hostile; do
    "$knot" check "$work/$db.db" --format json >"$work/$db.json"
    status=$?
    want=1
    [[ $db == clean ]] && want=0
    [[ $status == "$want" ]] || fail "knot check $db.db --format json: status $status, want $want"
    $python "$src/tests/output/validate-output.py" json "$work/$db.json" || fail "$db.json"
    "$knot" check "$work/$db.db" --format sarif --output "$work/$db.sarif"
    $python "$src/tests/output/validate-output.py" sarif "$work/$db.sarif" "$schema" || fail "$db.sarif"
done
# The findings are there, not just a valid empty shell.
grep -q '"rule": "leak"' "$work/leak.json" || fail "no leak in leak.json"
grep -q '"rule": "deadlock"' "$work/deadlock.json" || fail "no deadlock in deadlock.json"
grep -q '"ruleId": "send-on-closed"' "$work/panic.sarif" || fail "no send-on-closed in panic.sarif"
grep -q '"message": "task 2 is blocked forever sending on channel .*red' "$work/hostile.json" ||
    fail "the hostile name's finding lost its message"
"$knot" check "$work/hostile.db" | grep -q $'\x1b' && fail "a terminal escape reached the text output"
# --rule filters; --fail-on error ignores warnings.
"$knot" check "$work/leak.db" --rule deadlock --format json | grep -q '"findings": \[\]' ||
    fail "--rule deadlock kept other findings"
"$knot" check "$work/leak.db" --fail-on error >/dev/null
[[ $? == 0 ]] || fail "--fail-on error failed on a warning"
# Bad input: one line, status 2.
for bad in /etc/hostname "$work/no-such.db" "$work"; do
    "$knot" check "$bad" >/dev/null 2>"$work/err"
    status=$?
    [[ $status == 2 && $(wc -l <"$work/err") == 1 ]] || fail "knot check $bad: status $status: $(cat "$work/err")"
done
head -c 3000 "$work/leak.db" >"$work/truncated.db"
"$knot" check "$work/truncated.db" >/dev/null 2>"$work/err"
[[ $? == 2 ]] || fail "truncated trace: $(cat "$work/err")"
"$knot" check "$work/leak.db" --format yaml >/dev/null 2>&1
[[ $? == 2 ]] || fail "unknown format accepted"
"$knot" check "$work/leak.db" --rule no-such-rule >/dev/null 2>&1
[[ $? == 2 ]] || fail "unknown rule accepted"

[[ $failures == 0 ]] && echo "all output checks passed"
exit $((failures > 0))
