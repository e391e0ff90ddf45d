"""Checkpoint peer checks: h5py reads what trit writes (attributes, groups, dtypes, values),
and `trit-convert --inspect` reads a checkpoint h5py writes."""
import json

import h5py
import numpy as np

from peer_util import bin_path, run, write_fixtures


def attr_text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def test_h5py_reads_the_checkpoint_trit_writes(tmp_path):
    run_dir = write_fixtures(tmp_path)
    assert (run_dir / "checkpoints" / "latest").read_text() == "step_42.h5\n"
    with h5py.File(run_dir / "checkpoints" / "step_42.h5", "r") as f:
        assert attr_text(f.attrs["format"]) == "trit-checkpoint"
        assert f.attrs["format_version"] == 1 and f.attrs["format_version"].dtype == np.int64
        assert attr_text(f.attrs["model"]) == "bitnet"
        assert json.loads(attr_text(f.attrs["config"])) == {"model": {"dim": 8, "layers": 1}, "optim": {"lr": 0.001}}
        assert f.attrs["step"] == 42 and f.attrs["tokens"] == 172032
        assert sorted(f.keys()) == ["data", "optim", "params", "rng"]
        q = f["params/layers.0.attn.q.weight"]
        assert q.dtype == np.float32 and q.shape == (8, 8)
        np.testing.assert_array_equal(q[()], (np.arange(64, dtype=np.float32) / 64 - 0.5).reshape(8, 8))
        np.testing.assert_array_equal(f["params/norm.weight"][()], np.ones(8, np.float32))
        assert sorted(f["params"].keys()) == ["layers.0.attn.q.weight", "norm.weight"]
        assert f["optim/step"].shape == () and f["optim/step"][()] == 42 and f["optim/step"].dtype == np.int64
        np.testing.assert_array_equal(f["optim/m.layers.0.attn.q.weight"][()], np.full((8, 8), 0.125, np.float32))
        rng = f["rng/cpu_state"]
        assert rng.dtype == np.uint64
        np.testing.assert_array_equal(rng[()], np.array([2**64 - 1, 1, 2, 3], np.uint64))
        expected_data = {
            "position": (np.uint64, [123456789]), "order": (np.uint32, [3, 1, 2]),
            "weights": (np.float64, [0.25, 0.75]), "flags": (np.uint8, [1, 0]),
            "deltas": (np.int32, [-7, 7]), "signs": (np.int8, [-1, 1]),
        }
        assert sorted(f["data"].keys()) == sorted(expected_data)
        for name, (dtype, values) in expected_data.items():
            assert f["data"][name].dtype == dtype, name
            np.testing.assert_array_equal(f["data"][name][()], np.array(values, dtype))


def test_trit_reads_a_checkpoint_h5py_writes(tmp_path):
    path = tmp_path / "peer.h5"
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "trit-checkpoint"  # h5py writes variable-length strings
        f.attrs["format_version"] = np.int64(1)
        f.attrs["model"] = "transformer"
        f.attrs["config"] = '{"a": 1}'
        f.attrs["step"] = np.int32(9)
        f.attrs["tokens"] = np.int64(90)
        f.create_dataset("params/w", data=np.zeros((2, 3), np.float32))
        f.create_dataset("optim/v", data=np.zeros(4, np.float64), compression="gzip")
        f.create_group("rng")
        f.create_dataset("data/pos", data=np.uint64(5))
    out = run(bin_path("trit-convert"), "--inspect", path)
    lines = out.splitlines()
    assert lines[0] == f'{path}: trit-checkpoint v1, model "transformer", step 9, tokens 90'
    assert lines[1] == 'config: {"a": 1}'
    assert "params/ (1 array)" in lines and "rng/ (0 arrays)" in lines
    assert any(line.split() == ["w", "f32", "[2,", "3]", "24"] for line in lines)
    assert any(line.split() == ["v", "f64", "[4]", "32"] for line in lines)
    assert any(line.split() == ["pos", "u64", "[]", "8"] for line in lines)


def test_trit_rejects_an_hdf5_file_that_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "something-else"
    import subprocess
    proc = subprocess.run([str(bin_path("trit-convert")), "--inspect", str(path)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "other.h5" in proc.stderr and "trit-checkpoint" in proc.stderr


def _checkpoint_attrs(f):
    f.attrs["format"] = "trit-checkpoint"
    f.attrs["format_version"] = np.int64(1)
    f.attrs["model"] = "m"
    f.attrs["config"] = "{}"
    f.attrs["step"] = np.int64(0)
    f.attrs["tokens"] = np.int64(0)
    for group in ("optim", "rng", "data"):
        f.create_group(group)


def _inspect_fails(path, *parts):
    import subprocess
    proc = subprocess.run([str(bin_path("trit-convert")), "--inspect", str(path)], capture_output=True, text=True)
    assert proc.returncode != 0
    for part in parts:
        assert part in proc.stderr, (part, proc.stderr)


def test_trit_refuses_a_huge_sparse_dataset_without_allocating_it(tmp_path):
    path = tmp_path / "sparse.h5"
    with h5py.File(path, "w") as f:
        _checkpoint_attrs(f)
        f.create_dataset("params/w", shape=(1 << 20, 1 << 20), dtype="f4", chunks=(64, 64))  # 4 TiB, no chunks written
    _inspect_fails(path, "sparse.h5", "params/w", "implausible")


def test_trit_refuses_a_dataset_whose_data_was_never_written(tmp_path):
    path = tmp_path / "unwritten.h5"
    with h5py.File(path, "w") as f:
        _checkpoint_attrs(f)
        f.create_dataset("params/w", shape=(16,), dtype="f4")  # contiguous, storage never allocated
    _inspect_fails(path, "unwritten.h5", "params/w", "stores 0 bytes")
