#!/usr/bin/env python3
"""Integration driver: build a program with `knot cc`, run it under
`knot run --format json`, and require its findings to match the program's
`// want: RULE` annotations exactly (clang -verify / Go analysistest style).

An annotation names one or more rule ids on the line the finding must point
at: `// want: leak` or `// want: deadlock leak`. `// want: predicted RULE`
also requires the finding to be predicted. Anything after the ids that is
not an id (a parenthesis, say) is a comment. Static rules named there are
knot lint's business and are skipped here. Findings in other files (or with
no file) count as extra.

A `with: support/x.c` line names another source (relative to the
program's directory) built into the program as its own translation unit:
a library whose frames findings must look past.

The program must end as it says: with status 0, or the status an
`exits: N` line names (a panic's 2, an error path's 1), never by a signal
or the timeout. The trace's own record of the ending is checked, so a
fixed twin that crashes cannot pass as "0 findings". The same rule twice
on one line is two findings: `// want: leak leak`.

usage: check-findings.py KNOT PROGRAM.c WORKDIR
"""
import collections
import json
import os
import re
import sqlite3
import subprocess
import sys

WITH = re.compile(r"\bwith:\s*(\S+\.c)\b")
EXITS = re.compile(r"\bexits:\s*(\d+)\b")
WANT = re.compile(r"//\s*want:\s*([a-z][a-z0-9-]*(?:[ ,]+[a-z][a-z0-9-]*)*)")


def dynamic_rules(knot):
    """The ids the trace checker reports; annotations may also name static
    rules (knot lint's, verified by tests/lint/check_fixtures.py)."""
    out = subprocess.run([knot, "rules"], capture_output=True, text=True, check=True).stdout
    kinds = dict(line.split()[:2] for line in out.splitlines() if line.strip())
    return {rule for rule, kind in kinds.items() if kind == "dynamic"}, set(kinds)


def wanted(path, dynamic, known):
    want = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = WANT.search(line)
            if not m:
                continue
            predicted = False
            for word in re.split(r"[ ,]+", m.group(1).strip()):
                if word == "predicted":
                    predicted = True
                    continue
                if word not in known:
                    raise SystemExit(f"{path}:{n}: unknown rule {word!r} in want:")
                if word in dynamic:
                    want[(n, word, predicted)] += 1
                predicted = False
    return want


def companions(path):
    """The other sources a `with:` line names, as absolute paths."""
    here = os.path.dirname(path)
    with open(path, encoding="utf-8") as f:
        return [os.path.join(here, m.group(1)) for m in WITH.finditer(f.read())]


def expected_exit(path):
    """The status the program must end with: 0 unless an `exits:` line says."""
    with open(path, encoding="utf-8") as f:
        m = EXITS.search(f.read())
    return int(m.group(1)) if m else 0


def recorded_end(trace):
    """How the trace says the program ended: (status, signal, timed out)."""
    db = sqlite3.connect(f"file:{trace}?mode=ro", uri=True)
    try:
        meta = dict(db.execute("SELECT key, value FROM meta"))
    finally:
        db.close()
    status = meta.get("exit_status")
    return (None if status is None else int(status), meta.get("exit_signal"),
            meta.get("timed_out_signal"))


def main():
    knot, source, work = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    os.makedirs(work, exist_ok=True)
    name = os.path.splitext(os.path.basename(source))[0]
    exe = os.path.join(work, name)
    trace = os.path.join(work, name + ".db")
    report = os.path.join(work, name + ".json")
    for stale in (trace, report):
        if os.path.exists(stale):
            os.unlink(stale)

    build = subprocess.run([knot, "cc", "-O0", "-Wall", source, *companions(source), "-o", exe],
                           capture_output=True, text=True)
    if build.returncode != 0:
        print(f"FAIL: knot cc {source}:\n{build.stderr}")
        return 1
    run = subprocess.run([knot, "run", "-o", trace, "--timeout", "20", "--format", "json",
                          "--output", report, "--", exe],
                         capture_output=True, text=True, timeout=120)
    if run.returncode == 2 and not os.path.exists(report):
        print(f"FAIL: knot run gave no findings (status 2):\n{run.stderr}")
        return 1
    with open(report, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("version") != 1 or not isinstance(doc.get("findings"), list):
        print(f"FAIL: {report} is not knot's JSON (version 1 with a findings list)")
        return 1

    want_exit = expected_exit(source)
    status, signal, timed_out = recorded_end(trace)
    if signal is not None or timed_out is not None or status != want_exit:
        how = (f"was killed by signal {signal}" if signal is not None else
               "was killed after the timeout" if timed_out is not None else
               "left no exit status in the trace" if status is None else
               f"exited with status {status}")
        print(f"FAIL: {os.path.basename(source)} {how}; it must exit with {want_exit}"
              f"\n--- knot run stderr ---\n{run.stderr}")
        return 1
    # knot run passes a failing program's status on; else 1 for findings.
    if run.returncode != want_exit if want_exit else run.returncode not in (0, 1):
        print(f"FAIL: knot run exited {run.returncode}; the program exited {want_exit}")
        return 1

    dynamic, known = dynamic_rules(knot)
    want = wanted(source, dynamic, known)
    got = collections.Counter()
    extra = []
    for fnd in doc["findings"]:
        loc = fnd["location"]
        here = loc.get("file") and os.path.abspath(loc["file"]) == source
        key = (loc.get("line"), fnd["rule"], bool(fnd["predicted"]))
        if here:
            got[key] += 1
        else:
            extra.append(f"{loc.get('file')}:{loc.get('line')}: {fnd['rule']}: {fnd['message']}")

    missing = sorted((want - got).elements())
    unexpected = sorted((got - want).elements())
    base = os.path.basename(source)
    for line, rule, predicted in missing:
        print(f"missing: {base}:{line}: {'predicted ' if predicted else ''}{rule}")
    for line, rule, predicted in unexpected:
        msgs = [f["message"] for f in doc["findings"]
                if f["location"].get("line") == line and f["rule"] == rule]
        print(f"unexpected: {base}:{line}: {'predicted ' if predicted else ''}{rule}: "
              f"{msgs[0] if msgs else ''}")
    for e in extra:
        print(f"unexpected (elsewhere): {e}")
    if missing or unexpected or extra:
        print(f"--- knot run stderr ---\n{run.stderr}")
        return 1
    print(f"ok: {base}: {sum(want.values())} finding(s) as annotated, exit {want_exit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
