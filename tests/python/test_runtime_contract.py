"""The contract between the two worlds (issue 5): a trained BitNet checkpoint exported to a
TQ2_0 GGUF gives, in `trit-eval model.gguf`, the loss of `trit-eval checkpoint.h5` to 1e-3
relative and the same greedy generation for 64 tokens. Also the GGUF side of trit-eval as a
user runs it: --bench, --speculative-layers, errors on a damaged file.

The export here is a small Python stand-in for trit-convert that follows the agreed layout
(ternary blocks with d = 1 plus an f32 `<name>.scale` = 1/sw per BitLinear weight; embedding
and norms in F32; a gpt2 byte tokenizer). When trit-convert can export, it replaces this."""
import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

gguf = pytest.importorskip("gguf")

BIN = Path(os.environ.get("TRIT_BIN_DIR", "build/bin"))
SOURCE = Path(os.environ.get("TRIT_SOURCE_DIR", Path(__file__).resolve().parents[2]))

MODEL = ["--model.d_model=256", "--model.n_layers=2", "--model.n_heads=4", "--model.n_kv_heads=2",
         "--model.d_ff=512", "--model.max_seq_len=128", "--train.batch_size=4", "--train.seq_len=64",
         "--optim.warmup_steps=5", "--eval.batches=1", "--train.log_interval=10", "--run.threads=1"]
PROJECTIONS = [("attn.q", "attn_q"), ("attn.k", "attn_k"), ("attn.v", "attn_v"), ("attn.o", "attn_output"),
               ("ffn.gate", "ffn_gate"), ("ffn.up", "ffn_up"), ("ffn.down", "ffn_down")]


def tool(name):
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{path} is not built")
    return str(path)


def run(*args):
    out = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    assert out.returncode == 0, f"{args[0]} failed: {out.stderr}"
    return out


def byte_tokens():
    spec = importlib.util.spec_from_file_location("make_bitnet_gguf", SOURCE / "bench" / "make_bitnet_gguf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.byte_tokens()


def export_gguf(checkpoint, path):
    with h5py.File(checkpoint, "r") as f:
        model = json.loads(f.attrs["config"])["model"]
        params = {name: np.asarray(f["params"][name], dtype=np.float32) for name in f["params"]}
    assert model["family"] == "bitnet" and model["tie_embeddings"]
    w = gguf.GGUFWriter(str(path), "bitnet")
    w.add_context_length(model["max_seq_len"])
    w.add_embedding_length(model["d_model"])
    w.add_block_count(model["n_layers"])
    w.add_feed_forward_length(model["d_ff"])
    w.add_head_count(model["n_heads"])
    w.add_head_count_kv(model["n_kv_heads"])
    w.add_layer_norm_rms_eps(model["norm_eps"])
    w.add_rope_freq_base(model["rope_theta"])
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list(byte_tokens())
    w.add_token_merges(["a 0"])
    w.add_tensor("token_embd.weight", params["tok_emb.weight"])
    w.add_tensor("output_norm.weight", params["norm.weight"])
    for i in range(model["n_layers"]):
        src, dst = f"layers.{i}.", f"blk.{i}."
        for s, d in (("attn_norm", "attn_norm"), ("ffn_norm", "ffn_norm"), ("attn.sub_norm", "attn_sub_norm"),
                     ("ffn.sub_norm", "ffn_sub_norm")):
            w.add_tensor(dst + d + ".weight", params[src + s + ".weight"])
        for s, d in PROJECTIONS:
            weight = params[src + s + ".weight"]
            # BitNet's weight quantizer in float32, as the training side computes it.
            mean = np.float32(np.abs(weight.astype(np.float64)).sum() / weight.size)
            sw = np.float32(1) / max(mean, np.float32(1e-5))
            wq = np.clip(np.rint(weight * sw), -1, 1).astype(np.float32)
            w.add_tensor(dst + d + ".weight", gguf.quants.quantize(wq, gguf.GGMLQuantizationType.TQ2_0),
                         raw_dtype=gguf.GGMLQuantizationType.TQ2_0)
            w.add_tensor(dst + d + ".scale", np.array([np.float32(1) / sw], dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    d = tmp_path_factory.mktemp("contract")
    text = "".join(f"line {i}: all the world's a stage, and all the men and women merely players.\n" for i in range(300))
    (d / "corpus.txt").write_text(text)
    run(tool("trit-data"), "prepare", "--input", d / "corpus.txt", "--output", d / "data.h5")
    run(tool("trit-train"), f"--run.dir={d}", "--run.name=r", f"--data.path={d / 'data.h5'}", "--train.max_steps=30",
        "--checkpoint.interval=30", *MODEL)
    checkpoint = sorted((d / "r" / "checkpoints").glob("step_*.h5"))[-1]
    export_gguf(checkpoint, d / "model.gguf")
    return d, checkpoint, d / "model.gguf"


def loss_of(stdout):
    m = re.search(r"loss = ([0-9.]+) \+/- ([0-9.]+)", stdout)
    assert m, stdout
    return float(m.group(1))


def test_gguf_loss_equals_checkpoint_loss(trained):
    d, checkpoint, model = trained
    args = ["--data", d / "data.h5", "--seq-len", "64", "--max-windows", "12"]
    ref = loss_of(run(tool("trit-eval"), checkpoint, *args).stdout)
    got = run(tool("trit-eval"), model, "--threads", "2", *args).stdout
    assert abs(loss_of(got) - ref) / ref < 1e-3, (ref, got)
    assert "Final estimate: PPL" in got and "bits per byte" in got


def test_gguf_greedy_generation_equals_checkpoint(trained):
    _, checkpoint, model = trained
    args = ["--prompt", "line 7: all", "--temperature", "0", "--max-new-tokens", "64"]
    ref = run(tool("trit-eval"), checkpoint, *args)
    got = run(tool("trit-eval"), model, *args)
    assert "64 generated" in got.stderr
    assert got.stdout == ref.stdout
    # Seeded sampling draws the same numbers on both sides.
    sampled = ["--prompt", "line", "--temperature", "0.9", "--seed", "11", "--max-new-tokens", "64"]
    assert run(tool("trit-eval"), model, *sampled).stdout == run(tool("trit-eval"), checkpoint, *sampled).stdout


def test_gguf_bench_and_speculative(trained):
    _, _, model = trained
    out = run(tool("trit-eval"), model, "--bench", "--threads", "2").stdout
    assert re.search(r"prompt 64 tokens: [0-9.]+ tokens/s \| generation 64 tokens: [0-9.]+ tokens/s", out), out
    assert "memory: weights" in out
    spec = run(tool("trit-eval"), model, "--prompt", "line 3", "--temperature", "0", "--max-new-tokens", "40",
               "--speculative-layers", "1", "--draft", "3")
    assert "identical to plain generation" in spec.stderr
    assert re.search(r"acceptance [0-9.]+%", spec.stderr)
    plain = run(tool("trit-eval"), model, "--prompt", "line 3", "--temperature", "0", "--max-new-tokens", "40")
    assert spec.stdout == plain.stdout


def test_damaged_gguf_gives_one_clear_error(trained, tmp_path):
    _, _, model = trained
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    out = subprocess.run([tool("trit-eval"), str(broken), "--bench"], capture_output=True, text=True)
    assert out.returncode != 0
    assert "broken.gguf" in out.stderr and out.stderr.count("\n") == 1, out.stderr
