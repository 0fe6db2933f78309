"""ONNX backend node tests on the cpu target (scripts/onnx-conformance.py),
and checks of the runner's own comparison and expected-failure list.

The full run takes a few minutes; deselect it for quick runs with
`pytest -m "not conformance"`."""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import systolic

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "onnx-conformance.py"
_spec = importlib.util.spec_from_file_location("onnx_conformance", SCRIPT)
conformance = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(conformance)


def run_conformance(target):
    """The script's run on `target`: its stdout; fails the test on a non-zero
    exit, printing the per-op table."""
    proc = subprocess.run([sys.executable, str(SCRIPT), f"--target={target}", "-j", "2",
                           "--build-dir", str(systolic.build_dir())],
                          capture_output=True, text=True, timeout=1200)
    summary = proc.stdout[proc.stdout.rfind("\nop "):] if "\nop " in proc.stdout else proc.stdout
    print(summary)
    assert proc.returncode == 0, summary + proc.stderr
    return proc.stdout


@pytest.mark.conformance
def test_node_tests_cpu():
    run_conformance("cpu")


@pytest.mark.conformance
def test_node_tests_accel():
    """The same tests compiled with --target=accel (weights frozen, calibrated
    on the test's data): they compile whatever the array can take, and the
    golden model's outputs equal the CPU reference's bit for bit."""
    stdout = run_conformance("accel")
    on_array = int(re.search(r"(\d+) of the passing tests ran ops on the accelerator",
                             stdout).group(1))
    assert on_array > 0, "no node test placed an op on the accelerator"


def test_compare_follows_the_harness():
    ref = [np.array([1.0, 2.0], np.float32)]
    assert conformance.compare([np.array([1.0005, 2.0], np.float32)], ref, 1e-3, 1e-7) is None
    assert "differs" in conformance.compare([np.array([1.01, 2.0], np.float32)], ref, 1e-3, 1e-7)
    assert "dtype float64" in conformance.compare([ref[0].astype(np.float64)], ref, 1e-3, 1e-7)
    assert "shape [1, 2]" in conformance.compare([ref[0].reshape(1, 2)], ref, 1e-3, 1e-7)
    assert "2 outputs, expected 1" in conformance.compare(ref * 2, ref, 1e-3, 1e-7)
    # Without tolerances (--target=accel) only count, shapes and dtypes count.
    assert conformance.compare([np.array([9.0, 9.0], np.float32)], ref) is None
    assert "differ" in conformance.bit_identical([ref[0]], [ref[0] + 1])
    assert conformance.bit_identical([ref[0]], [ref[0].copy()]) is None


def test_xfail_entries_need_a_reason(tmp_path):
    listing = tmp_path / "cpu-xfail.txt"
    listing.write_text("# comment\ntest_a  no lowering for nn.lstm\n\ntest_b\n")
    with pytest.raises(SystemExit, match=r"cpu-xfail.txt:4: 'test_b' has no reason"):
        conformance.read_xfail(listing)
    listing.write_text("test_a  one\ntest_a  two\n")
    with pytest.raises(SystemExit, match="listed twice"):
        conformance.read_xfail(listing)
    listing.write_text("test_a   no lowering for nn.lstm\n")
    assert conformance.read_xfail(listing) == {"test_a": "no lowering for nn.lstm"}


def test_op_table_and_test_names():
    table = "| ONNX op | opsets | limits |\n|---|---|---|\n| Conv | 1-22 | - |\n| ReduceSum | 1-21 | x |\n"
    assert conformance.parse_op_table(table) == {"Conv": (1, 22), "ReduceSum": (1, 21)}
    assert conformance.op_of_test("test_reduce_sum_keepdims_random", ["ReduceSum"]) == "ReduceSum"
    assert conformance.op_of_test("test_gelu_tanh_1_expanded", ["Mul", "Tanh"]) == "Gelu"
    assert conformance.op_of_test("test_sce_mean", ["SoftmaxCrossEntropyLoss"]) == "SoftmaxCrossEntropyLoss"
