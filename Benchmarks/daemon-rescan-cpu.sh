#!/usr/bin/env bash
# CPU time the daemon spends on one change: a new manifest renamed into a watched folder of N generated files, with
# nothing else asking the daemon anything (no API polling), measured with `perf stat -e task-clock -p` over 4 s around
# each change. CPU time, not wall time, so it says more than the latency on a machine shared with other work.
#
#   Benchmarks/daemon-rescan-cpu.sh [N] [CHANGES]      (release build; SKIP_BUILD=1 uses it as is)
set -euo pipefail
# shellcheck source=Benchmarks/lib.sh
source "$(dirname "$0")/lib.sh"
N="${1:-10000}"
CHANGES="${2:-6}"
command -v perf >/dev/null 2>&1 || die "needs perf"
build_release
set_dir=$(generate_set "$N")
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$set_dir" "$work/estate"
"$BIN" daemon --watch "$work/estate" --policies "$POLICIES" --db "$work/mw.sqlite" --listen 127.0.0.1:0 --interval 1h --debounce 50ms \
    2>"$work/log" &
pid=$!
until grep -qs "scan recorded" "$work/log"; do sleep 0.5; done
sleep 2
manifests=("$work"/estate/batch-0000/*.yaml)
template="${manifests[0]}"
say "daemon on $N files: CPU per change (perf stat task-clock over 4 s around the change) and the rescan from its log"
for i in $(seq 1 "$CHANGES"); do
    sed "s/name: /name: cpu$i-/" "$template" >"$work/new-$i.yaml"
    perf stat -x, -e task-clock -p "$pid" -o "$work/stat-$i" -- sleep 4 &
    stat_pid=$!
    sleep 0.5
    mv "$work/new-$i.yaml" "$work/estate/batch-0001/new-$i.yaml"
    wait "$stat_pid"
    ms=$(awk -F, '$3 ~ /task-clock/ { printf "%.0f", $1 }' "$work/stat-$i")
    scan=$(grep -o 'duration_ms=[0-9]*' "$work/log" | tail -1 | cut -d= -f2)
    say "  change $i: $ms ms CPU, rescan $scan ms (daemon's log)"
done
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
