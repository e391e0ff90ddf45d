"""trit-monitor on a real trit-train run: the offscreen screenshot is not blank and shows the
curves (coloured pixels), checked pixel by pixel with Pillow."""
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

BIN = Path(os.environ.get("TRIT_BIN_DIR", "build/bin"))


def tool(name):
    path = BIN / name
    if not path.exists():
        if name == "trit-monitor":  # the GUI is optional (TRIT_GUI=OFF)
            pytest.skip(f"{path} is not built")
        pytest.fail(f"{path} was not built")
    return str(path)


def test_screenshot_of_a_real_run_shows_curves(tmp_path):
    text = "".join(f"{i}: now is the winter of our discontent made glorious summer.\n" for i in range(300))
    (tmp_path / "corpus.txt").write_text(text)
    subprocess.run([tool("trit-data"), "prepare", "--input", str(tmp_path / "corpus.txt"), "--output",
                    str(tmp_path / "data.h5")], check=True, capture_output=True)
    subprocess.run([tool("trit-train"), f"--run.dir={tmp_path / 'runs'}", "--run.name=real", f"--data.path={tmp_path / 'data.h5'}",
                    "--train.max_steps=40", "--model.d_model=32", "--model.n_layers=1", "--model.n_heads=2",
                    "--model.n_kv_heads=1", "--model.d_ff=64", "--model.max_seq_len=64", "--train.batch_size=4",
                    "--train.seq_len=32", "--optim.warmup_steps=5", "--eval.interval=10", "--eval.batches=2",
                    "--run.threads=1"], check=True, capture_output=True)
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([tool("trit-monitor"), str(tmp_path / "runs"), "--screenshot", str(shot)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    img = Image.open(shot).convert("RGB")
    w, h = img.size
    assert w >= 400 and h >= 300
    pixels = list(img.getdata())
    assert len(set(pixels)) > 50, "the screenshot is (nearly) blank"
    coloured = sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 80)
    assert coloured > 300, f"only {coloured} coloured pixels: no curves drawn"
