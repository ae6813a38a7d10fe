# Shared helpers for Benchmarks/run.sh and Benchmarks/checkov.sh (sourced, not run).
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
OUT="$BENCH_DIR/out"
BIN="$ROOT/.build/release/modelwarden"
POLICIES="${POLICIES:-$ROOT/Policies}"
REPEAT="${REPEAT:-5}"
SEED="${SEED:-20261129}"
LOG="$OUT/bench.log"

mkdir -p "$OUT"

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# /usr/bin/time gives peak RSS (%M, KiB). Install it when missing and we are root; otherwise the
# measurement falls back to Python's resource module (ru_maxrss of the waited-for child).
ensure_time() {
    if [ -x /usr/bin/time ]; then return; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing GNU time (apt-get install time) for peak-RSS measurements" >&2
        (apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq time >/dev/null 2>&1; }) || true
    fi
    if [ ! -x /usr/bin/time ]; then
        say "note: /usr/bin/time unavailable, peak RSS measured with python3's resource module;" >&2
        say "      ru_maxrss of a child counts the Python parent's pages up to exec, so values up to ~14 MiB are Python's own" >&2
    fi
}

# Build the release binary as `make` builds the one that is shipped (the Swift runtime and Foundation linked in,
# which also starts faster: no symbol binding for a dozen shared libraries). SwiftPM rebuilds only what changed,
# but a build without --static-swift-stdlib in the same folder is rebuilt whole; SKIP_BUILD=1 uses the binary as is.
# The build folder is shared with other builds, so retry while SwiftPM reports it locked (or a
# source file changed under the build).
build_release() {
    if [ "${SKIP_BUILD:-0}" = 1 ] && [ -x "$BIN" ]; then
        say "using existing $BIN (SKIP_BUILD=1)" >&2
        return
    fi
    local attempt
    for attempt in $(seq 1 40); do
        if (cd "$ROOT" && swift build -c release --static-swift-stdlib --product modelwarden) >"$OUT/build.log" 2>&1; then
            return
        fi
        if grep -qiE 'lock|modified during the build' "$OUT/build.log"; then
            say "build folder locked or sources changed during the build, retrying in 15 s ($attempt/40)" >&2
            sleep 15
        else
            tail -30 "$OUT/build.log" >&2
            die "swift build -c release --static-swift-stdlib failed (full log: $OUT/build.log)"
        fi
    done
    die "build folder stayed locked (or sources kept changing)"
}

build_floor() {
    local exe="$OUT/libyaml_events"
    if [ ! -x "$exe" ] || [ "$BENCH_DIR/libyaml_events.c" -nt "$exe" ]; then
        cc -O2 -o "$exe" "$BENCH_DIR/libyaml_events.c" -lyaml || die "cannot build libyaml_events (needs libyaml-dev)"
    fi
}

# generate_set N -> prints the folder; regenerates only when N, seed or generate.py changed.
generate_set() {
    local n="$1" dir="$OUT/set-$1"
    local stamp
    stamp="$(sha256sum "$BENCH_DIR/generate.py" | cut -c1-16) n=$n seed=$SEED"
    if [ ! -f "$dir/.stamp" ] || [ "$(cat "$dir/.stamp")" != "$stamp" ]; then
        rm -rf "$dir"
        python3 "$BENCH_DIR/generate.py" "$n" "$dir" --seed "$SEED" 2>>"$LOG" || die "generate.py failed"
        printf '%s\n' "$stamp" >"$dir/.stamp"
    fi
    printf '%s\n' "$dir"
}

now_ns() { date +%s%N; }

# measure_once CMD... -> "WALL_SECONDS PEAK_RSS_KIB EXIT_CODE"; stdout of CMD is discarded,
# stderr appended to the log.
measure_once() {
    local t0 t1 rc rss tmp
    tmp="$(mktemp)"
    if [ -x /usr/bin/time ]; then
        t0=$(now_ns)
        set +e
        /usr/bin/time -f '%M' -o "$tmp" "$@" >/dev/null 2>>"$LOG"
        rc=$?
        set -e
        t1=$(now_ns)
        rss=$(tail -n 1 "$tmp")
    else
        set +e
        python3 - "$tmp" "$@" 2>>"$LOG" <<'PY'
import resource, subprocess, sys, time
out = sys.argv[1]
t0 = time.perf_counter_ns()
rc = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL)
t1 = time.perf_counter_ns()
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(out, "w") as fh:
    fh.write(f"{t1 - t0} {rss} {rc}\n")
PY
        set -e
        read -r wall_ns rss rc <"$tmp"
        t0=0
        t1=$wall_ns
    fi
    rm -f "$tmp"
    awk -v a="$t0" -v b="$t1" -v r="$rss" -v c="$rc" 'BEGIN { printf "%.3f %d %d\n", (b - a) / 1e9, r, c }'
}

# measure LABEL FILES CMD... : one untimed warm-up (page cache), then REPEAT timed runs.
# Prints a result line and sets MEASURED_WALL (median seconds) and MEASURED_RSS (max KiB).
measure() {
    local label="$1" files="$2"
    shift 2
    local i line walls=() rss_max=0 rc
    warn_if_busy
    "$@" >/dev/null 2>>"$LOG" || true
    for i in $(seq 1 "$REPEAT"); do
        line=$(measure_once "$@")
        read -r w r rc <<<"$line"
        if [ "$rc" != 0 ]; then
            say "  $label: exit code $rc (see $LOG)" >&2
        fi
        walls+=("$w")
        if [ "$r" -gt "$rss_max" ]; then rss_max=$r; fi
    done
    MEASURED_WALL=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    MEASURED_RSS=$rss_max
    awk -v l="$label" -v n="$files" -v w="$MEASURED_WALL" -v r="$rss_max" -v runs="${walls[*]}" 'BEGIN {
        k = split(runs, t, " "); lo = t[1]; hi = t[1]
        for (i = 2; i <= k; i++) { if (t[i] < lo) lo = t[i]; if (t[i] > hi) hi = t[i] }
        printf "  %-36s %7.3f s  %7.0f files/s  peak RSS %6.1f MiB  (runs %s-%s s)\n", l, w, (w > 0 ? n / w : 0), r / 1024, lo, hi
    }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }

# Other builds or test runs on this 2-core machine skew every figure; say so next to the figures.
warn_if_busy() {
    local busy
    busy=$(pgrep -l -x 'swift-build|swift-frontend|swift-test|swift-driver|swiftc|clang|ld|cc1|xctest|checkov' 2>/dev/null | awk '{ print $2 }' | sort -u | paste -sd ' ' - || true)
    if [ -n "$busy" ]; then
        say "  warning: other CPU-heavy processes are running ($busy); the next figures are noisy"
    fi
}

describe_machine() {
    local cpu
    cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
    say "date: $(date -u +%Y-%m-%d)  cores: $(nproc)  cpu: ${cpu:-unknown}"
    say "modelwarden: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [ -n "$(git status --porcelain -- Sources Policies Package.swift 2>/dev/null)" ] && echo ' (with uncommitted changes)')  swift: $(swift --version 2>/dev/null | head -n 1 | sed 's/^.*Swift version \([^ ]*\).*$/\1/')  libyaml: $(pkg-config --modversion yaml-0.1 2>/dev/null || echo '?')"
    say "timing: wall clock, median of $REPEAT runs after one warm-up run (fastest-slowest run in brackets); peak RSS: max over the runs"
    say "load before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
    warn_if_busy
}
