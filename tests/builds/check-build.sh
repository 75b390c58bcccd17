#!/usr/bin/env bash
# knot builds without what its optional parts need, as docs/ci.md promises:
# configure and build with one part left out, then check that knot works
# without it and says so where it is missing.
# usage: check-build.sh SOURCE_DIR WORK_DIR no-graphviz|no-libclang
set -u
src=$1
work=$2
what=$3
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }

case $what in
# docs/ci.md's recipe, as written there.
no-graphviz) flags=(-DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DKNOT_BUILD_TESTS=OFF -DKNOT_BUILD_GRAPHS=OFF) ;;
no-libclang) flags=(-DKNOT_BUILD_TESTS=OFF -DKNOT_BUILD_LINT=OFF) ;;
*) echo "unknown build $what" && exit 2 ;;
esac
rm -rf "$work" && mkdir -p "$work"
cmake -S "$src" -B "$work/build" "${flags[@]}" >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; echo "FAIL: configure"; exit 1; }
cmake --build "$work/build" -j 2 >"$work/build.log" 2>&1 ||
    { tail -n 40 "$work/build.log"; echo "FAIL: build"; exit 1; }
ok "configured and built with ${flags[*]}"
knot=$work/build/bin/knot

# Record a program with this knot; report it.
cd "$work" || exit 1
"$knot" cc "$src/tests/programs/leak-unbuffered.c" -o leak || fail "knot cc"
"$knot" run -o leak.db --format json --output leak.json -- ./leak >/dev/null 2>&1
[[ $? == 1 ]] && grep -q '"rule": "leak"' leak.json && ok "knot run finds the leak" ||
    fail "knot run: $(cat leak.json)"
"$knot" report leak.db -o leak.html 2>err && grep -q "blocked forever" leak.html &&
    ok "knot report" || fail "knot report: $(cat err)"

case $what in
no-graphviz)
    ldd "$knot" | grep -q -e libgvc -e libcgraph && fail "knot links Graphviz" ||
        ok "knot does not link Graphviz"
    "$knot" graph leak.db -o leak.svg >out 2>err
    status=$?
    msg="knot: graph: this knot was built without Graphviz (KNOT_BUILD_GRAPHS=OFF); rebuild with libgraphviz-dev installed"
    [[ $status == 2 && "$(cat err)" == "$msg" && ! -e leak.svg ]] && ok "knot graph says why not" ||
        fail "knot graph: $status $(cat err)"
    # The recipe's next step: knot lint over the build's compilation database.
    "$knot" lint -p "$work/build" "$src/examples/thumbnails_leak.c" --format sarif -o knot.sarif 2>err
    status=$?
    [[ $status != 2 ]] && python3 -c 'import json; json.load(open("knot.sarif"))' &&
        ok "knot lint -p build --format sarif" || fail "knot lint: $status $(cat err)"
    ;;
no-libclang)
    ldd "$knot" | grep -q libclang && fail "knot links libclang" || ok "knot does not link libclang"
    "$knot" lint "$src/tests/programs/leak-unbuffered.c" >out 2>err
    status=$?
    msg="knot: lint: this knot was built without libclang (KNOT_BUILD_LINT=OFF); rebuild with libclang-14-dev installed"
    [[ $status == 2 && "$(cat err)" == "$msg" ]] && ok "knot lint says why not" ||
        fail "knot lint: $status $(cat err)"
    ;;
esac
[[ $failures == 0 ]] && echo "all $what checks passed"
exit $((failures > 0))
