#!/usr/bin/env bash
# Times `modelwarden scan` into SQLite: a first scan that records N files (default 10,000), then a rescan
# of the unchanged files, then a rescan after touching 1 % of them. Target: the unchanged rescan costs at
# most a tenth of the first scan.
set -euo pipefail
REPEAT="${REPEAT:-3}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N="${1:-10000}"
ensure_time
build_release
set_dir="$(generate_set "$N")"
db_dir="$OUT/store"
rm -rf "$db_dir"
mkdir -p "$db_dir"

describe_machine
say ""
say "N=$N: $(find "$set_dir" -name '*.yaml' | wc -l) files"

first_walls=()
for i in $(seq 1 "$REPEAT"); do
    rm -f "$db_dir"/first-*.sqlite*
    line=$(measure_once "$BIN" scan "$set_dir" --db "$db_dir/first-$i.sqlite" --policies "$POLICIES")
    read -r w r rc <<<"$line"
    [ "$rc" = 0 ] || die "first scan failed (see $LOG)"
    first_walls+=("$w"); first_rss=$r
done
first=$(printf '%s\n' "${first_walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
printf '  %-44s %7.3f s  peak RSS %6.1f MiB  (runs %s)\n' "first scan (records everything)" "$first" "$(awk -v r="$first_rss" 'BEGIN { print r / 1024 }')" "${first_walls[*]}"
db="$db_dir/first-$REPEAT.sqlite"
printf '  %-44s %s\n' "database size" "$(du -h "$db" | cut -f1)"

measure "rescan, nothing changed" "$N" "$BIN" scan "$set_dir" --db "$db" --policies "$POLICIES"
unchanged=$MEASURED_WALL

# Touch 1 % of the files with a real change (a comment line), then rescan once per change.
touched_walls=()
for i in $(seq 1 "$REPEAT"); do
    find "$set_dir" -name '*.yaml' | sort | awk -v n="$N" 'NR % 100 == 0' | while read -r f; do printf '# touched %s\n' "$i" >>"$f"; done
    line=$(measure_once "$BIN" scan "$set_dir" --db "$db" --policies "$POLICIES")
    read -r w r rc <<<"$line"
    touched_walls+=("$w")
done
touched=$(printf '%s\n' "${touched_walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
printf '  %-44s %7.3f s  (runs %s)\n' "rescan, 1 % of the files changed" "$touched" "${touched_walls[*]}"
# Put the set back as generated.
rm -f "$set_dir/.stamp"
say ""
say "  unchanged rescan / first scan: $(awk -v a="$unchanged" -v b="$first" 'BEGIN { printf "%.3f", a / b }') (target <= 0.1)"
say "  1 % changed rescan / first scan: $(awk -v a="$touched" -v b="$first" 'BEGIN { printf "%.3f", a / b }')"
