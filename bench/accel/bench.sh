#!/usr/bin/env bash
# Accelerator benchmark: configures a build with the 32x32 Verilated model
# (-DSYSTOLIC_RTL_32=ON, off in the default build because it compiles
# slowly), builds only systolic-bench-accel, and runs it at 8x8, 16x16 and
# 32x32 plus the ResNet-18-sized workload on 16x16.
# Usage: bench/accel/bench.sh [BUILD_DIR] [systolic-bench-accel options...]
# Default BUILD_DIR: build-accel-bench. Results: docs/accelerator-bench.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build-accel-bench}"
shift || true
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR="$root"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DSYSTOLIC_PYTHON="$root/.venv/bin/python" -DSYSTOLIC_RTL_32=ON "${launcher[@]}"
else
  cmake "$build" -DSYSTOLIC_RTL_32=ON >/dev/null
fi
start=$(date +%s)
cmake --build "$build" --target systolic-bench-accel -- -j"$(nproc)"
echo "bench.sh: systolic-bench-accel built in $(( $(date +%s) - start )) s"
"$build/bin/systolic-bench-accel" "$@"
