"""End-to-end checks of trit-train and trit-eval as a user runs them: the files a run
leaves (read by h5py and by TensorBoard's own reader), clean stops on SIGINT/SIGTERM, and
checkpoints that survive a kill in the middle of a write."""
import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import h5py
import pytest

BIN = Path(os.environ.get("TRIT_BIN_DIR", "build/bin"))

TINY = [
    "--model.d_model=32", "--model.n_layers=2", "--model.n_heads=2", "--model.n_kv_heads=1",
    "--model.d_ff=64", "--model.max_seq_len=64", "--train.batch_size=4", "--train.seq_len=32",
    "--optim.warmup_steps=5", "--eval.batches=2", "--train.log_interval=5", "--run.threads=1",
]


def tool(name):
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} was not built")
    return str(path)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    d = tmp_path_factory.mktemp("data")
    text = "".join(f"line {i}: all the world's a stage, and all the men and women merely players.\n" for i in range(400))
    (d / "corpus.txt").write_text(text)
    subprocess.run([tool("trit-data"), "prepare", "--input", str(d / "corpus.txt"), "--output", str(d / "data.h5")],
                   check=True, capture_output=True)
    return d / "data.h5"


def train_args(tmp_path, dataset, name, steps, *extra):
    return [tool("trit-train"), f"--run.dir={tmp_path}", f"--run.name={name}", f"--data.path={dataset}",
            f"--train.max_steps={steps}", *TINY, *extra]


def test_run_files_are_read_by_h5py_and_tensorboard(tmp_path, dataset):
    out = subprocess.run(train_args(tmp_path, dataset, "r", 20, "--eval.interval=10", "--checkpoint.interval=10"),
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "finished at step 20" in out.stdout
    run = tmp_path / "r"
    config = json.loads((run / "config.json").read_text())
    assert config["train"]["max_steps"] == 20 and config["model"]["family"] == "bitnet"
    lines = [json.loads(l) for l in (run / "metrics.jsonl").read_text().splitlines()]
    train = [l for l in lines if l["split"] == "train"]
    assert [l["step"] for l in train] == list(range(1, 21))
    assert all(k in train[0] for k in ("loss", "lr", "grad_norm", "tokens", "tokens_per_s", "step_ms", "time"))
    assert [l["step"] for l in lines if l["split"] == "val"] == [10, 20]
    assert train[-1]["loss"] < train[0]["loss"]

    latest = (run / "checkpoints" / "latest").read_text().strip()
    with h5py.File(run / "checkpoints" / latest, "r") as f:
        assert f.attrs["format"] in ("trit-checkpoint", b"trit-checkpoint")
        assert int(f.attrs["step"]) == 20
        assert f["params"]["tok_emb.weight"].shape == (256, 32)
        assert "layers.1.ffn.sub_norm.weight" in f["params"]
        assert "tok_emb.weight.exp_avg" in f["optim"]

    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    acc = EventAccumulator(str(run))
    acc.Reload()
    tags = acc.Tags()["scalars"]
    assert "train/loss" in tags and "val/loss" in tags and "train/lr" in tags
    losses = acc.Scalars("train/loss")
    assert [e.step for e in losses] == list(range(1, 21))
    assert abs(losses[-1].value - train[-1]["loss"]) < 1e-5 * abs(train[-1]["loss"])

    ev = subprocess.run([tool("trit-eval"), str(run), "--data", str(dataset)], capture_output=True, text=True)
    assert ev.returncode == 0, ev.stderr
    assert "Final estimate: PPL = " in ev.stdout and "bits per byte" in ev.stdout
    # a byte-level model may emit bytes that are not UTF-8 on their own: read bytes
    gen = subprocess.run([tool("trit-eval"), str(run), "--prompt", "all the", "--max-new-tokens", "16", "--seed", "3"],
                         capture_output=True)
    assert gen.returncode == 0, gen.stderr
    assert gen.stdout.startswith(b"all the") and b"16 generated" in gen.stderr  # logs on stderr, text on stdout


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_writes_a_checkpoint_and_exits_cleanly(tmp_path, dataset, sig):
    p = subprocess.Popen(train_args(tmp_path, dataset, "s", 100000, "--eval.interval=0", "--checkpoint.interval=0"),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    metrics = tmp_path / "s" / "metrics.jsonl"
    deadline = time.time() + 60
    while time.time() < deadline and (not metrics.exists() or metrics.stat().st_size < 200):
        time.sleep(0.05)
    p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert "stopped at step" in out and "--resume" in out
    latest = (tmp_path / "s" / "checkpoints" / "latest").read_text().strip()
    step = int(latest.removeprefix("step_").removesuffix(".h5"))
    assert step >= 1
    # the run continues from there (to past TINY's 5 warmup steps: the signal may land at step 1
    # or 2, and the cosine schedule refuses max_steps <= warmup_steps)
    target = max(step, 5) + 3
    res = subprocess.run([tool("trit-train"), "--resume", str(tmp_path / "s"), f"--train.max_steps={target}"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert f"finished at step {target}" in res.stdout


def test_kill_during_checkpoint_writes_leaves_a_loadable_latest(tmp_path, dataset):
    rng = random.Random(5)
    args = train_args(tmp_path, dataset, "k", 100000, "--eval.interval=0", "--checkpoint.interval=1", "--checkpoint.keep=2")
    latest_file = tmp_path / "k" / "checkpoints" / "latest"
    for attempt in range(4):
        if attempt:
            args = [tool("trit-train"), "--resume", str(tmp_path / "k"), "--train.max_steps=100000"]
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while time.time() < deadline and not latest_file.exists():
            time.sleep(0.02)
        time.sleep(rng.uniform(0.05, 0.6))  # checkpoints are written every step: land inside one
        p.kill()
        p.wait()
        name = latest_file.read_text().strip()
        with h5py.File(tmp_path / "k" / "checkpoints" / name, "r") as f:
            assert int(f.attrs["step"]) >= 1
            assert "tok_emb.weight" in f["params"]
        assert name.startswith("step_") and name.endswith(".h5")  # latest never names a temporary file
