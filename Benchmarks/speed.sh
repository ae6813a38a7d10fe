#!/usr/bin/env bash
# Issue 14's speed targets, each printed with its measured figure, the ratio the target is about and
# whether it is met.
#
#   Benchmarks/speed.sh                 all sections
#   SECTIONS="startup full" Benchmarks/speed.sh    only some: startup full checkov memory incremental daemon scale
#
# start-up     CPU time (perf stat -e task-clock, mean of STARTUP_RUNS) of `check` of an empty folder with
#              --no-config, against /bin/true under the same harness. Target: within 15 ms.
# full         10,000 files (N): `check` on all cores against libyaml's bare event parse of the same files
#              (Benchmarks/libyaml_events.c, one core). Target: within 2x.
# checkov      1,000 files: `check` against Checkov 3.3.30 (Benchmarks/.venv, as Benchmarks/checkov.sh installs
#              it; when it is not there the section says so and is skipped). Target: at least 200x faster.
# memory       peak RSS of `check` at N files and its growth per file from the 1,000-file set. Target: < 150 MiB.
# incremental  `scan --db` of a copy of the N files, then rescans after appending a comment line to 1 % of them and
#              after giving the same files' container images a new tag. Target: the slower rescan costs at most 5 %
#              of the first scan.
# daemon       Benchmarks/daemon_latency.py on the N files: from a new file renamed into a watched folder to its
#              usage in the API, p50 and p95 over DAEMON_CHANGES edits (debounce DAEMON_DEBOUNCE), and the daemon's
#              idle CPU. Target: p95 within 100 ms, idle CPU below 0.1 %.
# scale        time and peak RSS of `check` for each size in SCALE (default 1000 10000 100000).
#
# Environment: REPEAT (timed runs per figure, default 5), N (default 10000), STARTUP_RUNS (default 20),
# DAEMON_CHANGES (default 50), DAEMON_DEBOUNCE (default 50ms), SCALE, SKIP_BUILD=1, SEED, POLICIES.
# Wall times are medians; on a machine shared with other work they are noisy (the script warns).
set -euo pipefail
# shellcheck source=Benchmarks/lib.sh
source "$(dirname "$0")/lib.sh"

N="${N:-10000}"
SMALL=1000
STARTUP_RUNS="${STARTUP_RUNS:-20}"
DAEMON_CHANGES="${DAEMON_CHANGES:-50}"
DAEMON_DEBOUNCE="${DAEMON_DEBOUNCE:-50ms}"
SCALE="${SCALE:-1000 10000 100000}"
SECTIONS="${SECTIONS:-startup full checkov memory incremental daemon scale}"
VENV="$BENCH_DIR/.venv"
SUMMARY=()

