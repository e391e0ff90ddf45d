"""Peer check: TensorBoard's own readers accept the event files trit writes.

Drives build/bin/trit_test_telemetry_tool (tests/tools/telemetry_tool.cpp), which writes one
events file per call through lib/trit/telemetry/tensorboard_writer, then reads the folder
with tensorboard's EventAccumulator and event_file_loader.
"""
import os
import pathlib
import struct
import subprocess

import pytest
from tensorboard.backend.event_processing import (
    event_accumulator,
    event_file_loader,
    plugin_event_accumulator,
)
from tensorboard.compat.proto import event_pb2
from tensorboard.compat.tensorflow_stub import errors, pywrap_tensorflow
from tensorboard.util import tensor_util

BIN_DIR = pathlib.Path(os.environ.get("TRIT_BIN_DIR", "build/bin"))
TOOL = BIN_DIR / "trit_test_telemetry_tool"
T0 = 1763700000.25


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def write_events(run_dir, scalars, restart_step=None):
    """scalars: list of (step, wall_time, tag, value). Returns the file written."""
    assert TOOL.exists(), f"{TOOL} is missing: build the target trit_test_telemetry_tool"
    cmd = [str(TOOL), "events", str(run_dir)]
    if restart_step is not None:
        cmd += ["--restart-step", str(restart_step)]
    stdin = "".join(f"{s} {w!r} {t} {v!r}\n" for s, w, t, v in scalars)
    out = subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True)
    return pathlib.Path(out.stdout.strip())


def accumulate(run_dir):
    """The legacy reader (scalars as simple values)."""
    acc = event_accumulator.EventAccumulator(str(run_dir), size_guidance={"scalars": 0})
    acc.Reload()
    return acc


def plugin_series(run_dir, tag):
    """(step, value) of `tag` as the TensorBoard server's Python reader sees it."""
    acc = plugin_event_accumulator.EventAccumulator(str(run_dir), size_guidance={"tensors": 0})
    acc.Reload()
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto).item()) for e in acc.Tensors(tag)]


def first_run(n_steps=10):
    rows = []
    for step in range(n_steps):
        rows.append((step, T0 + step, "train/loss", 10.0 / (step + 1)))
        rows.append((step, T0 + step, "train/lr", 6e-4 * step))
        if step % 4 == 0:
            rows.append((step, T0 + step + 0.5, "val/loss", 3.0 - 0.1 * step))
    return rows


def test_scalars_read_back_by_event_accumulator(tmp_path):
    rows = first_run()
    write_events(tmp_path, rows)
    acc = accumulate(tmp_path)
    assert sorted(acc.Tags()["scalars"]) == ["train/loss", "train/lr", "val/loss"]
    for tag in ("train/loss", "train/lr", "val/loss"):
        want = [(s, w, v) for s, w, t, v in rows if t == tag]
        got = acc.Scalars(tag)
        assert [e.step for e in got] == [s for s, _, _ in want]
        assert [e.wall_time for e in got] == [w for _, w, _ in want]
        assert [e.value for e in got] == [f32(v) for _, _, v in want]


def test_every_record_passes_tensorboard_crc_checks(tmp_path):
    rows = first_run(5)
    path = write_events(tmp_path, rows)
    assert path.name.startswith("events.out.tfevents.")
    reader = pywrap_tensorflow.PyRecordReader_New(str(path))
    n = 0
    while True:
        try:
            reader.GetNext()  # raises DataLossError on a CRC mismatch
        except errors.OutOfRangeError:
            break
        n += 1
    assert n == 2 + len(rows)

    raw = event_file_loader.RawEventFileLoader(str(path)).Load()
    events = [event_pb2.Event.FromString(r) for r in raw]
    assert len(events) == 2 + len(rows)
    assert events[0].file_version == "brain.Event:2"
    assert events[1].session_log.status == event_pb2.SessionLog.START  # a new run starts
    assert events[1].step == 0
    assert events[2].summary.value[0].tag == "train/loss"
    assert events[2].summary.value[0].HasField("simple_value")  # not a tensor
    assert events[2].summary.value[0].simple_value == f32(10.0)
    assert events[2].step == 0 and events[2].wall_time == T0


def test_restart_marker_makes_tensorboard_drop_orphaned_steps(tmp_path):
    write_events(tmp_path, first_run(10))  # a run that logged steps 0..9, then crashed
    # Resumed from a checkpoint after step 5: the first step it logs is 6.
    resumed = [(s, T0 + 100 + s, "train/loss", 100.0 + s) for s in (6, 7, 8)]
    path = write_events(tmp_path, resumed, restart_step=6)

    marker = list(event_file_loader.EventFileLoader(str(path)).Load())[1]
    assert marker.session_log.msg == "resumed"
    assert marker.HasField("session_log")
    assert marker.session_log.status == event_pb2.SessionLog.START
    assert marker.step == 6

    acc = accumulate(tmp_path)
    loss = acc.Scalars("train/loss")
    assert [e.step for e in loss] == list(range(9))
    assert [e.value for e in loss[6:]] == [f32(106.0), f32(107.0), f32(108.0)]
    assert [e.value for e in loss[:6]] == [f32(10.0 / (s + 1)) for s in range(6)]
    # Orphans of other tags go too: val/loss at step 8 was logged after the checkpoint.
    assert [e.step for e in acc.Scalars("val/loss")] == [0, 4]
    assert [e.step for e in acc.Scalars("train/lr")] == list(range(6))

    # The reader behind TensorBoard's Python server: the first START of a run is its
    # beginning, later ones are restarts.
    loss = plugin_series(tmp_path, "train/loss")
    assert [step for step, _ in loss] == list(range(9))
    assert [v for _, v in loss[6:]] == [f32(106.0), f32(107.0), f32(108.0)]
    assert [step for step, _ in plugin_series(tmp_path, "val/loss")] == [0, 4]


def test_marker_past_the_orphans_keeps_them(tmp_path):
    """Control: the purge above is the marker's doing: a START past every logged step
    purges nothing, so re-logged steps then sit beside the old ones."""
    write_events(tmp_path, first_run(10))
    write_events(tmp_path, [(s, T0 + 100 + s, "train/loss", 100.0 + s) for s in (6, 7, 8)],
                 restart_step=10)
    steps = [e.step for e in accumulate(tmp_path).Scalars("train/loss")]
    assert steps == list(range(10)) + [6, 7, 8]
    assert [step for step, _ in plugin_series(tmp_path, "train/loss")] == list(range(10)) + [6, 7, 8]


def test_new_run_in_a_used_folder_hides_the_old_events(tmp_path):
    """A writer without restart_step starts a session at step 0: TensorBoard shows only
    what the new run logs (the trainer resumes with restart_step instead)."""
    write_events(tmp_path, first_run(10))
    write_events(tmp_path, [(s, T0 + 100 + s, "train/loss", 100.0 + s) for s in (1, 2)])
    assert [e.step for e in accumulate(tmp_path).Scalars("train/loss")] == [1, 2]
    assert [step for step, _ in plugin_series(tmp_path, "train/loss")] == [1, 2]


def test_tool_rejects_bad_input(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as info:
        subprocess.run([str(TOOL), "events", str(tmp_path)], input="1 2 onlythree\n", capture_output=True,
                       text=True, check=True)
    assert "stdin line 1" in info.value.stderr
