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
  stamp="$venv/.requirements.sha256"
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "install-deps: installing Python peers into .venv"
    "$venv/bin/pip" install -q --upgrade pip
    # llama-cpp-python compiles llama.cpp from source: build only the library it loads.
    CMAKE_ARGS="${CMAKE_ARGS:--DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF}" \
      CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv/bin/pip" install -q -r "$req"
    echo "$want" > "$stamp"
  fi
fi