wants() { [[ " $SECTIONS " == *" $1 "* ]]; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=" ? v <= t : v >= t); print (ok ? "met" : "NOT met") }'; }
# summary LINE: kept for the table at the end.
summary() { SUMMARY+=("$1"); }

# task_clock_ms CMD... -> mean CPU milliseconds over STARTUP_RUNS runs (perf stat), or median wall time without perf.
task_clock_ms() {
    local tmp
    tmp="$(mktemp)"
    if command -v perf >/dev/null 2>&1 && perf stat -x, -e task-clock -o "$tmp" true 2>/dev/null; then
        perf stat -x, -r "$STARTUP_RUNS" -e task-clock -o "$tmp" "$@" >/dev/null 2>>"$LOG" || true
        awk -F, '$3 ~ /task-clock/ { printf "%.2f\n", $1 }' "$tmp"
    else
        local walls=() i
        for i in $(seq 1 "$STARTUP_RUNS"); do walls+=("$(measure_once "$@" | cut -d' ' -f1)"); done
        printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f\n", a[int((NR + 1) / 2)] * 1000 }'
    fi
    rm -f "$tmp"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: >"$LOG"
ensure_time
build_release
build_floor
say "Modelwarden speed targets (issue 14)"
describe_machine

if wants startup; then
    say ""
    say "start-up: check of an empty folder, CPU time (perf stat -e task-clock, mean of $STARTUP_RUNS runs)"
    empty="$OUT/empty"
    mkdir -p "$empty"
    true_ms=$(task_clock_ms /bin/true)
    mw_ms=$(task_clock_ms "$BIN" check "$empty" --no-config --fail-on never)
    extra=$(awk -v a="$mw_ms" -v b="$true_ms" 'BEGIN { printf "%.1f", a - b }')
    say "  /bin/true                                  $true_ms ms"
    say "  modelwarden check EMPTY --no-config        $mw_ms ms"
    summary "start-up: $extra ms more than /bin/true ($mw_ms vs $true_ms ms CPU)  target <= 15 ms  $(verdict "$extra" "<=" 15)"
fi

if wants full || wants memory; then
    say ""
    big=$(generate_set "$N")
    small=$(generate_set "$SMALL")
    floor_line=$(taskset -c 0 "$OUT/libyaml_events" "$big")
    say "N=$N: $floor_line"
    measure "libyaml event floor (taskset -c 0)" "$N" taskset -c 0 "$OUT/libyaml_events" "$big"
    floor=$MEASURED_WALL
    measure "modelwarden check ($(nproc) cores)" "$N" "$BIN" check "$big" --policies "$POLICIES" --format json --fail-on never
    full=$MEASURED_WALL
    big_rss=$MEASURED_RSS
    if wants full; then
        r=$(ratio "$full" "$floor")
        summary "full scan of $N files: ${r}x the libyaml floor ($full s vs $floor s)  target <= 2x  $(verdict "$r" "<=" 2)"
    fi
    if wants memory; then
        measure "modelwarden check, $SMALL files" "$SMALL" "$BIN" check "$small" --policies "$POLICIES" --format json --fail-on never
        per_file=$(awk -v a="$big_rss" -v b="$MEASURED_RSS" -v n="$N" -v m="$SMALL" 'BEGIN { printf "%.1f", (a - b) / (n - m) }')
        mib=$(awk -v a="$big_rss" 'BEGIN { printf "%.1f", a / 1024 }')
        summary "peak RSS at $N files: $mib MiB, growing $per_file KiB per file (from $SMALL files)  target < 150 MiB  $(verdict "$mib" "<=" 150)"
    fi
fi

if wants checkov; then
    say ""
    if [ -x "$VENV/bin/checkov" ] && "$VENV/bin/checkov" --version >/dev/null 2>&1; then
        small=$(generate_set "$SMALL")
        export BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false PYTHONWARNINGS=ignore BC_API_KEY="" CKV_NO_TELEMETRY=1 LOG_LEVEL=ERROR
        say "$SMALL files: checkov $("$VENV/bin/checkov" --version 2>/dev/null)"
        measure "modelwarden check ($(nproc) cores)" "$SMALL" "$BIN" check "$small" --policies "$POLICIES" --format json --fail-on never
        mw=$MEASURED_WALL
        saved_repeat=$REPEAT
        REPEAT="${CHECKOV_REPEAT:-1}"
        measure "checkov --compact" "$SMALL" "$VENV/bin/checkov" -d "$small" --framework kubernetes --quiet --compact --soft-fail
        REPEAT=$saved_repeat
        ck=$MEASURED_WALL
        r=$(ratio "$ck" "$mw")
        summary "$SMALL files against Checkov: ${r}x faster ($mw s vs $ck s)  target >= 200x  $(verdict "$r" ">=" 200)"
    else
        say "checkov: skipped, $VENV/bin/checkov is not installed or does not run (Benchmarks/checkov.sh installs it)"
        summary "$SMALL files against Checkov: not measured (Checkov not installed)"
    fi
fi

if wants incremental; then
    say ""
    copy="$OUT/incremental-$N"
    rm -rf "$copy" "$OUT/incremental.sqlite"*
    cp -r "$(generate_set "$N")" "$copy"
    say "incremental: scan --db of a copy of the $N files, then rescans after a change to 1 % of them"
    line=$(measure_once "$BIN" scan "$copy" --db "$OUT/incremental.sqlite" --policies "$POLICIES")
    read -r first _ rc <<<"$line"
    [ "$rc" = 0 ] || die "first scan failed (see $LOG)"
    say "  first scan (records everything)            $first s"
    # Two kinds of edit to the same 1 %: a comment (the objects stay the same), and a real change (each file's
    # container images get a new tag, so every changed file's scan and usages differ).
    rescan() {
        local walls=() i line w rc
        for i in $(seq 1 "$REPEAT"); do
            find "$copy" -name '*.yaml' | sort | awk 'NR % 100 == 0' | while read -r f; do
                if [ "$1" = comment ]; then printf '# edit %s\n' "$i" >>"$f"; else sed -i -E "s/^( +image: [^ ]+)\$/\\1-e$i/" "$f"; fi
            done
            line=$(measure_once "$BIN" scan "$copy" --db "$OUT/incremental.sqlite" --policies "$POLICIES")
            read -r w _ rc <<<"$line"
            [ "$rc" = 0 ] || die "rescan failed (see $LOG)"
            walls+=("$w")
        done
        RESCAN=$(median "${walls[@]}")
        RESCAN_RUNS="${walls[*]}"
    }
    rescan comment
    commented=$RESCAN
    say "  rescan after a comment in 1 %              $commented s  (runs $RESCAN_RUNS)"
    rescan image
    retagged=$RESCAN
    say "  rescan after new image tags in 1 %         $retagged s  (runs $RESCAN_RUNS)"
    worst=$(awk -v a="$commented" -v b="$retagged" 'BEGIN { print (a > b ? a : b) }')
    r=$(awk -v a="$worst" -v b="$first" 'BEGIN { printf "%.3f", a / b }')
    summary "rescan after changing 1 % of $N files: $r of a full scan (the slower edit, $worst s, vs $first s)  target <= 0.05  $(verdict "$r" "<=" 0.05)"
    rm -rf "$copy" "$OUT/incremental.sqlite"*
fi

if wants daemon; then
    say ""
    copy="$OUT/daemon-$N"
    rm -rf "$copy"
    cp -r "$(generate_set "$N")" "$copy"
    say "daemon on $N files, debounce $DAEMON_DEBOUNCE, $DAEMON_CHANGES changes:"
    python3 "$BENCH_DIR/daemon_latency.py" "$BIN" "$copy" --policies "$POLICIES" --debounce "$DAEMON_DEBOUNCE" \
        --changes "$DAEMON_CHANGES" --idle 10 | tee "$OUT/daemon.txt"
    p50=$(sed -n 's/.*p50 *\([0-9.]*\) s.*/\1/p' "$OUT/daemon.txt")
    p95=$(sed -n 's/.*p95 *\([0-9.]*\) s.*/\1/p' "$OUT/daemon.txt")
    idle=$(sed -n 's/.*idle CPU *\([0-9.]*\) %.*/\1/p' "$OUT/daemon.txt")
    p95ms=$(awk -v a="$p95" 'BEGIN { printf "%.0f", a * 1000 }')
    summary "daemon change -> API at $N files: p50 $p50 s, p95 $p95 s  target p95 <= 0.1 s  $(verdict "$p95ms" "<=" 100)"
    summary "daemon idle CPU: $idle %  target < 0.1 %  $(verdict "$idle" "<=" 0.1)"
    rm -rf "$copy"
fi

if wants scale; then
    say ""
    say "scale: check on all cores, median of $REPEAT runs"
    say "| files | time | files/s | peak RSS | RSS per file |"
    say "|---:|---:|---:|---:|---:|"
    for n in $SCALE; do
        dir=$(generate_set "$n")
        measure "n=$n" "$n" "$BIN" check "$dir" --policies "$POLICIES" --format json --fail-on never >/dev/null
        awk -v n="$n" -v w="$MEASURED_WALL" -v r="$MEASURED_RSS" 'BEGIN {
            printf "| %d | %.3f s | %.0f | %.1f MiB | %.1f KiB |\n", n, w, n / w, r / 1024, r / n }'
    done
fi

say ""
say "targets:"
for line in "${SUMMARY[@]}"; do say "  $line"; done
