#!/usr/bin/env python3
"""Quant codec test vectors from the `gguf` package's numpy (de)quantizers.

Writes tests/data/formats/quant_<family>.bin, read by tests/formats/quant_<family>_test.cpp and
re-checked live by tests/python/test_quant_vectors.py. Run:

    /work/main/.venv/bin/python tests/reference/make_quant_vectors.py [out_dir]

gguf's quantizers for Q8_0, Q4_0, TQ1_0, TQ2_0, BF16 (and numpy's float16 cast for F16) are
bit-exact ports of llama.cpp's reference quantizers. gguf has no Q4_K quantizer: Q4_K cases
either store given blocks (random bytes) or inputs quantized by quantize_q4_k below, a float32
transcription of llama.cpp's quantize_row_q4_K_ref written independently of the C++ codec;
all dequantized values come from gguf.

File format (little-endian):
    char[4]  magic "TQV1"
    u32      n_cases
    n_cases times:
        u8       name length, then the name (ASCII)
        i32      ggml type id
        u32      n_rows, u32 n_cols
        u8       has_input: 1 = the input floats follow and the bytes are their quantization
                 (gguf's; for Q4_K quantize_q4_k's); 0 = no input, the bytes are given blocks
        f32      input[n_rows * n_cols]              (only when has_input)
        u8       bytes[n_rows * row_bytes]           row_bytes = n_cols / block * type_size
        f32      dequantized[n_rows * n_cols]        gguf.quants.dequantize(bytes)
"""
from __future__ import annotations

import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants
from gguf.constants import GGML_QUANT_SIZES

MAGIC = b"TQV1"
SEED = 20261121


@dataclass
class Case:
    name: str
    qtype: T
    n_rows: int
    n_cols: int
    data: np.ndarray | None  # float32 [n_rows, n_cols], or None for given blocks
    blocks: np.ndarray | None = None  # uint8 [n_rows, row_bytes] when data is None


def f32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def bits_f32(bits) -> np.ndarray:
    return np.asarray(bits, dtype=np.uint32).view(np.float32)


def pad_row(values: np.ndarray, n: int, rng: np.random.Generator | None = None, scale=0.0):
    """values followed by zeros (or small noise) up to n."""
    out = np.zeros(n, dtype=np.float32) if rng is None else (rng.standard_normal(n) * scale).astype(np.float32)
    out[: len(values)] = values
    return out


def tie_row_q8_0(block: int) -> np.ndarray:
    # amax 127 makes d = 1 and id = 1 exactly, so k + 0.5 are exact ties: roundf goes away
    # from zero on both signs.
    row = [127.0] + [s * (k + 0.5) for k in range(15) for s in (1, -1)] + [-126.5]
    return f32(row[:block])


def tie_row_q4_0(block: int) -> tuple[np.ndarray, np.ndarray]:
    # max -8 gives d = 1, id = 1: x + 8.5 is an exact integer for half-integers x, truncation
    # rounds those ties up (-0.5 -> q 8, 0.5 -> q 9). max +8 gives d = -1: the sign flips.
    neg = [-8.0] + [k + 0.5 for k in range(-8, 8)] + [7.9999995, -7.9999995, 0.49999997, -0.49999997]
    neg += [0.0] * (block - len(neg))
    pos = [8.0] + [k + 0.5 for k in range(-8, 8)] + [8.0, -8.0, 3.25, -3.25]
    pos += [0.0] * (block - len(pos))
    return f32(neg), f32(pos)


def tie_row_ternary(block: int) -> np.ndarray:
    # amax 1: +-0.5 are ties (away from zero -> +-1); just below stays 0.
    head = [1.0, 0.5, -0.5, 0.49999997, -0.49999997, 0.75, -0.75, 0.25, -0.25, -1.0]
    return pad_row(f32(head), block)


