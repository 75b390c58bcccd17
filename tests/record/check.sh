#!/usr/bin/env bash
# Recording tests: run a program under `knot run`, then query its trace with
# sqlite3 and compare with what must be there.
# usage: check.sh CASE BUILD_DIR   (CASE: one of the case labels below)
set -u
case_name=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
knot=$build/bin/knot
bin=$build/tests
work=$build/tests/record-work/$case_name
rm -rf "$work" && mkdir -p "$work"
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
q() { sqlite3 "$db" "$1"; }
# The line of a marker comment in a test source.
line_of() { grep -n "$2" "$here/$1" | head -n1 | cut -d: -f1; }
expect() { # expect DESCRIPTION ACTUAL WANTED
    if [[ "$2" == "$3" ]]; then echo "ok   $1"; else fail "$1: got '$2', want '$3'"; fi
}
# The object of the first KIND event at a marker's line.
object_at() {
    q "SELECT e.object FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='$3' AND s.line=$(line_of "$1" "$2") ORDER BY e.seq LIMIT 1"
}
# An object's completed operations in trace order, as kind/phase/result.
history() {
    q "SELECT group_concat(kind||'/'||phase||'/'||ifnull(result,''), ' ') FROM (SELECT * FROM events WHERE object=$1 AND phase!='begin' ORDER BY seq)"
}
# The lines of an object's begins (operations that waited), in line order.
begin_lines() {
    q "SELECT group_concat(line, ',') FROM (SELECT s.line FROM events e JOIN sites s ON s.id=e.site WHERE e.object=$1 AND e.phase='begin' ORDER BY s.line)"
}
# For the completed KIND events on an object, in order: the kind and line of
# the event each matched (- for none).
matched_lines() {
    q "SELECT group_concat(ifnull(m.kind||':'||ms.line,'-'), ' ') FROM (SELECT * FROM events WHERE object=$1 AND kind='$2' AND phase!='begin' ORDER BY seq) e LEFT JOIN events m ON m.seq=e.matched LEFT JOIN sites ms ON ms.id=m.site"
}
# An object as kind,capacity,line where it was made.
made() {
    q "SELECT o.kind||','||o.capacity||','||s.line FROM objects o JOIN sites s ON s.id=o.site WHERE o.id=$1"
}
run() { # run EXPECTED_STATUS knot-run-args...
    local want=$1
    shift
    "$knot" run "$@" >"$work/out" 2>"$work/err"
    local got=$?
    expect "exit status of knot run $*" "$got" "$want"
}
# Record PROGRAM [ARGS] into $db, which must run and print "ok": the results
# libc gave it were the ones it expected.
run_ok() { # PROGRAM [ARGS...]; KNOT_STATUS (default 0): 1 when the check has findings
    db=$work/$case_name.db
    run "${KNOT_STATUS:-0}" -o "$db" -- "$bin/$1" "${@:2}"
    expect "libc's results kept" "$(cat "$work/out")" ok
}

case $case_name in
chan)
    db=$work/chan.db
    run 0 -o "$db" -- "$bin/rec-chan"
    expect "program output kept" "$(cat "$work/out")" "done"
    u=$(q "SELECT id FROM objects WHERE name='unbuffered'")
    expect "unbuffered channel recorded with its name" "$(q "SELECT kind||','||capacity||','||elem_size FROM objects WHERE id=$u")" "chan,0,4"
    # The send may have waited for the receive (a begin, then its end).
    expect "one send on it" "$(q "SELECT count(*) FROM events WHERE object=$u AND kind='chan_send' AND phase!='begin'")" 1
    expect "the receive names that send" \
        "$(q "SELECT r.matched=s.seq FROM events r JOIN events s ON s.object=r.object AND s.kind='chan_send' AND s.phase!='begin' WHERE r.object=$u AND r.kind='chan_recv' AND r.phase!='begin'")" 1
    expect "receive site is the source line" \
        "$(q "SELECT s.line FROM events e JOIN sites s ON s.id=e.site WHERE e.object=$u AND e.kind='chan_recv' LIMIT 1")" \
        "$(line_of rec-chan.c RECV_UNBUF)"
    expect "send site names the function" \
        "$(q "SELECT s.function||':'||s.line FROM events e JOIN sites s ON s.id=e.site WHERE e.object=$u AND e.kind='chan_send' AND e.phase!='begin'")" \
        "sender:$(line_of rec-chan.c SEND_UNBUF)"
    b=$(q "SELECT id FROM objects WHERE capacity=2")
    expect "buffered channel: operations in their real order" \
        "$(q "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events WHERE object=$b ORDER BY seq)")" \
        "chan_make chan_send chan_send chan_close chan_recv chan_recv chan_recv chan_free"
    expect "buffered receives name their sends, then the close" \
        "$(q "SELECT group_concat(m.kind||':'||r.result, ' ') FROM (SELECT * FROM events WHERE object=$b AND kind='chan_recv' ORDER BY seq) r JOIN events m ON m.seq=r.matched")" \
        "chan_send:1 chan_send:1 chan_close:0"
    expect "first buffered receive gets the first send" \
        "$(q "SELECT s.line FROM events r JOIN events m ON m.seq=r.matched JOIN sites s ON s.id=m.site WHERE r.object=$b AND r.kind='chan_recv' ORDER BY r.seq LIMIT 1")" \
        "$(line_of rec-chan.c SEND_BUF_1)"
    expect "wait group: add, done, wait naming the add to zero" \
        "$(q "SELECT group_concat(kind||'/'||ifnull(value,'')||'/'||ifnull(result,''), ' ') FROM (SELECT * FROM events WHERE kind LIKE 'wg_%' ORDER BY seq)")" \
        "wg_add/1/1 wg_add/-1/0 wg_wait//0"
    expect "wait matched the done" \
        "$(q "SELECT s.line FROM events w JOIN events d ON d.seq=w.matched JOIN sites s ON s.id=d.site WHERE w.kind='wg_wait'")" \
        "$(line_of rec-chan.c WG_DONE)"
    # Whether the sender's end made it before main exited is up to the
    # scheduler (as in Go, nothing waits for it); if it did, it returned.
    expect "spawned task: parent, spawn site, normal end if recorded" \
        "$(q "SELECT t.parent||','||s.line||','||ifnull(t.ended,'returned') FROM tasks t JOIN sites s ON s.id=t.spawn_site WHERE t.id=2")" \
        "1,$(line_of rec-chan.c GO_SENDER),returned"
    expect "nothing blocked at the end" "$(q "SELECT count(*) FROM blocked_at_end")" 0
    expect "schema version" "$(q "PRAGMA user_version")" 2
    [[ ! -e $db.knot-journal ]] && echo "ok   journal removed after import" || fail "journal left behind"
    ;;
