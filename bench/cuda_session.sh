#!/usr/bin/env bash
# Everything the CUDA backend needs checked on a GPU, in one run: builds the C++ tests and the
# CUDA benchmarks, runs every C++ test (GPU tests skip, exit 77, without a GPU; here a skip is a
# failure: they live in tests/backend/cuda, tests/nn, tests/optim, tests/runtime, ...), then the
# three kernel benchmarks and a short TriX training on the GPU and on the CPU. Prints the
# device and date for bench/RESULTS.md. The training benchmark against PyTorch is
# bench/train_gpu.sh (needs torch).
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
# TriX training on the GPU beside the same run on the CPU (docs/trix.md): 200 steps of the
# tinyshakespeare preset at 2 layers on the bytes of docs/ (the corpora are not on the GPU
# machine). Both runs start from the same weights and see the same batches, and the preset
# routes by hash, so both route alike; only the order of float sums differs, which moves the
# ternary roundings, which should move the loss by no more than another seed does (1.4% at 1000 steps,
# bench/RESULTS.md "TriX" bytes); a val loss more than 3% from the CPU's means the GPU trains
# TriX differently. tokens/s: bench/RESULTS.md.
trix_dir="$build/trix_session"
rm -rf "$trix_dir" && mkdir -p "$trix_dir"
cat "$root"/docs/*.md > "$trix_dir/corpus.txt"
"$build/bin/trit-data" prepare --input "$trix_dir/corpus.txt" --output "$trix_dir/corpus.h5" > /dev/null
for device in cuda cpu; do
  echo "trix training, run.device=$device:"
  "$build/bin/trit-train" --config "$root/trainer/configs/tinyshakespeare_trix.json" --data.path="$trix_dir/corpus.h5" \
    --run.dir="$trix_dir" --run.name="$device" --run.device="$device" --model.n_layers=2 --train.max_steps=200 \
    --train.log_interval=50 --eval.interval=100 --checkpoint.interval=0 | grep -E '^step|finished'
done
val_loss() { grep '"split":"val"' "$trix_dir/$1/metrics.jsonl" | tail -n 1 | sed 's/.*"loss":\([0-9.e+-]*\).*/\1/'; }
awk -v g="$(val_loss cuda)" -v c="$(val_loss cpu)" 'BEGIN {
  d = (g - c) / c; if (d < 0) d = -d
  printf "trix val loss at step 200: cuda %.4f, cpu %.4f (%.2f%% apart)\n", g, c, 100 * d
  exit !(d <= 0.03) }' || { echo "cuda_session: the GPU's TriX run does not follow the CPU's"; exit 1; }
