"""Peer check of trit-data's dataset files with h5py: the documented layout
(docs/datasets.md, lib/trit/data/dataset_file.h), attributes, ids and tokenizer,
and that decoding the stored ids reproduces the input bytes."""
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

BIN = Path(os.environ.get("TRIT_BIN_DIR", "build/bin")) / "trit-data"

TEXT = (
    "The quick brown fox jumps over the lazy dog. It's 42 degrees!\n\n"
    "Caf\u00e9 cr\u00e8me, na\u00efve r\u00e9sum\u00e9 \u2014 \u20ac5 \U0001F600\n"
    "they'll say we've done 1234 things   with    spaces\ttabs\n"
) * 40


def run(*args, check=True):
    if not BIN.exists():
        pytest.skip(f"{BIN} is not built")
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, check=check)


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text(TEXT[:3000], encoding="utf-8")
    (tmp_path / "in" / "sub" / "b.txt").write_text(TEXT[3000:], encoding="utf-8")
    return tmp_path


def tokens_of(f):
    g = f["tokenizer"]
    blob = g["token_bytes"][()].tobytes()
    off = g["token_offsets"][()]
    return [blob[off[i]:off[i + 1]] for i in range(len(off) - 1)]


def check_layout(path, inputs, tokenizer_kind):
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] == "trit-dataset"
        assert f.attrs["format_version"] == 1
        n_vocab = int(f.attrs["n_vocab"])
        assert f.attrs["tokenizer"] == f["tokenizer"].attrs["name"]
        assert f.attrs["encoding"] == "utf8"
        assert f.attrs["val_fraction"] == pytest.approx(0.1)
        g = f["tokenizer"]
        assert g.attrs["kind"] == tokenizer_kind
        assert int(g.attrs["n_vocab"]) == n_vocab
        tokens = tokens_of(f)
        assert len(tokens) == n_vocab
        assert tokens[:256] == [bytes([b]) for b in range(256)]
        assert len(set(tokens)) == n_vocab
        merges = g["merges"][()]
        assert merges.dtype == np.int32 and merges.ndim == 2 and merges.shape[1] == 2
        assert merges.shape[0] == int(g.attrs["n_merges"])
        for left, right in merges:
            assert tokens[left] + tokens[right] in tokens
        n_special = int(g.attrs["n_special"])
        if tokenizer_kind == "bpe":
            assert n_special == 1 and tokens[-1] == b"<|endoftext|>"
        want_dtype = np.uint16 if n_vocab <= 65536 else np.int32
        decoded = b""
        for split in ("train", "val"):
            ds = f[split]["tokens"]
            assert ds.dtype == want_dtype and ds.ndim == 1
            assert ds.chunks is not None and ds.fletcher32
            ids = ds[()]
            assert int(f[split].attrs["n_tokens"]) == len(ids)
            assert ids.size == 0 or int(ids.max()) < n_vocab - n_special
            text = b"".join(tokens[i] for i in ids)
            assert int(f[split].attrs["n_bytes"]) == len(text)
            decoded += text
        stream = b"".join(p.read_bytes() for p in inputs)
        assert decoded == stream
        # floor(N * 0.9), moved forward past at most 3 continuation bytes to a character start
        split = int(f["train"].attrs["n_bytes"])
        assert int(len(stream) * 0.9) <= split <= int(len(stream) * 0.9) + 3
        assert (stream[split] & 0xC0) != 0x80
        src = f["sources"]
        assert int(src.attrs["n_files"]) == len(inputs)
        assert int(src.attrs["total_bytes"]) == len(stream)
        paths = [p.decode() if isinstance(p, bytes) else p for p in src["path"][()]]
        assert [Path(p).name for p in paths] == [p.name for p in inputs]
        assert list(src["n_bytes"][()]) == [p.stat().st_size for p in inputs]
        digests = [d.decode() if isinstance(d, bytes) else d for d in src["sha256"][()]]
        assert digests == [hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs]


@pytest.mark.parametrize("tokenizer,kind", [("bytes", "bytes"), ("bpe:320", "bpe")])
def test_layout_and_round_trip(corpus, tokenizer, kind):
    out = corpus / "d.h5"
    run("prepare", "--input", corpus / "in", "--output", out, "--tokenizer", tokenizer)
    inputs = [corpus / "in" / "a.txt", corpus / "in" / "sub" / "b.txt"]
    check_layout(out, inputs, kind)
    summary = run("inspect", out).stdout
    assert "train" in summary and "sha256" in summary


def test_help_and_version():
    assert "Examples" in run("--help").stdout
    assert run("--version").stdout.startswith("trit-data")


def broken_copy(src, dst, edit):
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        edit(f)
    return dst


@pytest.mark.parametrize("name,edit,message", [
    ("version", lambda f: f.attrs.modify("format_version", np.int64(2)), "format_version 2"),
    ("format", lambda f: f.attrs.modify("format", "trit-checkpoint"), "trit-checkpoint"),
    ("vocab", lambda f: f.attrs.modify("n_vocab", np.int64(300)), "n_vocab"),
    ("notok", lambda f: f.__delitem__("tokenizer"), "/tokenizer is missing"),
    ("ids", lambda f: f["train"]["tokens"].__setitem__(5, 400), "is not below n_vocab"),
    ("count", lambda f: f["val"].attrs.modify("n_tokens", np.int64(1)), "n_tokens"),
])
def test_broken_files_give_one_clear_error(corpus, name, edit, message):
    good = corpus / "good.h5"
    run("prepare", "--input", corpus / "in", "--output", good, "--tokenizer", "bpe:320")
    bad = broken_copy(good, corpus / f"{name}.h5", edit)
    r = run("inspect", bad, check=False)
    assert r.returncode != 0
    assert message in r.stderr and f"{name}.h5" in r.stderr
    assert r.stderr.strip().count("\n") == 0  # one line


def test_truncated_and_invalid_utf8(corpus):
    good = corpus / "good.h5"
    run("prepare", "--input", corpus / "in", "--output", good)
    cut = corpus / "cut.h5"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    r = run("inspect", cut, check=False)
    assert r.returncode != 0 and "cut.h5" in r.stderr
    (corpus / "bad.txt").write_bytes(b"hello \xff world")
    r = run("prepare", "--input", corpus / "bad.txt", "--output", corpus / "bad.h5", check=False)
    assert r.returncode != 0
    assert "bad.txt" in r.stderr and "offset 6" in r.stderr
    assert not (corpus / "bad.h5").exists()
    run("prepare", "--input", corpus / "bad.txt", "--output", corpus / "bad.h5", "--encoding", "bytes")
    with h5py.File(corpus / "bad.h5", "r") as f:
        assert f.attrs["encoding"] == "bytes"
        ids = np.concatenate([f["train"]["tokens"][()], f["val"]["tokens"][()]])
        assert bytes(ids.astype(np.uint8)) == b"hello \xff world"