hang)
    db=$work/hang.db
    run 137 --timeout 2 -o "$db" -- "$bin/rec-hang"
    grep -q "timed out after 2 s" "$work/err" && echo "ok   timeout reported" || fail "no timeout message"
    expect "every event before the kill is there" \
        "$(q "SELECT count(*) FROM events WHERE kind='chan_send' AND phase='point'")" 1000
    expect "the blocked receive is a begin without an end, at its line" \
        "$(q "SELECT b.task||','||b.kind||','||s.line FROM blocked_at_end b JOIN sites s ON s.id=b.site")" \
        "1,chan_recv,$(line_of rec-hang.c RECV_HANG)"
    ;;
killed)
    # Killed with SIGKILL at three moments while it records from four tasks
    # and two threads: each journal imports, whole, into a trace that checks.
    for t in 1 2 3; do
        db=$work/killed-$t.db
        run 137 --timeout "$t" -o "$db" -- "$bin/rec-flood"
        grep -q "corrupt" "$work/err" && fail "kill $t: $(grep corrupt "$work/err")"
        expect "kill $t: many events recorded" "$(q "SELECT count(*) > 10000 FROM events")" 1
        expect "kill $t: every receive that completed names a send on its channel" \
            "$(q "SELECT count(*) FROM events r LEFT JOIN events s ON s.seq=r.matched
                  WHERE r.kind='chan_recv' AND r.phase!='begin' AND r.matched IS NOT NULL
                  AND (s.kind IS NOT 'chan_send' OR s.object IS NOT r.object)")" 0
        "$knot" check "$db" >/dev/null 2>&1
        status=$?
        ((status <= 1)) && echo "ok   kill $t: the trace checks" || fail "kill $t: knot check exited $status"
    done
    ;;
deadlock)
    db=$work/deadlock.db
    run 2 -o "$db" -- "$bin/rec-deadlock"
    grep -q "all tasks are asleep - deadlock" "$work/err" && echo "ok   detector fired" || fail "no deadlock message"
    expect "deadlock event recorded" "$(q "SELECT count(*) FROM events WHERE kind='deadlock'")" 1
    expect "both blocked receives at their lines" \
        "$(q "SELECT group_concat(line, ',') FROM (SELECT s.line FROM blocked_at_end b JOIN sites s ON s.id=b.site ORDER BY s.line)")" \
        "$(line_of rec-deadlock.c RECV_B),$(line_of rec-deadlock.c RECV_A)"
    grep -q "rec-deadlock.c:[0-9]*: error: .*\[deadlock\]" "$work/err" && echo "ok   the check reports the deadlock" || fail "no deadlock finding: $(cat "$work/err")"
    ;;
panic | abort | segv)
    db=$work/$case_name.db
    status=$(case $case_name in panic) echo 2 ;; abort) echo 134 ;; segv) echo 139 ;; esac)
    run "$status" -o "$db" -- "$bin/rec-crash" "$case_name"
    expect "all 8 sends before the end recorded" \
        "$(q "SELECT count(*) FROM events WHERE kind='chan_send' AND phase='point' AND result=0")" 8
    expect "the close recorded" "$(q "SELECT count(*) FROM events WHERE kind='chan_close'")" 1
    if [[ $case_name == panic ]]; then
        expect "panic recorded at the send on the closed channel" \
            "$(q "SELECT s.line FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='panic'")" \
            "$(line_of rec-crash.c SEND_CLOSED)"
        expect "the panic's kind is recorded as send on closed (1), which old traces say too" \
            "$(q "SELECT value FROM events WHERE kind='panic'")" 1
        expect "the send names the close it hit" \
            "$(q "SELECT m.kind FROM events e JOIN events m ON m.seq=e.matched WHERE e.kind='chan_send' AND e.result=1")" \
            chan_close
    fi
    ;;
fork)
    db=$work/fork.db
    run 0 -o "$db" -- "$bin/rec-fork"
    child=$(ls "$work"/fork-[0-9]*.db 2>/dev/null)
    [[ -n $child && -f $child ]] && echo "ok   the child has a trace of its own: ${child##*/}" || fail "no child trace"
    expect "the parent's trace holds only the parent's send" \
        "$(q "SELECT group_concat(s.line) FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='chan_send'")" \
        "$(line_of rec-fork.c PARENT_SEND)"
    expect "the parent's receive is there" "$(q "SELECT count(*) FROM events WHERE kind='chan_recv'")" 1
    db=$child
    expect "the child's trace holds the child's channel" \
        "$(q "SELECT s.line FROM objects o JOIN sites s ON s.id=o.site WHERE o.name='child only'")" \
        "$(line_of rec-fork.c CHILD_MAKE)"
    expect "and the child's send" \
        "$(q "SELECT s.line FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='chan_send'")" \
        "$(line_of rec-fork.c CHILD_SEND)"
    ;;