def common_cases(qtype: T, rng: np.random.Generator) -> list[Case]:
    block, _ = GGML_QUANT_SIZES[qtype]
    n_multi = 4 * block if block < 256 else 2 * block  # rows spanning several blocks
    n_small = 2 * block if block < 256 else block
    cases = [
        Case("random_normal", qtype, 2, n_multi, (rng.standard_normal((2, n_multi))).astype(np.float32)),
        Case("weights_scale", qtype, 1, n_multi, (rng.standard_normal((1, n_multi)) * 0.02).astype(np.float32)),
        Case("zeros", qtype, 1, block, np.zeros((1, block), dtype=np.float32)),
        Case("one_huge", qtype, 2, n_small, np.stack([
            pad_row(f32([0.1, -0.2, 3.0e4, 0.3]), n_small, rng, 0.01),
            pad_row(f32([-6.0e4, 1.0, 2.0]), n_small, rng, 0.01),
        ])),
        Case("tiny", qtype, 2, block, np.stack([
            (rng.standard_normal(block) * 1e-5).astype(np.float32),   # fp16 subnormal scales
            (rng.standard_normal(block) * 1e-7).astype(np.float32),
        ])),
        Case("subnormal_mix", qtype, 1, block, pad_row(
            np.concatenate([f32([0.75, -0.5]), bits_f32([1, 0x80000001, 0x007fffff, 0x00400000])]), block)[None]),
        Case("sign_mix", qtype, 1, block, np.where(np.arange(block) % 3 == 0, 1.0, -0.4).astype(np.float32)[None]),
    ]
    return cases


def float_cases(rng: np.random.Generator) -> list[Case]:
    # Values exercising f16 / bf16 rounding: ties to even in the normal and subnormal range,
    # overflow, signed zeros, infinities, NaN and float subnormals.
    f16_specials = f32([
        1.0 + 2.0 ** -11, 1.0 + 3 * 2.0 ** -11, -(1.0 + 2.0 ** -11), 1.0 + 2.0 ** -11 + 2.0 ** -20,
        2.0 ** -25, 3 * 2.0 ** -25, 2.0 ** -25 + 2.0 ** -40, 2.0 ** -24, 2.0 ** -14, 2.0 ** -14 - 2.0 ** -25,
        65504.0, 65519.996, 65520.0, 1e6, -1e6, 0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan,
        1e-40, -1e-40, 6.1e-5, 0.1, -0.1, 1.0 / 3.0, 3.14159265,
    ])
    bf16_specials = np.concatenate([
        f32([1.0 + 2.0 ** -8, 1.0 + 3 * 2.0 ** -8, -(1.0 + 2.0 ** -8), 1.0 + 2.0 ** -8 + 2.0 ** -20,
             3.4e38, -3.4e38, 0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, 0.1, 1.0 / 3.0]),
        bits_f32([0x00008000, 0x00018000, 0x7f7fffff, 0x7f800001, 0xffc00001, 0x80000001]),
    ])
    cases: list[Case] = []
    for qtype, specials in ((T.F32, f16_specials), (T.F16, f16_specials), (T.BF16, bf16_specials)):
        cases.append(Case("random_normal", qtype, 3, 96, rng.standard_normal((3, 96)).astype(np.float32)))
        cases.append(Case("specials", qtype, 1, len(specials), specials[None].copy()))
        cases.append(Case("wide_range", qtype, 2, 64,
                          (rng.standard_normal((2, 64)) * np.exp2(rng.integers(-30, 30, (2, 64)))).astype(np.float32)))
    # Every f16 rounding boundary near a few exponents, both sides and the tie itself.
    mids = []
    for e in (-24, -20, -15, -14, -1, 0, 5, 15):
        ulp = 2.0 ** max(e - 10, -24)
        for k in (0, 1, 2, 3):
            base = 2.0 ** e + k * ulp
            mids += [base + ulp / 2, np.nextafter(np.float32(base + ulp / 2), np.float32(0)),
                     np.nextafter(np.float32(base + ulp / 2), np.float32(np.inf))]
    mids = f32(mids)
    cases.append(Case("ties", T.F16, 1, len(mids), mids[None].copy()))
    return cases


# ---- Q4_K quantizer: gguf has none, so this is a second, independent transcription of
# llama.cpp's quantize_row_q4_K_ref in float32 scalar numpy (every operation rounded to float32
# in the reference's order). The C++ codec is checked against it; gguf then dequantizes.
F = np.float32


def nearest_int(v) -> int:
    shifted = np.array([F(v) + F(12582912.0)], dtype=np.float32)
    return int((int(shifted.view(np.int32)[0]) & 0x007FFFFF) - 0x00400000)


