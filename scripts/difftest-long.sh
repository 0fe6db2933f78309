#!/bin/sh
# Long random differential test of the RTL against the golden model.
# Usage: scripts/difftest-long.sh [BUILD_DIR] [CASES_PER_SIZE] [ROUNDS]
# Each round runs the difftest with a fresh random seed (printed, and
# reproducible with SYSTOLIC_DIFFTEST_SEED=<seed>) at every built size.
set -eu
build=${1:-build-sim}
cases=${2:-5000}
rounds=${3:-4}
test_bin=$build/test-sim/systolic-DiffTest
[ -x "$test_bin" ] || test_bin=$(find "$build" -name systolic-DiffTest -type f | head -1)
if [ -z "$test_bin" ] || [ ! -x "$test_bin" ]; then
  echo "difftest-long.sh: error: systolic-DiffTest not found under '$build' (build sim/ first)" >&2
  exit 1
fi
i=0
while [ "$i" -lt "$rounds" ]; do
  seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
  echo "== round $((i + 1))/$rounds, seed $seed, $cases legal + $((cases / 4)) corrupted programs per size"
  SYSTOLIC_DIFFTEST_SEED=$seed SYSTOLIC_DIFFTEST_RANDOM_CASES=$cases \
    SYSTOLIC_DIFFTEST_CASES=0 SYSTOLIC_DIFFTEST_ILLEGAL_CASES=$((cases / 4)) \
    "$test_bin" --gtest_brief=1 --gtest_filter='*RandomSeed*:*IllegalPrograms*'
  i=$((i + 1))
done
echo "difftest-long.sh: all rounds passed"
