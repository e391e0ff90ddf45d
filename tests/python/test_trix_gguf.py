"""TriX GGUF peer check: gguf-py reads what write_trix_gguf writes (docs/formats.md, "TriX GGUF")."""
import json
import subprocess

import numpy as np
import gguf
import pytest
from gguf import GGMLQuantizationType as QT

from peer_util import bin_path, run


def export(tmp_path, router, qtype, d_tile=256):
    out = tmp_path / f"trix_{router}_{qtype}_{d_tile}.gguf"
    notice = run(bin_path("trit_test_trix_export"), out, router, qtype, d_tile)
    assert "llama.cpp cannot load or run" in notice
    return gguf.GGUFReader(str(out)), json.loads((tmp_path / (out.name + ".json")).read_text())


def field(reader, key):
    f = reader.fields[key]
    return f.contents()


def tile_values(tensors, name, qtype, shape):
    """The E tiles of a stacked tensor as floats [E, *shape], times the `.scale` multipliers."""
    t = tensors[name + ".weight"]
    values = gguf.quants.dequantize(t.data, t.tensor_type).reshape(-1, *shape)
    # TQ types hold codes (-1, 0, 1) and each tile's exact f32 scale in <name>.scale [E];
    # float types hold the folded values.
    assert (name + ".scale" in tensors) == qtype.startswith("tq")
    if qtype.startswith("tq"):
        assert set(np.unique(values)) <= {-1.0, 0.0, 1.0}
        scales = np.asarray(tensors[name + ".scale"].data, dtype=np.float32)
        assert scales.shape == (values.shape[0],)
        values = values * scales[:, None, None]
    return values


@pytest.mark.parametrize("router,qtype,d_tile", [("learned", "f32", 256), ("signature", "tq2_0", 256),
                                                 ("hash", "f16", 256), ("learned_st", "tq1_0", 64)])
def test_gguf_py_reads_trix(tmp_path, router, qtype, d_tile):
    reader, expect = export(tmp_path, router, qtype, d_tile)
    cfg = expect["config"]
    assert field(reader, "general.architecture") == "trix"
    assert field(reader, "trix.expert_count") == cfg["n_tiles"]
    assert field(reader, "trix.expert_used_count") == 1
    assert field(reader, "trix.feed_forward_length") == cfg["d_tile"]
    assert field(reader, "trix.router") == router
    assert field(reader, "trix.block_count") == cfg["n_layers"]
    tensors = {t.name: t for t in reader.tensors}
    C, F, E, L = cfg["d_model"], cfg["d_tile"], cfg["n_tiles"], cfg["n_layers"]
    # A TQ row is 256 values: tiles narrower than that store each down weight transposed.
    down_t = qtype.startswith("tq") and F % 256 != 0
    for l in range(L):
        p = f"blk.{l}."
        assert list(tensors[p + "ffn_gate_exps.weight"].shape) == [C, F, E]
        assert list(tensors[p + "ffn_up_exps.weight"].shape) == [C, F, E]
        if down_t:
            assert list(tensors[p + "ffn_down_exps_t.weight"].shape) == [C, F, E]
            assert p + "ffn_down_exps.weight" not in tensors
        else:
            assert list(tensors[p + "ffn_down_exps.weight"].shape) == [F, C, E]
            assert p + "ffn_down_exps_t.weight" not in tensors
        assert list(tensors[p + "ffn_sub_norm_exps.weight"].shape) == [F, E]
        assert (p + "ffn_gate_inp.weight" in tensors) == router.startswith("learned")
        for name in ("attn_q", "attn_k", "attn_v", "attn_output", "attn_norm", "attn_sub_norm", "ffn_norm"):
            assert p + name + ".weight" in tensors
    assert "output.weight" not in tensors
    want_type = {"f32": QT.F32, "f16": QT.F16, "tq1_0": QT.TQ1_0, "tq2_0": QT.TQ2_0}[qtype]
    assert tensors["blk.0.ffn_gate_exps.weight"].tensor_type == want_type
    assert ("blk.0.attn_q.scale" in tensors) == qtype.startswith("tq")
    gate = tile_values(tensors, "blk.0.ffn_gate_exps", qtype, (F, C))
    if down_t:
        down = tile_values(tensors, "blk.0.ffn_down_exps_t", qtype, (F, C)).transpose(0, 2, 1)
    else:
        down = tile_values(tensors, "blk.0.ffn_down_exps", qtype, (C, F))
    # f16 values (the f16 export) round the folded scale; f32 and TQ + scale are exact.
    rtol = 1e-3 if qtype == "f16" else 1e-6
    for e in range(E):
        np.testing.assert_allclose(gate[e], np.array(expect["gate_tiles"][e], dtype=np.float32).reshape(F, C),
                                   rtol=rtol, atol=1e-7)
        np.testing.assert_allclose(down[e], np.array(expect["down_tiles"][e], dtype=np.float32).reshape(C, F),
                                   rtol=rtol, atol=1e-7)
        # Ternary: each tile holds at most three values, -s, 0, +s.
        assert len(np.unique(np.abs(gate[e]))) <= 2 and len(np.unique(np.abs(down[e]))) <= 2


def test_trit_convert_exports_a_trained_trix_checkpoint(tmp_path):
    """trit-convert on a trix run folder writes a `trix` GGUF and says llama.cpp cannot run it."""
    text = "".join(f"{i}: to be, or not to be, that is the question.\n" for i in range(200))
    (tmp_path / "corpus.txt").write_text(text)
    run(bin_path("trit-data"), "prepare", "--input", tmp_path / "corpus.txt", "--output", tmp_path / "data.h5")
    run(bin_path("trit-train"), f"--run.dir={tmp_path}", "--run.name=t", f"--data.path={tmp_path / 'data.h5'}",
        "--model.family=trix", "--model.d_model=32", "--model.n_layers=1", "--model.n_heads=2",
        "--model.n_kv_heads=1", "--model.n_tiles=4", "--model.d_tile=16", "--model.max_seq_len=64",
        "--train.batch_size=4", "--train.seq_len=32", "--train.max_steps=6", "--optim.warmup_steps=2",
        "--eval.batches=1", "--run.threads=1")
    out_path = tmp_path / "t.gguf"
    dry = run(bin_path("trit-convert"), tmp_path / "t", "-o", out_path, "--type", "f16", "--dry-run")
    assert "llama.cpp cannot" in dry and not out_path.exists()
    done = run(bin_path("trit-convert"), tmp_path / "t", "-o", out_path, "--type", "f16")
    assert "llama.cpp cannot" in done
    reader = gguf.GGUFReader(str(out_path))
    assert field(reader, "general.architecture") == "trix"
    names = {t.name for t in reader.tensors}
    assert "blk.0.ffn_up_exps.weight" in names and "token_embd.weight" in names
    assert field(reader, "tokenizer.ggml.model") == "gpt2"
    bad = subprocess.run([str(bin_path("trit-convert")), str(tmp_path / "t"), "-o", str(tmp_path / "x.gguf"),
                          "--type", "q4_0"], capture_output=True, text=True)
    assert bad.returncode != 0 and "not q4_0" in bad.stderr
