#!/usr/bin/env python3
"""Input and usage errors give one clear message and exit status 2, never a
crash; the options that shape the output do what they say.

usage: check_errors.py KNOT INCLUDE_DIR FIXTURE_DIR WORK_DIR
"""
import json
import os
import re
import shutil
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
# A compilation database knot cannot use: one `FILE: error:` line, exit 2,
# none of libclang's raw complaints.
def bad_database(name, content, stderr_re):
    d = os.path.join(work, "db-" + name.replace(" ", "-"))
    os.makedirs(d, exist_ok=True)
    db = os.path.join(d, "compile_commands.json")
    if content is None:
        os.makedirs(db, exist_ok=True)
    else:
        with open(db, "w", encoding="utf-8") as f:
            f.write(content)
    proc = lint("-p", d)
    expect(name, proc, 2, r"\A[^\n]*compile_commands\.json" + stderr_re + r"[^\n]*\n\Z")
    if "LIBCLANG" in proc.stderr:
        failures.append(name)
        print(f"{name}: FAILED: libclang's raw message leaks out")


bad_database("empty compile_commands.json", "", r": error: the file is empty")
bad_database("compile_commands.json with no entries", "[]\n", r": error: lists no files")
bad_database("malformed compile_commands.json", '[{"directory": "/", "file": "a.c"\n',
             r":1:\d+: error: not valid JSON")
bad_database("compile_commands.json without commands", '[{"directory": "/", "file": "a.c"}]\n',
             r": error: not a compilation database: .*\"command\"")
bad_database("compile_commands.json is a directory", None, r": error: not a file")

# <knot/knot.h> needs no -I: knot knows where its own header is, in its
# build tree or, installed, beside its binary (prefix/bin → prefix/include).
uses_knot = os.path.join(work, "uses_knot.c")
with open(uses_knot, "w", encoding="utf-8") as f:
    f.write("#include <knot/knot.h>\nint main(void) { return knot_chan_make(0, 0) == NULL; }\n")
expect("<knot/knot.h> without -I", lint(uses_knot), 0)
prefix = os.path.join(work, "prefix")
shutil.rmtree(prefix, ignore_errors=True)
os.makedirs(os.path.join(prefix, "bin"))
shutil.copytree(os.path.join(include, "knot"), os.path.join(prefix, "include", "knot"))
with open(os.path.join(prefix, "include", "knot", "knot.h"), "w", encoding="utf-8") as f:
    f.write("#error the installed knot.h\n")
shutil.copy2(knot, os.path.join(prefix, "bin", "knot"))
expect("<knot/knot.h> beside an installed knot",
       subprocess.run([os.path.join(prefix, "bin", "knot"), "lint", uses_knot],
                      capture_output=True, text=True, timeout=120), 2,
       r"error: clang: the installed knot\.h")

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
expect("--stats says what each phase cost", lint("--stats", good, "--", inc), 1,
       r"^knot: lint: 1 units, CPU ms: parse and gather [0-9.]+, cross-unit summaries [0-9.]+")
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

# One output path with knot check: the same refusal, in the same words.
foreign = os.path.join(work, "notes.txt")
with open(foreign, "w", encoding="utf-8") as f:
    f.write("my notes\n")
expect("-o over a file that is not findings", lint("-o", foreign, good, "--", inc), 2,
       r"\Aknot: " + re.escape(foreign) +
       r" exists and is not knot's text findings: refusing to write over it\n\Z")
with open(foreign, encoding="utf-8") as f:
    if f.read() != "my notes\n":
        failures.append("-o foreign content")
        print("-o over a file that is not findings: FAILED: the file changed")

sys.exit(1 if failures else 0)
