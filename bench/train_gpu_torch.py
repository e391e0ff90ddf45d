#!/usr/bin/env python3
"""PyTorch twin of bench/train_gpu.cpp: the same BitNet decoder (about 125M parameters: d 768,
12 layers, 12 heads, SwiGLU FFN 3456, byte vocabulary, tied embedding), one training step
(forward, backward, AdamW) timed on the GPU in eager mode under torch.autocast(bfloat16),
float32 master weights. The block is the golden test's (tests/reference/
make_bitnet_block_golden.py: BitLinear with absmean ternary weights and absmax int8
activations through straight-through estimators, RMSNorm, rotate-half RoPE, sub-norms),
written for a device: no host syncs in the weight quantizer, RoPE tables and the causal mask
built on the GPU once, attention through F.scaled_dot_product_attention (what an eager PyTorch
user writes; --attention math gives the golden test's explicit masked softmax).

Prints ms/step, tokens/s and MFU (6 N tokens/s over the card's dense bf16 peak). Exits 77
without a CUDA GPU.
    python bench/train_gpu_torch.py [--batch 16] [--seq 1024] [--steps 20] [--amp bf16|none]
                                    [--attention sdpa|math] [--peak-tflops 989.4]
bench/train_gpu.sh runs it next to build/bin/bench_train_gpu and prints the ratio.
"""
import argparse
import sys
import time

import torch
import torch.nn.functional as F


def known_peak_tflops(name: str) -> float:
    if "H100" in name and "PCIe" in name:
        return 756.0
    if "H100" in name or "H200" in name:
        return 989.4
    if "A100" in name:
        return 312.0
    return 0.0


def weight_quant(w):
    s = 1.0 / w.abs().mean().clamp(min=1e-5)
    return (w * s).round().clamp(-1, 1) / s


def act_quant(x):
    s = 127.0 / x.abs().amax(dim=-1, keepdim=True).clamp(min=1e-5)
    return (x * s).round().clamp(-128, 127) / s


def bitlinear(x, w):
    xq = x + (act_quant(x) - x).detach()
    wq = w + (weight_quant(w) - w).detach()
    return F.linear(xq, wq)


def rms_norm(x, w, eps):
    # Under autocast the matmul outputs are bf16; norms run in float32 as trit's do.
    x = x.float()
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


class Rope:
    def __init__(self, T, D, theta, device):
        half = D // 2
        pos = torch.arange(T, dtype=torch.float64)[:, None]
        inv = theta ** (-2.0 * torch.arange(half, dtype=torch.float64) / D)
        ang = pos * inv[None, :]
        self.cos, self.sin = ang.cos().float().to(device), ang.sin().float().to(device)

    def __call__(self, x):
        half = x.shape[-1] // 2
        x1, x2 = x[..., :half].float(), x[..., half:].float()
        return torch.cat([x1 * self.cos - x2 * self.sin, x2 * self.cos + x1 * self.sin], dim=-1)


def block(x, p, c, rope, mask):
    B, T, d = x.shape
    H = c["heads"]
    Dh = d // H
    eps = 1e-5
    n1 = rms_norm(x, p["attn_norm.weight"], eps)
    q = bitlinear(n1, p["attn.q.weight"]).view(B, T, H, Dh).transpose(1, 2)
    k = bitlinear(n1, p["attn.k.weight"]).view(B, T, H, Dh).transpose(1, 2)
    v = bitlinear(n1, p["attn.v.weight"]).view(B, T, H, Dh).transpose(1, 2)
    q, k = rope(q), rope(k)
    if c["attention"] == "sdpa":
        dt = torch.get_autocast_dtype("cuda") if torch.is_autocast_enabled() else q.dtype
        att = F.scaled_dot_product_attention(q.to(dt), k.to(dt), v.to(dt), is_causal=True)
    else:
        scores = (q @ k.transpose(-1, -2)) * (1.0 / Dh ** 0.5)
        att = scores.float().masked_fill(mask, float("-inf")).softmax(-1) @ v
    att = att.transpose(1, 2).reshape(B, T, d)
    h = x + bitlinear(rms_norm(att, p["attn.sub_norm.weight"], eps), p["attn.o.weight"]).float()
    n2 = rms_norm(h, p["ffn_norm.weight"], eps)
    g = F.silu(bitlinear(n2, p["ffn.gate.weight"]).float()) * bitlinear(n2, p["ffn.up.weight"]).float()
    return h + bitlinear(rms_norm(g, p["ffn.sub_norm.weight"], eps), p["ffn.down.weight"]).float()


