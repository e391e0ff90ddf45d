"""Live peer check of the committed quant test vectors against the installed gguf package.

tests/data/formats/quant_*.bin hold inputs, gguf's quantized bytes and gguf's dequantized
values (see tests/reference/make_quant_vectors.py); the C++ codecs are tested against them.
If a gguf (or numpy) upgrade changes what those quantizers produce, these tests fail, so the
change is noticed instead of silently diverging from the committed expectations.
"""
import os
import sys
from pathlib import Path

import numpy as np
import pytest

SOURCE = Path(os.environ.get("TRIT_SOURCE_DIR", Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(SOURCE / "tests" / "reference"))

import make_quant_vectors as mqv  # noqa: E402
from gguf import GGMLQuantizationType as T  # noqa: E402

DATA = SOURCE / "tests" / "data" / "formats"
FAMILIES = ["float", "q8_0", "q4_0", "ternary", "q4_k"]


def committed(family):
    return mqv.decode((DATA / f"quant_{family}.bin").read_bytes())


def same_floats(a, b):
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    both_nan = np.isnan(a) & np.isnan(b)
    return bool(np.all(both_nan | (a.view(np.uint32) == b.view(np.uint32))))


@pytest.mark.parametrize("family", FAMILIES)
def test_regenerated_vectors_equal_committed(family):
    fresh = mqv.encode(mqv.cases_by_family()[family])
    stored = (DATA / f"quant_{family}.bin").read_bytes()
    if fresh != stored:
        new = mqv.decode(fresh)
        old = committed(family)
        diffs = [o["name"] + "/" + o["qtype"].name for n, o in zip(new, old)
                 if not (np.array_equal(n["blocks"], o["blocks"]) and same_floats(n["dequantized"], o["dequantized"]))]
        pytest.fail(f"quant_{family}.bin differs from what this gguf/numpy produce; cases: {diffs or 'layout'}")


@pytest.mark.parametrize("family", FAMILIES)
def test_gguf_reproduces_committed_bytes_and_values(family):
    for case in committed(family):
        c = mqv.Case(case["name"], case["qtype"], case["n_rows"], case["n_cols"],
                     None if case["data"] is None else np.array(case["data"]), np.array(case["blocks"]))
        label = f"{case['qtype'].name}/{case['name']}"
        if case["data"] is not None and case["qtype"] != T.Q4_K:
            assert np.array_equal(mqv.quantize(c), case["blocks"]), f"{label}: gguf quantizes differently"
        assert same_floats(mqv.dequantize(c, np.array(case["blocks"])), case["dequantized"]), \
            f"{label}: gguf dequantizes differently"


def test_q4_k_transcription_reproduces_committed_blocks():
    for case in committed("q4_k"):
        if case["data"] is not None:
            assert np.array_equal(mqv.quantize_q4_k(np.array(case["data"])), case["blocks"]), case["name"]
