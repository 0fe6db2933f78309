#!/usr/bin/env bash
# Whole-model benchmark: compile time of each example model, then p50 latency
# of systolic-bench against ONNX Runtime with the same thread count (1 and 2),
# printed as a table with the ratio. Arguments go to bench/models/bench.py,
# e.g. `scripts/bench-models.sh --model resnet_tiny --threads 1`.
# Uses the tools in $SYSTOLIC_BUILD_DIR (default build/); build them first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export SYSTOLIC_BUILD_DIR="${SYSTOLIC_BUILD_DIR:-$root/build}"
exec "$root/.venv/bin/python" "$root/bench/models/bench.py" "$@"
