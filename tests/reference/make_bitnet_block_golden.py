#!/usr/bin/env python3
"""Golden data for a BitNet b1.58 transformer block and a tiny BitNet decoder, by PyTorch.

Writes, into tests/data/models/ (or the folder given):
  bitnet_block_golden.safetensors    one block, loss = mean(out * r)
  bitnet_decoder_golden.safetensors  embedding, two blocks, final norm, tied head,
                                     loss = cross-entropy of the logits against targets
read by tests/models/bitnet_block_golden_test.cpp, which builds the same networks from trit's
nn modules, ops and models and compares forward (1e-5), gradients (1e-4 relative) and three
AdamW steps. Run where torch is installed (CPU is enough):

    python tests/reference/make_bitnet_block_golden.py [out_dir]

The block is DESIGN.md's (llama.cpp's `bitnet` graph), in float32:
    h   = x + o(subnorm_a(attn(rope(q(n1(x))), rope(k(n1(x))), v(n1(x)))))
    out = h + down(subnorm_f(silu(gate(n2(h))) * up(n2(h))))
with RMSNorm (eps 1e-5, learnable weight), BitLinear q/k/v/o/gate/up/down (no bias, ternary
weights per tensor, int8 activations per token, straight-through gradients), RoPE in the
rotate-half layout (theta 10000), causal grouped-query attention (scale 1/sqrt(head_dim)).
loss = mean(out * r) for a fixed random r.

Parameter names are the C++ module's dotted names:
    attn_norm.weight [d]                 ffn_norm.weight [d]
    attn.q.weight [H*Dh, d]              ffn.gate.weight [F, d]
    attn.k.weight [Hkv*Dh, d]            ffn.up.weight [F, d]
    attn.v.weight [Hkv*Dh, d]            ffn.sub_norm.weight [F]
    attn.sub_norm.weight [H*Dh]          ffn.down.weight [d, F]
    attn.o.weight [d, H*Dh]

File contents (safetensors, all float32):
    x [B, T, d], r [B, T, d]           input and the loss weighting
    out [B, T, d], loss []             forward at the initial parameters
    init.<param>                       initial parameters
    grad.<param>, grad.x               gradients of loss at the initial parameters
    losses [n_steps]                   loss before each AdamW step
    step<n_steps>.<param>              parameters after n_steps AdamW steps (same x and r;
                                       decay on tensors with dim >= 2, as trit's default)
    __metadata__: "config" (JSON: sizes, eps, theta, AdamW hyperparameters), "torch" version.

The decoder file holds the same kinds of entries with these differences: inputs are
    ids [B, T] (I32), targets [B, T] (I32)    instead of x and r
    out [B, T, V]                             the logits
and no grad.x; its parameters are tok_emb.weight [V, d], layers.<i>.<block param> and
norm.weight [d]; the head is tok_emb.weight (tied), so its gradient sums both uses.

Two details keep both sides on the same rounding: the ternary weight scale takes mean|W|
accumulated in float64 and rounded to float32 (as trit does; torch's float32 mean can differ
by an ulp), and RoPE's cos/sin are computed in float64 and rounded to float32.
"""
from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

CONFIG = dict(B=2, T=8, d=64, n_heads=4, n_kv_heads=2, ffn=128, eps=1e-5, rope_theta=10000.0,
              seed=20251121, n_steps=3, lr=1e-2, beta1=0.9, beta2=0.95, adam_eps=1e-8,
              weight_decay=0.1)
DECODER_CONFIG = dict(B=2, T=8, vocab=64, d=32, n_layers=2, n_heads=4, n_kv_heads=2, ffn=64, eps=1e-5,
                      rope_theta=10000.0, seed=20251122, n_steps=3, lr=1e-2, beta1=0.9, beta2=0.95,
                      adam_eps=1e-8, weight_decay=0.1)


def weight_quant(w: torch.Tensor) -> torch.Tensor:
    mean = torch.tensor(w.detach().double().abs().mean().item(), dtype=torch.float32)
    s = 1.0 / mean.clamp(min=1e-5)
    return (w * s).round().clamp(-1, 1) / s


