"""Helpers for the converter's peer checks: a tiny corpus made into a dataset by trit-data, a
BitNet trained on it for a few steps by trit-train, and BitNet's ternarization in numpy."""
import subprocess
from pathlib import Path

import numpy as np

from peer_util import bin_path, run


def make_dataset(d: Path) -> Path:
    text = "".join(f"line {i}: all the world's a stage, and all the men and women merely players.\n"
                   for i in range(400))
    (d / "corpus.txt").write_text(text)
    run(bin_path("trit-data"), "prepare", "--input", d / "corpus.txt", "--output", d / "data.h5")
    return d / "data.h5"


def train(d: Path, dataset: Path, name: str, steps: int, *model_args) -> Path:
    """Trains a model with the given --model.* arguments; returns its run folder."""
    args = [bin_path("trit-train"), f"--run.dir={d}", f"--run.name={name}", f"--data.path={dataset}",
            f"--train.max_steps={steps}", f"--optim.warmup_steps={max(1, steps // 8)}", "--train.batch_size=8",
            "--train.seq_len=64", "--eval.batches=1", "--run.threads=2", *model_args]
    out = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return d / name


def ternarize(w: np.ndarray):
    """BitNet b1.58's absmean ternarization with training's float32 arithmetic
    (lib/trit/ops/quant.cpp): returns (codes, 1/sw)."""
    w = w.astype(np.float32)
    mean = np.float32(np.abs(w.astype(np.float64)).sum() / max(w.size, 1))
    sw = np.float32(1.0) / max(mean, np.float32(1e-5))
    codes = np.clip(np.rint(w * sw), -1, 1).astype(np.float32)
    return codes, np.float32(np.float32(1.0) / sw)
