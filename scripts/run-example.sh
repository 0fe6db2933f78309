#!/usr/bin/env bash
# The main job: set up, build, compile a bundled example model ahead of time and
# report on it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SYSTOLIC_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"

model="$root/examples/l1_regression.mlir"
echo "== systolic-compile $model --emit=nn =="
"$build/bin/systolic-compile" "$model" --emit=nn