def act_quant(x: torch.Tensor) -> torch.Tensor:
    s = 127.0 / x.abs().amax(dim=-1, keepdim=True).clamp(min=1e-5)
    return (x * s).round().clamp(-128, 127) / s


def bitlinear(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    # Straight-through: forward uses the quantized values, backward the identity.
    xq = x + (act_quant(x) - x).detach()
    wq = w + (weight_quant(w) - w).detach()
    return F.linear(xq, wq)


def rms_norm(x: torch.Tensor, w: torch.Tensor, eps: float) -> torch.Tensor:
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope(x: torch.Tensor, theta: float) -> torch.Tensor:
    # x [B, H, T, D], rotate-half layout.
    T, D = x.shape[2], x.shape[3]
    half = D // 2
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    inv = theta ** (-2.0 * torch.arange(half, dtype=torch.float64) / D)
    ang = pos * inv[None, :]
    cos, sin = ang.cos().float(), ang.sin().float()
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


def block(x: torch.Tensor, p: dict[str, torch.Tensor], c: dict) -> torch.Tensor:
    B, T, d = x.shape
    H, Hkv = c["n_heads"], c["n_kv_heads"]
    Dh = d // H
    eps = c["eps"]
    n1 = rms_norm(x, p["attn_norm.weight"], eps)
    q = bitlinear(n1, p["attn.q.weight"]).view(B, T, H, Dh).transpose(1, 2)
    k = bitlinear(n1, p["attn.k.weight"]).view(B, T, Hkv, Dh).transpose(1, 2)
    v = bitlinear(n1, p["attn.v.weight"]).view(B, T, Hkv, Dh).transpose(1, 2)
    q, k = rope(q, c["rope_theta"]), rope(k, c["rope_theta"])
    k = k.repeat_interleave(H // Hkv, dim=1)
    v = v.repeat_interleave(H // Hkv, dim=1)
    scores = (q @ k.transpose(-1, -2)) * (1.0 / Dh ** 0.5)
    mask = torch.ones(T, T, dtype=torch.bool).triu(1)
    att = scores.masked_fill(mask, float("-inf")).softmax(-1) @ v
    att = att.transpose(1, 2).reshape(B, T, H * Dh)
    h = x + bitlinear(rms_norm(att, p["attn.sub_norm.weight"], eps), p["attn.o.weight"])
    n2 = rms_norm(h, p["ffn_norm.weight"], eps)
    g = F.silu(bitlinear(n2, p["ffn.gate.weight"])) * bitlinear(n2, p["ffn.up.weight"])
    return h + bitlinear(rms_norm(g, p["ffn.sub_norm.weight"], eps), p["ffn.down.weight"])


def block_shapes(c: dict) -> dict[str, list[int]]:
    d, H, Hkv, Fh = c["d"], c["n_heads"], c["n_kv_heads"], c["ffn"]
    Dh = d // H
    return {
        "attn_norm.weight": [d],
        "attn.q.weight": [H * Dh, d],
        "attn.k.weight": [Hkv * Dh, d],
        "attn.v.weight": [Hkv * Dh, d],
        "attn.sub_norm.weight": [H * Dh],
        "attn.o.weight": [d, H * Dh],
        "ffn_norm.weight": [d],
        "ffn.gate.weight": [Fh, d],
        "ffn.up.weight": [Fh, d],
        "ffn.sub_norm.weight": [Fh],
        "ffn.down.weight": [d, Fh],
    }


def init_params(shapes: dict[str, list[int]], gen: torch.Generator) -> dict[str, torch.Tensor]:
    out = {}
    for name, shape in shapes.items():
        if len(shape) == 1:  # norm weights near 1, not exactly, so their gradients matter
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        else:
            t = 0.02 * torch.randn(shape, generator=gen)
        out[name] = t.float().requires_grad_(True)
    return out


def write_safetensors(path: Path, tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> None:
    header: dict = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, a in tensors.items():
        if a.dtype == np.int32 or a.dtype == np.int64:
            a, dtype = np.ascontiguousarray(a, dtype="<i4"), "I32"
        else:
            a, dtype = np.ascontiguousarray(a, dtype="<f4"), "F32"
        blob = a.tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-(8 + len(h)) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for blob in blobs:
            f.write(blob)


def decoder(ids: torch.Tensor, p: dict[str, torch.Tensor], c: dict) -> torch.Tensor:
    x = p["tok_emb.weight"][ids.long()]
    for i in range(c["n_layers"]):
        prefix = f"layers.{i}."
        x = block(x, {k[len(prefix):]: v for k, v in p.items() if k.startswith(prefix)}, c)
    x = rms_norm(x, p["norm.weight"], c["eps"])
    return x @ p["tok_emb.weight"].t()


def adamw_steps(params: dict[str, torch.Tensor], loss_fn, c: dict, dump: dict[str, np.ndarray]) -> None:
    decay = [t for t in params.values() if t.dim() >= 2]
    no_decay = [t for t in params.values() if t.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": c["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["adam_eps"], foreach=False)
    losses = []
    for _ in range(c["n_steps"]):
        opt.zero_grad(set_to_none=True)
        step_loss = loss_fn()
        step_loss.backward()
        opt.step()
        losses.append(step_loss.item())
    dump["losses"] = np.array(losses, dtype=np.float32)
    for name, t in params.items():
        dump[f"step{c['n_steps']}.{name}"] = t.detach().numpy().copy()


def make_block(out_path: Path) -> None:
    c = CONFIG
    gen = torch.Generator().manual_seed(c["seed"])
    params = init_params(block_shapes(c), gen)
    x = torch.randn(c["B"], c["T"], c["d"], generator=gen).requires_grad_(True)
    r = torch.randn(c["B"], c["T"], c["d"], generator=gen)

    dump: dict[str, np.ndarray] = {"x": x.detach().numpy(), "r": r.numpy()}
    for name, t in params.items():
        dump["init." + name] = t.detach().numpy().copy()

    out = block(x, params, c)
    loss = (out * r).mean()
    loss.backward()
    dump["out"] = out.detach().numpy()
    dump["loss"] = loss.detach().numpy()
    dump["grad.x"] = x.grad.numpy()
    for name, t in params.items():
        dump["grad." + name] = t.grad.numpy().copy()

    xd = x.detach()
    adamw_steps(params, lambda: (block(xd, params, c) * r).mean(), c, dump)
    write_safetensors(out_path, dump, {"config": json.dumps(c), "torch": torch.__version__})
    print(f"wrote {out_path} ({out_path.stat().st_size} bytes), loss {loss.item():.6g}")


def make_decoder(out_path: Path) -> None:
    c = DECODER_CONFIG
    gen = torch.Generator().manual_seed(c["seed"])
    shapes = {"tok_emb.weight": [c["vocab"], c["d"]]}
    for i in range(c["n_layers"]):
        shapes.update({f"layers.{i}.{k}": v for k, v in block_shapes(c).items()})
    shapes["norm.weight"] = [c["d"]]
    params = init_params(shapes, gen)
    ids = torch.randint(0, c["vocab"], (c["B"], c["T"]), generator=gen, dtype=torch.int32)
    targets = torch.randint(0, c["vocab"], (c["B"], c["T"]), generator=gen, dtype=torch.int32)

    dump: dict[str, np.ndarray] = {"ids": ids.numpy(), "targets": targets.numpy()}
    for name, t in params.items():
        dump["init." + name] = t.detach().numpy().copy()

    def loss_of(logits: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(logits.reshape(-1, c["vocab"]), targets.reshape(-1).long())

    logits = decoder(ids, params, c)
    loss = loss_of(logits)
    loss.backward()
    dump["out"] = logits.detach().numpy()
    dump["loss"] = loss.detach().numpy()
    for name, t in params.items():
        dump["grad." + name] = t.grad.numpy().copy()

    adamw_steps(params, lambda: loss_of(decoder(ids, params, c)), c, dump)
    write_safetensors(out_path, dump, {"config": json.dumps(c), "torch": torch.__version__})
    print(f"wrote {out_path} ({out_path.stat().st_size} bytes), loss {loss.item():.6g}")


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "data/models"
    torch.manual_seed(0)
    make_block(out_dir / "bitnet_block_golden.safetensors")
    make_decoder(out_dir / "bitnet_decoder_golden.safetensors")


if __name__ == "__main__":
    main()
