"""The runtime contract (issue 5) for TriX (issue 8): a trained trix checkpoint exported by
trit-convert to a TQ2_0 `trix` GGUF gives, in `trit-eval model.gguf` (trit's CPU runtime, which
runs only each token's routed tile), the loss of `trit-eval checkpoint.h5` to 1e-3 relative and
the same greedy generation, for every router that routes differently: learned (router weights
in the file), learned_st with the router prior and a router learning-rate factor (the per-token
table in the file, the factor folded into the weights), signature (from the tiles' ternary up
weights) and hash (from the token ids).
Also --bench and self-speculative decoding on a trix file."""
import re

import pytest

from peer_util import bin_path, contract_dataset
from peer_util import run_full as run


def tool(name):
    return str(bin_path(name))


# TQ2_0 rows must be multiples of 256: d_model and d_tile are 256.
MODEL = ["--model.family=trix", "--model.d_model=256", "--model.n_layers=2", "--model.n_heads=4",
         "--model.n_kv_heads=2", "--model.n_tiles=4", "--model.d_tile=256", "--model.max_seq_len=128",
         "--train.batch_size=4", "--train.seq_len=64", "--optim.warmup_steps=5", "--eval.batches=1",
         "--train.log_interval=10", "--run.threads=1"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("trix_contract")
    contract_dataset(d)
    return d


_exported = {}

ROUTERS = {
    "learned": ["--model.router=learned"],
    "learned_st_prior": ["--model.router=learned_st", "--model.router_prior=2", "--model.router_lr_scale=0.5"],
    "signature": ["--model.router=signature"],
    "hash": ["--model.router=hash"],
}


def train_and_export(data, router):
    """The checkpoint and its TQ2_0 GGUF for `router` (trained once per module)."""
    if router not in _exported:
        run(tool("trit-train"), f"--run.dir={data}", f"--run.name={router}", f"--data.path={data / 'data.h5'}",
            "--train.max_steps=20", "--checkpoint.interval=20", *ROUTERS[router], *MODEL)
        checkpoint = sorted((data / router / "checkpoints").glob("step_*.h5"))[-1]
        model = data / f"{router}.gguf"
        # The tied embedding (also the head) stays float32: the contract is about the ternary layers.
        out = run(tool("trit-convert"), checkpoint, "-o", model, "--type", "tq2_0", "--embedding-type", "f32")
        assert "llama.cpp cannot" in out.stdout and "trit-eval runs it" in out.stdout
        _exported[router] = (checkpoint, model)
    return _exported[router]


@pytest.fixture(scope="module", params=list(ROUTERS))
def trained(request, data):
    return (request.param, *train_and_export(data, request.param))


def loss_of(stdout):
    m = re.search(r"loss = ([0-9.]+) \+/- ([0-9.]+)", stdout)
    assert m, stdout
    return float(m.group(1))


def test_trix_gguf_loss_equals_checkpoint_loss(trained, data):
    router, checkpoint, model = trained
    args = ["--data", data / "data.h5", "--seq-len", "64", "--max-windows", "4"]
    ref = loss_of(run(tool("trit-eval"), checkpoint, *args).stdout)
    got = run(tool("trit-eval"), model, "--threads", "2", *args)
    assert f"({'trix'}, d 256, 2 layers" in got.stderr
    assert abs(loss_of(got.stdout) - ref) / ref < 1e-3, (router, ref, got.stdout)
    assert "Final estimate: PPL" in got.stdout and "bits per byte" in got.stdout


def test_trix_gguf_greedy_generation_equals_checkpoint(trained):
    _, checkpoint, model = trained
    args = ["--prompt", "line 7: all", "--temperature", "0", "--max-new-tokens", "32"]
    ref = run(tool("trit-eval"), checkpoint, *args)
    got = run(tool("trit-eval"), model, *args)
    assert "32 generated" in got.stderr
    assert got.stdout == ref.stdout


def test_trix_gguf_sampling_bench_and_speculative(data):
    checkpoint, model = train_and_export(data, "learned")
    # Seeded sampling draws the same numbers on both sides.
    sampled = ["--prompt", "line", "--temperature", "0.9", "--seed", "11", "--max-new-tokens", "32"]
    assert run(tool("trit-eval"), model, *sampled).stdout == run(tool("trit-eval"), checkpoint, *sampled).stdout
    out = run(tool("trit-eval"), model, "--bench", "--threads", "2").stdout
    assert re.search(r"prompt 64 tokens: [0-9.]+ tokens/s \| generation 64 tokens: [0-9.]+ tokens/s", out), out
    assert "memory: weights" in out
    spec = run(tool("trit-eval"), model, "--prompt", "line 3", "--temperature", "0", "--max-new-tokens", "40",
               "--speculative-layers", "1", "--draft", "3")
    assert "identical to plain generation" in spec.stderr
    plain = run(tool("trit-eval"), model, "--prompt", "line 3", "--temperature", "0", "--max-new-tokens", "40")
    assert spec.stdout == plain.stdout
