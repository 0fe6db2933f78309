#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12 machine, idempotently:
# Debian packages (LLVM/MLIR 22, Verilator, PoCL, ...) with apt-get and Python
# packages into the project's own virtual environment (.venv).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

debian_packages=(
  build-essential cmake ninja-build ccache pkg-config zlib1g-dev libzstd-dev
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools llvm-22 clang-22
  libgtest-dev googletest
  verilator yosys
  pocl-opencl-icd ocl-icd-opencl-dev opencl-headers clinfo
  libflatbuffers-dev flatbuffers-compiler
  libopenblas-dev libomp-dev
  python3-venv
)

missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python_bin="${SYSTOLIC_HOST_PYTHON:-python3}"
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating the virtual environment $venv"
  "$python_bin" -m venv "$venv"
fi
requirements="$root/python/requirements.txt"
stamp="$venv/.requirements.sha256"
if [ ! -f "$stamp" ] || ! sha256sum --status -c "$stamp" 2>/dev/null; then
  echo "setup: installing Python packages from $requirements"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -r "$requirements"
  sha256sum "$requirements" > "$stamp"
fi
