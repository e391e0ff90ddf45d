#!/usr/bin/env bash
# Installs everything trit needs on a fresh Debian 12 machine, as root. Idempotent: packages
# already present are skipped, and the Python virtual environment is reused.
#   scripts/install-deps.sh            C++ toolchain and libraries
#   scripts/install-deps.sh --python   also the Python peers used by tests (.venv)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libeigen3-dev libopenblas-dev libopenblas-openmp-dev libhdf5-dev nlohmann-json3-dev libcli11-dev catch2
  qt6-base-dev libgl-dev
  python3 python3-venv python3-dev
  ca-certificates xz-utils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--python" ]]; then
  venv="$root/.venv"
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
  req="$root/scripts/requirements-test.txt"
  # llama-cpp-python compiles llama.cpp from source: build only the library it loads. It builds
  # for the host CPU (-march=native) but without AMX: llama.cpp's AMX matmul crashes on our Q4_0
  # test models (ggml_backend_amx_mul_mat, seen on a Xeon with AMX; llama.cpp issue 20824), and
  # the peer checks are about what llama.cpp computes, which its AVX-512 path gives as well.
  llama_cmake_args="${CMAKE_ARGS:--DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF}"
  llama_cflags=""
  [[ "$(uname -m)" == "x86_64" ]] && llama_cflags="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  stamp="$venv/.requirements.sha256"
  want=$(cat "$req" <(echo "$llama_cmake_args $llama_cflags") | sha256sum | cut -d' ' -f1)
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "install-deps: installing Python peers into .venv"
    "$venv/bin/pip" install -q --upgrade pip
    # A llama.cpp built with other flags (an older .venv) is rebuilt, not taken from pip's cache.
    "$venv/bin/pip" uninstall -q -y llama-cpp-python 2>/dev/null || true
    CMAKE_ARGS="$llama_cmake_args" CFLAGS="$llama_cflags" CXXFLAGS="$llama_cflags" \
      CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv/bin/pip" install -q --no-cache-dir -r "$req"
    echo "$want" > "$stamp"
  fi
fi
