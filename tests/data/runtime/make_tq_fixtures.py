"""Writes the TQ1_0/TQ2_0 fixtures for tests/runtime/ternary_pack_test.cpp with gguf-py's
quantizers (byte-identical to llama.cpp's reference quantizers).

    /work/main/.venv/bin/python tests/data/runtime/make_tq_fixtures.py

Tensor: 3 rows x 512 columns, values s * t with t in {-1, 0, +1} drawn at random (seed 5),
s = 0.375 (exact in fp16), every 256-block has a non-zero value so every block's d = s.
Files: tq_ternary.i8 (int8 t, row-major), tq1_0.bin, tq2_0.bin (raw GGUF tensor data).
"""
import pathlib

import numpy as np
from gguf import GGMLQuantizationType, quants

here = pathlib.Path(__file__).parent
rng = np.random.default_rng(5)
t = rng.integers(-1, 2, size=(3, 512)).astype(np.int8)
t[:, ::256] = 1  # a non-zero in every block
w = (t.astype(np.float32) * np.float32(0.375))
(here / "tq_ternary.i8").write_bytes(t.tobytes())
for name, kind in (("tq1_0", GGMLQuantizationType.TQ1_0), ("tq2_0", GGMLQuantizationType.TQ2_0)):
    data = quants.quantize(w, kind)
    (here / f"{name}.bin").write_bytes(np.ascontiguousarray(data).tobytes())
    back = quants.dequantize(data, kind)
    assert np.array_equal(back, w), name
print("wrote", sorted(p.name for p in here.iterdir()))
