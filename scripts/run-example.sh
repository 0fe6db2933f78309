#!/usr/bin/env bash
# The main job: set up, build, then compile a bundled example model ahead of
# time, run it on its sample input, and benchmark it against ONNX Runtime.
#   scripts/run-example.sh [model]   (default: cnn3d; see examples/make_models.py)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SYSTOLIC_BUILD_DIR:-$root/build}"
model="${1:-cnn3d}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"

python="$root/.venv/bin/python"
models="$root/examples/models"
"$python" "$root/examples/make_models.py" "$model" >/dev/null
onnx="$models/$model.onnx"
sysm="$build/examples/$model.sysm"
mkdir -p "$(dirname "$sysm")"

echo "== compile: systolic-compile $onnx -o $sysm"
start=$(date +%s%N)
"$build/bin/systolic-compile" "$onnx" -o "$sysm"
end=$(date +%s%N)
echo "compiled in $(( (end - start) / 1000000 )) ms, artifact $(stat -c %s "$sysm") bytes"

echo "== run: systolic-run on the sample input"
mapfile -t inputs < <(cd "$root/examples" && "$python" -c \
  'import sys, make_models; print(*("--input=@%s" % p for p in make_models.input_files(sys.argv[2], sys.argv[1])), sep="\n")' \
  "$model" "$models")
"$build/bin/systolic-run" --module="$sysm" "${inputs[@]}"

echo "== benchmark: systolic-bench"
"$build/bin/systolic-bench" --module="$sysm" --min-time=1

echo "== against ONNX Runtime (same thread count)"
SYSTOLIC_BUILD_DIR="$build" "$python" "$root/bench/models/bench.py" --model "$model" --threads 1

# The same model on the Systolic accelerator: calibrated on its sample input,
# quantized to int8, run on the cycle-accurate RTL with the per-layer report.
accel="$build/examples/$model.accel.sysm"
calibrate="--calibrate=$(IFS=,; echo "${inputs[*]#--input=}")"
echo "== compile for the accelerator: systolic-compile --target=accel $calibrate --report-placement"
"$build/bin/systolic-compile" "$onnx" --target=accel "$calibrate" --report-placement -o "$accel"
echo "== benchmark on the accelerator (Verilator RTL, 16x16)"
"$build/bin/systolic-bench" --module="$accel" --device=accel --iterations=1
