"""Writes a random Hugging Face-style BitNet (safetensors + config.json) for measuring
trit-convert's throughput: python bench/make_convert_model.py OUT_DIR [d_model n_layers d_ff vocab].
Default: d_model 1024, 8 layers, d_ff 2816, vocab 32000 (134M parameters, 537 MB of F32)."""
import json
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

out = Path(sys.argv[1])
d, n_layers, d_ff, vocab = (int(x) for x in (sys.argv[2:] or [1024, 8, 2816, 32000]))
heads = d // 64
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
w = lambda *s: (rng.standard_normal(s, dtype=np.float32) * 0.02)
t = {"model.embed_tokens.weight": w(vocab, d), "model.norm.weight": np.ones(d, np.float32)}
for i in range(n_layers):
    p = f"model.layers.{i}."
    t[p + "input_layernorm.weight"] = np.ones(d, np.float32)
    t[p + "post_attention_layernorm.weight"] = np.ones(d, np.float32)
    t[p + "self_attn.attn_sub_norm.weight"] = np.ones(d, np.float32)
    t[p + "mlp.ffn_sub_norm.weight"] = np.ones(d_ff, np.float32)
    for n in ("q", "k", "v", "o"):
        t[p + f"self_attn.{n}_proj.weight"] = w(d, d)
    t[p + "mlp.gate_proj.weight"] = w(d_ff, d)
    t[p + "mlp.up_proj.weight"] = w(d_ff, d)
    t[p + "mlp.down_proj.weight"] = w(d, d_ff)
save_file(t, str(out / "model.safetensors"))
(out / "config.json").write_text(json.dumps({
    "architectures": ["BitNetForCausalLM"], "hidden_size": d, "num_hidden_layers": n_layers,
    "num_attention_heads": heads, "num_key_value_heads": heads, "intermediate_size": d_ff,
    "vocab_size": vocab, "max_position_embeddings": 2048, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
    "hidden_act": "silu", "tie_word_embeddings": True}))
print(sum(a.nbytes for a in t.values()) / 1e6, "MB")
