#!/usr/bin/env python3
"""Check knot's machine-readable output.

  validate-output.py json FILE            knot's JSON: version 1, findings with
                                          the fields DESIGN.md promises
  validate-output.py sarif FILE SCHEMA    SARIF 2.1.0, validated against the
                                          published JSON schema

Exit 0 when valid; 1 with every problem listed otherwise.
"""
import json
import sys


def check_json(doc):
    problems = []
    if doc.get("version") != 1:
        problems.append("version is not 1")
    findings = doc.get("findings")
    if not isinstance(findings, list):
        return problems + ["findings is not a list"]
    for i, f in enumerate(findings):
        for key, kind in (("rule", str), ("severity", str), ("predicted", bool),
                          ("message", str), ("location", dict), ("related", list),
                          ("tasks", list), ("fix", str), ("rule_page", str)):
            if not isinstance(f.get(key), kind):
                problems.append(f"finding {i}: {key} is not a {kind.__name__}")
        if isinstance(f.get("rule_page"), str) and not f["rule_page"].endswith(f"/{f.get('rule')}.md"):
            problems.append(f"finding {i}: rule_page {f['rule_page']!r} is not its rule's page")
        if f.get("severity") not in ("note", "warning", "error"):
            problems.append(f"finding {i}: severity {f.get('severity')!r}")
        loc = f.get("location", {})
        for key in ("file", "line", "function"):
            if key not in loc:
                problems.append(f"finding {i}: location has no {key}")
    return problems


def check_sarif(doc, schema_path):
    import jsonschema  # Debian's python3-jsonschema
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema)
    problems = [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
                for e in validator.iter_errors(doc)]
    if doc.get("version") != "2.1.0":
        problems.append("version is not 2.1.0")
    for run in doc.get("runs", []):
        for r in run["tool"]["driver"].get("rules", []):
            if f"/{r['id']}.md" not in r.get("help", {}).get("text", ""):
                problems.append(f"rule {r['id']}: its help does not name its page")
        rules = [r["id"] for r in run["tool"]["driver"].get("rules", [])]
        for res in run.get("results", []):
            idx = res.get("ruleIndex")
            if idx is None or idx >= len(rules) or rules[idx] != res.get("ruleId"):
                problems.append(f"result {res.get('ruleId')}: ruleIndex {idx} does not name it")
    return problems


def main():
    kind, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    problems = check_json(doc) if kind == "json" else check_sarif(doc, sys.argv[3])
    for p in problems:
        print(f"{path}: {p}")
    if not problems:
        print(f"ok: {path} is valid {kind}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