unwinder)
    run_ok rec-unwinder
    m=$(object_at rec-unwinder.c UNWINDER_LOCK mutex_lock)
    [[ -n $m ]] && echo "ok   the program's mutex is an object, its locks at their line" || fail "no lock at the program's line"
    expect "its 200 locks recorded" \
        "$(q "SELECT count(*) FROM events WHERE object=$m AND kind='mutex_lock' AND phase!='begin'")" 200
    expect "nothing of the unwinder's own mutexes recorded" \
        "$(q "SELECT count(*) FROM objects WHERE kind='mutex' AND id!=$m")" 0
    ;;
mutex)
    db=$work/mutex.db
    run 0 -o "$db" -- "$bin/rec-mutex"
    m=$(q "SELECT id FROM objects WHERE kind='mutex'")
    [[ -n $m ]] && echo "ok   the mutex is an object" || fail "no mutex object"
    expect "200 locks taken, by the two tasks" \
        "$(q "SELECT count(*) FROM events WHERE object=$m AND kind='mutex_lock' AND phase!='begin' AND task IN (2,3)")" 200
    expect "locks and unlocks alternate in the mutex's order, each pair by one task" \
        "$(q "WITH o AS (SELECT kind, task, row_number() OVER (ORDER BY seq) AS n FROM events WHERE object=$m AND phase!='begin' AND kind!='mutex_trylock' AND result=0) SELECT count(*) FROM o a JOIN o b ON b.n=a.n+1 WHERE a.n % 2 = 1 AND NOT (a.kind IN ('mutex_lock') AND b.kind='mutex_unlock' AND a.task=b.task)")" 0
    expect "every lock after the first names the unlock it followed" \
        "$(q "SELECT count(*) FROM events l JOIN events u ON u.seq=l.matched WHERE l.object=$m AND l.kind='mutex_lock' AND l.phase!='begin' AND u.kind='mutex_unlock' AND u.seq < l.seq")" 199
    expect "lock sites name the source line" \
        "$(q "SELECT DISTINCT s.function||':'||s.line FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='mutex_lock'")" \
        "add:$(line_of rec-mutex.c LOCK)"
    expect "the trylock is recorded, at its line" \
        "$(q "SELECT e.result||','||s.line FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='mutex_trylock'")" \
        "0,$(line_of rec-mutex.c TRYLOCK)"
    if command -v addr2line >/dev/null; then
        db=$work/mutex-binutils.db
        KNOT_SYMBOLIZER=$(command -v addr2line) run 0 -o "$db" -- "$bin/rec-mutex"
        expect "binutils' addr2line names the same line" \
            "$(q "SELECT DISTINCT s.function||':'||s.line FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='mutex_lock'")" \
            "add:$(line_of rec-mutex.c LOCK)"
    fi
    ;;
join)
    db=$work/join.db
    run 0 -o "$db" -- "$bin/rec-join"
    expect "the created thread is task 2, child of 1, spawned at its line" \
        "$(q "SELECT t.parent||','||s.line||','||t.ended FROM tasks t JOIN sites s ON s.id=t.spawn_site WHERE t.id=2")" \
        "1,$(line_of rec-join.c CREATE_QUICK),returned"
    expect "the join names the thread's end" \
        "$(q "SELECT m.kind||','||m.task FROM events j JOIN events m ON m.seq=j.matched WHERE j.kind='thread_join' AND j.phase!='begin'")" \
        "task_end,2"
    db=$work/stuck.db
    run 2 -o "$db" -- "$bin/rec-join" stuck
    grep -q "all tasks are asleep - deadlock" "$work/err" && echo "ok   a join on a stuck thread is a deadlock" || fail "no deadlock report"
    grep -q "\[thread join\]" "$work/err" && echo "ok   the report names the join" || fail "no join in the report"
    expect "the join and the receive are blocked at the end" \
        "$(q "SELECT group_concat(kind, ',') FROM (SELECT kind FROM blocked_at_end ORDER BY kind)")" \
        "chan_recv,thread_join"
    ;;
children)
    # The program is a shell; the lock inversion happens in a program it runs.
    # `sh -c CMD` may exec CMD in place; `true; CMD` makes it fork first.
    for how in "" "true; "; do
        rm -f "$work"/children*
        db=$work/children.db
        run 1 -o "$db" -- sh -c "$how$bin/rec-invert"
        expect "sh -c '$how...': the child's lock-order finding is reported" \
            "$(grep -c "lock-order\]" "$work/err")" 1
        expect "at the child's line" "$(grep -c "rec-invert.c:$(line_of rec-invert.c INVERTED):.*lock-order\]" "$work/err")" 1
        [[ -n $how ]] && expect "labelled with the child's program and pid" \
            "$(grep -cE "warning: (predicted: )?child process rec-invert \(pid [0-9]+\): .*\[lock-order\]" "$work/err")" 1
        expect "no journal left unread" "$(ls "$work" | grep -c knot-journal)" 0
    done
    # Processes that record nothing (sh forking true) leave no trace and say nothing.
    rm -f "$work"/children*
    run 0 -o "$work/children.db" -- sh -c 'true; true; ls / >/dev/null'
    expect "no child trace is left" "$(ls "$work" | grep -c 'children-')" 0
    expect "nothing said of them" "$(grep -c -e 'children-' -e 'too short' "$work/err")" 0
    ;;
nodebug)
    # Built without -g: the sites are module + address, named by the symbol table.
    db=$work/nodebug.db
    run 1 -o "$db" -- "$bin/rec-invert-nodebug"
    expect "the lock-order finding names the function from the symbol table" \
        "$(grep -cE "^[^ ]*rec-invert-nodebug\+0x[0-9a-f]+: warning: .*\(in ba\) \[lock-order\]" "$work/err")" 1
    ;;
