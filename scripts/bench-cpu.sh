#!/usr/bin/env bash
# CPU kernel benchmark: f32 GEMM 1024^3 and a ResNet-18 3x3 convolution
# compiled by the Systolic CPU pipeline, against OpenBLAS and naive loops,
# with 1 and 2 threads. Prints a GFLOP/s table with the ratio to OpenBLAS.
# Extra arguments go to the benchmark (e.g. --thread-counts=1 --min-seconds=2).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SYSTOLIC_BUILD_DIR:-$root/build}"
ninja -C "$build" bench-cpu-kernels >/dev/null
grep -m1 "model name" /proc/cpuinfo || true
exec "$build/bin/bench-cpu-kernels" "$@"
