#!/usr/bin/env bash
# Times `modelwarden report` over a long history: N usage rows (default 1,000,000) made by history.py.
# Target: HTML and CSV in a few seconds at most, streaming (peak memory does not grow with the rows).
set -euo pipefail
REPEAT="${REPEAT:-3}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N="${1:-1000000}"
ensure_time
build_release
db="$OUT/history-$N.sqlite"
if [ ! -f "$db" ]; then
    rm -f "$db"*
    "$BIN" scan "$ROOT/Deployments" --db "$db" --policies "$POLICIES" >/dev/null
    python3 "$BENCH_DIR/history.py" "$db" "$N"
fi
describe_machine
say ""
say "history: $(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from usage').fetchone()[0], 'usage rows,', c.execute('select count(*) from finding').fetchone()[0], 'findings')" "$db"), database $(du -h "$db" | cut -f1)"
for format in ${FORMATS:-csv html json markdown cyclonedx notice}; do
    if ! "$BIN" report --help | grep -q -- "values:.*\b$format\b"; then continue; fi
    measure "report --format $format" "$N" "$BIN" report --db "$db" --policies "$POLICIES" --format "$format" --output "$OUT/report.$format"
    printf '      output %s\n' "$(du -h "$OUT/report.$format" | cut -f1)"
done
