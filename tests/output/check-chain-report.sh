#!/usr/bin/env bash
# A finding behind a lock wrapper: the text, JSON and HTML outputs all show
# the call chain through the wrapper, from the wrapper's frame to the
# caller's line the finding points at.
# usage: check-chain-report.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
knot=$build/bin/knot
work=$build/tests/output-work/chain
rm -rf "$work" && mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }
prog=$src/tests/programs/lock-order-wrapper.c
"$knot" cc -O0 "$prog" "$src/tests/programs/support/lock-wrapper.c" -o "$work/prog" || exit 1
"$knot" run -o "$work/t.db" -- "$work/prog" >/dev/null 2>"$work/text"
[[ $? -eq 1 ]] || fail "knot run: want status 1 (a finding)"
chain='in possess (lock-wrapper.c:[0-9]*), called from compressor (lock-order-wrapper.c:[0-9]*)'
grep -q "^    $chain" "$work/text" && ok "text: the chain below the finding" || fail "text: no chain"
"$knot" check "$work/t.db" --format json >"$work/t.json"
python3 - "$work/t.json" <<'PY' && ok "json: call_chain on the finding's location" || fail "json: no call_chain"
import json, re, sys
doc = json.load(open(sys.argv[1]))
locs = [f["location"] for f in doc["findings"]]
sys.exit(0 if any(re.match(r"possess \(lock-wrapper\.c:\d+\), called from compressor", l.get("call_chain", "")) for l in locs) else 1)
PY
"$knot" report "$work/t.db" -o "$work/t.html" 2>/dev/null
grep -q "<p class=\"chain\">$chain" "$work/t.html" && ok "html: the chain under the location" ||
    fail "html: no chain"
exit $((failures > 0))
