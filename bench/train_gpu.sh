#!/usr/bin/env bash
# GPU training throughput, trit against PyTorch eager (both bf16 autocast), same model and
# shapes (see bench/train_gpu.cpp and bench/train_gpu_torch.py), then the ratio of tokens/s.
# Run on the GPU machine from the repository root after building bench_train_gpu:
#   bash bench/train_gpu.sh [--batch 16 --seq 1024 --steps 20 ...]   (flags go to both sides)
# PYTHON picks the interpreter with torch (default: python3). Exits 77 without a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${TRIT_BIN_DIR:-build/bin}
PY=${PYTHON:-python3}
set +e
ours=$("$BIN/bench_train_gpu" "$@")
rc=$?
set -e
echo "$ours"
[ $rc -eq 77 ] && exit 77
[ $rc -ne 0 ] && exit $rc
set +e
theirs=$("$PY" bench/train_gpu_torch.py "$@")
rc=$?
set -e
echo "$theirs"
[ $rc -ne 0 ] && exit $rc
tok() { sed -n 's/.* \([0-9.]*\) tokens\/s.*/\1/p' <<<"$1"; }
awk -v a="$(tok "$ours")" -v b="$(tok "$theirs")" 'BEGIN { printf "trit / torch tokens/s: %.2fx\n", a / b }'
