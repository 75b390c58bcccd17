#!/usr/bin/env python3
"""knot export --format chrome: a small program is built with `knot cc`,
recorded with `knot run`, exported, and the timeline is checked twice:

- against the Trace Event Format's own rules (the document Perfetto and
  chrome://tracing follow): the JSON Object Format with a traceEvents list;
  every event has name, ph, pid and tid, and ts in microseconds unless it is
  metadata; "X" has dur >= 0; flow "s"/"f" events pair by id (and by name and
  category, which viewers match on too), each inside a slice of its track so
  that it binds; instants have a scope; metadata names every track; slices
  on a track nest;
- against the trace itself (read with sqlite3): every task has its named
  track, every blocked interval its slice, every hand-off and every
  unlock -> lock its flow between the right tracks, every critical section
  its slice, every finding its instant, and the timeline spans the trace's
  time in microseconds.

Bad input is one line on stderr and status 2, and nothing is overwritten.

usage: check-export.py KNOT PROGRAM.c WORKDIR
"""
import hashlib
import json
import os
import sqlite3
import subprocess
import sys

PHASES = {"B", "E", "X", "i", "I", "C", "b", "n", "e", "s", "t", "f", "P", "N", "O", "D", "M",
          "V", "v", "R", "c", "(", ")"}
failures = []


def check(cond, what):
    if cond:
        print(f"ok   {what}")
    else:
        print(f"FAIL: {what}")
        failures.append(what)
    return cond


def tef_rules(doc):
    """The Trace Event Format's documented fields and phases."""
    check(isinstance(doc, dict) and isinstance(doc.get("traceEvents"), list),
          "JSON Object Format: an object with a traceEvents list")
    check(doc.get("displayTimeUnit", "ms") in ("ms", "ns"), "displayTimeUnit is ms or ns")
    events = doc["traceEvents"]
    bad = []
    for e in events:
        ph = e.get("ph")
        if not isinstance(e.get("name"), str) or ph not in PHASES:
            bad.append(("name/ph", e))
        elif not isinstance(e.get("pid"), int) or not isinstance(e.get("tid"), int):
            bad.append(("pid/tid", e))
        elif ph != "M" and not (isinstance(e.get("ts"), (int, float)) and e["ts"] >= 0):
            bad.append(("ts", e))
        elif "cat" in e and not isinstance(e["cat"], str):
            bad.append(("cat", e))
        elif ph == "X" and not (isinstance(e.get("dur"), (int, float)) and e["dur"] >= 0):
            bad.append(("dur", e))
        elif ph in "sf" and not isinstance(e.get("id"), (int, str)):
            bad.append(("id", e))
        elif ph == "f" and e.get("bp", "e") != "e":
            bad.append(("bp", e))
        elif ph == "i" and e.get("s", "t") not in ("g", "p", "t"):
            bad.append(("scope", e))
        elif ph == "M" and not isinstance(e.get("args"), dict):
            bad.append(("args", e))
        elif "args" in e and not isinstance(e["args"], dict):
            bad.append(("args", e))
    check(not bad, f"every event has the fields its phase requires {bad[:3]}")
    check({e["ph"] for e in events} >= set("MXsfi"), "metadata, slices, flows and instants")

    names = {(e["pid"], e["tid"]): e["args"].get("name") for e in events
             if e["ph"] == "M" and e["name"] == "thread_name"}
    tracks = {(e["pid"], e["tid"]) for e in events if e["ph"] != "M"}
    check(tracks and all(isinstance(names.get(t), str) for t in tracks),
          "metadata names every track that has events")
    check(any(e["ph"] == "M" and e["name"] == "process_name" for e in events),
          "metadata names the process")

    slices = {}
    for e in events:
        if e["ph"] == "X":
            slices.setdefault((e["pid"], e["tid"]), []).append(e)
    crossing = []
    for track, xs in slices.items():
        stack = []
        for x in sorted(xs, key=lambda x: (x["ts"], -x["dur"])):
            end = x["ts"] + x["dur"]
            # ts + dur is a float sum: a slice that starts where another
            # ends may compare a rounding error before that end.
            while stack and x["ts"] >= stack[-1] - 1e-6:
                stack.pop()
            if stack and end > stack[-1] + 1e-6:
                crossing.append(x["name"])
            stack.append(end)
    check(not crossing, f"slices on a track nest {crossing[:3]}")

    flows = {}
    for e in events:
        if e["ph"] in "sf":
            flows.setdefault(e["id"], []).append(e)
    unpaired = [i for i, fs in flows.items() if sorted(f["ph"] for f in fs) != ["f", "s"]]
    check(flows and not unpaired, f"{len(flows)} flows, each one 's' and one 'f' with its id")
    mismatched = [i for i, fs in flows.items()
                  if len({(f["name"], f.get("cat")) for f in fs}) != 1]
    check(not mismatched, "each flow's two ends share name and category")
    backwards = [i for i, fs in flows.items() if len(fs) == 2 and
                 next(f for f in fs if f["ph"] == "s")["ts"] >
                 next(f for f in fs if f["ph"] == "f")["ts"]]
    check(not backwards, "no flow arrives before it leaves")

    def enclosed(f):
        return any(x["ts"] <= f["ts"] <= x["ts"] + x["dur"]
                   for x in slices.get((f["pid"], f["tid"]), []))
    loose = [f for fs in flows.values() for f in fs if not enclosed(f)]
    check(not loose, f"every flow end lies in a slice of its track, to bind to {loose[:2]}")
    return events, names, flows


