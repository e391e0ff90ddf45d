#!/usr/bin/env bash
# The main job, end to end on a fresh machine: install what trit needs, build it, turn text
# into a dataset, train a small BitNet b1.58 for a few minutes, evaluate it and print a sample,
# export it to GGUF and evaluate the export on trit's CPU runtime.
#   scripts/demo.sh                 text: the licences every Debian system ships
#   scripts/demo.sh --data PATH...  your own text files or folders instead
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
inputs=(/usr/share/common-licenses)
if [[ "${1:-}" == "--data" ]]; then
  shift
  (($#)) || { echo "demo: --data needs at least one file or folder" >&2; exit 2; }
  inputs=("$@")
fi

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
bin="${TRIT_BUILD_DIR:-$root/build}/bin"
cd "$root"
mkdir -p runs
rm -rf runs/demo runs/demo_data.h5

echo "== 1. dataset: ${inputs[*]}"
"$bin/trit-data" prepare --input "${inputs[@]}" --output runs/demo_data.h5 --tokenizer bytes --val-fraction 0.1
"$bin/trit-data" inspect runs/demo_data.h5

echo "== 2. train (a few minutes on two cores)"
"$bin/trit-train" --config trainer/configs/demo.json

echo "== 3. evaluate the checkpoint"
"$bin/trit-eval" runs/demo --data runs/demo_data.h5
"$bin/trit-eval" runs/demo --prompt "The licensee " --max-new-tokens 200 --temperature 0.8 --seed 1

echo "== 4. export to GGUF (TQ2_0, what llama.cpp runs) and evaluate the export"
"$bin/trit-convert" runs/demo -o runs/demo/model-tq2_0.gguf --type tq2_0
"$bin/trit-convert" --inspect runs/demo/model-tq2_0.gguf > runs/demo/model-tq2_0.txt
head -n 12 runs/demo/model-tq2_0.txt
# same windows as training; the token embedding is Q4_K in this file (llama-quantize's choice)
"$bin/trit-eval" runs/demo/model-tq2_0.gguf --data runs/demo_data.h5 --seq-len 128
"$bin/trit-eval" runs/demo/model-tq2_0.gguf --prompt "The licensee " --max-new-tokens 100 --temperature 0
echo "== done: runs/demo holds the run (metrics.jsonl, TensorBoard events, checkpoints, the GGUF)"
