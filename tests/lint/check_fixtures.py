#!/usr/bin/env python3
"""Run `knot lint --format json` on fixture files and compare its findings
with the `// want: RULE` comments in them: every annotated line must be
reported with that rule, and nothing else may be. `says: TEXT` after the
rules asks for TEXT in the message of the finding on that line.

usage: check_fixtures.py KNOT INCLUDE_DIR FILE...
       check_fixtures.py --db WORK_DIR KNOT INCLUDE_DIR FILE...

Each FILE is linted on its own; with --db, the files are one program,
linted together through a compile_commands.json written into WORK_DIR (so
that what one file defines is seen at its uses in another).
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


def wanted(path, static, known, says=None):
    """The (line, rule) pairs a file wants; with says, also what the
    findings on a line must mention (`// want: RULE says: TEXT`)."""
    want = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line, _, text = line.partition(" says: ")
            if says is not None and text.strip():
                says[(os.path.basename(path), lineno)] = text.strip()
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


def write_database(work, include, paths):
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "compile_commands.json"), "w", encoding="utf-8") as f:
        json.dump([{"directory": os.path.dirname(os.path.abspath(p)), "file": os.path.abspath(p),
                    "arguments": ["cc", "-I" + include, "-c", os.path.abspath(p)]}
                   for p in paths], f, indent=1)


def reported(knot, include, paths, work):
    if work:
        write_database(work, include, paths)
        args = ["-p", work]
    else:
        args = [paths[0], "--", "-I" + include]
    proc = subprocess.run([knot, "lint", "--format", "json", *args],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode not in (0, 1):
        sys.exit(f"{paths[0]}: knot lint exited {proc.returncode}\n{proc.stderr}")
    doc = json.loads(proc.stdout)
    real = {os.path.realpath(p): os.path.basename(p) for p in paths}
    got = collections.Counter()
    messages = {}
    for f in doc["findings"]:
        loc = f["location"]
        name = real.get(os.path.realpath(loc["file"]))
        if name is None:
            sys.exit(f"{paths[0]}: a finding is located in another file: {loc['file']}")
        key = (name, loc["line"], f["rule"])
        got[key] += 1
        messages[key] = f["message"]
    return got, messages, proc.returncode


def check(knot, include, paths, static, known, work=None):
    want = collections.Counter()
    says = {}
    for path in paths:
        for (line, rule), n in wanted(path, static, known, says).items():
            want[(os.path.basename(path), line, rule)] += n
    got, messages, status = reported(knot, include, paths, work)
    missing = want - got
    extra = got - want
    unsaid = [(key, text) for key, text in sorted(says.items())
              if not any(k[:2] == key and text in m for k, m in messages.items())]
    for (file, line), text in unsaid:
        print(f"{file}:{line}: the message does not say {text!r}")
    name = " + ".join(os.path.basename(p) for p in paths)
    for (file, line, rule), _ in sorted(missing.items()):
        print(f"{file}:{line}: missing: {rule}")
    for key, _ in sorted(extra.items()):
        print(f"{key[0]}:{key[1]}: unexpected: {key[2]}: {messages[key]}")
    expected_status = 1 if want else 0
    if status != expected_status:
        print(f"{name}: exit status {status}, expected {expected_status}")
    ok = not missing and not extra and not unsaid and status == expected_status
    print(f"{name}: {'ok' if ok else 'FAILED'} ({sum(want.values())} expected, "
          f"{sum(got.values())} reported)")
    return ok


def main():
    args = sys.argv[1:]
    work = None
    if args[:1] == ["--db"] and len(args) > 1:
        work, args = args[1], args[2:]
    if len(args) < 3:
        sys.exit(__doc__)
    knot, include, files = args[0], args[1], args[2:]
    static, known = static_rules(knot)
    if work:
        results = [check(knot, include, files, static, known, work)]
    else:
        results = [check(knot, include, [f], static, known) for f in files]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
