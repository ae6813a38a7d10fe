#!/usr/bin/env bash
# Measures `modelwarden daemon` (release build): time to READY=1, the time from a new manifest in a
# watched folder to its usage in the API (with the default 2 s debounce and with 200 ms), the rescan
# behind it, and memory. On the example estate and on a generated estate of N files (default 10,000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N="${1:-10000}"
CHANGES="${CHANGES:-5}"
build_release
describe_machine
say "figures: one daemon per row group, $CHANGES changes each; latency = rename into the folder -> usage-appeared in /v1/history"

estate="$OUT/daemon-estate"
rm -rf "$estate" && cp -r "$ROOT/Deployments" "$estate"
for debounce in 2s 200ms; do
    say ""
    say "Deployments/ (27 files), debounce $debounce:"
    python3 "$BENCH_DIR/daemon_latency.py" "$BIN" "$estate" --policies "$POLICIES" --debounce "$debounce" --changes "$CHANGES"
done

set_dir="$(generate_set "$N")"
say ""
say "generated estate of $N files, debounce 200ms:"
python3 "$BENCH_DIR/daemon_latency.py" "$BIN" "$set_dir" --policies "$POLICIES" --debounce 200ms --changes "$CHANGES"
rm -rf "$estate"
