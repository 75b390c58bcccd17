#!/usr/bin/env python3
"""Assertions on knot's SVG pictures, parsed as XML (Graphviz writes each node
and edge as <g class="node ..."> / <g class="edge ..."> with a <title>).

  check-svg.py wfg-cycle FILE         a deadlock: the red cycle is a directed
                                      cycle through two tasks and two objects
  check-svg.py wfg-group FILE N       N blocked tasks drawn as one node
  check-svg.py wfg-layout FILE        top-down: every edge outside a cycle
                                      points down; the cycle's nodes come
                                      first; fitted to the report's column
                                      (1050 px), no text is under 10 px
  check-svg.py hb FILE TASKS SYNCS    a lane per task (at least TASKS lanes)
                                      and at least SYNCS synchronisation arrows
  check-svg.py hb-edges FILE KIND>KIND=N ...
                                      exactly these synchronisation arrows, by
                                      the kinds of their ends, N of each
                                      (folded ones count their iterations)
  check-svg.py hb-story FILE [folded=N] [marked=KIND,...] [reorder=KIND>KIND]
                                      lanes left to right main first, then in
                                      spawn order, their heads in one row; no
                                      arrow inside a lane; with folded, at most
                                      N events drawn, a loop folded ("×"); with
                                      marked, events of those kinds marked;
                                      with reorder, a dashed arrow between them
"""
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def parts(path):
    root = ET.parse(path).getroot()
    nodes, edges = {}, []
    for g in root.iter(NS + "g"):
        cls = g.get("class", "").split()
        title = g.find(NS + "title")
        if title is None:
            continue
        text = " ".join(t.text or "" for t in g.iter(NS + "text"))
        if "node" in cls:
            nodes[title.text] = (set(cls), text)
        elif "edge" in cls:
            a, b = title.text.split("->")
            edges.append((a, b, set(cls), text))
    return nodes, edges


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def wfg_cycle(path):
    nodes, edges = parts(path)
    cyc_nodes = {n for n, (cls, _) in nodes.items() if "cycle" in cls}
    cyc_edges = [(a, b) for a, b, cls, _ in edges if "cycle" in cls]
    if len(cyc_nodes) != 2 or not all(n.startswith("t") for n in cyc_nodes):
        fail(f"cycle nodes {sorted(cyc_nodes)}: want exactly two tasks")
    if len(cyc_edges) != 4:
        fail(f"cycle edges {cyc_edges}: want four (task -> lock -> task, twice)")
    succ = dict(cyc_edges)
    start = sorted(cyc_nodes)[0]
    walk, node = [start], start
    for _ in range(4):
        node = succ.get(node)
        if node is None:
            fail(f"the red edges do not continue from {walk[-1]}")
        walk.append(node)
    if walk[-1] != start or not walk[1].startswith("o") or not walk[3].startswith("o"):
        fail(f"the red edges do not close a task-lock-task-lock cycle: {walk}")
    for a, b, cls, label in edges:
        if (a, b) in cyc_edges and a.startswith("t") and "locking" not in label:
            fail(f"edge {a}->{b} does not say what the task is doing: {label!r}")
    if any("cycle" in cls for n, (cls, _) in nodes.items() if n not in cyc_nodes):
        fail("a task outside the cycle is marked as in it")
    print(f"ok: cycle {' -> '.join(walk)}")


def wfg_group(path, count):
    nodes, _ = parts(path)
    grouped = [n for n, (cls, text) in nodes.items() if f"{count} tasks" in text]
    if len(grouped) != 1:
        fail(f"no single node for the {count} blocked tasks: {[t for _, t in nodes.values()]}")
    if len(nodes) > 6:
        fail(f"{len(nodes)} nodes: the blocked tasks were not summarised")
    print(f"ok: {count} tasks in one node, {len(nodes)} nodes in all")


def centres(path):
    """Each node's and edge end's vertical place: the mean y of its text."""
    root = ET.parse(path).getroot()
    ys, order = {}, []
    for g in root.iter(NS + "g"):
        title = g.find(NS + "title")
        if title is None or "node" not in g.get("class", "").split():
            continue
        texts = [float(t.get("y")) for t in g.iter(NS + "text")]
        ys[title.text] = sum(texts) / len(texts)
        order.append(title.text)
    return root, ys, order


def wfg_layout(path):
    root, ys, order = centres(path)
    nodes, edges = parts(path)
    up = [(a, b) for a, b, cls, _ in edges if "cycle" not in cls and ys[b] <= ys[a]]
    if up:
        fail(f"edges outside a cycle that do not point down: {up}")
    tasks = [n for n in order if n.startswith("t")]
    cycle = [n for n in tasks if "cycle" in nodes[n][0]]
    if tasks[:len(cycle)] != cycle:
        fail(f"the cycle's tasks {cycle} do not come first: {tasks}")
    width_px = float(root.get("width").removesuffix("pt")) * 4 / 3
    sizes = [float(t.get("font-size")) * 4 / 3 for t in root.iter(NS + "text")]
    smallest = min(sizes) * min(1.0, 1050 / width_px)
    if smallest < 10:
        fail(f"text as small as {smallest:.1f} px in a {width_px:.0f} px wide picture")
    print(f"ok: top-down, {len(cycle)} cycle tasks first, smallest text {smallest:.1f} px")


