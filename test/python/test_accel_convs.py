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
import sys
from pathlib import Path

import onnx
import pytest

from accel_helpers import (accel_outputs, assert_bit_identical, assert_close_to_f32,
                           compile_calibrated, f32_outputs)

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
    return (onnx_path, *compile_calibrated(onnx_path, SHAPE, work, held_out_seed=5))


def test_every_layer_is_placed_on_the_accelerator(compiled):
    report = compiled[3]
    for layer in ("/stem/Conv", "/dw/Conv", "/grouped/Conv"):
        assert f'accel  nn.conv "{layer}": systolic.conv2d, relu fused' in report, report
    assert 'accel  nn.avg_pool "/AveragePool": systolic.conv2d' in report, report
    assert 'accel  nn.global_avg_pool "/GlobalAveragePool": systolic.matmul' in report, report
    assert 'accel  nn.gemm "/fc/Gemm": systolic.matmul' in report, report


def test_bit_identical_on_rtl_golden_and_cpu(compiled, tmp_path):
    _, sysm, inp, _ = compiled
    assert_bit_identical(sysm, [inp], ["logits"], tmp_path)


def test_close_to_the_f32_model(compiled, tmp_path):
    onnx_path, sysm, inp, _ = compiled
    expected = f32_outputs(onnx_path, [inp])
    got = accel_outputs(sysm, [inp], ["logits"], tmp_path)
    assert_close_to_f32(got["logits"], expected["logits"], "logits")