def against_trace(events, names, flows, db, findings):
    """Every task, blocked interval, hand-off, critical section and finding."""
    con = sqlite3.connect(db)
    q = lambda sql: con.execute(sql).fetchall()
    tids = {tid for (_, tid) in names}
    tasks = [t for (t,) in q("SELECT id FROM tasks")]
    check(len(tasks) >= 3 and all(t in tids and f"task {t}" in names[next(k for k in names
                                                                          if k[1] == t)]
                                  for t in tasks),
          f"a named track for each of the {len(tasks)} tasks")

    xs = [e for e in events if e["ph"] == "X"]
    blocked = {e["args"]["event"]: e for e in xs if e.get("cat") == "blocked"}
    begins = q("SELECT seq, task FROM events WHERE phase = 'begin'")
    check(len(begins) >= 3 and all(s in blocked and blocked[s]["tid"] == t for s, t in begins),
          f"a blocked slice on its task's track for each of the {len(begins)} blocked intervals")
    at_end = {s for (s,) in q("SELECT seq FROM blocked_at_end")}
    check(at_end and all(blocked[s]["args"].get("unfinished") for s in at_end),
          f"the {len(at_end)} intervals still blocked at the end say so")
    ended = q("SELECT b.seq, e.time_ns - b.time_ns FROM events b JOIN events e ON e.task = b.task"
              " AND e.seq = (SELECT min(seq) FROM events x WHERE x.task = b.task AND x.seq > b.seq)"
              " WHERE b.phase = 'begin'")
    check(all(abs(blocked[s]["dur"] - max(ns, 0) / 1000) < 2.0 for s, ns in ended),
          "each finished interval lasts from its begin to its end")

    def flow_between(fid, name, src, dst):
        fs = flows.get(fid, [])
        ends = {f["ph"]: f for f in fs}
        return (len(fs) == 2 and ends["s"]["name"] == name and ends["s"]["tid"] == src
                and ends["f"]["tid"] == dst)
    handoffs = q("SELECT r.seq, s.task, r.task FROM events r JOIN events s ON s.seq = r.matched"
                 " WHERE r.kind = 'chan_recv' AND s.kind = 'chan_send'")
    check(len(handoffs) == 3 and all(flow_between(r, "hand-off", s, t) for r, s, t in handoffs),
          f"a hand-off flow from sender to receiver for each of the {len(handoffs)} hand-offs")
    relocks = q("SELECT l.seq, u.task, l.task FROM events l JOIN events u ON u.seq = l.matched"
                " WHERE l.kind = 'mutex_lock' AND u.kind = 'mutex_unlock'")
    check(len(relocks) >= 5 and all(flow_between(l, "unlock → lock", u, t) for l, u, t in relocks),
          f"an unlock → lock flow for each of the {len(relocks)} locks that followed an unlock")
    held = [e for e in xs if e.get("cat") == "held"]
    locks = q("SELECT seq, task FROM events WHERE kind = 'mutex_lock' AND phase != 'begin'")
    check(len(held) == len(locks) == 6 and
          {(e["args"]["event"], e["tid"]) for e in held} == set(locks),
          f"a critical-section slice for each of the {len(locks)} locks")

    instants = [e for e in events if e["ph"] == "i"]
    where = dict(q("SELECT seq, task FROM events"))
    check(findings and len(instants) == len(findings) and
          all(any(i["name"] == f["rule"] and i["tid"] == where[f["event"]] and
                  i["args"]["message"] == f["message"] for i in instants) for f in findings),
          f"an instant on its task's track for each of the {len(findings)} findings")

    lo, hi = q("SELECT min(time_ns), max(time_ns) FROM events")[0]
    span = max(e["ts"] + e.get("dur", 0) for e in events if e["ph"] != "M") - \
        min(e["ts"] for e in events if e["ph"] != "M")
    check(abs(span - (hi - lo) / 1000) < 0.01,
          f"timestamps in microseconds ({span:.3f} us for {hi - lo} ns)")


