#!/usr/bin/env bash
# Runs libFuzzer targets for a set time each, from their seeds in
# tests/fuzz/<target>/ plus the corpus grown by earlier runs
# (build/fuzz/corpus/<target>/), and prints executions per second. A finding
# is written to build/fuzz/<target>-crash-* and fails the run: turn it into a
# regression seed (tests/fuzz/<target>/regression-<what>) once fixed.
#
#   tests/fuzz/run.sh SECONDS TARGET...
#
# FUZZ_SEED=N fixes libFuzzer's random seed, so that make test's short run on
# a fresh checkout tries the same inputs every time and a finding there
# reproduces; unset, each run picks a new seed and explores further.
set -euo pipefail
seconds=$1
shift
status=0
for target in "$@"; do
  corpus=build/fuzz/corpus/$target
  log=build/fuzz/$target-${seconds}s.log
  mkdir -p "$corpus"
  # A unit that runs longer than this counts as a hang. fuzz_detect's first
  # unit on each random model loads it, and SSD MobileNetV1 and the
  # recognition net take seconds per run under the sanitizers (more on a
  # loaded machine), so it gets longer.
  timeout=30
  [ "$target" = detect ] && timeout=300
  started=$SECONDS
  if build/fuzz/fuzz_"$target" -seed="${FUZZ_SEED:-0}" -max_total_time="$seconds" -print_final_stats=1 -timeout="$timeout" -rss_limit_mb=2048 \
       -artifact_prefix=build/fuzz/"$target"- "$corpus" tests/fuzz/"$target" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    # libFuzzer runs every input of the corpus once before the time limit applies.
    echo "fuzz_$target: ${seconds} s of fuzzing after the corpus replay, $((SECONDS - started)) s in all, $runs executions, $rate per second, no finding"
  else
    echo "fuzz_$target: FINDING (log: $log)"
    grep -E 'ERROR|runtime error|invariant|SUMMARY|Test unit written' "$log" | head -n 20
    status=1
  fi
done
exit $status