def fit_scale_min(x, w):
    """make_qkx2_quants(32, 15, x, w, L, &the_min, Laux, -1, 0.1, 20, false)."""
    n, nmax = 32, 15
    lo, hi = x[0], x[0]
    sum_w = w[0]
    sum_x = F(sum_w * x[0])
    for i in range(1, n):
        if x[i] < lo:
            lo = x[i]
        if x[i] > hi:
            hi = x[i]
        sum_w = F(sum_w + w[i])
        sum_x = F(sum_x + F(w[i] * x[i]))
    if lo > 0:
        lo = F(0)
    if hi == lo:
        return F(0), F(-lo), [0] * n
    iscale = F(F(nmax) / F(hi - lo))
    scale = F(F(1) / iscale)
    best_error = F(0)
    L = [0] * n
    for i in range(n):
        L[i] = max(0, min(nmax, nearest_int(F(iscale * F(x[i] - lo)))))
        diff = F(F(F(scale * F(L[i])) + lo) - x[i])
        best_error = F(best_error + F(w[i] * F(diff * diff)))
    for step in range(21):
        iscale = F(F(F(F(-1.0) + F(F(0.1) * F(step))) + F(nmax)) / F(hi - lo))
        sum_l = sum_l2 = sum_xl = F(0)
        aux = [0] * n
        for i in range(n):
            l = max(0, min(nmax, nearest_int(F(iscale * F(x[i] - lo)))))
            aux[i] = l
            wl = F(w[i] * F(l))
            sum_l = F(sum_l + wl)
            sum_l2 = F(sum_l2 + F(wl * F(l)))
            sum_xl = F(sum_xl + F(wl * x[i]))
        D = F(F(sum_w * sum_l2) - F(sum_l * sum_l))
        if D > 0:
            this_scale = F(F(F(sum_w * sum_xl) - F(sum_x * sum_l)) / D)
            this_min = F(F(F(sum_l2 * sum_x) - F(sum_l * sum_xl)) / D)
            if this_min > 0:
                this_min = F(0)
                this_scale = F(sum_xl / sum_l2)
            cur = F(0)
            for i in range(n):
                diff = F(F(F(this_scale * F(aux[i])) + this_min) - x[i])
                cur = F(cur + F(w[i] * F(diff * diff)))
            if cur < best_error:
                L, best_error, scale, lo = aux, cur, this_scale, this_min
    return scale, F(-lo), L


def f16_bits(v) -> int:
    return int(np.array([F(v)], dtype=np.float32).astype(np.float16).view(np.uint16)[0])


def f16_value(bits: int):
    return F(np.array([bits], dtype=np.uint16).view(np.float16)[0])


def quantize_q4_k_block(x: np.ndarray) -> bytes:
    x = [F(v) for v in x]
    L = [0] * 256
    scales, mins = [F(0)] * 8, [F(0)] * 8
    max_scale = max_min = F(0)
    for j in range(8):
        xs = x[32 * j: 32 * j + 32]
        sum_x2 = F(0)
        for v in xs:
            sum_x2 = F(sum_x2 + F(v * v))
        av_x = F(np.sqrt(F(sum_x2 / F(32))))
        w = [F(av_x + F(abs(v))) for v in xs]
        scales[j], mins[j], L[32 * j: 32 * j + 32] = fit_scale_min(xs, w)
        if scales[j] > max_scale:
            max_scale = scales[j]
        if mins[j] > max_min:
            max_min = mins[j]
    inv_scale = F(F(63) / max_scale) if max_scale > 0 else F(0)
    inv_min = F(F(63) / max_min) if max_min > 0 else F(0)
    sc = [min(63, nearest_int(F(inv_scale * scales[j])) & 0xFF) for j in range(8)]
    mn = [min(63, nearest_int(F(inv_min * mins[j])) & 0xFF) for j in range(8)]
    packed = [0] * 12
    for j in range(8):
        if j < 4:
            packed[j] = sc[j]
            packed[j + 4] = mn[j]
        else:
            packed[j + 4] = (sc[j] & 0xF) | ((mn[j] & 0xF) << 4)
            packed[j - 4] |= (sc[j] >> 4) << 6
            packed[j] |= (mn[j] >> 4) << 6
    d_bits, dmin_bits = f16_bits(F(max_scale / F(63))), f16_bits(F(max_min / F(63)))
    d_all, dmin_all = f16_value(d_bits), f16_value(dmin_bits)
    for j in range(8):
        d = F(d_all * F(sc[j]))
        if d == 0:
            continue
        dm = F(dmin_all * F(mn[j]))
        for i in range(32):
            L[32 * j + i] = max(0, min(15, nearest_int(F(F(x[32 * j + i] + dm) / d))))
    qs = [L[64 * c + l] | (L[64 * c + 32 + l] << 4) for c in range(4) for l in range(32)]
    return struct.pack("<HH", d_bits, dmin_bits) + bytes(packed) + bytes(qs)


