#!/usr/bin/env bash
# Builds everything and runs every test suite: lit (FileCheck), ctest (gtest and
# the hardware test benches) and pytest. Prints each runner's summary and exits
# non-zero if any suite fails.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SYSTOLIC_BUILD_DIR:-$root/build}"

"$root/scripts/setup.sh" || exit 1
"$root/scripts/build.sh" || exit 1

status=0
echo "== lit =="
/usr/lib/llvm-22/bin/lit -sv "$build/test" || status=1
echo "== ctest =="
(cd "$build" && ctest --output-on-failure -j"$(nproc)") || status=1
echo "== pytest =="
SYSTOLIC_BUILD_DIR="$build" "$root/.venv/bin/python" -m pytest -q "$root/test/python" || status=1
if [ "$status" -ne 0 ]; then
  echo "test.sh: at least one suite failed"
fi
exit "$status"
