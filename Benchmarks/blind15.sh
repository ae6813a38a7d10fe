#!/usr/bin/env bash
# Scores modelwarden on the issue-15 blind set, per kind and in total. Fetches nothing: give it the folder that
# holds the files under their local names (see blind15.yaml: repository, commit, path, file).
#
#   Benchmarks/blind15.sh FOLDER [MODELWARDEN-BINARY]
#
# Needs python3 with PyYAML and ../shared/tools/score-corpus (or SCORE_CORPUS=path).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
folder=${1:?usage: blind15.sh FOLDER [BINARY]}
binary=${2:-$here/../.build/debug/modelwarden}
score=${SCORE_CORPUS:-$here/../../shared/tools/score-corpus}
labels=${LABELS:-$here/blind15.yaml}  # another blind set in the same format: LABELS=...
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
# The files are scanned at their real paths (OWNER__REPO/PATH), then the report's paths are mapped back.
python3 "$here/blind_layout.py" layout "$labels" "$folder" "$work/tree"
(cd "$work/tree" && "$binary" check . --format json --fail-on never > "$work/laid-out.json")
python3 "$here/blind_layout.py" remap "$labels" "$work/laid-out.json" "$work/report.json"

# One labels file per kind, so each kind is scored on its own files.
python3 - "$labels" "$work" <<'PY'
import sys, yaml
labels, work = sys.argv[1], sys.argv[2]
files = yaml.safe_load(open(labels))["files"]
kinds = sorted({f["kind"] for f in files})
for kind in kinds:
    yaml.safe_dump({"files": [f for f in files if f["kind"] == kind]}, open(f"{work}/{kind}.yaml", "w"))
open(f"{work}/kinds", "w").write("\n".join(kinds) + "\n")
PY

printf '%-16s %s\n' kind "figures (score-corpus summary)"
while read -r kind; do
    summary=$("$score" --expected "$work/$kind.yaml" --report "$work/report.json" | grep -E '^files|^recall' | tr '\n' ' ')
    printf '%-16s %s\n' "$kind" "$summary"
done < "$work/kinds"
printf '%-16s ' total
"$score" --expected "$labels" --report "$work/report.json" | grep -E '^files|^recall' | tr '\n' ' '
echo
