"""Peer check: Python's json module reads metrics.jsonl as trit writes it.

Drives build/bin/trit_test_telemetry_tool (tests/tools/telemetry_tool.cpp), which appends
records through lib/trit/telemetry/metrics_writer.
"""
import json
import math
import os
import pathlib
import subprocess

BIN_DIR = pathlib.Path(os.environ.get("TRIT_BIN_DIR", "build/bin"))
TOOL = BIN_DIR / "trit_test_telemetry_tool"


def append_metrics(run_dir, lines):
    assert TOOL.exists(), f"{TOOL} is missing: build the target trit_test_telemetry_tool"
    out = subprocess.run([str(TOOL), "metrics", str(run_dir)], input="".join(l + "\n" for l in lines),
                         capture_output=True, text=True, check=True)
    return pathlib.Path(out.stdout.strip())


def test_lines_parse_with_stable_key_order_and_exact_floats(tmp_path):
    values = [0.1, 1 / 3, 6e-4, 2.31, 1e-300, 123456789.123456789, 5e-324, 1.7976931348623157e308]
    fields = " ".join(f"v{i}={v!r}" for i, v in enumerate(values))
    path = append_metrics(tmp_path, [f"120 1763700000.5 train {fields} tokens=#491520 step_ms=47"])
    text = path.read_text()
    assert text.endswith("\n") and text.count("\n") == 1
    record = json.loads(text)
    assert list(record)[:3] == ["step", "time", "split"]
    assert list(record)[3:] == [f"v{i}" for i in range(len(values))] + ["tokens", "step_ms"]
    assert record["step"] == 120 and record["time"] == 1763700000.5 and record["split"] == "train"
    assert [record[f"v{i}"] for i in range(len(values))] == values  # exact round trip
    assert record["tokens"] == 491520 and isinstance(record["tokens"], int)
    assert record["step_ms"] == 47.0 and isinstance(record["step_ms"], float)


def test_non_finite_values_read_as_python_floats(tmp_path):
    path = append_metrics(tmp_path, ["3 10 train loss=nan a=inf b=-inf"])
    text = path.read_text()
    assert '"loss":NaN' in text and '"a":Infinity' in text and '"b":-Infinity' in text
    record = json.loads(text)
    assert math.isnan(record["loss"])
    assert record["a"] == math.inf and record["b"] == -math.inf


def test_resume_appends_after_cutting_a_torn_line(tmp_path):
    append_metrics(tmp_path, ["1 1 train loss=3", "2 2 train loss=2.5"])
    metrics = tmp_path / "metrics.jsonl"
    with open(metrics, "a") as f:
        f.write('{"step":3,"ti')  # a crash mid-line
    append_metrics(tmp_path, ["3 5 train loss=2"])
    records = [json.loads(line) for line in metrics.read_text().splitlines()]
    assert [(r["step"], r["loss"]) for r in records] == [(1, 3.0), (2, 2.5), (3, 2.0)]