abba)
    "$bin/rec-abba" >/dev/null 2>"$work/err"
    expect "AB-BA on pthread mutexes, untraced: exit status" "$?" 2
    grep -q "all tasks are asleep - deadlock" "$work/err" && echo "ok   reported live" || fail "no deadlock report: $(cat "$work/err")"
    expect "both tasks shown blocked on a mutex" "$(grep -c '\[mutex lock\]' "$work/err")" 2
    db=$work/abba.db
    run 2 -o "$db" -- "$bin/rec-abba"
    expect "traced: both second locks are begins without an end" \
        "$(q "SELECT count(*) FROM blocked_at_end WHERE kind='mutex_lock'")" 2
    ;;
cond)
    db=$work/cond.db
    run 0 -o "$db" -- "$bin/rec-cond"
    expect "50 signals, at their line" \
        "$(q "SELECT count(*)||','||min(s.line) FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='cond_signal'")" \
        "50,$(line_of rec-cond.c COND_SIGNAL)"
    waits=$(q "SELECT count(*) FROM events WHERE kind='cond_wait' AND phase='end'")
    expect "every wait has a begin and an end" "$(q "SELECT count(*) FROM events WHERE kind='cond_wait' AND phase='begin'")" "$waits"
    m=$(q "SELECT id FROM objects WHERE kind='mutex'")
    expect "the mutex still alternates lock/unlock, waits included" \
        "$(q "WITH o AS (SELECT kind, row_number() OVER (ORDER BY seq) AS n FROM events WHERE object=$m AND phase!='begin' AND result=0) SELECT count(*) FROM o WHERE (n % 2 = 1) != (kind = 'mutex_lock')")" 0
    ;;
rwlock)
    db=$work/rwlock.db
    run 0 -o "$db" -- "$bin/rec-rwlock"
    l=$(object_at rec-rwlock.c '/\* RDLOCK' rwlock_rdlock)
    expect "400 read holds and 200 write holds" \
        "$(q "SELECT sum(kind='rwlock_rdlock')||','||sum(kind='rwlock_wrlock') FROM events WHERE object=$l AND result=0")" "400,200"
    expect "each write hold is followed, on the lock, by the writer's own unlock" \
        "$(q "WITH o AS (SELECT kind, task, row_number() OVER (ORDER BY seq) AS n FROM events WHERE object=$l) SELECT count(*) FROM o w JOIN o nx ON nx.n=w.n+1 WHERE w.kind='rwlock_wrlock' AND NOT (nx.kind='rwlock_unlock' AND nx.task=w.task)")" 0
    expect "sites name the lines" \
        "$(q "SELECT group_concat(x) FROM (SELECT DISTINCT s.function||':'||s.line AS x FROM events e JOIN sites s ON s.id=e.site WHERE e.object=$l AND e.kind IN ('rwlock_rdlock','rwlock_wrlock') ORDER BY x)")" \
        "reader:$(line_of rec-rwlock.c RDLOCK),writer:$(line_of rec-rwlock.c WRLOCK)"
    t=$(object_at rec-rwlock.c TIMED_HOLD rwlock_wrlock)
    expect "timed and clock... locks: two gave up (ETIMEDOUT), one took the lock" "$(history "$t")" \
        "rwlock_wrlock/point/0 rwlock_rdlock/point/110 rwlock_wrlock/point/110 rwlock_unlock/point/0 rwlock_wrlock/point/0 rwlock_unlock/point/0"
    expect "at their lines" \
        "$(q "SELECT group_concat(s.line, ',') FROM (SELECT * FROM events WHERE object=$t AND kind!='rwlock_unlock' ORDER BY seq) e JOIN sites s ON s.id=e.site")" \
        "$(line_of rec-rwlock.c TIMED_HOLD),$(line_of rec-rwlock.c TIMEDRDLOCK),$(line_of rec-rwlock.c CLOCKWRLOCK),$(line_of rec-rwlock.c '/\* TIMEDWRLOCK')"
    ;;
