#!/usr/bin/env bash
# Builds the libFuzzer targets (with AddressSanitizer) and runs each for a fixed time on seeds from the tests'
# manifests, the example estate, the policies and ../shared/corpus/files.
# usage: Fuzz/run.sh [SECONDS_PER_TARGET (default 60)] [TARGET...]
# targets: yaml scanners policy env modelfile jsonc (Sources/ModelwardenFuzzing/FuzzEntryPoints.swift)
# A crash leaves its input in .build-fuzz/artifacts/TARGET/ and the script exits 1; replay one with
#   .build-fuzz/release/fuzz-TARGET FILE
# and keep it as a regression test in Tests/ModelwardenTests/FuzzRegressionTests.swift.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(yaml scanners policy env modelfile jsonc)
scratch=.build-fuzz
# Package.swift adds the fuzz-* products, instrumented, when MODELWARDEN_FUZZ is set.
build=(swift build -c release --scratch-path "$scratch")

mkdir -p "$scratch"
started=$(date +%s)
for target in "${targets[@]}"; do
  if ! MODELWARDEN_FUZZ=1 "${build[@]}" --product "fuzz-$target" >"$scratch/build-$target.log" 2>&1; then
    grep -E "error:" "$scratch/build-$target.log" | sort -u | head -20 || tail -20 "$scratch/build-$target.log"
    echo "building fuzz-$target failed (log: $scratch/build-$target.log)"
    exit 2
  fi
done
echo "== built ${targets[*]} in $(( $(date +%s) - started )) s"
bin=$(MODELWARDEN_FUZZ=1 "${build[@]}" --show-bin-path)

work="$scratch/work"
rm -rf "$work"
bash Fuzz/seed.sh "$work/seeds" >/dev/null
failed=()
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
for target in "${targets[@]}"; do
  corpus="$work/corpus/$target" artifacts="$scratch/artifacts/$target/"
  mkdir -p "$corpus" "$artifacts"
  echo "== fuzz-$target for ${seconds}s"
  # -rss_limit_mb: a policy or YAML input that makes the process grow past this is a finding too.
  # -detect_leaks=0 (and in ASAN_OPTIONS, for the check at exit): LeakSanitizer cannot see pointers that Swift keeps
  # in enum payloads with tag bits in them, so it reports the live policy set (a global) as leaked; growth shows in
  # the RSS limit instead.
  if ! "$bin/fuzz-$target" "$corpus" "$work/seeds/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
        -max_len=16384 -artifact_prefix="$artifacts" -print_final_stats=1 >"$work/$target.log" 2>&1; then
    failed+=("$target")
    grep -E "ERROR|SUMMARY|Test unit written|panic|Fatal error" "$work/$target.log" | head -20
  fi
  echo "   $(grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$target.log" | tr -s ' \n' ' ' || true)"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]} (inputs under $scratch/artifacts/)"
  exit 1
fi
echo "fuzzing: no crash in ${targets[*]} (${seconds}s each)"
