#!/usr/bin/env bash
# Runs one fuzz target for SECONDS on one core at the lowest priority, with
# the limits docs/ROBUSTNESS.md states (1 s per input, 512 MiB RSS), and
# prints libFuzzer's final statistics. Crashes land in fuzz/artifacts/TARGET/.
#
#   fuzz/run.sh TARGET SECONDS
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`), and
# the seeds (`fuzz/seed.sh`).
set -euo pipefail
target="$1"
secs="$2"
cd "$(dirname "$0")"
mkdir -p "corpus/$target" "artifacts/$target" logs
log="logs/$target-$(date -u +%Y%m%dT%H%M%S).log"
# Whole capture files: longer inputs only slow the search down.
case "$target" in
  pipeline | capture_file) max_len=32768 ;;
  *) max_len=65536 ;;
esac
# -s none: the crates under test forbid unsafe code, so AddressSanitizer
# would only slow the search; -a keeps debug assertions (overflow checks).
# libFuzzer's own output (progress, final statistics) goes to the log, so
# several targets can run at once, one per core.
nice -n 19 cargo +nightly fuzz run -O -a -s none "$target" "corpus/$target" -- \
  -timeout=1 -rss_limit_mb=512 -max_len="$max_len" -max_total_time="$secs" \
  -print_final_stats=1 >"$log" 2>&1 || true
grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|ERROR|SUMMARY|Test unit written" "$log" || true
