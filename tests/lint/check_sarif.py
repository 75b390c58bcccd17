#!/usr/bin/env python3
"""`knot lint -p BUILD_DIR` over the project's own compilation database (the
examples) writes SARIF that validates against the SARIF 2.1.0 schema, and
reports exactly what the examples' `// want:` comments say.

The schema ships in the npm package @microsoft/jest-sarif; it is fetched
into the build directory with `npm pack` the first time.

usage: check_sarif.py KNOT BUILD_DIR SOURCE_DIR
"""
import glob
import json
import os
import subprocess
import sys
import tarfile

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_fixtures import static_rules, wanted  # noqa: E402

SCHEMA_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


def fetch_schema(work):
    path = os.path.join(work, os.path.basename(SCHEMA_MEMBER))
    if os.path.exists(path):
        return path
    proc = subprocess.run(["npm", "pack", "--silent", "@microsoft/jest-sarif"], cwd=work,
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        sys.exit(f"cannot fetch the SARIF schema (npm pack @microsoft/jest-sarif): {proc.stderr}")
    tgz = os.path.join(work, proc.stdout.strip().splitlines()[-1])
    with tarfile.open(tgz) as tar:
        member = tar.extractfile(SCHEMA_MEMBER)
        if member is None:
            sys.exit(f"{tgz} has no {SCHEMA_MEMBER}")
        with open(path + ".part", "wb") as out:
            out.write(member.read())
    os.replace(path + ".part", path)
    return path


def main():
    knot, build, source = sys.argv[1:4]
    work = os.path.join(build, "lint-sarif")
    os.makedirs(work, exist_ok=True)
    with open(fetch_schema(work), encoding="utf-8") as f:
        schema = json.load(f)

    examples = sorted(glob.glob(os.path.join(source, "examples", "*.c")))
    sarif_path = os.path.join(work, "examples.sarif")
    proc = subprocess.run([knot, "lint", "-p", build, "--format", "sarif", "-o", sarif_path,
                           *examples], capture_output=True, text=True, timeout=300)
    want = {}
    for path in examples:
        for (line, rule), n in wanted(path, *static_rules(knot)).items():
            want[(os.path.realpath(path), line, rule)] = n
    expected_status = 1 if want else 0
    if proc.returncode != expected_status:
        sys.exit(f"knot lint exited {proc.returncode}, expected {expected_status}\n{proc.stderr}")
    with open(sarif_path, encoding="utf-8") as f:
        doc = json.load(f)

    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:20]:
        print(f"SARIF schema violation at {'/'.join(map(str, e.path))}: {e.message}")

    got = {}
    for run in doc["runs"]:
        for result in run["results"]:
            loc = result["locations"][0]["physicalLocation"]
            uri = loc["artifactLocation"]["uri"]
            path = os.path.realpath(uri[len("file://"):] if uri.startswith("file://") else
                                    os.path.join(os.getcwd(), uri))
            key = (path, loc["region"]["startLine"], result["ruleId"])
            got[key] = got.get(key, 0) + 1
    ok = not errors
    for key in sorted(set(want) | set(got)):
        if want.get(key, 0) != got.get(key, 0):
            ok = False
            print(f"{os.path.basename(key[0])}:{key[1]}: {key[2]}: expected {want.get(key, 0)}, "
                  f"reported {got.get(key, 0)}")
    print(f"{len(examples)} examples, {sum(got.values())} results, "
          f"{len(errors)} schema violations: {'ok' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
