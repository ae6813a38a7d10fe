#!/usr/bin/env bash
# What redaction costs on the hot path (issue 17): every value read from a manifest passes SecretScrubber before
# anything downstream sees it. This profiles `check` of N generated files twice, once as generated and once with a
# ConfigMap document of secret-shaped values added to every file (a URL with a password, a JWT, an OpenAI-shaped key,
# a PEM line, a high-entropy token under a secret-named key), and prints the share of CPU samples spent inside the
# scrubbing functions (inclusive of what they call), with the CPU time of each run.
#
#   Benchmarks/scrubber.sh [N]          # N files, 10000 by default; SKIP_BUILD=1 uses the release binary as is
#
# Needs perf (linux-perf) and python3. Figures are CPU shares from sampling, so they repeat on a busy machine better
# than wall times do.
set -euo pipefail
# shellcheck source=Benchmarks/lib.sh
source "$(dirname "$0")/lib.sh"

n="${1:-10000}"
command -v perf >/dev/null || die "perf is needed (apt-get install linux-perf)"
build_release
plain="$(generate_set "$n")"
secret="$OUT/scrub-$n"
stamp="$(cat "$plain/.stamp") secrets=1"
if [ ! -f "$secret/.stamp" ] || [ "$(cat "$secret/.stamp")" != "$stamp" ]; then
    rm -rf "$secret"
    cp -r "$plain" "$secret"
    python3 - "$secret" <<'PY'
import os, random, sys, string
root = sys.argv[1]
rng = random.Random(17)
def token(k): return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(k))
for folder, _, names in os.walk(root):
    for name in sorted(names):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(folder, name), "a") as out:
            out.write(f"""---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-{name[:-5]}
data:
  DATABASE_URL: postgres://app:{token(20)}@db:5432/app
  OPENAI_BASE_URL: https://svc:{token(16)}@gw.example.com/v1
  SESSION_TOKEN: eyJ{token(30)}.eyJ{token(40)}.{token(43)}
  UPSTREAM_API_KEY: sk-proj-{token(48)}
  SIGNING_SECRET: {token(40)}
  TLS_KEY_HEADER: "-----BEGIN PRIVATE KEY-----"
  LOG_LEVEL: info
""")
PY
    printf '%s\n' "$stamp" >"$secret/.stamp"
fi

# profile LABEL FOLDER: CPU time and the inclusive share of samples in the scrubbing functions.
profile() {
    local label="$1" folder="$2" data="$OUT/scrubber-$1.perf"
    perf record -q -g -F 2000 -o "$data" -- "$BIN" check "$folder" --no-config --format json --fail-on never >/dev/null 2>>"$LOG"
    local cpu
    cpu="$(perf stat -x, -e task-clock -r 3 -- "$BIN" check "$folder" --no-config --format json --fail-on never 2>&1 >/dev/null \
        | awk -F, '/task-clock/ { printf "%.0f", $1 }')"
    # Inclusive (children) share of the top-most scrubbing frame: redactingSecrets wraps every call of the scrubber.
    local share
    share="$(perf report -i "$data" --children --sort symbol --stdio 2>/dev/null \
        | awk '/redactingSecrets|SecretScrubber/ && $1 ~ /%$/ { gsub("%", "", $1); if ($1 + 0 > max + 0) max = $1 + 0 } END { printf "%.1f", max + 0 }')"
    printf '  %-34s cpu %7s ms   in redaction %5s%%  (~%s ms)\n' "$label ($n files)" "$cpu" "$share" \
        "$(awk -v c="$cpu" -v s="$share" 'BEGIN { printf "%.0f", c * s / 100 }')"
}

say "redaction's share of check (perf record -g, inclusive; perf stat -r 3 task-clock):"
profile as-generated "$plain"
profile with-secrets "$secret"
