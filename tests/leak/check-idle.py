#!/usr/bin/env python3
"""A program that ends with helper threads idle on a condition variable or a
semaphore (a pool it never shut down) has no warnings: `knot run` exits 0,
and the helpers appear as `leak` notes, not warnings. A program whose
helpers may still be on their way back to the wait when it ends says
`idle-note: optional`; the others make sure they are parked first.

usage: check-idle.py KNOT PROGRAM.c WORKDIR [CC]
"""
import json
import os
import subprocess
import sys


def main():
    knot, source, work = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    cc = sys.argv[4] if len(sys.argv) > 4 else "cc"
    os.makedirs(work, exist_ok=True)
    name = os.path.splitext(os.path.basename(source))[0]
    exe = os.path.join(work, name)
    trace = os.path.join(work, name + ".db")
    report = os.path.join(work, name + ".json")
    for stale in (trace, report):
        if os.path.exists(stale):
            os.unlink(stale)
    # Built as a plain pthread program; knot run preloads the runtime.
    build = subprocess.run([cc, "-g", "-O0", "-Wall", "-pthread", source, "-o", exe],
                           capture_output=True, text=True)
    if build.returncode != 0:
        print(f"FAIL: cc {source}:\n{build.stderr}")
        return 1
    run = subprocess.run([knot, "run", "-o", trace, "--timeout", "20", "--format", "json",
                          "--output", report, "--", exe],
                         capture_output=True, text=True, timeout=120)
    with open(report, encoding="utf-8") as f:
        findings = json.load(f)["findings"]
    failed = False
    loud = [f for f in findings if f["severity"] != "note"]
    for f in loud:
        loc = f["location"]
        print(f"unexpected: {loc.get('file')}:{loc.get('line')}: {f['severity']}: "
              f"{f['message']} [{f['rule']}]")
        failed = True
    idle = [f for f in findings if f["rule"] == "leak" and f["severity"] == "note"]
    with open(source, encoding="utf-8") as f:
        note_optional = "idle-note: optional" in f.read()
    if not idle and not note_optional:
        print("missing: a leak note for the idle helpers (were they recorded as waiting?)")
        failed = True
    if run.returncode != 0:
        print(f"FAIL: knot run exited {run.returncode}, want 0")
        failed = True
    if failed:
        print(f"--- knot run stderr ---\n{run.stderr}")
        return 1
    print(f"ok: {os.path.basename(source)}: no warnings, {len(idle)} note(s) for idle helpers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
