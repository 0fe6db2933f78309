"""Grouped, depthwise and dilated convolutions and average pooling on the
accelerator (issue 6).

A small CNN in the style of MobileNet/ResNeXt: conv 3x3 -> relu -> depthwise
3x3 (16 groups) -> relu -> grouped 3x3 conv (4 groups, dilation 2) -> relu ->
AveragePool 3x3 stride 2 (padding counted) -> global average pool -> linear.
Calibrated on random samples and compiled with --target=accel: every layer
but the final reshape must be placed on the accelerator, the outputs must be
bit-identical on the RTL (`accel`), the golden model (`accel-golden`) and the
CPU int8 reference (`cpu`), and close to the f32 model (ONNX Runtime).
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import systolic

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from make_models import F32, GraphBuilder  # noqa: E402


pytestmark = pytest.mark.accel_sim

SHAPE = (1, 3, 16, 16)


def grouped_cnn():
    g = GraphBuilder(seed=11)
    h = g.op("Relu", [g.conv("image", "stem", 3, 16, [3, 3])], "/stem/Relu")
    w = g.weight("dw.weight", [16, 1, 3, 3], 9)
    h = g.op("Conv", [h, w, g.bias("dw.bias", 16)], "/dw/Conv", kernel_shape=[3, 3],
             pads=[1, 1, 1, 1], group=16)
    h = g.op("Relu", [h], "/dw/Relu")
    w = g.weight("grouped.weight", [32, 4, 3, 3], 36)
    h = g.op("Conv", [h, w, g.bias("grouped.bias", 32)], "/grouped/Conv", kernel_shape=[3, 3],
             pads=[2, 2, 2, 2], dilations=[2, 2], group=4)
    h = g.op("Relu", [h], "/grouped/Relu")
    h = g.op("AveragePool", [h], "/AveragePool", kernel_shape=[3, 3], strides=[2, 2],
             pads=[1, 1, 1, 1], count_include_pad=1)
    h = g.op("GlobalAveragePool", [h], "/GlobalAveragePool")
    h = g.flatten_batch(h, "flatten")
    g.linear(h, "fc", 32, 10, out="logits")
    return g.model("grouped_cnn", [("image", F32, list(SHAPE))], [("logits", F32, [1, 10])])


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    work = tmp_path_factory.mktemp("accel_convs")
    onnx_path = work / "grouped_cnn.onnx"
    onnx.save_model(grouped_cnn(), onnx_path)
    rng = np.random.default_rng(2026)
    flags = []
    for s in range(4):
        calib = work / f"calib{s}.npy"
        np.save(calib, rng.standard_normal(SHAPE).astype(np.float32))
        flags.append(f"--calibrate=@{calib}")
    held_out = work / "input.npy"
    np.save(held_out, np.random.default_rng(5).standard_normal(SHAPE).astype(np.float32))
    sysm = work / "grouped_cnn.accel.sysm"
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


def test_every_layer_is_placed_on_the_accelerator(compiled):
    report = compiled[3]
    for layer in ("/stem/Conv", "/dw/Conv", "/grouped/Conv"):
        assert f'accel  nn.conv "{layer}": systolic.conv2d, relu fused' in report, report
    assert 'accel  nn.avg_pool "/AveragePool": systolic.conv2d' in report, report
    assert 'accel  nn.global_avg_pool "/GlobalAveragePool": systolic.matmul' in report, report
    assert 'accel  nn.gemm "/fc/Gemm": systolic.matmul' in report, report


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
