"""TRIT_CPU end to end: the runtime tests that use the default (active) CPU level pass under
every level this machine supports, and a bad value fails with a message naming it."""
import os
import pathlib
import subprocess

import pytest

BIN = pathlib.Path(os.environ.get("TRIT_BIN_DIR", "build/bin")) / "test_runtime"
# Test cases that call active_cpu_level() or kernels with their default level argument.
CASES = "this machine*,QuantizedActivations*,shape mismatches*"


def run(level):
    env = dict(os.environ, TRIT_CPU=level)
    return subprocess.run([str(BIN), CASES], env=env, capture_output=True, text=True, timeout=120)


def supported():
    flags = pathlib.Path("/proc/cpuinfo").read_text() if pathlib.Path("/proc/cpuinfo").exists() else ""
    levels = ["scalar"]
    if " avx2" in flags:
        levels.append("avx2")
    if all(f" {f}" in flags for f in ("avx512f", "avx512bw", "avx512vl", "avx512_vnni")):
        levels.append("avx512")
    return levels


@pytest.fixture(autouse=True)
def need_binary():
    if not BIN.exists():
        pytest.skip(f"{BIN} not built")


@pytest.mark.parametrize("level", ["scalar", "avx2", "avx512"])
def test_forced_level_passes(level):
    if level not in supported():
        pytest.skip(f"{level} not supported here")
    result = run(level)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All tests passed" in result.stdout


def test_bad_level_is_a_clear_error():
    result = run("sse9")
    assert result.returncode != 0
    assert "TRIT_CPU=sse9 is not a CPU level" in result.stdout + result.stderr
