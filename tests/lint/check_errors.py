#!/usr/bin/env python3
"""Input and usage errors give one clear message and exit status 2, never a
crash; the options that shape the output do what they say.

usage: check_errors.py KNOT INCLUDE_DIR FIXTURE_DIR WORK_DIR
"""
import json
import os
import re
import subprocess
import sys

knot, include, fixtures, work = sys.argv[1:5]
failures = []


def lint(*args):
    return subprocess.run([knot, "lint", *args], capture_output=True, text=True, timeout=120)


def expect(name, proc, status, stderr_re=None, stdout_re=None):
    problems = []
    if proc.returncode != status:
        problems.append(f"exit status {proc.returncode}, expected {status}")
    if proc.returncode < 0:
        problems.append("killed by a signal (a crash)")
    if stderr_re and not re.search(stderr_re, proc.stderr, re.M):
        problems.append(f"stderr does not match {stderr_re!r}")
    if stdout_re and not re.search(stdout_re, proc.stdout, re.M):
        problems.append(f"stdout does not match {stdout_re!r}")
    if problems:
        failures.append(name)
        print(f"{name}: FAILED: " + "; ".join(problems))
        print(f"  stdout: {proc.stdout[:2000]}\n  stderr: {proc.stderr[:2000]}")
    else:
        print(f"{name}: ok")


inc = "-I" + include
bad = os.path.join(fixtures, "errors", "malformed.c")
expect("malformed C", lint(bad, "--", inc), 2,
       r"^.*malformed\.c:5:\d+: error: clang: expected ';'")
expect("missing header", lint(os.path.join(fixtures, "errors", "missing_header.c"), "--", inc), 2,
       r"^.*missing_header\.c:3:\d+: error: clang: 'no_such_header\.h' file not found")
good = os.path.join(fixtures, "loop_capture_tasks.c")
expect("one bad file among good ones", lint(good, bad, "--format", "json", "--", inc), 2,
       r"error: clang:", r'"rule": "loop-capture"')
expect("missing file", lint(os.path.join(work, "no-such-file.c")), 2, r"no-such-file\.c: no such file")
expect("missing -p directory", lint("-p", os.path.join(work, "no-such-dir")), 2,
       r"no-such-dir: no such directory")
os.makedirs(os.path.join(work, "empty-build"), exist_ok=True)
expect("no compile_commands.json", lint("-p", os.path.join(work, "empty-build")), 2,
       r"no compile_commands\.json in")
expect("bad --format", lint("--format", "xml", good), 2, r"bad --format 'xml'")
expect("bad --fail-on", lint("--fail-on", "fatal", good), 2, r"bad --fail-on 'fatal'")
expect("dynamic rule in --rule", lint("--rule", "leak", good), 2, r"'leak' is not a static rule")
expect("nothing to lint", lint(), 2, r"nothing to lint")
expect("bad -j", lint("-j", "0", good), 2, r"bad -j '0'")

# A compilation database whose command uses paths relative to its
# directory, as Meson and Bear write them: knot runs elsewhere, and must
# resolve them against the entry's directory.
fake = os.path.join(work, "relative-build")
os.makedirs(fake, exist_ok=True)
with open(os.path.join(fake, "compile_commands.json"), "w", encoding="utf-8") as f:
    json.dump([{"directory": fixtures, "file": "loop_capture_tasks.c",
                "arguments": ["cc", "-I", os.path.relpath(include, fixtures), "-c",
                              "loop_capture_tasks.c", "-o", "loop_capture_tasks.o"]}], f)
expect("relative paths in compile_commands.json", lint("-p", fake, "--format", "json"), 1,
       None, r'"rule": "loop-capture"')
expect("-p with a missing file", lint("-p", fake, os.path.join(work, "gone.c")), 2,
       r"gone\.c: no such file")

# Generated code nests deeply; clang parses a 10,000-term sum, and so must
# the linter's walk (it recursed past the stack before it had a depth cap).
deep = os.path.join(work, "deep_expression.c")
with open(deep, "w", encoding="utf-8") as f:
    f.write("int sum(int a) { int x = 0; x = " + " + ".join(["a"] * 10000) + "; return x; }\n")
expect("deeply nested expression", lint(deep), 0)

expect("--help", lint("--help"), 0, None, r"^usage: knot lint")

# Output options.
expect("--fail-on error: warnings pass", lint("--fail-on", "error", good, "--", inc), 0,
       None, r"loop-capture")
expect("--rule keeps only that rule", lint("--rule", "close-by-receiver", good, "--", inc), 0)
out = os.path.join(work, "lint-out.json")
proc = lint("--format", "json", "-o", out, "-j1", good, "--", inc)
expect("-o writes the file", proc, 1)
try:
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)
    if not doc["findings"] or doc["version"] != 1 or proc.stdout:
        raise ValueError("unexpected content")
except (OSError, ValueError, KeyError) as e:
    failures.append("-o content")
    print(f"-o content: FAILED: {e}")

sys.exit(1 if failures else 0)
