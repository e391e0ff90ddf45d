#!/usr/bin/env bash
# TriX quality at equal active compute per token (bench/RESULTS.md, "TriX"): one small BitNet
# model (d_model 128, 2 layers, 4 heads) trained for the same steps on the same data with
# (1) the dense BitNet FFN of width 64 and (2) TriX with 16 and 64 tiles of width 64 under each
# router. Every token runs a 64-wide FFN in every run. Two runs at a time, one thread each.
# Prints the final val loss, the lowest val loss and its step (with --eval.interval=K: the
# corpus is small, ~195 K training tokens, so 1000 steps are ~10 epochs and val loss turns up
# long before the end), the largest tile share over the mean in the second half of the run,
# and the dead tiles at the end.
#   bench/trix_quality.sh BUILD_DIR DATA.h5 OUT_DIR [STEPS [SEED [RUN_REGEX [--key=value ...]]]]
# SEED: run.seed (default: the preset's); RUN_REGEX: only the runs whose name matches (end it
# with a space to match whole names: '16_(hash|learned) '); --key=value: added to every run.
# DATA.h5: trit-data prepare --input tinystories_valid_sample.txt --tokenizer bpe:2048 --output DATA.h5
set -euo pipefail
build=$1; data=$2; out=$3; steps=${4:-1000}; seed=${5:-}; only=${6:-.}
shift $(( $# < 6 ? $# : 6 ))
mkdir -p "$out"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
common=(--config trainer/configs/tinystories_trix_bpe.json --data.path="$data" --run.dir="$out"
        --model.d_model=128 --model.n_layers=2 --model.d_tile=64 --train.max_steps="$steps"
        --train.log_interval=25 --optim.warmup_steps=30 --eval.interval=0 --eval.batches=40
        --checkpoint.interval=0 --model.aux_loss_weight=0.1 --model.router_prior=5 --model.router_lr_scale=0.1
        ${seed:+--run.seed=$seed} "$@")  # the router settings of the rows in RESULTS.md, whatever the preset says
learned=(--model.router_prior=0 --model.router_lr_scale=1)  # the router as Switch has it
runs=(
  "dense_ffn64 --model.family=bitnet --model.d_ff=64"
)
for tiles in 16 64; do
  runs+=("trix${tiles}_hash --model.n_tiles=$tiles --model.router=hash ${learned[*]}"
         "trix${tiles}_signature --model.n_tiles=$tiles --model.router=signature ${learned[*]}"
         "trix${tiles}_learned_plain --model.n_tiles=$tiles --model.router=learned_st ${learned[*]}"
         "trix${tiles}_learned --model.n_tiles=$tiles --model.router=learned"
         "trix${tiles}_learned_st --model.n_tiles=$tiles --model.router=learned_st"
         "trix${tiles}_learned_dense --model.n_tiles=$tiles --model.router=learned --model.router_dense_grad=true"
         "trix${tiles}_learned_st_dense --model.n_tiles=$tiles --model.router=learned_st --model.router_dense_grad=true")
done
one() {
  local name=$1; shift
  rm -rf "${out:?}/$name"
  if ! "$build/bin/trit-train" "${common[@]}" --run.name="$name" "$@" > "$out/$name.log" 2>&1; then
    printf '%-26s FAILED: %s\n' "$name" "$(tail -n 1 "$out/$name.log")"
    return 0  # the other runs go on; the row says what went wrong
  fi
  local m="$out/$name/metrics.jsonl"
  local val best share dead
  val=$(grep '"split":"val"' "$m" | tail -1 | sed 's/.*"loss":\([0-9.e+-]*\).*/\1/')
  share=$(grep '"route_max_share"' "$m" | sed 's/.*"route_max_share":\([0-9.e+-]*\).*/\1/' |
          awk -v n="$(grep -c '"route_max_share"' "$m" || true)" 'NR > n / 2 && $1 > mx { mx = $1 } END { if (NR) printf "%.1f", mx }')
  dead=$(grep '"route_dead_tiles"' "$m" | tail -1 | sed 's/.*"route_dead_tiles":\([0-9.e+-]*\).*/\1/' || true)
  best=$(grep '"split":"val"' "$m" | sed 's/.*"step":\([0-9]*\).*"loss":\([0-9.e+-]*\).*/\2 \1/' | sort -g | head -1 |
         awk '{ printf "%.4f@%d", $1, $2 }')
  printf '%-26s val_loss %.4f  best %s  max_share(2nd half) %s  dead %s\n' "$name" "$val" "$best" "${share:--}" "${dead:--}"
}
export -f one; export build out; export common_str="${common[*]}"
for r in "${runs[@]}"; do echo "$r"; done | grep -E "^[^ ]*($only)" |
  xargs -P 2 -I{} bash -c 'common=($common_str); one {}' | sort