def hb(path, tasks, syncs):
    nodes, edges = parts(path)
    lanes = [n for n, (cls, _) in nodes.items() if "lane" in cls]
    sync = [e for e in edges if "sync" in e[2]]
    if len(lanes) < tasks:
        fail(f"{len(lanes)} lanes, want at least {tasks}")
    if len(sync) < syncs:
        fail(f"{len(sync)} synchronisation arrows, want at least {syncs}")
    for a, b, _, _ in sync:
        if not (a.startswith("e") and b.startswith("e")) or int(a[1:]) >= int(b[1:]):
            fail(f"arrow {a}->{b} does not go forward in trace order")
    print(f"ok: {len(lanes)} lanes, {len(sync)} synchronisation arrows, all forward")


def hb_edges(path, wants):
    nodes, edges = parts(path)
    got = {}
    for a, b, cls, label in edges:
        if "sync" not in cls:
            continue
        key = f"{nodes[a][1].split()[0]}>{nodes[b][1].split()[0]}"
        times = label.rsplit("×", 1)
        got[key] = got.get(key, 0) + (int(times[1].split()[0]) if len(times) == 2 else 1)
    want = {k: int(n) for k, n in (w.rsplit("=", 1) for w in wants)}
    if got != want:
        fail(f"synchronisation arrows {got}, want {want}")
    print(f"ok: the arrows are the model's edges: {want}")


def hb_story(path, options):
    root, ys, order = centres(path)
    nodes, edges = parts(path)
    xs = {}
    for g in root.iter(NS + "g"):
        title = g.find(NS + "title")
        if title is not None and title.text in nodes:
            texts = [float(t.get("x")) for t in g.iter(NS + "text")]
            xs[title.text] = sum(texts) / len(texts)
    lanes = [n for n, (cls, _) in nodes.items() if "lane" in cls]
    ids = [int(n[4:]) for n in sorted(lanes, key=lambda n: xs[n])]
    want = sorted(ids, key=lambda t: (t == 0, t))
    if ids != want:
        fail(f"lanes left to right are tasks {ids}, want {want}")
    if max(ys[n] for n in lanes) - min(ys[n] for n in lanes) > 1:
        fail(f"lane heads at different heights: {sorted(ys[n] for n in lanes)}")
    task = {n: next((c for c in cls if c.startswith("task")), None)
            for n, (cls, _) in nodes.items() if "event" in cls}
    inside = [(a, b) for a, b, cls, _ in edges if "sync" in cls and task[a] == task[b]]
    if inside:
        fail(f"arrows inside one lane: {inside}")
    events = [n for n, (cls, _) in nodes.items() if "event" in cls]
    said = [f"{len(lanes)} lanes in order, heads aligned, no arrow inside a lane"]
    for option in options:
        key, value = option.split("=", 1)
        if key == "folded":
            folded = [n for n in events if "folded" in nodes[n][0] and "×" in nodes[n][1]]
            if len(events) > int(value) or not folded:
                fail(f"{len(events)} events drawn ({len(folded)} folded), want at most {value}")
            said.append(f"{len(events)} events drawn, {len(folded)} folded")
        elif key == "marked":
            marked = [nodes[n][1] for n in events if {"marked", "focus"} & nodes[n][0]]
            missing = [k for k in value.split(",") if not any(t.startswith(k) for t in marked)]
            if missing:
                fail(f"not marked: {missing} (marked: {marked})")
            said.append(f"{value} marked")
        elif key == "reorder":
            first, then = value.split(">")
            dashed = [(nodes[a][1], nodes[b][1]) for a, b, cls, _ in edges if "reorder" in cls]
            if not any(a.startswith(first) and b.startswith(then) for a, b in dashed):
                fail(f"no reordering arrow {first} -> {then}: {dashed}")
            said.append(f"reordering {first} -> {then} drawn")
    print("ok: " + ", ".join(said))


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "wfg-cycle":
        wfg_cycle(sys.argv[2])
    elif kind == "hb-story":
        hb_story(sys.argv[2], sys.argv[3:])
    elif kind == "hb-edges":
        hb_edges(sys.argv[2], sys.argv[3:])
    elif kind == "wfg-layout":
        wfg_layout(sys.argv[2])
    elif kind == "wfg-group":
        wfg_group(sys.argv[2], int(sys.argv[3]))
    else:
        hb(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
