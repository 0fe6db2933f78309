"""Max pooling on the accelerator (issue 6: pooling).

A small CNN, conv -> relu -> MaxPool (3x3, stride 2, pad 1, the ResNet stem's
pooling) -> conv -> relu -> MaxPool (3x3, stride 2, ceil_mode) -> global
average pool -> linear -> softmax, with channel counts that are not a multiple
of the 16x16 array's scratchpad row (24, 40). The second pool's ceil_mode
matters: 14x14 -> 7x7 (floor would give 6x6). Calibrated on random samples and
compiled with --target=accel: both poolings must be placed on the accelerator
(systolic.max_pool), the outputs must be bit-identical on the RTL (`accel`), the
golden model (`accel-golden`) and the CPU int8 reference (`cpu`), and within
the example models' cosine / top-1 checks of the f32 model (ONNX Runtime).
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import systolic
from systolic import runtime

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from make_models import F32, GraphBuilder  # noqa: E402


pytestmark = pytest.mark.accel_sim


def pool_cnn():
    g = GraphBuilder(seed=7)
    x = "image"
    h = g.op("Relu", [g.conv(x, "conv1", 3, 24, [3, 3])], "/conv1/Relu")
    h = g.op("MaxPool", [h], "/pool1/MaxPool", kernel_shape=[3, 3], strides=[2, 2],
             pads=[1, 1, 1, 1])
    h = g.op("Relu", [g.conv(h, "conv2", 24, 40, [3, 3])], "/conv2/Relu")
    h = g.op("MaxPool", [h], "/pool2/MaxPool", kernel_shape=[3, 3], strides=[2, 2],
             pads=[0, 0, 0, 0], ceil_mode=1)
    h = g.op("GlobalAveragePool", [h], "/GlobalAveragePool")
    h = g.flatten_batch(h, "flatten")
    logits = g.linear(h, "fc", 40, 10)
    g.op("Softmax", [logits], "/Softmax", out="probabilities", axis=1)
    return g.model("pool_cnn", [(x, F32, [1, 3, 28, 28])], [("probabilities", F32, [1, 10])])


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    work = tmp_path_factory.mktemp("accel_maxpool")
    onnx_path = work / "pool_cnn.onnx"
    onnx.save_model(pool_cnn(), onnx_path)
    rng = np.random.default_rng(2026)
    flags = []
    for s in range(4):
        calib = work / f"calib{s}.npy"
        np.save(calib, rng.standard_normal((1, 3, 28, 28)).astype(np.float32))
        flags.append(f"--calibrate=@{calib}")
    held_out = work / "input.npy"
    np.save(held_out, np.random.default_rng(11).standard_normal((1, 3, 28, 28)).astype(np.float32))
    sysm = work / "pool_cnn.accel.sysm"
    proc = subprocess.run([str(systolic.tool_path("systolic-compile")), str(onnx_path),
                           "--target=accel", *flags, "--report-placement", "-o", str(sysm)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return onnx_path, sysm, held_out, proc.stderr


def run_on(device, sysm, inp, out):
    proc = subprocess.run(
        [str(systolic.tool_path("systolic-run")), f"--module={sysm}", f"--device={device}",
         f"--input=@{inp}", f"--output=@{out}"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return np.load(out)


def test_max_pools_are_placed_on_the_accelerator(compiled):
    report = compiled[3]
    assert 'accel  nn.max_pool "/pool1/MaxPool": systolic.max_pool' in report, report
    assert 'accel  nn.max_pool "/pool2/MaxPool": systolic.max_pool' in report, report


def test_bit_identical_on_rtl_golden_and_cpu(compiled, tmp_path):
    _, sysm, inp, _ = compiled
    results = {d: run_on(d, sysm, inp, tmp_path / f"{d}.npy")
               for d in ("accel", "accel-golden", "cpu")}
    for device in ("accel-golden", "cpu"):
        assert results[device].tobytes() == results["accel"].tobytes(), \
            f"{device} differs from the RTL"


def test_close_to_the_f32_model(compiled, tmp_path):
    onnx_path, sysm, inp, _ = compiled
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    expected = session.run(None, {"image": np.load(inp)})[0]
    got = run_on("accel-golden", sysm, inp, tmp_path / "out.npy")
    a, b = got.ravel().astype(np.float64), expected.ravel().astype(np.float64)
    cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    assert cosine >= 0.99, f"cosine similarity {cosine:.4f}"
    assert np.array_equal(got.argmax(-1), expected.argmax(-1)), "top-1 differs from the f32 model"


def test_bench_reports_the_pooling_layers(compiled):
    _, sysm, _, _ = compiled
    proc = subprocess.run([str(systolic.tool_path("systolic-bench")), f"--module={sysm}",
                           "--device=accel-golden", "--iterations=1", "--warmup=0"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if " max_pool " in line]
    assert len(rows) == 2, proc.stdout
