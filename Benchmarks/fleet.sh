#!/usr/bin/env bash
# A fleet into one store: SOURCES sources (default 20) of FILES files each (default 1,000, from generate.py with
# one seed per source) recorded concurrently into a throwaway PostgreSQL, then a fleet-wide inventory and HTML
# report. For comparison the same scans go into one SQLite file one after the other. Prints the total and
# per-scan times of both, and the inventory's and the report's. Target: the fleet-wide inventory of 20,000 files
# takes under a second.
#
# Needs PostgreSQL's initdb and pg_ctl (/usr/lib/postgresql/*/bin) and, as root, the postgres user (the server
# refuses to run as root). SKIP_BUILD=1 uses the release binary as it is; BIN=... another binary.
set -euo pipefail
REPEAT="${REPEAT:-3}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SOURCES="${SOURCES:-20}"
FILES="${FILES:-1000}"
if [ -n "${FLEET_BIN:-}" ]; then BIN="$FLEET_BIN"; SKIP_BUILD=1; fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || die "no initdb under /usr/lib/postgresql/*/bin (apt-get install -y postgresql)"
build_release

# The sources: one generated set per source, each with its own seed (so the fleet is not one estate 20 times).
fleet_dir="$OUT/fleet"
mkdir -p "$fleet_dir"
for i in $(seq 1 "$SOURCES"); do
    dir="$fleet_dir/node-$i"
    stamp="$(sha256sum "$BENCH_DIR/generate.py" | cut -c1-16) n=$FILES seed=$((SEED + i))"
    if [ ! -f "$dir/.stamp" ] || [ "$(cat "$dir/.stamp")" != "$stamp" ]; then
        rm -rf "$dir"
        python3 "$BENCH_DIR/generate.py" "$FILES" "$dir" --seed $((SEED + i)) 2>>"$LOG" || die "generate.py failed"
        printf '%s\n' "$stamp" >"$dir/.stamp"
    fi
done

# A throwaway server on a Unix socket, trust authentication, stopped on exit.
pg_dir=$(mktemp -d /tmp/modelwarden-fleet-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$pg_dir"
    as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth-local=trust -E UTF8 --no-locale >>"$LOG" 2>&1 || die "initdb failed (see $LOG)"
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-k $pg_dir -c listen_addresses='' -c max_connections=200" start >>"$LOG" 2>&1 || die "pg_ctl start failed (see $pg_dir/server.log)"
stop_server() {
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >>"$LOG" 2>&1 || true
    rm -rf "$pg_dir"
}
trap stop_server EXIT
"$pg_bin/psql" -h "$pg_dir" -U postgres -d postgres -qc "CREATE DATABASE fleet" >>"$LOG" 2>&1 || die "CREATE DATABASE failed"
url="postgres://postgres@/fleet?host=$pg_dir"
sqlite="$OUT/fleet.sqlite"
rm -f "$sqlite" "$sqlite"-*

describe_machine
say "fleet: $SOURCES sources of $FILES files ($(find "$fleet_dir" -name '*.yaml' | wc -l) files); PostgreSQL $("$pg_bin/postgres" --version | awk '{ print $3 }') on a Unix socket (fsync on)"
say ""

# seconds_since NS -> seconds with three decimals
seconds_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# summary of per-scan seconds on stdin: median and max
per_scan() { sort -n | awk '{ a[NR] = $1 } END { printf "median %.3f s, max %.3f s", a[int((NR + 1) / 2)], a[NR] }'; }

# Concurrent into PostgreSQL: every scan its own process, all started at once.
times_dir=$(mktemp -d)
warn_if_busy
start=$(now_ns)
for i in $(seq 1 "$SOURCES"); do
    (
        t0=$(now_ns)
        "$BIN" scan "$fleet_dir/node-$i" --db "$url" --source "node-$i" --policies "$POLICIES" >/dev/null 2>>"$LOG" || echo "node-$i failed" >>"$times_dir/failed"
        printf '%s\n' "$(seconds_since "$t0")" >"$times_dir/$i"
    ) &
done
wait
pg_total=$(seconds_since "$start")
[ ! -f "$times_dir/failed" ] || die "$(cat "$times_dir/failed") (see $LOG)"
printf '  %-52s %8.3f s  per scan: %s\n' "$SOURCES scans, concurrently, into PostgreSQL" "$pg_total" "$(cat "$times_dir"/[0-9]* | per_scan)"
rm -rf "$times_dir"

# The same scans into SQLite, one after the other.
warn_if_busy
sqlite_times=()
start=$(now_ns)
for i in $(seq 1 "$SOURCES"); do
    t0=$(now_ns)
    "$BIN" scan "$fleet_dir/node-$i" --db "$sqlite" --source "node-$i" --policies "$POLICIES" >/dev/null 2>>"$LOG" || die "SQLite scan of node-$i failed (see $LOG)"
    sqlite_times+=("$(seconds_since "$t0")")
done
sqlite_total=$(seconds_since "$start")
printf '  %-52s %8.3f s  per scan: %s\n' "$SOURCES scans, one after the other, into SQLite" "$sqlite_total" "$(printf '%s\n' "${sqlite_times[@]}" | per_scan)"

rows=$("$BIN" inventory --db "$url" --format csv | tail -n +2 | wc -l)
say "  inventory rows (active usages across the fleet): $rows"
measure "fleet inventory, PostgreSQL (json)" "$((SOURCES * FILES))" "$BIN" inventory --db "$url" --format json
pg_inventory=$MEASURED_WALL
measure "fleet inventory, SQLite (json)" "$((SOURCES * FILES))" "$BIN" inventory --db "$sqlite" --format json
measure "fleet HTML report, PostgreSQL" "$((SOURCES * FILES))" "$BIN" report --db "$url" --format html --output "$OUT/fleet-report.html" --policies "$POLICIES"
measure "fleet HTML report, SQLite" "$((SOURCES * FILES))" "$BIN" report --db "$sqlite" --format html --output "$OUT/fleet-report-sqlite.html" --policies "$POLICIES"
say ""
say "  fleet-wide inventory of $((SOURCES * FILES)) files on PostgreSQL: $pg_inventory s (target < 1 s)"
