#!/usr/bin/env bash
# Soaks the daemon on loopback: 20,000 API requests (8 keep-alive clients, every path, 1 in 200 a POST /v1/scans)
# while 5,000 file changes arrive in 100 bursts and SIGHUP reloads run every 2 s. Prints RSS at start and end,
# failed requests and lost scans; exits 1 when any request failed or any change was lost.
#
#   Benchmarks/soak.sh [REQUESTS [CHANGES]]     (defaults 20000 5000)
# Environment: SKIP_BUILD=1 uses the release binary as is; BIN=path uses another binary (e.g. a debug build).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REQUESTS="${1:-20000}"
CHANGES="${2:-5000}"
if [ -n "${SOAK_BIN:-}" ]; then BIN="$SOAK_BIN"; else build_release; fi
describe_machine
estate="$OUT/soak-estate"
rm -rf "$estate" && cp -r "$ROOT/Deployments" "$estate"
say "soak: $BIN on a copy of Deployments/ plus a churn/ folder"
status=0
python3 "$BENCH_DIR/soak.py" "$BIN" "$estate" --requests "$REQUESTS" --changes "$CHANGES" || status=$?
rm -rf "$estate"
exit "$status"
