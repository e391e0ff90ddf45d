"""GGUF peer checks: gguf-py reads what trit writes, and trit reads what gguf-py writes."""
import numpy as np
import gguf
from gguf import GGUFValueType as VT, GGMLQuantizationType as QT

from peer_util import inspect, quote, write_fixtures

U64_MAX = 2**64 - 1
I64_MIN = -(2**63)

# key -> (gguf type, element type for arrays, value): what trit-write-fixtures writes.
FIXTURE_KV = {
    "general.architecture": (VT.STRING, None, "trit-fixture"),
    "general.alignment": (VT.UINT32, None, 64),
    "fixture.u8": (VT.UINT8, None, 200),
    "fixture.i8": (VT.INT8, None, -100),
    "fixture.u16": (VT.UINT16, None, 60000),
    "fixture.i16": (VT.INT16, None, -30000),
    "fixture.u32": (VT.UINT32, None, 4000000000),
    "fixture.i32": (VT.INT32, None, -2000000000),
    "fixture.f32": (VT.FLOAT32, None, 3.25),
    "fixture.bool": (VT.BOOL, None, True),
    "fixture.string": (VT.STRING, None, "héllo wörld"),
    "fixture.u64": (VT.UINT64, None, U64_MAX),
    "fixture.i64": (VT.INT64, None, I64_MIN),
    "fixture.f64": (VT.FLOAT64, None, -1.5e300),
    "fixture.arr.u8": (VT.ARRAY, VT.UINT8, [0, 1, 255]),
    "fixture.arr.i8": (VT.ARRAY, VT.INT8, [-128, 0, 127]),
    "fixture.arr.u16": (VT.ARRAY, VT.UINT16, [1, 65535]),
    "fixture.arr.i16": (VT.ARRAY, VT.INT16, [-32768, 32767]),
    "fixture.arr.u32": (VT.ARRAY, VT.UINT32, [7, 8, 9]),
    "fixture.arr.i32": (VT.ARRAY, VT.INT32, [-1, 0, 1]),
    "fixture.arr.f32": (VT.ARRAY, VT.FLOAT32, [0.5, -2.0, float(np.float32(0.001))]),
    "fixture.arr.bool": (VT.ARRAY, VT.BOOL, [True, False, True]),
    "fixture.arr.string": (VT.ARRAY, VT.STRING, ["a", "", "long string ü"]),
    "fixture.arr.u64": (VT.ARRAY, VT.UINT64, [U64_MAX, 0]),
    "fixture.arr.i64": (VT.ARRAY, VT.INT64, [I64_MIN, 5]),
    "fixture.arr.f64": (VT.ARRAY, VT.FLOAT64, [1e-300, 2.5]),
}


def q8_0_expected():
    blocks = []
    for d, qs in ((0.5, np.arange(32) - 16), (0.25, 15 - np.arange(32))):
        blocks.append(np.concatenate([np.frombuffer(np.float16(d).tobytes(), np.uint8), qs.astype(np.int8).view(np.uint8)]))
    raw = np.concatenate(blocks)
    values = np.concatenate([0.5 * (np.arange(32) - 16), 0.25 * (15 - np.arange(32))]).astype(np.float32)
    return raw, values


def test_gguf_py_reads_every_key_and_tensor_trit_writes(tmp_path):
    path = write_fixtures(tmp_path) / "fixture.gguf"
    reader = gguf.GGUFReader(path)
    fields = {k: f for k, f in reader.fields.items() if not k.startswith("GGUF.")}
    assert list(fields) == list(FIXTURE_KV), "same keys in the same order"
    for key, (vtype, sub, value) in FIXTURE_KV.items():
        field = fields[key]
        assert field.types[0] == vtype, key
        if vtype == VT.ARRAY:
            assert field.types[-1] == sub, key
        got = field.contents()
        if isinstance(value, float) or (isinstance(value, list) and value and isinstance(value[0], float)):
            np.testing.assert_array_equal(np.asarray(got, dtype=np.float64), np.asarray(value, dtype=np.float64), key)
        else:
            assert got == value, key
    assert reader.alignment == 64

    tensors = {t.name: t for t in reader.tensors}
    assert [t.name for t in reader.tensors] == ["f32.tensor", "f16.tensor", "bf16.tensor", "q8_0.tensor"]
    t = tensors["f32.tensor"]
    assert t.tensor_type == QT.F32 and list(t.shape) == [4, 3]
    np.testing.assert_array_equal(t.data.reshape(-1), np.arange(12, dtype=np.float32) * 0.25 - 1)
    t = tensors["f16.tensor"]
    assert t.tensor_type == QT.F16 and list(t.shape) == [8, 2]
    np.testing.assert_array_equal(t.data.reshape(-1), ((np.arange(16) - 8) * 0.5).astype(np.float16))
    t = tensors["bf16.tensor"]
    assert t.tensor_type == QT.BF16 and list(t.shape) == [5]
    np.testing.assert_array_equal(gguf.quants.dequantize(t.data, QT.BF16).reshape(-1),
                                  np.array([1, -2, 0.5, 3.140625, 0], np.float32))
    t = tensors["q8_0.tensor"]
    raw, values = q8_0_expected()
    assert t.tensor_type == QT.Q8_0 and list(t.shape) == [64] and t.n_bytes == 68
    np.testing.assert_array_equal(t.data.reshape(-1), raw)
    np.testing.assert_array_equal(gguf.quants.dequantize(t.data, QT.Q8_0).reshape(-1), values)
    # Offsets: aligned to 64 from the data section start, in order.
    starts = [t.data_offset for t in reader.tensors]
    assert starts == sorted(starts) and all((s - starts[0]) % 64 == 0 for s in starts) and starts[0] % 64 == 0