timedlock)
    # It relocks an error-checking mutex and destroys a locked one on
    # purpose: the check reports both as lock-misuse, so knot run says 1.
    KNOT_STATUS=1 run_ok rec-timedlock
    grep -q "rec-timedlock.c:[0-9]*: warning: destroy of locked mutex .*\[lock-misuse\]" "$work/err" &&
        echo "ok   the destroy while locked is reported" || fail "no lock-misuse for the destroy"
    m=$(object_at rec-timedlock.c LOCK_MAIN mutex_lock)
    expect "timed locks on the mutex: one gave up, one took it; then the destroy" "$(history "$m")" \
        "mutex_lock/point/0 mutex_timedlock/end/110 mutex_timedlock/end/110 mutex_unlock/point/0 mutex_timedlock/end/0 mutex_unlock/point/0 mutex_destroy/point/0"
    expect "the timed locks (clocklock too) waited, at their lines" "$(begin_lines "$m")" \
        "$(line_of rec-timedlock.c TIMEDLOCK_FAIL),$(line_of rec-timedlock.c CLOCKLOCK_FAIL),$(line_of rec-timedlock.c TIMEDLOCK_WAIT)"
    expect "the timed lock that took it names the unlock it followed" "$(matched_lines "$m" mutex_timedlock)" \
        "- - mutex_unlock:$(line_of rec-timedlock.c UNLOCK_MAIN)"
    expect "the destroy at its line" \
        "$(q "SELECT s.line FROM events e JOIN sites s ON s.id=e.site WHERE e.object=$m AND e.kind='mutex_destroy'")" \
        "$(line_of rec-timedlock.c '/\* DESTROY \*/')"
    r=$(object_at rec-timedlock.c REC_LOCK_1 mutex_lock)
    expect "a recursive relock is two locks, after the init" "$(history "$r")" \
        "mutex_init/point/0 mutex_lock/point/0 mutex_lock/point/0 mutex_unlock/point/0 mutex_unlock/point/0 mutex_destroy/point/0"
    e=$(object_at rec-timedlock.c ERRCHK_LOCK mutex_lock)
    expect "an error-checking relock fails with EDEADLK, a destroy while locked with EBUSY" "$(history "$e")" \
        "mutex_init/point/0 mutex_lock/point/0 mutex_lock/end/35 mutex_destroy/point/16 mutex_unlock/point/0 mutex_destroy/point/0"
    expect "a mutex destroyed and made again at the same address is another object" \
        "$([[ -n $r && -n $e && $r != "$e" ]] && echo yes)" yes
    expect "all three are mutexes" "$(q "SELECT group_concat(DISTINCT kind) FROM objects WHERE id IN ($m,$r,$e)")" mutex
    expect "pthread_mutex_init made them, at its line" \
        "$(q "SELECT group_concat(DISTINCT s.line) FROM objects o JOIN sites s ON s.id=o.site WHERE o.id IN ($r,$e)")" \
        "$(line_of rec-timedlock.c 'pthread_mutex_init(&m')"
    cm=$(object_at rec-timedlock.c COND_MUTEX mutex_lock)
    expect "pthread_cond_clockwait: the unlock and lock it performs on the mutex" "$(history "$cm")" \
        "mutex_lock/point/0 mutex_unlock/point/0 mutex_lock/point/0 mutex_unlock/point/0"
    expect "and a cond wait that timed out, at its line" \
        "$(q "SELECT group_concat(e.phase||'/'||ifnull(e.result,'')||'/'||s.line, ' ') FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='cond_wait' AND e.value=$cm")" \
        "begin//$(line_of rec-timedlock.c CLOCKWAIT) end/110/$(line_of rec-timedlock.c CLOCKWAIT)"
    ;;
sem)
    run_ok rec-sem
    s=$(object_at rec-sem.c SEM_INIT sem_init)
    expect "a semaphore, its initial value as capacity, made at sem_init's line" "$(made "$s")" \
        "semaphore,1,$(line_of rec-sem.c SEM_INIT)"
    expect "its operations in order, with their results" "$(history "$s")" \
        "sem_init/point/0 sem_wait/point/0 sem_trywait/point/11 sem_post/point/0 sem_wait/end/0 sem_post/point/0 sem_post/point/0 sem_trywait/point/0 sem_timedwait/point/0 sem_timedwait/end/110 sem_timedwait/end/110 sem_destroy/point/0"
    expect "the waits that blocked began at their lines" "$(begin_lines "$s")" \
        "$(line_of rec-sem.c WAIT_BLOCKS),$(line_of rec-sem.c TIMEDWAIT_FAIL),$(line_of rec-sem.c CLOCKWAIT_FAIL)"
    expect "the first wait took the initial unit, the blocked one the post that woke it" \
        "$(matched_lines "$s" sem_wait)" "- sem_post:$(line_of rec-sem.c POST_1)"
    expect "then units go in post order" "$(matched_lines "$s" sem_trywait) $(matched_lines "$s" sem_timedwait)" \
        "- sem_post:$(line_of rec-sem.c POST_2) sem_post:$(line_of rec-sem.c POST_3) - -"
    h=$(object_at rec-sem.c SIGNAL_INIT sem_init)
    expect "a post from a signal handler, and the wait that took it" "$(history "$h") $(matched_lines "$h" sem_wait)" \
        "sem_init/point/0 sem_post/point/0 sem_wait/point/0 sem_post:$(line_of rec-sem.c POST_IN_HANDLER)"
    expect "the blocked wait is the other task's" \
        "$(q "SELECT group_concat(DISTINCT task) FROM events WHERE object=$s AND kind='sem_wait' AND phase!='point'")" 2
    # Call chains: the handler's post stops at the handler (what the signal
    # interrupted did not call it); the other task's chains stop at its own
    # function (no frame of the runtime that started it), main's go on out.
    expect "the handler's post: a chain of the handler alone (a bare site)" \
        "$(q "SELECT group_concat(s.function || '/' || (SELECT count(*) FROM site_frames f WHERE f.site=e.site)) FROM events e JOIN sites s ON s.id=e.site WHERE e.object=$h AND e.kind='sem_post'")" \
        on_signal/0
    expect "the other task's chains are the function it ran alone" \
        "$(q "SELECT group_concat(DISTINCT s.function || '/' || (SELECT count(*) FROM site_frames f WHERE f.site=e.site)) FROM events e JOIN sites s ON s.id=e.site WHERE e.task=2 AND e.kind LIKE 'sem_%'")" \
        waiter/0
    expect "main's posts: chains from main outwards, placed at main's lines" \
        "$(q "SELECT group_concat(DISTINCT s.function || '/' || c.function) FROM events e JOIN sites c ON c.id=e.site JOIN site_frames f ON f.site=e.site AND f.depth=0 JOIN sites s ON s.id=f.frame WHERE e.object=$s AND e.kind='sem_post'")" \
        main/main
    ;;
semstress)
    db=$work/semstress.db
    run 0 -o "$db" -- "$bin/rec-sem" stress
    expect "every unit handed over" "$(cat "$work/out")" 0
    expect "8000 posts and 8000 waits completed" \
        "$(q "SELECT sum(kind='sem_post')||','||sum(kind='sem_wait' AND phase!='begin') FROM events")" 8000,8000
    expect "each wait names a post, each post is named once, and comes first" \
        "$(q "SELECT count(DISTINCT w.matched)||','||sum(p.seq < w.seq) FROM events w JOIN events p ON p.seq=w.matched AND p.kind='sem_post' WHERE w.kind='sem_wait' AND w.phase!='begin'")" \
        8000,8000
    # Consumers often sleep while producers run: never all asleep.
    alarms=0
    for i in $(seq 5); do
        LD_PRELOAD=$build/runtime-shim/libknot.so "$bin/rec-sem" stress >/dev/null 2>"$work/err" || alarms=$((alarms + 1))
    done
    expect "no false deadlock, untraced (5 runs)" "$alarms" 0
    ;;
