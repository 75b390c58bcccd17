#!/usr/bin/env bash
# The gdb script lists knot's tasks and prints a parked task's backtrace.
# usage: check-gdb.sh GDB-SCRIPT PROGRAM
set -euo pipefail
script=$1 program=$2
src=$(dirname "${BASH_SOURCE[0]}")/parked.c
line_of() { grep -n "$1" "$src" | head -n 1 | cut -d: -f1; }
parked=$(line_of PARKED_HERE) spawned=$(line_of SPAWNED_HERE)
out=$(gdb -batch -nx -ex "source $script" -ex "break stop_here" -ex run \
          -ex "knot tasks" -ex "knot bt 3" -ex "knot bt 1" -ex "knot bt 99" -ex kill "$program" 2>&1)
fail() { echo "FAIL: $*"; echo "---- gdb said ----"; echo "$out"; exit 1; }
want() { grep -Eq -- "$1" <<<"$out" || fail "no line matching: $1"; }

for id in 2 3 4; do
    want "^task $id \[parked, coroutine\] chan receive at .*parked\.c:$parked in wait_for_work\(\); created by task 1 at .*parked\.c:$spawned in main\(\)$"
done
want "^task 1 \[running, coroutine\]$"
want "^4 tasks$"
# The parked task's own frames, from its saved context: the receive, the
# task's function, and the scheduler's entry below them.
want "^task 3 \(parked\):$"
bt=$(sed -n '/^task 3 (parked):$/,/ctx_entry/p' <<<"$out")
grep -Eq "in knot_chan_recv_at " <<<"$bt" || fail "knot bt 3 lacks knot_chan_recv_at"
grep -Eq "in wait_for_work .*parked\.c:$parked$" <<<"$bt" || fail "knot bt 3 lacks wait_for_work at line $parked"
grep -Eq "knot__task_run" <<<"$bt" || fail "knot bt 3 lacks knot__task_run"
want "knot: task 1 is running on a thread of its own"
want "knot: no task 99"
echo "gdb script: 4 tasks listed, task 3's backtrace read from its saved context"
