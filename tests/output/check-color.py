#!/usr/bin/env python3
"""knot check and knot lint colour their text on a terminal, and only there:
not when NO_COLOR is set (https://no-color.org), not into a pipe.

usage: check-color.py KNOT SOURCE_DIR WORK_DIR [lint]
(with `lint`, knot lint is checked too: a build without libclang has none)"""
import os
import pty
import subprocess
import sys

ESC = b"\x1b["


def on_terminal(argv, env):
    """Run argv with a pseudo-terminal as stdout; return what it wrote."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdout=follower, stderr=subprocess.DEVNULL, env=env)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    proc.wait(timeout=120)
    return out


def main():
    knot, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    program, trace = os.path.join(work, "leak"), os.path.join(work, "leak.db")
    subprocess.run([knot, "cc", "-O0", os.path.join(src, "tests/programs/leak-unbuffered.c"),
                    "-o", program], check=True)
    subprocess.run([knot, "run", "-o", trace, "--", program], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    failures = 0
    commands = [("check", [knot, "check", trace])]
    if sys.argv[4:] == ["lint"]:
        commands.append(("lint", [knot, "lint", os.path.join(src, "examples/close_by_receiver.c")]))
    for name, argv in commands:
        coloured = on_terminal(argv, env)
        plain = on_terminal(argv, dict(env, NO_COLOR="1"))
        piped = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env=env, timeout=120).stdout
        cases = ((b"warning" in coloured and ESC in coloured, "a terminal: coloured"),
                 (b"warning" in plain and ESC not in plain, "NO_COLOR: plain"),
                 (b"warning" in piped and ESC not in piped, "a pipe: plain"))
        for ok, what in cases:
            print(("ok   " if ok else "FAIL ") + "knot %s on %s" % (name, what))
            failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
