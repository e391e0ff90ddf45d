"""Peer check of trit's byte-level BPE against GPT-2's reference algorithm (encoder.py in
openai/gpt-2, rewritten here): GPT-2's pre-tokenisation regex, then per pre-token the loop
"merge every occurrence of the lowest-ranked pair until none is left". On ASCII text our
byte-class pre-tokeniser must cut exactly where GPT-2's regex does, so the ids stored by
`trit-data prepare` must equal this reference's ids."""
import os
import re
import subprocess
from pathlib import Path

import h5py
import pytest

BIN = Path(os.environ.get("TRIT_BIN_DIR", "build/bin")) / "trit-data"
SHARED = Path(os.environ.get("TRIT_SHARED_DIR", "../shared"))

# GPT-2's pattern with \p{L} and \p{N} restricted to ASCII (bytes regex: \s is [ \t\n\r\f\v]).
GPT2_ASCII = re.compile(
    rb"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")


def reference_encode(text, tokens, merges):
    ranks = {(tokens[a], tokens[b]): r for r, (a, b) in enumerate(merges)}
    id_of = {t: i for i, t in enumerate(tokens)}
    ids = []
    for chunk in GPT2_ASCII.findall(text):
        parts = [bytes([b]) for b in chunk]
        while len(parts) > 1:
            best = min(range(len(parts) - 1),
                       key=lambda i: ranks.get((parts[i], parts[i + 1]), float("inf")))
            pair = (parts[best], parts[best + 1])
            if pair not in ranks:
                break
            merged, i = [], 0
            while i < len(parts):
                if i + 1 < len(parts) and (parts[i], parts[i + 1]) == pair:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        ids.extend(id_of[p] for p in parts)
    return ids


@pytest.mark.parametrize("corpus,size,vocab", [
    ("tinyshakespeare.txt", 150_000, 1000),
    ("tinystories_valid_sample.txt", 150_000, 2000),
])
def test_ids_equal_gpt2_reference(tmp_path, corpus, size, vocab):
    if not BIN.exists():
        pytest.skip(f"{BIN} is not built")
    text = (SHARED / "datasets" / corpus).read_bytes()[:size]
    if corpus.startswith("tinystories"):  # keep it ASCII: drop its mojibake bytes
        text = bytes(b for b in text if b < 0x80)
    assert max(text) < 0x80
    # Small files ending in whitespace runs: at the end of a file such a run is one pre-token,
    # so the vocabulary gets tokens like "\n\n" and "  " that would show any pre-token cut
    # of ours that is finer than GPT-2's inside the main text.
    texts = [text] + [b"w%d%s" % (i, end) for end in (b"\n\n", b"  ", b"\t\n", b" \n")
                      for i in range(40)]
    paths = []
    for i, t in enumerate(texts):
        paths.append(tmp_path / f"{i:03d}.txt")
        paths[-1].write_bytes(t)
    out = tmp_path / "d.h5"
    subprocess.run([str(BIN), "prepare", "--input", *map(str, paths), "--output", str(out),
                    "--tokenizer", f"bpe:{vocab}", "--val-fraction", "0"],
                   check=True, capture_output=True)
    with h5py.File(out, "r") as f:
        blob = f["tokenizer/token_bytes"][()].tobytes()
        off = f["tokenizer/token_offsets"][()]
        tokens = [blob[off[i]:off[i + 1]] for i in range(len(off) - 1)]
        merges = [tuple(int(x) for x in m) for m in f["tokenizer/merges"][()]]
        ids = [int(i) for i in f["train/tokens"][()]]
    assert len(tokens) == vocab
    assert b"\n\n" in tokens and b"  " in tokens
    assert ids == [i for t in texts for i in reference_encode(t, tokens, merges)]
