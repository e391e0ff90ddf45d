#!/usr/bin/env python3
"""Writes a bitnet-architecture GGUF with random ternary weights, for speed benchmarks.

Layout follows trit's converter contract: every projection is TQ2_0 (or TQ1_0) with block
d = 1 plus an f32 [1] tensor `<name>.scale` (the multiplier 1/sw); embedding F16 (tied head),
norms F32; a gpt2 tokenizer of the 256 bytes plus <|endoftext|>. llama.cpp loads it too.
The default shape is the issue's reference model: 412M parameters, d = 2048, 8 layers.

  python bench/make_bitnet_gguf.py /tmp/bitnet412m.gguf
"""
import argparse

import numpy as np
import gguf


def byte_tokens():
    # GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards.
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    table, n = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + n)
            n += 1
    return [table[b] for b in range(256)]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("output")
    p.add_argument("--d-model", type=int, default=2048)
    p.add_argument("--layers", type=int, default=8)
    p.add_argument("--d-ff", type=int, default=5632)
    p.add_argument("--heads", type=int, default=16)
    p.add_argument("--kv-heads", type=int, default=16)
    p.add_argument("--context", type=int, default=1024)
    p.add_argument("--type", choices=["tq2_0", "tq1_0"], default="tq2_0")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    qtype = gguf.GGMLQuantizationType.TQ2_0 if a.type == "tq2_0" else gguf.GGMLQuantizationType.TQ1_0
    rng = np.random.default_rng(a.seed)
    d, ff, hd = a.d_model, a.d_ff, a.d_model // a.heads
    dkv = hd * a.kv_heads
    tokens = byte_tokens() + ["<|endoftext|>"]
    w = gguf.GGUFWriter(a.output, "bitnet")
    w.add_name("random bitnet for benchmarks")
    w.add_context_length(a.context)
    w.add_embedding_length(d)
    w.add_block_count(a.layers)
    w.add_feed_forward_length(ff)
    w.add_head_count(a.heads)
    w.add_head_count_kv(a.kv_heads)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_freq_base(10000.0)
    w.add_file_type(37 if a.type == "tq2_0" else 36)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list(tokens)
    w.add_token_types([1] * 256 + [3])
    w.add_token_merges(["a 0"])  # never fires; gguf-py cannot write an empty array
    w.add_bos_token_id(256)
    w.add_eos_token_id(256)
    w.add_add_bos_token(False)

    def ternary(name, rows, cols):
        t = rng.integers(-1, 2, size=(rows, cols)).astype(np.float32)
        w.add_tensor(name + ".weight", gguf.quants.quantize(t, qtype), raw_dtype=qtype)
        w.add_tensor(name + ".scale", np.array([rng.uniform(0.01, 0.03)], dtype=np.float32))

    emb = (rng.standard_normal((len(tokens), d)) * 0.02).astype(np.float16)
    w.add_tensor("token_embd.weight", emb)
    w.add_tensor("output_norm.weight", np.ones(d, dtype=np.float32))
    for i in range(a.layers):
        b = f"blk.{i}."
        for n, dim in (("attn_norm", d), ("attn_sub_norm", d), ("ffn_norm", d), ("ffn_sub_norm", ff)):
            w.add_tensor(b + n + ".weight", np.ones(dim, dtype=np.float32))
        ternary(b + "attn_q", d, d)
        ternary(b + "attn_k", dkv, d)
        ternary(b + "attn_v", dkv, d)
        ternary(b + "attn_output", d, d)
        ternary(b + "ffn_gate", ff, d)
        ternary(b + "ffn_up", ff, d)
        ternary(b + "ffn_down", d, ff)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
