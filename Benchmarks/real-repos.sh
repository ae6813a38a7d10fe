#!/usr/bin/env bash
# Scan the real-repository set of Benchmarks/real-repos.yaml and compare with the hand labels.
#
# usage: Benchmarks/real-repos.sh CHECKOUTS [MODELWARDEN]
#   CHECKOUTS    folder holding one checkout per repository, named as `name:` in the YAML
#                (written with shared/tools/checkout-snapshot at the pinned commit)
#   MODELWARDEN  the binary to measure (default: .build/debug/modelwarden)
#
# Runs `modelwarden check . --format json --fail-on never` at each repository root and prints,
# per repository and in total: labelled usages found, usages from data files (listed), other
# usages outside the labelled files, exit code and wall time. Needs python3 with PyYAML.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
checkouts="$(cd "${1:?usage: real-repos.sh CHECKOUTS [MODELWARDEN]}" && pwd)"
binary="$(realpath "${2:-$here/../.build/debug/modelwarden}")"
reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT

for name in $(python3 -c 'import sys,yaml; [print(r["name"]) for r in yaml.safe_load(open(sys.argv[1]))["repositories"]]' "$here/real-repos.yaml"); do
    [ -d "$checkouts/$name" ] || { echo "missing checkout: $checkouts/$name" >&2; exit 1; }
    start=$(date +%s.%N)
    set +e
    (cd "$checkouts/$name" && "$binary" check . --format json --fail-on never >"$reports/$name.json" 2>"$reports/$name.err")
    code=$?
    set -e
    end=$(date +%s.%N)
    echo "$code $(echo "$end - $start" | bc)" >"$reports/$name.meta"
done

python3 - "$here/real-repos.yaml" "$reports" <<'PY'
import fnmatch, json, sys, yaml

spec = yaml.safe_load(open(sys.argv[1]))
reports = sys.argv[2]

def matches(path, globs):
    # fnmatch's * crosses '/', so "**/x/**" also matches "x/..." once the leading "**/" is optional.
    return any(fnmatch.fnmatch(path, g) or (g.startswith("**/") and fnmatch.fnmatch(path, g[3:])) for g in globs)

totals = dict(labelled=0, found=0, data=0, other=0, usages=0, seconds=0.0, exit2=0)
print(f"{'repository':20} {'found':>9} {'data':>6} {'other':>6} {'usages':>7} {'exit':>5} {'time':>7}")
for repo in spec["repositories"]:
    name = repo["name"]
    code, seconds = open(f"{reports}/{name}.meta").read().split()
    try:
        usages = json.load(open(f"{reports}/{name}.json"))["usages"]
    except (ValueError, KeyError):
        usages = []
    labels = repo.get("usages") or []
    labelled_files = {l["file"] for l in labels}
    at = {(u["file"], u["line"]) for u in usages}
    found = sum((l["file"], l["line"]) in at for l in labels)
    data_globs = spec["common_data"] + (repo.get("data") or [])
    from_data = [u for u in usages if u["file"] not in labelled_files and matches(u["file"], data_globs)]
    other = [u for u in usages if u["file"] not in labelled_files and not matches(u["file"], data_globs)]
    missed = [l for l in labels if (l["file"], l["line"]) not in at]
    print(f"{name:20} {found:>4}/{len(labels):<4} {len(from_data):>6} {len(other):>6} {len(usages):>7} {code:>5} {float(seconds):>6.2f}s")
    for u in from_data[:10]:
        print(f"    data: {u['file']}:{u['line']} {u['model']}")
    if len(from_data) > 10:
        print(f"    data: ... {len(from_data) - 10} more")
    for l in missed:
        print(f"    missed: {l['file']}:{l['line']} {l['model']}")
    totals["labelled"] += len(labels); totals["found"] += found
    totals["data"] += len(from_data); totals["other"] += len(other); totals["usages"] += len(usages)
    totals["seconds"] += float(seconds); totals["exit2"] += code == "2"
pct = 100.0 * totals["found"] / max(totals["labelled"], 1)
print(f"{'total':20} {totals['found']:>4}/{totals['labelled']:<4} {totals['data']:>6} {totals['other']:>6} {totals['usages']:>7} {totals['exit2']:>3}x2 {totals['seconds']:>6.2f}s")
print(f"labelled usages found: {pct:.0f}%; usages from data files: {totals['data']}; runs ending with exit 2: {totals['exit2']}")
PY
