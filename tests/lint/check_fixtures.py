#!/usr/bin/env python3
"""Run `knot lint --format json` on fixture files and compare its findings
with the `// want: RULE` comments in them: every annotated line must be
reported with that rule, and nothing else may be.

usage: check_fixtures.py KNOT INCLUDE_DIR FILE...
"""
import collections
import json
import os
import re
import subprocess
import sys

WANT = re.compile(r"//\s*want:\s*([a-z][a-z0-9-]*(?:[ ,]+[a-z][a-z0-9-]*)*)")


def static_rules(knot):
    """The ids knot lint checks; annotations may also name dynamic rules (the
    runtime checker's, verified by tests/programs/check-findings.py)."""
    out = subprocess.run([knot, "rules"], capture_output=True, text=True, check=True).stdout
    kinds = dict(line.split()[:2] for line in out.splitlines() if line.strip())
    return {rule for rule, kind in kinds.items() if kind == "static"}, set(kinds)


def wanted(path, static, known):
    want = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            m = WANT.search(line)
            if m:
                for rule in re.split(r"[ ,]+", m.group(1).strip()):
                    if rule == "predicted":
                        continue
                    if rule not in known:
                        raise SystemExit(f"{path}:{lineno}: unknown rule {rule!r} in want:")
                    if rule in static:
                        want[(lineno, rule)] += 1
    return want


def reported(knot, include, path):
    proc = subprocess.run([knot, "lint", "--format", "json", path, "--", "-I" + include],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode not in (0, 1):
        sys.exit(f"{path}: knot lint exited {proc.returncode}\n{proc.stderr}")
    doc = json.loads(proc.stdout)
    got = collections.Counter()
    messages = {}
    for f in doc["findings"]:
        loc = f["location"]
        if os.path.realpath(loc["file"]) != os.path.realpath(path):
            sys.exit(f"{path}: a finding is located in another file: {loc['file']}")
        key = (loc["line"], f["rule"])
        got[key] += 1
        messages[key] = f["message"]
    return got, messages, proc.returncode


def check(knot, include, path, static, known):
    want = wanted(path, static, known)
    got, messages, status = reported(knot, include, path)
    missing = want - got
    extra = got - want
    name = os.path.basename(path)
    for (line, rule), _ in sorted(missing.items()):
        print(f"{name}:{line}: missing: {rule}")
    for (line, rule), _ in sorted(extra.items()):
        print(f"{name}:{line}: unexpected: {rule}: {messages[(line, rule)]}")
    expected_status = 1 if want else 0
    if status != expected_status:
        print(f"{name}: exit status {status}, expected {expected_status}")
    ok = not missing and not extra and status == expected_status
    print(f"{name}: {'ok' if ok else 'FAILED'} ({sum(want.values())} expected, "
          f"{sum(got.values())} reported)")
    return ok


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    knot, include, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    static, known = static_rules(knot)
    results = [check(knot, include, f, static, known) for f in files]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