def bad_input(knot, work, trace, source):
    def refuses(args, what, pattern):
        p = subprocess.run([knot, "export"] + args, capture_output=True, text=True)
        lines = p.stderr.splitlines()
        check(p.returncode == 2 and len(lines) == 1 and pattern in lines[0] and not p.stdout,
              f"{what}: status 2 and one line ({p.returncode}: {p.stderr.strip()})")

    out = os.path.join(work, "x.json")
    refuses([os.path.join(work, "missing.db"), "-o", out], "a missing trace", "no such trace")
    refuses([trace, "--format", "systrace", "-o", out], "an unknown format", "unknown format")
    refuses([trace, "--frobnicate", "-o", out], "an unknown option", "unknown option")
    refuses([trace], "no output", "no output file")
    refuses([source, "-o", out], "a file that is not a trace", "not a knot trace")
    refuses([trace, "-o", os.path.join(work, "no", "such", "dir", "x.json")],
            "an unwritable output", "x.json")
    before = hashlib.sha256(open(trace, "rb").read()).hexdigest()
    refuses([trace, "-o", trace], "the trace as output", "refusing to write over it")
    check(hashlib.sha256(open(trace, "rb").read()).hexdigest() == before, "the trace is intact")
    check(not os.path.exists(out), "nothing written on refusal")
    foreign = os.path.join(work, "notes.json")
    with open(foreign, "w") as f:
        f.write('{"mine": true}\n')
    refuses([trace, "-o", foreign], "a foreign file as output", "refusing to write over it")
    check(open(foreign).read() == '{"mine": true}\n', "the foreign file is intact")
    p = subprocess.run([knot, "export", "--help"], capture_output=True, text=True)
    check(p.returncode == 0 and "knot export TRACE" in p.stdout, "knot export --help")


def main():
    knot, source, work = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    os.makedirs(work, exist_ok=True)
    exe, trace = os.path.join(work, "timeline"), os.path.join(work, "timeline.db")
    out, report = os.path.join(work, "timeline.json"), os.path.join(work, "findings.json")
    for stale in (trace, out, report):
        if os.path.exists(stale):
            os.unlink(stale)
    subprocess.run([knot, "cc", "-O0", source, "-o", exe], check=True)
    # The program ends in a deadlock the runtime reports: status 2 is its own.
    subprocess.run([knot, "run", "-o", trace, "--timeout", "60", "--format", "json", "--output",
                    report, "--", exe], capture_output=True, timeout=120)
    with open(report, encoding="utf-8") as f:
        findings = json.load(f)["findings"]
    p = subprocess.run([knot, "export", trace, "--format", "chrome", "-o", out],
                       capture_output=True, text=True)
    if not check(p.returncode == 0 and not p.stderr, f"knot export: {p.stderr.strip()}"):
        return 1
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)
    events, names, flows = tef_rules(doc)
    against_trace(events, names, flows, trace, findings)
    again = subprocess.run([knot, "export", trace, "-o", out], capture_output=True, text=True)
    check(again.returncode == 0, "a timeline knot wrote may be written again")
    bad_input(knot, work, trace, source)
    print(f"{len(failures)} failure(s)" if failures else "all export checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