barrier)
    run_ok rec-barrier
    b=$(object_at rec-barrier.c BARRIER_INIT barrier_init)
    expect "a barrier, its count as capacity, made at its init's line" "$(made "$b")" \
        "barrier,3,$(line_of rec-barrier.c BARRIER_INIT)"
    expect "six waits, each a begin and an end" \
        "$(q "SELECT sum(phase='begin')||','||sum(phase='end') FROM events WHERE object=$b AND kind='barrier_wait'")" 6,6
    expect "first round: every end names main's arrival, which completed it" \
        "$(q "SELECT group_concat(DISTINCT m.task||':'||ms.line) FROM events e JOIN events m ON m.seq=e.matched JOIN sites ms ON ms.id=m.site JOIN sites s ON s.id=e.site WHERE e.object=$b AND e.phase='end' AND s.line IN ($(line_of rec-barrier.c PARTY_WAIT_1),$(line_of rec-barrier.c MAIN_WAIT_1))")" \
        "1:$(line_of rec-barrier.c MAIN_WAIT_1)"
    expect "each round: all ends name one begin, the round's last, whose task got SERIAL (-1)" \
        "$(q "WITH b AS (SELECT seq, task, row_number() OVER (ORDER BY seq) AS n FROM events WHERE object=$b AND kind='barrier_wait' AND phase='begin'), e AS (SELECT * FROM events WHERE object=$b AND kind='barrier_wait' AND phase='end') SELECT group_concat(x, ' ') FROM (SELECT b.n||':'||count(*)||':'||sum(e.result=-1 AND e.task=b.task)||':'||sum(e.result=0) AS x FROM e JOIN b ON b.seq=e.matched GROUP BY b.n ORDER BY b.n)")" \
        "3:3:1:2 6:3:1:2"
    expect "every end comes after the begin it names" \
        "$(q "SELECT count(*) FROM events WHERE object=$b AND phase='end' AND matched >= seq")" 0
    expect "the destroy ends it" "$(q "SELECT kind||','||result FROM events WHERE object=$b ORDER BY seq DESC LIMIT 1")" barrier_destroy,0
    ;;
block)
    for mode in sem-deadlock barrier-deadlock; do
        "$bin/rec-block" $mode >/dev/null 2>"$work/err"
        expect "$mode, untraced: exit status" "$?" 2
        grep -q "all tasks are asleep - deadlock" "$work/err" && echo "ok   $mode: reported live" || fail "$mode: no deadlock report: $(cat "$work/err")"
        op=$([[ $mode == sem-deadlock ]] && echo "semaphore wait" || echo "barrier wait")
        expect "$mode: both tasks shown blocked in a $op" "$(grep -c "\[$op\]" "$work/err")" 2
    done
    db=$work/sem-deadlock.db
    run 2 -o "$db" -- "$bin/rec-block" sem-deadlock
    expect "traced: both waits are begins without an end, at their lines" \
        "$(q "SELECT group_concat(kind||':'||line, ' ') FROM (SELECT b.kind, s.line FROM blocked_at_end b JOIN sites s ON s.id=b.site ORDER BY s.line)")" \
        "sem_wait:$(line_of rec-block.c DL_WAIT_B) sem_wait:$(line_of rec-block.c DL_WAIT_A)"
    db=$work/barrier-deadlock.db
    run 2 -o "$db" -- "$bin/rec-block" barrier-deadlock
    expect "traced: both barrier waits are begins without an end, at their lines" \
        "$(q "SELECT group_concat(kind||':'||line, ' ') FROM (SELECT b.kind, s.line FROM blocked_at_end b JOIN sites s ON s.id=b.site ORDER BY s.line)")" \
        "barrier_wait:$(line_of rec-block.c 'BARRIER_STUCK \*') barrier_wait:$(line_of rec-block.c BARRIER_STUCK_MAIN)"
    for mode in late timed cancel shared; do
        "$bin/rec-block" $mode >"$work/out" 2>"$work/err"
        expect "$mode: no false deadlock (exit status)" "$?" 0
        expect "$mode: ran to the end" "$(cat "$work/out")" done
    done
    db=$work/hang.db
    run 137 --timeout 2 -o "$db" -- "$bin/rec-block" hang
    expect "a wait that never got its post, killed: a begin without an end at its line" \
        "$(q "SELECT b.task||','||b.kind||','||s.line FROM blocked_at_end b JOIN sites s ON s.id=b.site")" \
        "1,sem_wait,$(line_of rec-block.c HANG_WAIT)"
    ;;