def quantize_q4_k(data: np.ndarray) -> np.ndarray:
    rows = [b"".join(quantize_q4_k_block(r[k: k + 256]) for k in range(0, len(r), 256)) for r in data]
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(data), -1)


def q4_k_cases(rng: np.random.Generator) -> list[Case]:
    block, size = GGML_QUANT_SIZES[T.Q4_K]
    # Random blocks with realistic (positive, finite) f16 d and dmin and random scales/quants.
    n_rows, n_blocks = 3, 2
    raw = rng.integers(0, 256, (n_rows, n_blocks, size), dtype=np.uint8)
    d = (rng.uniform(1e-4, 1e-2, (n_rows, n_blocks)).astype(np.float16)).view(np.uint8).reshape(n_rows, n_blocks, 2)
    dmin = (rng.uniform(1e-4, 1e-2, (n_rows, n_blocks)).astype(np.float16)).view(np.uint8).reshape(n_rows, n_blocks, 2)
    raw[..., 0:2] = d
    raw[..., 2:4] = dmin
    cases = [Case("random_blocks", T.Q4_K, n_rows, n_blocks * block, None, raw.reshape(n_rows, -1))]
    # Every byte value in every position once: scales with high bits set, d/dmin of any sign.
    full = rng.integers(0, 256, (1, size), dtype=np.uint8)
    full[0, 0:2] = np.float16(-0.03125).reshape(1).view(np.uint8)
    full[0, 2:4] = np.float16(0.5).reshape(1).view(np.uint8)
    full[0, 4:16] = np.array([0xff, 0xc0, 0x3f, 0x80, 0x7f, 0x40, 0x01, 0xbf, 0xf0, 0x0f, 0xa5, 0x5a], dtype=np.uint8)
    cases.append(Case("scale_bits", T.Q4_K, 1, block, None, full))
    # Bytes from the numpy transcription above (input stored, has_input = 1).
    quantized = [
        Case("random_normal", T.Q4_K, 2, 2 * block, rng.standard_normal((2, 2 * block)).astype(np.float32)),
        Case("weights_scale", T.Q4_K, 1, block, (rng.standard_normal((1, block)) * 0.02).astype(np.float32)),
        Case("shifted", T.Q4_K, 1, block, (rng.standard_normal((1, block)) + 3.0).astype(np.float32)),
        Case("uniform", T.Q4_K, 1, block, rng.uniform(-1, 1, (1, block)).astype(np.float32)),
        Case("sparse", T.Q4_K, 1, block, np.where(rng.uniform(size=(1, block)) < 0.2,
                                                    rng.standard_normal((1, block)), 0).astype(np.float32)),
        Case("zeros", T.Q4_K, 1, block, np.zeros((1, block), dtype=np.float32)),
        Case("one_huge", T.Q4_K, 1, block, pad_row(f32([0.1, -0.2, 3.0e4, 0.3]), block, rng, 0.01)[None]),
        Case("tiny", T.Q4_K, 1, block, (rng.standard_normal((1, block)) * 1e-6).astype(np.float32)),
        Case("ternary", T.Q4_K, 1, block, (rng.integers(-1, 2, (1, block)) * 0.05).astype(np.float32)),
    ]
    for c in quantized:
        c.blocks = quantize_q4_k(c.data)
    return cases + quantized


