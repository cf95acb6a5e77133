#!/usr/bin/env bash
# Fuzzes every wire decoder (cargo-fuzz targets in fuzz/) and runs the property tests of the
# sidecar registry and the scenario parser, each for SECONDS_PER_TARGET (default 20), then
# prints target | runs | seconds | crashes (and libFuzzer's exec/s, coverage and corpus)
# and fails on any crash or failed property.
#
#   tests/scripts/fuzz.sh [SECONDS_PER_TARGET]     # test-all.sh's short run; 600+ for the long one
#
# Needs a nightly toolchain (cargo-fuzz's sanitizer flags); installs cargo-fuzz if missing.
# A run's corpus grows in fuzz/runs/<target>/ (not committed; the seeds are fuzz/corpus/).
# A crash leaves its input in fuzz/artifacts/<target>/; replay it with
#   (cd fuzz && cargo +nightly fuzz run -a <target> artifacts/<target>/<file>)
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-20}
case $seconds in
  '' | *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2 ;;
esac

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "Installing the nightly toolchain (cargo-fuzz needs it)"
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "Installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# -a: overflow checks and debug assertions on, as in the platform's own debug builds, so an
# arithmetic overflow on a received number is a crash here too.
fuzz() { (cd fuzz && cargo +nightly fuzz "$@"); }
fuzz build -a
mapfile -t targets < <(fuzz list)

rows=()
failed=0
for target in "${targets[@]}"; do
  mkdir -p "fuzz/runs/$target" "fuzz/artifacts/$target"
  log="fuzz/runs/$target.log"
  marker=$(mktemp)
  started=$SECONDS
  # -timeout: one input taking 10 s is a hang, reported as a crash. The first corpus folder
  # takes what the run finds; the committed seeds are only read.
  status=0
  fuzz run -a "$target" "runs/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -dict=protocol.dict -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  elapsed=$((SECONDS - started))
  crashes=$(find "fuzz/artifacts/$target" -type f -newer "$marker" | wc -l)
  rm -f "$marker"
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes=1   # libFuzzer failed without leaving an input (e.g. out of memory at start)
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # libFuzzer's last status line: "#N DONE cov: C ft: F corp: N/SIZE ..."
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$last")
  rows+=("$target|${runs:-?}|$elapsed|$crashes|${rate:-?}|${cov:-?}|${ft:-?}|${corpus:-?}")
  if [ "$crashes" -ne 0 ]; then
    failed=1
    echo "CRASH in $target (log: $log):"
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -20 || true
  fi
done

# The property tests: each property runs until PROPERTY_TEST_SECONDS have passed.
for test in proptest_registry proptest_scenarios; do
  log="fuzz/runs/$test.log"
  mkdir -p fuzz/runs
  status=0
  PROPERTY_TEST_SECONDS=$seconds cargo test --workspace --test "$test" -- --nocapture --test-threads=8 \
    >"$log" 2>&1 || status=$?
  # "proptest NAME: N cases in S s" per property that passed, "proptest NAME failed after
  # N cases" per one that did not.
  while read -r name cases secs; do
    rows+=("proptest $name|$cases|$secs|0||||")
  done < <(sed -n 's/^proptest \([^ ]*\): \([0-9]*\) cases in \([0-9.]*\) s$/\1 \2 \3/p' "$log")
  while read -r name cases; do
    rows+=("proptest $name|$cases|?|1||||")
  done < <(sed -n 's/.*proptest \([^ ]*\) failed after \([0-9]*\) cases.*/\1 \2/p' "$log")
  if [ "$status" -ne 0 ]; then
    failed=1
    echo "FAILED: $test (log: $log):"
    grep -E 'panicked|failed after|minimal failing input' "$log" | head -20 || true
  fi
done

echo
row() { printf '%-28s | %10s | %7s | %7s | %7s | %5s | %6s | %s\n' "$@"; }
row target runs seconds crashes exec/s cov ft corpus
for line in "${rows[@]}"; do
  IFS='|' read -r -a cells <<<"$line"
  row "${cells[@]}"
done
if [ "$failed" -ne 0 ]; then
  echo "fuzz.sh: a target crashed or a property failed (see above)" >&2
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} fuzz targets and the property tests ran ${seconds} s each; no crash"
