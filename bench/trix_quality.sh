#!/usr/bin/env bash
# TriX quality at equal active compute per token (bench/RESULTS.md, "TriX"): the same small
# BitNet model (d_model 128, 2 layers) trained for the same steps on tinyshakespeare bytes
# with (1) the dense BitNet FFN of width 64, (2) TriX with 16 and 64 tiles of width 64 under
# each router. Every token runs a 64-wide FFN in all runs. Prints the final val loss.
#   bench/trix_quality.sh BUILD_DIR DATA.h5 OUT_DIR [STEPS]
set -euo pipefail
build=$1; data=$2; out=$3; steps=${4:-300}
common=(--data.path="$data" --run.dir="$out" --model.d_model=128 --model.n_layers=2 --model.n_heads=4
        --model.n_kv_heads=4 --model.max_seq_len=128 --train.seq_len=128 --train.batch_size=16
        --train.max_steps="$steps" --train.log_interval=50 --optim.lr=3e-3 --optim.min_lr=3e-4
        --optim.warmup_steps=30 --eval.interval=0 --eval.batches=40 --checkpoint.interval=0 --run.seed=7)
run() {
  local name=$1; shift
  "$build/bin/trit-train" "${common[@]}" --run.name="$name" "$@" > "$out/$name.log" 2>&1
  local val
  val=$(grep '"split":"val"' "$out/$name/metrics.jsonl" | tail -1 | sed 's/.*"loss":\([0-9.e+-]*\).*/\1/')
  local share
  share=$(grep '"route_max_share"' "$out/$name/metrics.jsonl" | tail -1 | sed 's/.*"route_max_share":\([0-9.e+-]*\).*/\1/' || true)
  local ms
  ms=$(grep '"split":"train"' "$out/$name/metrics.jsonl" | tail -1 | sed 's/.*"step_ms":\([0-9.e+-]*\).*/\1/')
  printf '%-22s val_loss %s  max_share %s  step_ms %s\n' "$name" "$val" "${share:--}" "$ms"
}
mkdir -p "$out"
run dense_ffn64 --model.family=bitnet --model.d_ff=64
for tiles in 16 64; do
  for router in hash signature learned; do
    run "trix${tiles}_${router}" --model.family=trix --model.n_tiles=$tiles --model.d_tile=64 --model.router=$router
  done
done