def cases_by_family() -> dict[str, list[Case]]:
    rng = np.random.default_rng(SEED)
    fam = {"float": float_cases(rng)}
    for name, qtype in (("q8_0", T.Q8_0), ("q4_0", T.Q4_0)):
        block, _ = GGML_QUANT_SIZES[qtype]
        cases = common_cases(qtype, rng)
        if qtype == T.Q8_0:
            cases.append(Case("ties", qtype, 1, block, tie_row_q8_0(block)[None]))
        else:
            neg, pos = tie_row_q4_0(block)
            cases.append(Case("ties", qtype, 2, block, np.stack([neg, pos])))
        # Blocks whose magnitudes are all float subnormals below 2^-128: 1/d overflows to inf
        # in the reference and the quants come out of C's float->int conversion of inf/NaN.
        cases.append(Case("subnormal_only", qtype, 1, block, pad_row(bits_f32([1, 0x80000005, 0x00001000]), block)[None]))
        fam[name] = cases
    ternary = []
    for qtype in (T.TQ1_0, T.TQ2_0):
        block, _ = GGML_QUANT_SIZES[qtype]
        ternary += common_cases(qtype, rng)
        ternary.append(Case("ties", qtype, 1, block, tie_row_ternary(block)[None]))
        ternary.append(Case("ternary_exact", qtype, 1, 2 * block,
                            (rng.integers(-1, 2, (1, 2 * block)) * 0.0375).astype(np.float32)))
        ternary.append(Case("subnormal_only", qtype, 1, block, pad_row(bits_f32([1, 0x80000005, 0x00001000]), block)[None]))
    fam["ternary"] = ternary
    fam["q4_k"] = q4_k_cases(rng)
    return fam


def quantize(case: Case) -> np.ndarray:
    """gguf's bytes for a case, shape [n_rows, row_bytes]."""
    if case.data is None or case.qtype == T.Q4_K:
        return case.blocks
    with np.errstate(all="ignore"):
        if case.qtype == T.F32:
            out = case.data.astype(np.float32)
        elif case.qtype == T.F16:
            out = case.data.astype(np.float16)
        else:
            out = quants.quantize(case.data, case.qtype)
    return np.ascontiguousarray(out).view(np.uint8).reshape(case.n_rows, -1)


def dequantize(case: Case, blocks: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        if case.qtype == T.F32:
            out = blocks.view(np.float32)
        elif case.qtype == T.F16:
            out = blocks.view(np.float16).astype(np.float32)
        else:
            out = quants.dequantize(blocks, case.qtype)
    return np.ascontiguousarray(out, dtype=np.float32).reshape(case.n_rows, case.n_cols)


def encode(cases: list[Case]) -> bytes:
    out = bytearray(MAGIC + struct.pack("<I", len(cases)))
    for c in cases:
        name = c.name.encode("ascii")
        blocks = quantize(c)
        out += struct.pack("<B", len(name)) + name
        out += struct.pack("<iIIB", int(c.qtype), c.n_rows, c.n_cols, 0 if c.data is None else 1)
        if c.data is not None:
            out += c.data.astype("<f4").tobytes()
        out += blocks.tobytes()
        out += dequantize(c, blocks).astype("<f4").tobytes()
    return bytes(out)


def decode(blob: bytes) -> list[dict]:
    """Inverse of encode (used by the live peer test)."""
    assert blob[:4] == MAGIC, "bad magic"
    (n,) = struct.unpack_from("<I", blob, 4)
    pos, out = 8, []
    for _ in range(n):
        ln = blob[pos]
        name = blob[pos + 1: pos + 1 + ln].decode("ascii")
        pos += 1 + ln
        qtype, n_rows, n_cols, has_input = struct.unpack_from("<iIIB", blob, pos)
        pos += 13
        qtype = T(qtype)
        block, size = GGML_QUANT_SIZES[qtype]
        data = None
        if has_input:
            data = np.frombuffer(blob, "<f4", n_rows * n_cols, pos).reshape(n_rows, n_cols)
            pos += 4 * n_rows * n_cols
        n_bytes = n_rows * (n_cols // block) * size
        blocks = np.frombuffer(blob, np.uint8, n_bytes, pos).reshape(n_rows, -1)
        pos += n_bytes
        deq = np.frombuffer(blob, "<f4", n_rows * n_cols, pos).reshape(n_rows, n_cols)
        pos += 4 * n_rows * n_cols
        out.append(dict(name=name, qtype=qtype, n_rows=n_rows, n_cols=n_cols, data=data, blocks=blocks, dequantized=deq))
    assert pos == len(blob), "trailing bytes"
    return out


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "data" / "formats"
    out_dir.mkdir(parents=True, exist_ok=True)
    for family, cases in cases_by_family().items():
        path = out_dir / f"quant_{family}.bin"
        blob = encode(cases)
        path.write_bytes(blob)
        print(f"{path}: {len(cases)} cases, {len(blob)} bytes")


if __name__ == "__main__":
    main()
