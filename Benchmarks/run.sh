#!/usr/bin/env bash
# Modelwarden throughput benchmark.
#
#   Benchmarks/run.sh [N...]          default: 1000 10000
#
# Builds the release binary (SwiftPM rebuilds only what changed; SKIP_BUILD=1 skips it), builds the
# libyaml event-parser floor (Benchmarks/libyaml_events.c), generates N synthetic manifests per set
# into Benchmarks/out/set-N/ (reused while generate.py and SEED are unchanged), then for each set
# measures wall time, files/s and peak RSS of:
#   (a) modelwarden check SET --policies Policies --format json --fail-on never   (all cores)
#   (b) the same pinned to one core with taskset -c 0
#   (c) libyaml_events SET pinned to one core: plain libyaml event parsing, the floor
# and prints the ratio (b)/(c). Environment: REPEAT (timed runs, default 5), SEED, POLICIES.
set -euo pipefail
# shellcheck source=Benchmarks/lib.sh
source "$(dirname "$0")/lib.sh"

if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi

: >"$LOG"
ensure_time
build_release
build_floor
command -v taskset >/dev/null 2>&1 || die "taskset (util-linux) is needed for the one-core runs"

say "Modelwarden benchmark"
describe_machine

for n in "${SIZES[@]}"; do
    dir=$(generate_set "$n")
    floor_line=$(taskset -c 0 "$OUT/libyaml_events" "$dir")
    bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$floor_line")
    events=$(sed -n 's/.*events=\([0-9]*\).*/\1/p' <<<"$floor_line")
    docs=$(sed -n 's/.*documents=\([0-9]*\).*/\1/p' <<<"$floor_line")

    # One checked run: the scan must succeed and see every file.
    "$BIN" check "$dir" --policies "$POLICIES" --format json --fail-on never >"$OUT/set-$n.json" 2>>"$LOG" \
        || die "modelwarden check $dir failed (exit $?, see $LOG)"
    summary=$(python3 - "$OUT/set-$n.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
f = s["findings"]
print(f"{s['files']} files, {s['deployments']} deployments, {s['usages']} usages, "
      f"findings {f['error']} error / {f['warning']} warning / {f['info']} info, {s['diagnostics']} diagnostics")
PY
)

    say ""
    say "N=$n: $n files, $docs documents, $events libyaml events, $(awk -v b="$bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }')"
    say "  modelwarden saw: $summary"
    measure "modelwarden check ($(nproc) cores)" "$n" \
        "$BIN" check "$dir" --policies "$POLICIES" --format json --fail-on never
    all_wall=$MEASURED_WALL
    measure "modelwarden check (taskset -c 0)" "$n" \
        taskset -c 0 "$BIN" check "$dir" --policies "$POLICIES" --format json --fail-on never
    one_wall=$MEASURED_WALL
    measure "libyaml event floor (taskset -c 0)" "$n" \
        taskset -c 0 "$OUT/libyaml_events" "$dir"
    floor_wall=$MEASURED_WALL
    say "  ratio one-core modelwarden / libyaml floor: $(ratio "$one_wall" "$floor_wall")x   (all-core speed-up over one core: $(ratio "$one_wall" "$all_wall")x)"
done
