#!/usr/bin/env bash
# The report in a real browser: headless Chromium loads it from a file URL;
# the DOM it builds must hold every finding knot check reports, each with its
# inline SVG. Screenshots are kept beside the reports as test artifacts.
# usage: check-browser.sh SOURCE_DIR BUILD_DIR
set -u
src=$1 build=$2
knot=$build/bin/knot
work=$build/tests/browser-work
rm -rf "$work" && mkdir -p "$work"
browser=$(command -v chromium || true)
[[ -n $browser ]] || { echo "FAIL: chromium is not installed (make deps installs it)"; exit 1; }
failures=0
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --user-data-dir="$work/profile")

"$knot" run -o "$work/deadlock.db" -- "$build/tests/rec-abba" >/dev/null 2>&1
"$knot" run -o "$work/leak.db" -- "$build/examples/thumbnails_leak" >/dev/null 2>&1
"$knot" run -o "$work/panic.db" -- "$build/examples/close_by_receiver" >/dev/null 2>&1
"$knot" run -o "$work/mix.db" -- "$build/tests/report-mix" >/dev/null 2>&1
for name in deadlock leak panic mix; do
    # 0 is a clean run and 1 a run with findings; anything else means the
    # page would be compared against a findings file that was never written.
    "$knot" check "$work/$name.db" --format json --output "$work/$name.json"
    status=$?
    [[ $status == 0 || $status == 1 ]] ||
        { echo "FAIL: knot check $name exited $status"; failures=$((failures + 1)); continue; }
    "$knot" report "$work/$name.db" -o "$work/$name.html" || { echo "FAIL: report $name"; failures=$((failures + 1)); continue; }
    timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/$name.html" >"$work/$name.dom.html" 2>"$work/$name.err"
    python3 "$src/tests/graphs/check-report.py" dom "$work/$name.dom.html" "$work/$name.json" ||
        failures=$((failures + 1))
    timeout 120 "$browser" "${flags[@]}" --window-size=1280,1800 \
        --screenshot="$work/$name.png" "file://$work/$name.html" >/dev/null 2>&1
    [[ -s $work/$name.png ]] && echo "ok   screenshot $work/$name.png" ||
        { echo "FAIL: no screenshot of $name"; failures=$((failures + 1)); }
done
[[ $failures == 0 ]] && echo "all browser checks passed"
exit $((failures > 0))
