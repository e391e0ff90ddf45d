#!/usr/bin/env bash
# trit against PyTorch (eager) on one training step of the same model, same shapes and
# threads, in one run; prints both and the ratio (PyTorch time / trit time: > 1 means trit
# is faster). Needs a Python with torch: TORCH_PYTHON=/path/to/python (default: python3).
#   bench/train_step.sh [--threads N] [other options of bench_train_step / train_step_torch.py]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="${TRIT_BUILD_DIR:-$root/build}/bin/bench_train_step"
py="${TORCH_PYTHON:-python3}"
ours=$("$bin" "$@")
theirs=$("$py" "$root/bench/train_step_torch.py" "$@")
echo "$ours"
echo "$theirs"
t_ours=$(sed -E 's/.*: ([0-9.]+) ms\/step.*/\1/' <<<"$ours")
t_theirs=$(sed -E 's/.*: ([0-9.]+) ms\/step.*/\1/' <<<"$theirs")
awk -v a="$t_theirs" -v b="$t_ours" 'BEGIN { printf "ratio (torch ms / trit ms): %.2fx\n", a / b }'
