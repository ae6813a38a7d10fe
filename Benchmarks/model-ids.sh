#!/usr/bin/env bash
# Measures the catalog against Benchmarks/model-ids.yaml: runs `modelwarden explain` on every id and
# counts right / wrong / unknown among the ids whose licence is known, then lists the ids whose
# expected licence is itself unknown (those are not scored).
#   Benchmarks/model-ids.sh [path/to/modelwarden] [--details]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="${1:-$here/../.build/debug/modelwarden}"
details="${2:-}"
exec python3 - "$binary" "$here/model-ids.yaml" "$details" <<'PY'
import json, subprocess, sys, yaml

binary, listing, details = sys.argv[1], sys.argv[2], sys.argv[3] == "--details"

def catalog_license(model_id):
    """The licence id explain reports, or None when it reports none."""
    run = subprocess.run([binary, "explain", "--format", "json", "--", model_id], capture_output=True, text=True)
    if run.returncode == 0:
        license = json.loads(run.stdout).get("license")
        return license.get("id") if isinstance(license, dict) else license
    # Releases before `--format json`: read the text report.
    run = subprocess.run([binary, "explain", "--", model_id], capture_output=True, text=True)
    for line in run.stdout.splitlines():
        if line.startswith("licence "):
            value = line.split(None, 1)[1]
            return None if value.startswith("unknown") else value.split(":", 1)[0]
    return None

counts = {"right": 0, "wrong": 0, "unknown": 0}
unscored = []
for item in yaml.safe_load(open(listing))["ids"]:
    got = catalog_license(item["id"])
    expected = item["license"]
    if expected == "unknown":
        unscored.append((item["id"], got))
        continue
    verdict = "unknown" if got is None else ("right" if got == expected else "wrong")
    counts[verdict] += 1
    if details and verdict != "right":
        print(f"{verdict:8} {item['id']}: expected {expected}, catalog {got or 'unknown'}")
scored = sum(counts.values())
print(f"scored {scored}: right {counts['right']}, wrong {counts['wrong']}, unknown {counts['unknown']}")
print(f"not scored (expected licence unknown) {len(unscored)}: catalog gives a licence for "
      f"{sum(1 for _, got in unscored if got)}")
if details:
    for model_id, got in unscored:
        print(f"unscored {model_id}: catalog {got or 'unknown'}")
PY
