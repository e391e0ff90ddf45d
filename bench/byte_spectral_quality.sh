#!/bin/bash
# Quality runs of bench/RESULTS.md, section "Byte-spectral": each model trains for the same wall
# time on one thread, then trit-eval reports val bits per byte.
#   bench/byte_spectral_quality.sh [WORK_DIR] [MINUTES]
# Needs build/bin/{trit-data,trit-train,trit-eval}; writes datasets and runs under WORK_DIR.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=$SRC/build/bin
C=$SRC/trainer/configs
D=${1:-/tmp/byte_spectral_quality}
MIN=${2:-4}
SHARED=${TRIT_SHARED_DIR:-$SRC/../shared}/datasets
mkdir -p "$D"
S=$D/shakespeare.h5
T=$D/tinystories_bytes.h5
[ -f "$S" ] || "$B/trit-data" prepare --input "$SHARED/tinyshakespeare.txt" --output "$S"
[ -f "$T" ] || "$B/trit-data" prepare --input "$SHARED/tinystories_valid_sample.txt" --output "$T"
common="--run.dir=$D/runs --train.batch_size=4 --train.seq_len=256 --train.max_steps=5000 --optim.warmup_steps=30
 --optim.schedule=constant --eval.interval=0 --eval.batches=20 --checkpoint.interval=0 --train.log_interval=20 --run.threads=1"
run() {  # name preset data overrides...
  local name=$1 cfg=$2 data=$3
  shift 3
  echo "=== $name"
  # shellcheck disable=SC2086
  "$B/trit-train" --config "$C/$cfg" --data.path="$data" --run.name="$name" $common --train.max_minutes="$MIN" "$@" \
    > "$D/$name.train.log" 2>&1
  grep -E "^training|stopped|finished" "$D/$name.train.log" | tail -2
  "$B/trit-eval" "$D/runs/$name" --data "$data" --split val --max-windows 200 2>&1 | tail -3
}
run ts_bitnet tinyshakespeare_bitnet.json "$S"
run ts_spectral tinyshakespeare_byte_spectral.json "$S"
run ts_spectral_table tinyshakespeare_byte_spectral.json "$S" --model.embedding=table
run ts_spectral_only tinyshakespeare_byte_spectral.json "$S" --model.embedding=spectral
run ts_hybrid tinyshakespeare_byte_spectral.json "$S" --model.attention_every=2
long="--model.max_seq_len=512 --train.seq_len=512 --train.batch_size=2"
# shellcheck disable=SC2086
run st_bitnet tinyshakespeare_bitnet.json "$T" $long
# shellcheck disable=SC2086
run st_spectral tinyshakespeare_byte_spectral.json "$T" $long
"$B/trit-eval" "$D/runs/ts_spectral" --prompt "ROMEO:" --max-new-tokens 120 --temperature 0.8 --seed 7 2>&1 | tail -6
