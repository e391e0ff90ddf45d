#!/usr/bin/env bash
# Everything the GEMM/int8 part of the CUDA backend needs checked on a GPU, in one run: builds
# the CUDA tests and benchmarks, runs the GPU tests (they skip, exit 77, without a GPU; here a
# skip is a failure), then the three benchmarks. Prints the device and date for bench/RESULTS.md.
#   bench/cuda_session.sh [--quick]        (TRIT_BUILD_DIR: build folder, default build)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${TRIT_BUILD_DIR:-$root/build}"
quick=()
[[ "${1:-}" == "--quick" ]] && quick=(--quick)
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DTRIT_GUI=OFF
fi
cmake --build "$build" --target test_backend_cuda test_runtime bench_cuda_int8_gemm bench_cuda_ternary_gemv \
  bench_cuda_gemm
date -u
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader || true
# No test may skip here: a skip means no GPU was found.
out=$(cd "$build" && ctest -R 'backend/cuda|runtime:ternary offload|runtime:device cuda' --output-on-failure 2>&1) \
  || { echo "$out"; exit 1; }
echo "$out" | tail -n 3
if grep -q 'Skipped' <<<"$out"; then
  echo "cuda_session: GPU tests were skipped (no usable GPU)"
  exit 1
fi
"$build/bin/bench_cuda_int8_gemm" "${quick[@]}"
"$build/bin/bench_cuda_ternary_gemv" "${quick[@]}"
"$build/bin/bench_cuda_gemm" "${quick[@]}"
