"""safetensors peer checks: the Hugging Face reader loads what trit writes, and
`trit-convert --inspect` lists what the Hugging Face writer writes."""
import json
import struct

import numpy as np
import pytest

from peer_util import inspect, write_fixtures

safetensors_numpy = pytest.importorskip("safetensors.numpy")
safe_open = pytest.importorskip("safetensors").safe_open


def test_safetensors_reads_every_tensor_trit_writes(tmp_path):
    path = write_fixtures(tmp_path) / "fixture.safetensors"
    with safe_open(path, framework="numpy") as f:
        assert sorted(f.keys()) == ["bf16", "f16", "f32", "f64", "i32", "i8", "u8"]
        assert f.metadata() == {"format": "pt", "note": "written by trit"}
        assert f.get_slice("bf16").get_dtype() == "BF16"
        # numpy has no bfloat16: every other tensor through the reader, bf16 from raw bytes below.
        tensors = {name: f.get_tensor(name) for name in f.keys() if name != "bf16"}
    np.testing.assert_array_equal(tensors["f32"], (np.arange(6, dtype=np.float32) * 1.5).reshape(2, 3))
    np.testing.assert_array_equal(tensors["f16"], np.array([0.5, -1, 2, 65504], np.float16))
    np.testing.assert_array_equal(tensors["i8"], np.array([[-128, -1], [0, 127]], np.int8))
    np.testing.assert_array_equal(tensors["u8"], np.array([0, 128, 255], np.uint8))
    assert tensors["f64"].shape == () and tensors["f64"] == 2.5
    np.testing.assert_array_equal(tensors["i32"], np.array([-(2**31), 2**31 - 1], np.int32))
    assert tensors["f32"].dtype == np.float32 and tensors["f16"].dtype == np.float16
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0, "header padded to 8 bytes"
    header = json.loads(raw[8:8 + n])
    entry = header["bf16"]
    assert entry["dtype"] == "BF16" and entry["shape"] == [3, 1]
    begin, end = entry["data_offsets"]
    bits = np.frombuffer(raw[8 + n + begin:8 + n + end], np.uint16)
    values = (bits.astype(np.uint32) << 16).view(np.float32)
    np.testing.assert_array_equal(values, np.array([1, -0.5, 3], np.float32))


def test_trit_inspect_lists_what_huggingface_writes(tmp_path):
    path = tmp_path / "hf.safetensors"
    tensors = {
        "model.embed.weight": np.arange(12, dtype=np.float32).reshape(3, 4),
        "model.norm": np.ones(4, dtype=np.float16),
        "ids": np.array([1, 2, 3], dtype=np.int32),
        "bytes": np.zeros((2, 2, 2), dtype=np.uint8),
        "scalar": np.array(1.5, dtype=np.float64),
    }
    safetensors_numpy.save_file(tensors, path, metadata={"format": "pt", "source": "peer test"})
    header, meta, rows = inspect(path)
    assert header.startswith(f"{path}: safetensors, 2 metadata keys, 5 tensors")
    assert meta == {"format": ("string", '"pt"'), "source": ("string", '"peer test"')}
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    hf_header = json.loads(raw[8:8 + n])
    want = sorted(
        ([name, e["dtype"], "[" + ", ".join(map(str, e["shape"])) + "]", e["data_offsets"][0],
          e["data_offsets"][1] - e["data_offsets"][0]] for name, e in hf_header.items() if name != "__metadata__"),
        key=lambda r: r[3])
    assert rows == want
    assert {r[0]: r[1] for r in rows} == {"model.embed.weight": "F32", "model.norm": "F16", "ids": "I32",
                                         "bytes": "U8", "scalar": "F64"}
