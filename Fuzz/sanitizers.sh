#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each in its own build folder, with the tests'
# subprocesses (check, scan, the daemon) running the sanitized binary too. Every report a sanitizer writes, in the
# test process or a child, lands in .build-SANITIZER/reports/ and counts as a failure.
#
#   Fuzz/sanitizers.sh [address|thread]... [-- swift test arguments, e.g. --filter Daemon]
# Prints, per sanitizer: tests run and failed, reports written, and the wall time.
set -uo pipefail
cd "$(dirname "$0")/.."
sanitizers=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do sanitizers+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
status=0
for sanitizer in "${sanitizers[@]}"; do
  scratch=".build-${sanitizer}"
  reports="$PWD/$scratch/reports"
  rm -rf "$reports" && mkdir -p "$reports"
  started=$(date +%s)
  echo "== swift test --sanitize=$sanitizer"
  if ! swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" >"$scratch/sanitizer-build.log" 2>&1; then
    tail -20 "$scratch/sanitizer-build.log"
    status=1
    continue
  fi
  options="log_path=$reports/$sanitizer:exitcode=66"
  # Leak checking is off: the test process ends with cached policy sets and catalogs on purpose.
  ASAN_OPTIONS="$options:detect_leaks=0" TSAN_OPTIONS="$options:second_deadlock_stack=1" \
    MODELWARDEN_BIN="$PWD/$scratch/debug/modelwarden" \
    swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "$@" >"$scratch/sanitizer-test.log" 2>&1
  tested=$?
  count=$(find "$reports" -type f | wc -l)
  summary=$(grep -E "Test run with|tests? passed|tests? failed|issues?" "$scratch/sanitizer-test.log" | tail -2 | tr '\n' ' ')
  echo "$sanitizer: exit $tested; $summary; sanitizer reports: $count; $(( $(date +%s) - started )) s"
  if [ "$count" -gt 0 ]; then
    grep -h -E "^(SUMMARY|WARNING: ThreadSanitizer|ERROR: AddressSanitizer)" "$reports"/* | sort | uniq -c | head -20
    status=1
  fi
  [ "$tested" -eq 0 ] || status=1
done
exit "$status"
