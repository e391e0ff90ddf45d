"""Helpers shared by the Python peer checks: locating our programs and parsing the
`trit-convert --inspect` listing (format documented in lib/trit/formats/inspect.h)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest


def bin_path(name: str) -> Path:
    bin_dir = os.environ.get("TRIT_BIN_DIR")
    if not bin_dir:
        pytest.skip("TRIT_BIN_DIR is not set (run through ctest)")
    path = Path(bin_dir) / name
    if not path.exists():
        pytest.fail(f"{path} was not built")
    return path


def run(*args) -> str:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
    assert proc.returncode == 0, f"{args[0]} failed: {proc.stderr}"
    return proc.stdout


def run_full(*args) -> subprocess.CompletedProcess:
    """Runs a program that must succeed; returns stdout and stderr (trit-eval reports on both)."""
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    assert proc.returncode == 0, f"{args[0]} failed: {proc.stderr}"
    return proc


def contract_dataset(d: Path) -> Path:
    """A small repetitive byte corpus prepared by trit-data: what the runtime contract tests train on."""
    text = "".join(f"line {i}: all the world's a stage, and all the men and women merely players.\n" for i in range(300))
    (d / "corpus.txt").write_text(text)
    run(bin_path("trit-data"), "prepare", "--input", d / "corpus.txt", "--output", d / "data.h5")
    return d / "data.h5"


def write_fixtures(tmp_path: Path) -> Path:
    run(bin_path("trit-write-fixtures"), tmp_path)
    return tmp_path


def inspect(path: Path, max_items: int = 16):
    """Returns (header line, {key: (type, value text)}, [table rows as lists of cells])."""
    out = run(bin_path("trit-convert"), "--inspect", path, "--max-array-items", max_items)
    lines = out.splitlines()
    assert lines[1] == "metadata:"
    meta = {}
    i = 2
    while not lines[i].startswith("tensors"):
        key, rest = lines[i].strip().split(": ", 1)
        vtype, value = rest.split(" = ", 1)
        meta[key] = (vtype, value)
        i += 1
    header = lines[i + 1].split()
    assert header == ["name", "type", "shape", "offset", "bytes"]
    rows = []
    for line in lines[i + 2:]:
        name, vtype, rest = line.split(None, 2)
        shape, offset, nbytes = rest.rsplit(None, 2)
        rows.append([name, vtype, shape, int(offset), int(nbytes)])
    return lines[0], meta, rows


def quote(s: str) -> str:
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'