c11)
    run_ok rec-c11
    expect "thrd_create: task 2, child of 1, spawned at its line, returned" \
        "$(q "SELECT t.parent||','||s.line||','||t.ended FROM tasks t JOIN sites s ON s.id=t.spawn_site WHERE t.id=2")" \
        "1,$(line_of rec-c11.c C11_CREATE),returned"
    expect "thrd_join: a thread_join naming the thread's end" \
        "$(q "SELECT m.kind||','||m.task||','||s.line FROM events j JOIN events m ON m.seq=j.matched JOIN sites s ON s.id=j.site WHERE j.kind='thread_join' AND j.phase!='begin' ORDER BY j.seq LIMIT 1")" \
        "task_end,2,$(line_of rec-c11.c C11_JOIN)"
    mu=$(object_at rec-c11.c C11_LOCK mutex_lock)
    expect "mtx_lock is a mutex_lock; after the wait, it names main's unlock" \
        "$(q "SELECT m.kind||':'||ms.line FROM events e JOIN sites s ON s.id=e.site JOIN events m ON m.seq=e.matched JOIN sites ms ON ms.id=m.site WHERE e.object=$mu AND e.task=2 AND e.kind='mutex_lock' AND s.line=$(line_of rec-c11.c C11_WAIT)")" \
        "mutex_unlock:$(line_of rec-c11.c MAIN_UNLOCK)"
    c=$(object_at rec-c11.c C11_SIGNAL cond_signal)
    expect "cnd_*: cond events per task, with results and lines" \
        "$(q "SELECT group_concat(x, ' ') FROM (SELECT e.task||':'||e.kind||'/'||e.phase||'/'||ifnull(e.result,'')||'@'||s.line AS x FROM events e JOIN sites s ON s.id=e.site WHERE e.object=$c ORDER BY e.task, e.seq)")" \
        "1:cond_init/point/0@$(line_of rec-c11.c 'cnd_init(&cond)') 1:cond_signal/point/@$(line_of rec-c11.c C11_SIGNAL) 1:cond_broadcast/point/@$(line_of rec-c11.c C11_BROADCAST) 1:cond_wait/begin/@$(line_of rec-c11.c C11_TIMEDWAIT) 1:cond_wait/end/110@$(line_of rec-c11.c C11_TIMEDWAIT) 2:cond_wait/begin/@$(line_of rec-c11.c C11_WAIT) 2:cond_wait/end/0@$(line_of rec-c11.c C11_WAIT)"
    t=$(object_at rec-c11.c C11_HOLD mutex_lock)
    expect "mtx_init, mtx_trylock busy (EBUSY), mtx_timedlock timed out (ETIMEDOUT), mtx_destroy" "$(history "$t")" \
        "mutex_init/point/0 mutex_lock/point/0 mutex_trylock/point/16 mutex_timedlock/end/110 mutex_unlock/point/0 mutex_destroy/point/0"
    expect "the trylock and the timed lock at their lines" \
        "$(q "SELECT group_concat(s.line, ',') FROM (SELECT * FROM events WHERE object=$t AND kind IN ('mutex_trylock','mutex_timedlock') AND phase!='begin' ORDER BY seq) e JOIN sites s ON s.id=e.site")" \
        "$(line_of rec-c11.c C11_TRYLOCK),$(line_of rec-c11.c C11_TIMEDLOCK)"
    expect "thrd_exit: the task ended exited, at the call's line" \
        "$(q "SELECT t.ended||','||s.line FROM tasks t JOIN events e ON e.seq=t.end_seq JOIN sites s ON s.id=e.site WHERE t.id=3")" \
        "exited,$(line_of rec-c11.c C11_EXIT)"
    expect "thrd_detach: a thread_detach naming the last task spawned" \
        "$(q "SELECT (d.value=(SELECT value FROM events WHERE kind='go' ORDER BY seq DESC LIMIT 1))||','||d.result||','||s.line FROM events d JOIN sites s ON s.id=d.site WHERE d.kind='thread_detach'")" \
        "1,0,$(line_of rec-c11.c C11_DETACH)"
    "$bin/rec-c11" deadlock >/dev/null 2>"$work/err"
    expect "all asleep in thrd_join, cnd_wait and mtx_lock, untraced: exit status" "$?" 2
    for op in "thread join" "cond wait" "mutex lock"; do
        grep -q "\[$op\]" "$work/err" && echo "ok   the report names the $op" || fail "no $op in the report: $(cat "$work/err")"
    done
    db=$work/c11-deadlock.db
    run 2 -o "$db" -- "$bin/rec-c11" deadlock
    expect "traced: the three are begins without an end, at their lines" \
        "$(q "SELECT group_concat(kind||':'||line, ' ') FROM (SELECT b.kind, s.line FROM blocked_at_end b JOIN sites s ON s.id=b.site ORDER BY b.kind)")" \
        "cond_wait:$(line_of rec-c11.c STUCK_WAIT) mutex_lock:$(line_of rec-c11.c STUCK_LOCK) thread_join:$(line_of rec-c11.c STUCK_JOIN)"
    ;;
exit)
    db=$work/exit.db
    run 0 -o "$db" -- "$bin/rec-exit"
    expect "the value given to pthread_exit reached the joiner" "$(cat "$work/out")" 5
    expect "threads that called pthread_exit (main too) ended exited, at the call's line" \
        "$(q "SELECT group_concat(x, ' ') FROM (SELECT t.id||':'||t.ended||'@'||s.line AS x FROM tasks t JOIN events e ON e.seq=t.end_seq JOIN sites s ON s.id=e.site ORDER BY t.id)")" \
        "1:exited@$(line_of rec-exit.c MAIN_EXIT) 2:exited@$(line_of rec-exit.c PTHREAD_EXIT)"
    expect "the join names that end" \
        "$(q "SELECT m.kind||','||m.task FROM events j JOIN events m ON m.seq=j.matched JOIN sites s ON s.id=j.site WHERE j.kind='thread_join' AND j.phase!='begin' AND s.line=$(line_of rec-exit.c JOIN_EXITED)")" \
        "task_end,2"
    expect "each detach: by whom, the task detached, its result and line" \
        "$(q "SELECT group_concat(x, ' ') FROM (SELECT d.task||':'||d.value||':'||d.result||'@'||s.line AS x FROM events d JOIN sites s ON s.id=d.site WHERE d.kind='thread_detach' ORDER BY s.line)")" \
        "4:4:0@$(line_of rec-exit.c SELF_DETACH) 1:3:0@$(line_of rec-exit.c '/\* DETACH')"
    expect "joins: a try too early (EBUSY), a timed one that got the end, a self-join (EDEADLK), then the join of that thread" \
        "$(q "SELECT group_concat(x, ' ') FROM (SELECT j.result||'/'||ifnull(m.kind||':'||m.task,'-')||'@'||s.line AS x FROM events j LEFT JOIN events m ON m.seq=j.matched JOIN sites s ON s.id=j.site WHERE j.kind='thread_join' AND j.phase!='begin' AND s.line!=$(line_of rec-exit.c JOIN_EXITED) ORDER BY j.seq)")" \
        "16/-@$(line_of rec-exit.c TRYJOIN) 0/task_end:5@$(line_of rec-exit.c TIMEDJOIN) 35/-@$(line_of rec-exit.c SELF_JOIN) 0/task_end:6@$(line_of rec-exit.c JOIN_SELF_JOINER)"
    expect "the try did not wait" \
        "$(q "SELECT count(*) FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='thread_join' AND e.phase='begin' AND s.line=$(line_of rec-exit.c TRYJOIN)")" 0
    ;;