def make_params(a, device):
    d, Fh, V = a.d, a.ffn, a.vocab
    gen = torch.Generator().manual_seed(1)

    def mat(*shape):
        return (0.02 * torch.randn(*shape, generator=gen)).to(device).requires_grad_(True)

    def ones(n):
        return torch.ones(n, device=device).requires_grad_(True)

    p = {"tok_emb.weight": mat(V, d), "norm.weight": ones(d)}
    for i in range(a.layers):
        pre = f"layers.{i}."
        p.update({pre + "attn_norm.weight": ones(d), pre + "attn.q.weight": mat(d, d), pre + "attn.k.weight": mat(d, d),
                  pre + "attn.v.weight": mat(d, d), pre + "attn.sub_norm.weight": ones(d),
                  pre + "attn.o.weight": mat(d, d), pre + "ffn_norm.weight": ones(d),
                  pre + "ffn.gate.weight": mat(Fh, d), pre + "ffn.up.weight": mat(Fh, d),
                  pre + "ffn.sub_norm.weight": ones(Fh), pre + "ffn.down.weight": mat(d, Fh)})
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=1024)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--amp", default="bf16", choices=["bf16", "none"])
    ap.add_argument("--attention", default="sdpa", choices=["sdpa", "math"])
    ap.add_argument("--peak-tflops", type=float, default=0.0)
    ap.add_argument("--d", type=int, default=768)
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--ffn", type=int, default=3456)
    ap.add_argument("--vocab", type=int, default=256)
    a = ap.parse_args()
    if not torch.cuda.is_available():
        print("skipped: torch sees no CUDA device")
        sys.exit(77)
    dev = torch.device("cuda")
    name = torch.cuda.get_device_name(dev)
    peak = a.peak_tflops or known_peak_tflops(name)
    B, T, V = a.batch, a.seq, a.vocab
    c = dict(heads=a.heads, attention=a.attention)
    p = make_params(a, dev)
    n_params = sum(t.numel() for t in p.values())
    rope = Rope(T, a.d // a.heads, 10000.0, dev)
    mask = torch.ones(T, T, dtype=torch.bool, device=dev).triu(1)
    ids = ((torch.arange(B * T) * 31 + 7).remainder(V)).view(B, T).to(dev)
    targets = ((torch.arange(B * T) * 17 + 3).remainder(V)).to(dev)

    def loss_fn():
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=a.amp == "bf16"):
            x = p["tok_emb.weight"][ids]
            for i in range(a.layers):
                pre = f"layers.{i}."
                x = block(x, {k[len(pre):]: v for k, v in p.items() if k.startswith(pre)}, c, rope, mask)
            x = rms_norm(x, p["norm.weight"], 1e-5)
            logits = x @ p["tok_emb.weight"].t()
            return F.cross_entropy(logits.float().view(B * T, V), targets)

    opt = torch.optim.AdamW(list(p.values()), lr=1e-3)
    times = []
    loss = None
    for s in range(a.steps + 3):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        torch.cuda.synchronize()
        if s >= 3:
            times.append(time.perf_counter() - t0)
    times.sort()
    med = times[len(times) // 2]
    tok_s = B * T / med
    mfu = 6.0 * n_params * tok_s / (peak * 1e12) if peak else 0.0
    print(f"torch {torch.__version__} {name} bitnet N={n_params / 1e6:.1f}M B={B} T={T} d={a.d} L={a.layers} "
          f"amp={a.amp} attention={a.attention}: {med * 1e3:.2f} ms/step, {tok_s:.0f} tokens/s, MFU {mfu * 100:.1f}% "
          f"(peak {peak:.1f} TFLOPS), loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
