"""gdb commands for programs that use knot, like Go's goroutine listing.

    (gdb) source knot-gdb.py        (installed in <prefix>/share/knot/)
    (gdb) knot tasks                every task: id, state, what it waits for, where it was spawned
    (gdb) knot bt ID                the backtrace of task ID: of its own thread if it has one
                                    running, else of its saved context

A parked coroutine has no thread: its registers are saved on its own stack
(runtime-shim/context.c). `knot bt` shows its backtrace by pointing the
selected thread's stack pointer, frame pointer and program counter at that
saved context for the duration of one `bt`, then putting them back. It needs
a live process (gdb cannot change a core file's registers) and libknot with
debug information (the default build has it).
"""

import gdb

# The saved context's layout on x86-64 (context.c): MXCSR and x87 control
# word, r15, r14, r13, r12, rbx, rbp, then the return address.
X86_64_RBP, X86_64_RIP, X86_64_FRAME = 48, 56, 64
PARKED = 3  # the parker's state of a parked coroutine (internal.h)


def _registry():
    sym = gdb.lookup_static_symbol("registry_head")
    if sym is None:
        raise gdb.GdbError("knot: no task registry here (is libknot loaded, with debug information?)")
    return sym.value()


def _tasks():
    """Every registered task, in spawn order."""
    t = _registry()
    found = []
    while int(t) != 0:
        found.append(t.dereference())
        t = t["reg_next"]
    return list(reversed(found))


def _site(site):
    if int(site) == 0:
        return "?"
    s = site.dereference()
    f = s["file"].string() if int(s["file"]) else "?"
    fn = s["func"].string() if int(s["func"]) else "?"
    return "%s:%d in %s()" % (f, int(s["line"]), fn)


def _state(t):
    op = t["block_op"]
    if t["coroutine"] and int(t["parker"]["state"]) == PARKED:
        return "parked", op
    if int(op) != 0 and t["self_blocked"]:
        return "blocked", op
    return "running", op


def _find(task_id):
    for t in _tasks():
        if int(t["id"]) == task_id:
            return t
    raise gdb.GdbError("knot: no task %d" % task_id)


class KnotPrefix(gdb.Command):
    """Commands for knot's tasks: knot tasks, knot bt ID."""

    def __init__(self):
        super().__init__("knot", gdb.COMMAND_STACK, prefix=True)


class KnotTasks(gdb.Command):
    """List knot's tasks: id, state, what it waits for and where, where it was spawned."""

    def __init__(self):
        super().__init__("knot tasks", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        tasks = _tasks()
        for t in tasks:
            state, op = _state(t)
            kind = "coroutine" if t["coroutine"] else "thread"
            line = "task %d [%s, %s]" % (int(t["id"]), state, kind)
            if int(op) != 0 and state != "running":
                line += " %s at %s" % (op.string(), _site(t["block_site"]))
            if int(t["id"]) != 1 and not t["foreign"]:
                line += "; created by task %d at %s" % (int(t["parent_id"]), _site(t["spawn_site"]))
            gdb.write(line + "\n")
        gdb.write("%d tasks\n" % len(tasks))


class KnotBacktrace(gdb.Command):
    """knot bt ID: the backtrace of task ID, parked or running."""

    def __init__(self):
        super().__init__("knot bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        try:
            task_id = int(arg.split()[0])
        except (IndexError, ValueError):
            raise gdb.GdbError("usage: knot bt TASK-ID")
        t = _find(task_id)
        state, _ = _state(t)
        if state != "parked":
            raise gdb.GdbError(
                "knot: task %d is %s on a thread of its own; use `thread apply all bt`" % (task_id, state))
        if gdb.selected_inferior().architecture().name() != "i386:x86-64":
            raise gdb.GdbError("knot: `knot bt` reads x86-64 saved contexts only")
        sp = int(t["ctx_sp"])
        if sp == 0:
            raise gdb.GdbError("knot: task %d has not started running yet" % task_id)
        u64 = gdb.lookup_type("unsigned long").pointer()
        rbp = int(gdb.Value(sp + X86_64_RBP).cast(u64).dereference())
        rip = int(gdb.Value(sp + X86_64_RIP).cast(u64).dereference())
        gdb.execute("frame 0", to_string=True)
        saved = {r: int(gdb.parse_and_eval("$" + r)) for r in ("rsp", "rbp", "rip")}
        try:
            gdb.execute("set $rsp = %d" % (sp + X86_64_FRAME))
            gdb.execute("set $rbp = %d" % rbp)
            gdb.execute("set $rip = %d" % rip)
            gdb.write("task %d (parked):\n" % task_id)
            gdb.execute("bt")
        finally:
            gdb.execute("set $rsp = %d" % saved["rsp"])
            gdb.execute("set $rbp = %d" % saved["rbp"])
            gdb.execute("set $rip = %d" % saved["rip"])
            gdb.execute("frame 0", to_string=True)


KnotPrefix()
KnotTasks()
KnotBacktrace()