def test_trit_inspect_lists_every_key_and_tensor_gguf_py_writes(tmp_path):
    path = tmp_path / "peer.gguf"
    w = gguf.GGUFWriter(path, "llama")
    w.add_key_value("p.u8", 250, VT.UINT8)
    w.add_key_value("p.i8", -7, VT.INT8)
    w.add_key_value("p.u16", 65000, VT.UINT16)
    w.add_key_value("p.i16", -32000, VT.INT16)
    w.add_key_value("p.u32", 123456789, VT.UINT32)
    w.add_key_value("p.i32", -123456789, VT.INT32)
    w.add_key_value("p.f32", 0.1, VT.FLOAT32)
    w.add_key_value("p.bool", False, VT.BOOL)
    w.add_key_value("p.string", 'quote " and\nnewline', VT.STRING)
    w.add_key_value("p.u64", U64_MAX, VT.UINT64)
    w.add_key_value("p.i64", I64_MIN, VT.INT64)
    w.add_key_value("p.f64", 1.0 / 3.0, VT.FLOAT64)
    w.add_key_value("p.arr.i16", [-1, 2, -3], VT.ARRAY, VT.INT16)
    w.add_key_value("p.arr.f32", [1.5, -0.25], VT.ARRAY, VT.FLOAT32)
    w.add_key_value("p.arr.bool", [False, True], VT.ARRAY, VT.BOOL)
    w.add_key_value("p.arr.u64", [1, U64_MAX], VT.ARRAY, VT.UINT64)
    w.add_key_value("p.arr.f64", [0.5, 1e100], VT.ARRAY, VT.FLOAT64)
    w.add_array("p.arr.string", ["x", "y z"])
    w.add_array("tokenizer.ggml.tokens", [f"tok{i}" for i in range(1000)])
    w.add_tensor("emb", np.arange(32 * 3, dtype=np.float32).reshape(3, 32))
    w.add_tensor("half", np.ones((2, 5), dtype=np.float16))
    q8 = gguf.quants.quantize(np.linspace(-1, 1, 64, dtype=np.float32).reshape(2, 32), QT.Q8_0)
    w.add_tensor("q8", q8, raw_dtype=QT.Q8_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()

    header, meta, rows = inspect(path, max_items=16)
    assert header.startswith(f"{path}: GGUF v3, 20 metadata keys, 3 tensors, alignment 32")
    expected = {
        "general.architecture": ("string", '"llama"'),
        "p.u8": ("u8", "250"), "p.i8": ("i8", "-7"), "p.u16": ("u16", "65000"), "p.i16": ("i16", "-32000"),
        "p.u32": ("u32", "123456789"), "p.i32": ("i32", "-123456789"), "p.bool": ("bool", "false"),
        "p.string": ("string", quote('quote " and\nnewline')), "p.u64": ("u64", str(U64_MAX)),
        "p.i64": ("i64", str(I64_MIN)), "p.arr.i16": ("array[i16]", "[-1, 2, -3]"),
        "p.arr.bool": ("array[bool]", "[false, true]"), "p.arr.u64": ("array[u64]", f"[1, {U64_MAX}]"),
        "p.arr.string": ("array[string]", '["x", "y z"]'),
        "tokenizer.ggml.tokens": ("array[string]", "[1000 strings]"),
    }
    for key, want in expected.items():
        assert meta[key] == want, key
    assert meta["p.f32"][0] == "f32" and np.float32(float(meta["p.f32"][1])) == np.float32(0.1)
    assert meta["p.f64"][0] == "f64" and float(meta["p.f64"][1]) == 1.0 / 3.0
    assert meta["p.arr.f32"][0] == "array[f32]"
    assert [float(x) for x in meta["p.arr.f32"][1].strip("[]").split(", ")] == [1.5, -0.25]
    assert [float(x) for x in meta["p.arr.f64"][1].strip("[]").split(", ")] == [0.5, 1e100]
    assert set(meta) == set(expected) | {"p.f32", "p.f64", "p.arr.f32", "p.arr.f64"}

    reader = gguf.GGUFReader(path)
    data_start = min(t.data_offset for t in reader.tensors)
    want_rows = [[t.name, t.tensor_type.name, "[" + ", ".join(str(int(d)) for d in t.shape) + "]",
                  t.data_offset - data_start, t.n_bytes] for t in reader.tensors]
    assert rows == want_rows
    assert [r[1] for r in rows] == ["F32", "F16", "Q8_0"]
