#!/usr/bin/env bash
# Everything the CUDA backend needs checked on a GPU, in one run: builds the C++ tests and the
# CUDA benchmarks, runs every C++ test (GPU tests skip, exit 77, without a GPU; here a skip is a
# failure: they live in tests/backend/cuda, tests/nn, tests/optim, tests/runtime, ...), then the
# three kernel benchmarks. Prints the device and date for bench/RESULTS.md. The training
# benchmark against PyTorch is bench/train_gpu.sh (needs torch).
#   bench/cuda_session.sh [--quick]        (TRIT_BUILD_DIR: build folder, default build)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${TRIT_BUILD_DIR:-$root/build}"
quick=()
[[ "${1:-}" == "--quick" ]] && quick=(--quick)
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DTRIT_GUI=OFF
fi
cmake --build "$build"
date -u
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader || true
# No test may skip here: a skip means no GPU was found.
out=$(cd "$build" && ctest -E '^python: ' -j "$(nproc)" --output-on-failure 2>&1) \
  || { echo "$out"; exit 1; }
echo "$out" | tail -n 3
if grep -q 'Skipped' <<<"$out"; then
  echo "cuda_session: GPU tests were skipped (no usable GPU)"
  exit 1
fi
"$build/bin/bench_cuda_int8_gemm" "${quick[@]}"
"$build/bin/bench_cuda_ternary_gemv" "${quick[@]}"
"$build/bin/bench_cuda_gemm" "${quick[@]}"
