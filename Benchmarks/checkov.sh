#!/usr/bin/env bash
# Modelwarden against Checkov on the same synthetic manifests.
#
#   Benchmarks/checkov.sh [N]        default N=1000
#
# Creates Benchmarks/.venv (git-ignored) when missing and installs Checkov into it from PyPI
# (CHECKOV_VERSION pins a version), generates or reuses Benchmarks/out/set-N/, then times:
#   modelwarden check SET --policies Policies --format json --fail-on never        (all cores)
#   checkov -d SET --framework kubernetes --quiet --compact                         (CLI output)
#   checkov -d SET --framework kubernetes --quiet --compact -o json                 (JSON output)
# and prints seconds, files/s, peak RSS and how many times faster Modelwarden is.
# Checkov runs with --soft-fail (its findings do not make it exit 1) and telemetry off; it checks
# container security (CKV_K8S_*), not models, so this compares cost per file, not coverage.
# If Checkov cannot be installed the script says why and exits 0.
# Environment: REPEAT (timed runs, default 3 here; Checkov takes ~15 s a run), SEED, POLICIES.
set -euo pipefail
REPEAT="${REPEAT:-3}"
# shellcheck source=Benchmarks/lib.sh
source "$(dirname "$0")/lib.sh"

N="${1:-1000}"
VENV="$BENCH_DIR/.venv"
: >"$LOG"

if [ ! -x "$VENV/bin/checkov" ]; then
    say "installing Checkov into $VENV (first run only; this takes a few minutes)"
    if ! python3 -m venv "$VENV" >"$OUT/pip.log" 2>&1; then
        say "Checkov comparison skipped: cannot create a virtualenv with $(command -v python3):"
        tail -5 "$OUT/pip.log"
        exit 0
    fi
    if ! "$VENV/bin/pip" install --quiet --upgrade pip >>"$OUT/pip.log" 2>&1 \
        || ! "$VENV/bin/pip" install --quiet "checkov${CHECKOV_VERSION:+==$CHECKOV_VERSION}" >>"$OUT/pip.log" 2>&1; then
        say "Checkov comparison skipped: pip install checkov failed; the end of $OUT/pip.log:"
        tail -15 "$OUT/pip.log"
        exit 0
    fi
fi
if ! "$VENV/bin/checkov" --version >/dev/null 2>&1; then
    say "Checkov comparison skipped: $VENV/bin/checkov does not run:"
    "$VENV/bin/checkov" --version 2>&1 | tail -5 || true
    exit 0
fi

ensure_time
build_release
dir=$(generate_set "$N")
export BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false PYTHONWARNINGS=ignore
export BC_API_KEY="" CKV_NO_TELEMETRY=1 LOG_LEVEL=ERROR

# One checked run of each: both must see the files.
"$BIN" check "$dir" --policies "$POLICIES" --format json --fail-on never >"$OUT/set-$N.json" 2>>"$LOG" \
    || die "modelwarden check $dir failed (see $LOG)"
"$VENV/bin/checkov" -d "$dir" --framework kubernetes --quiet --compact --soft-fail -o json \
    >"$OUT/checkov-$N.json" 2>>"$LOG" || die "checkov failed (see $LOG)"
checkov_summary=$(python3 - "$OUT/checkov-$N.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
reports = data if isinstance(data, list) else [data]
s = {"passed": 0, "failed": 0, "resource_count": 0}
for r in reports:
    for k in s:
        s[k] += r.get("summary", {}).get(k, 0)
print(f"{s['resource_count']} resources, {s['passed']} passed / {s['failed']} failed checks")
PY
)

say "Modelwarden vs Checkov"
describe_machine
say "checkov: $("$VENV/bin/checkov" --version 2>/dev/null)  python: $("$VENV/bin/python" --version 2>&1 | cut -d' ' -f2)"
say ""
say "N=$N: $N files in $dir"
say "  checkov saw: $checkov_summary"
measure "modelwarden check ($(nproc) cores)" "$N" \
    "$BIN" check "$dir" --policies "$POLICIES" --format json --fail-on never
mw=$MEASURED_WALL
measure "checkov --compact" "$N" \
    "$VENV/bin/checkov" -d "$dir" --framework kubernetes --quiet --compact --soft-fail
ck=$MEASURED_WALL
measure "checkov --compact -o json" "$N" \
    "$VENV/bin/checkov" -d "$dir" --framework kubernetes --quiet --compact --soft-fail -o json
ckj=$MEASURED_WALL
say "  modelwarden is $(ratio "$ck" "$mw")x faster than checkov (CLI output), $(ratio "$ckj" "$mw")x faster than checkov -o json"
