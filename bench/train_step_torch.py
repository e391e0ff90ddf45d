#!/usr/bin/env python3
"""PyTorch twin of bench/train_step.cpp: the same BitNet decoder (or block) and AdamW step,
timed on the CPU with the same threads. The model code is the one the golden test uses
(tests/reference/make_bitnet_block_golden.py), eager mode.
    python bench/train_step_torch.py --what model --threads 2 [--family bitnet|transformer] ...
"""
import argparse
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "reference"))
import make_bitnet_block_golden as ref  # noqa: E402


def dense_block(x, p, c):
    """The full-precision twin: Linear layers, no sub-norms (llama's graph)."""
    B, T, d = x.shape
    H, Hkv = c["n_heads"], c["n_kv_heads"]
    Dh = d // H
    eps = c["eps"]
    n1 = ref.rms_norm(x, p["attn_norm.weight"], eps)
    q = F.linear(n1, p["attn.q.weight"]).view(B, T, H, Dh).transpose(1, 2)
    k = F.linear(n1, p["attn.k.weight"]).view(B, T, Hkv, Dh).transpose(1, 2)
    v = F.linear(n1, p["attn.v.weight"]).view(B, T, Hkv, Dh).transpose(1, 2)
    q, k = ref.rope(q, c["rope_theta"]), ref.rope(k, c["rope_theta"])
    k = k.repeat_interleave(H // Hkv, dim=1)
    v = v.repeat_interleave(H // Hkv, dim=1)
    mask = torch.ones(T, T, dtype=torch.bool).triu(1)
    att = ((q @ k.transpose(-1, -2)) * Dh ** -0.5).masked_fill(mask, float("-inf")).softmax(-1) @ v
    h = x + F.linear(att.transpose(1, 2).reshape(B, T, d), p["attn.o.weight"])
    n2 = ref.rms_norm(h, p["ffn_norm.weight"], eps)
    return h + F.linear(F.silu(F.linear(n2, p["ffn.gate.weight"])) * F.linear(n2, p["ffn.up.weight"]), p["ffn.down.weight"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--what", default="model", choices=["model", "block"])
    ap.add_argument("--family", default="bitnet", choices=["bitnet", "transformer"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=384)
    ap.add_argument("--vocab", type=int, default=256)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    c = dict(d=a.d, n_heads=a.heads, n_kv_heads=a.kv_heads, ffn=a.ffn, eps=1e-5, rope_theta=10000.0, n_layers=a.layers)
    block_fn = ref.block if a.family == "bitnet" else dense_block
    gen = torch.Generator().manual_seed(1)
    shapes = ref.block_shapes(c)
    if a.family != "bitnet":
        shapes = {k: v for k, v in shapes.items() if "sub_norm" not in k}
    B, T = a.batch, a.seq
    if a.what == "model":
        all_shapes = {"tok_emb.weight": [a.vocab, a.d], "norm.weight": [a.d]}
        for i in range(a.layers):
            all_shapes.update({f"layers.{i}.{k}": v for k, v in shapes.items()})
        p = ref.init_params(all_shapes, gen)
        ids = (torch.arange(B * T) * 31 + 7).remainder(a.vocab).view(B, T)
        targets = (torch.arange(B * T) * 17 + 3).remainder(a.vocab)

        def loss_fn():
            x = p["tok_emb.weight"][ids]
            for i in range(a.layers):
                pre = f"layers.{i}."
                x = block_fn(x, {k[len(pre):]: v for k, v in p.items() if k.startswith(pre)}, c)
            x = ref.rms_norm(x, p["norm.weight"], c["eps"])
            return F.cross_entropy((x @ p["tok_emb.weight"].t()).view(B * T, a.vocab), targets)
    else:
        p = ref.init_params(shapes, gen)
        x = torch.randn(B, T, a.d, generator=gen)
        r = torch.randn(B, T, a.d, generator=gen)

        def loss_fn():
            return (block_fn(x, p, c) * r).mean()

    opt = torch.optim.AdamW(list(p.values()), lr=1e-3)
    times = []
    for s in range(a.steps + 2):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss_fn().backward()
        opt.step()
        if s >= 2:
            times.append(time.perf_counter() - t0)
    times.sort()
    med = times[len(times) // 2]
    print(f"torch {torch.__version__} {a.what} {a.family} B={B} T={T} d={a.d} L={a.layers} threads={a.threads}: "
          f"{med * 1e3:.2f} ms/step, {B * T / med:.0f} tokens/s")


if __name__ == "__main__":
    main()