group)
    db=$work/group.db
    run 0 -o "$db" -- "$bin/rec-group"
    expect "the first error, and none for an empty group" "$(cat "$work/out")" "7 0"
    g=$(object_at rec-group.c GO_SUCCEED group_go)
    expect "a group object" "$(q "SELECT kind FROM objects WHERE id=$g")" group
    expect "its events: a group_go per task, then the wait with the first error" "$(history "$g")" \
        "group_go/point/ group_go/point/ group_wait/end/7"
    expect "the wait began at its line" "$(begin_lines "$g")" "$(line_of rec-group.c WAIT_FAILED)"
    expect "each group_go names the task it started, spawned at the same line" \
        "$(q "SELECT group_concat(x, ' ') FROM (SELECT (t.spawn_site=e.site)||':'||s.line AS x FROM events e JOIN tasks t ON t.id=e.value JOIN sites s ON s.id=e.site WHERE e.object=$g AND e.kind='group_go' ORDER BY e.seq)")" \
        "1:$(line_of rec-group.c GO_SUCCEED) 1:$(line_of rec-group.c GO_FAIL)"
    e=$(object_at rec-group.c WAIT_EMPTY group_wait)
    expect "an empty group's wait: a begin and an end with 0" "$(history "$e") $(begin_lines "$e")" \
        "group_wait/end/0 $(line_of rec-group.c WAIT_EMPTY)"
    ;;
plain)
    db=$work/plain.db
    run 0 -o "$db" -- "$bin/rec-plain"
    expect "an unmodified pthread program: 2000 locks recorded" \
        "$(q "SELECT count(*) FROM events WHERE kind='mutex_lock' AND phase!='begin'")" 2000
    expect "its threads became tasks" "$(q "SELECT count(*) FROM tasks")" 3
    expect "sites from DWARF name the line" \
        "$(q "SELECT DISTINCT s.function||':'||s.line FROM events e JOIN sites s ON s.id=e.site WHERE e.kind='mutex_lock'")" \
        "work:$(line_of rec-plain.c PLAIN_LOCK)"
    # Heavy contention is not a deadlock: a waiter that has just taken the
    # mutex still counts as blocked for a moment, and must not be reported.
    alarms=0
    for i in $(seq 10); do
        LD_PRELOAD=$build/runtime-shim/libknot.so "$bin/rec-plain" 1000000 >/dev/null 2>"$work/err" || alarms=$((alarms + 1))
    done
    expect "no false deadlock under heavy mutex contention (10 runs)" "$alarms" 0
    ;;
static)
    db=$work/static.db
    run 0 -o "$db" -- "$bin/rec-chan-static"
    expect "a program linked with the static library records through its own copy" \
        "$(q "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events WHERE object=(SELECT id FROM objects WHERE capacity=2) ORDER BY seq)")" \
        "chan_make chan_send chan_send chan_close chan_recv chan_recv chan_recv chan_free"
    expect "main is task 1, once" "$(q "SELECT count(*) FROM events WHERE kind='task_start' AND task=1")" 1
    ;;
errors)
    db=$work/x.db
    "$knot" summary /etc/hostname >/dev/null 2>"$work/err"
    expect "a foreign file is refused with status 2" "$?" 2
    grep -q "not a knot trace" "$work/err" && echo "ok   and says so" || fail "no clear message: $(cat "$work/err")"
    sqlite3 "$work/other.db" "CREATE TABLE t(x); PRAGMA user_version=1;"
    "$knot" summary "$work/other.db" >/dev/null 2>"$work/err"
    expect "another SQLite database is refused with status 2" "$?" 2
    head -c 10000 /dev/urandom >"$db.knot-journal"
    "$knot" import "$db" >/dev/null 2>"$work/err"
    expect "a corrupt journal is refused with status 2" "$?" 2
    grep -q "not a knot journal" "$work/err" && echo "ok   and says so" || fail "no clear message: $(cat "$work/err")"
    "$knot" run -o "$work/y.db" -- "$work/no-such-program" >/dev/null 2>"$work/err"
    expect "a missing program: status 2" "$?" 2
    grep -q "cannot run" "$work/err" && echo "ok   and says so" || fail "no clear message"
    "$knot" run --bogus -- true >/dev/null 2>&1
    expect "an unknown flag: status 2" "$?" 2
    "$knot" run -o /no-such-dir/t.db -- true >/dev/null 2>&1
    expect "an unwritable trace path: status 2" "$?" 2
    "$knot" frobnicate >/dev/null 2>&1
    expect "an unknown command: status 2" "$?" 2
    ;;
*)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
[[ $failures == 0 ]] || exit 1
