"""Peer checks of trit-convert with the `gguf` and `safetensors` packages: every file it writes
is read by them, their dequantized tensors equal what trit-convert's own reader gets back,
ternary tensors hold exactly training's ternarized weights (codes in unit blocks times the
.scale tensor), and metadata keys have the types llama.cpp checks."""

import gguf
import h5py
import numpy as np
import pytest

from convert_util import make_dataset, ternarize, train
from peer_util import bin_path, run

TYPES = ["f32", "f16", "bf16", "q8_0", "q4_0", "q4_k_s", "q4_k_m", "tq1_0", "tq2_0"]
MODEL = ["--model.d_model=256", "--model.n_layers=1", "--model.n_heads=4", "--model.n_kv_heads=2",
         "--model.d_ff=256", "--model.max_seq_len=64"]
PROJ = {"attn_q": "attn.q", "attn_k": "attn.k", "attn_v": "attn.v", "attn_output": "attn.o",
        "ffn_gate": "ffn.gate", "ffn_up": "ffn.up", "ffn_down": "ffn.down"}


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    d = tmp_path_factory.mktemp("convert")
    run_dir = train(d, make_dataset(d), "m", 3, *MODEL)
    ckpt = run_dir / "checkpoints" / (run_dir / "checkpoints" / "latest").read_text().strip()
    with h5py.File(ckpt, "r") as f:
        params = {k: np.array(v) for k, v in f["params"].items()}
    return d, ckpt, params


def convert(src, out, typ, *extra):
    return run(bin_path("trit-convert"), src, "-o", out, "--type", typ, *extra)


def tensors(path):
    r = gguf.GGUFReader(str(path))
    out = {}
    for t in r.tensors:
        shape = [int(x) for x in reversed(list(t.shape))]  # gguf-py: ne order
        out[t.name] = (t.tensor_type, gguf.quants.dequantize(t.data, t.tensor_type).reshape(shape))
    return r, out


def field(r, key):
    f = r.fields[key]
    return f.types, f.contents()


@pytest.mark.parametrize("typ", TYPES)
def test_gguf_package_reads_and_dequantizes_like_trit(model, typ):
    d, ckpt, params = model
    out = d / f"m-{typ}.gguf"
    convert(ckpt, out, typ)
    r, ts = tensors(out)
    # Our own reader's dequantization: the same file converted back to F32 by trit-convert.
    back = d / f"m-{typ}-back.gguf"
    convert(out, back, "f32")
    _, ours = tensors(back)
    for name, (ttype, values) in ts.items():
        if name.endswith(".scale"):
            continue
        scale = ts[name[:-len(".weight")] + ".scale"][1][0] if name[:-len(".weight")] + ".scale" in ts else 1.0
        np.testing.assert_array_equal(values.astype(np.float32) * np.float32(scale), ours[name][1], err_msg=name)

    assert field(r, "general.architecture")[1] == "bitnet"
    assert field(r, "general.file_type")[0] == [gguf.GGUFValueType.UINT32]
    assert field(r, "general.quantization_version")[1] == 2
    assert field(r, "bitnet.attention.layer_norm_rms_epsilon")[0] == [gguf.GGUFValueType.FLOAT32]
    assert field(r, "bitnet.block_count")[1] == 1
    assert field(r, "trit.bitnet.activation")[1] == "int8_per_token_absmax"
    assert field(r, "tokenizer.ggml.model")[1] == "gpt2"
    assert len(r.fields["tokenizer.ggml.tokens"].data) == 256
    assert "output.weight" not in ts  # llama.cpp's bitnet ties the head

    for gname, tname in PROJ.items():
        w = params[f"layers.0.{tname}.weight"]
        codes, inv_sw = ternarize(w)
        ttype, values = ts[f"blk.0.{gname}.weight"]
        if typ.startswith("tq"):
            # The contract: pure ternary blocks (d = 1), scale 1/sw in an F32 [1] tensor.
            stype, scale = ts[f"blk.0.{gname}.scale"]
            assert stype == gguf.GGMLQuantizationType.F32 and scale.shape == (1,)
            np.testing.assert_array_equal(values, codes)
            assert scale[0] == inv_sw
        else:
            assert f"blk.0.{gname}.scale" not in ts
            if typ == "f32":
                np.testing.assert_array_equal(values, codes * inv_sw)


def test_token_embedding_follows_the_type_policy(model):
    d, ckpt, _ = model
    for typ, want in [("tq2_0", "Q4_K"), ("q8_0", "Q8_0"), ("f16", "F16")]:
        convert(ckpt, d / f"e-{typ}.gguf", typ)
        _, ts = tensors(d / f"e-{typ}.gguf")
        assert ts["token_embd.weight"][0].name == want, typ
    convert(ckpt, d / "e-keep.gguf", "tq1_0", "--embedding-type", "q8_0", "--keep", r"blk\.0\.ffn_up\.weight")
    _, ts = tensors(d / "e-keep.gguf")
    assert ts["token_embd.weight"][0].name == "Q8_0"
    assert ts["blk.0.ffn_up.weight"][0].name == "F32" and "blk.0.ffn_up.scale" not in ts
    assert ts["blk.0.ffn_down.weight"][0].name == "TQ1_0"


def test_safetensors_output_holds_master_weights_with_hf_names(model):
    from safetensors.numpy import load_file
    d, ckpt, params = model
    out = d / "m.safetensors"
    convert(ckpt, out, "f32")
    st = load_file(str(out))
    np.testing.assert_array_equal(st["model.layers.0.self_attn.q_proj.weight"], params["layers.0.attn.q.weight"])
    np.testing.assert_array_equal(st["model.layers.0.mlp.ffn_sub_norm.weight"], params["layers.0.ffn.sub_norm.weight"])
    np.testing.assert_array_equal(st["model.embed_tokens.weight"], params["tok_emb.weight"])
    # ... and it converts on to the same GGUF as the checkpoint does.
    convert(out, d / "via-st.gguf", "tq2_0")
    convert(ckpt, d / "direct.gguf", "tq2_0")
    _, a = tensors(d / "via-st.gguf")
    _, b = tensors(d / "direct.gguf")
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k][1], b[k][1], err_msg=k)
