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
import sys
from pathlib import Path

import onnx
import pytest

from accel_helpers import (accel_outputs, assert_bit_identical, assert_close_to_f32,
                           bench_layer_rows, compile_calibrated, f32_outputs)

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
    return (onnx_path, *compile_calibrated(onnx_path, (1, 3, 28, 28), work, held_out_seed=11))


def test_max_pools_are_placed_on_the_accelerator(compiled):
    report = compiled[3]
    assert 'accel  nn.max_pool "/pool1/MaxPool": systolic.max_pool' in report, report
    assert 'accel  nn.max_pool "/pool2/MaxPool": systolic.max_pool' in report, report


def test_bit_identical_on_rtl_golden_and_cpu(compiled, tmp_path):
    _, sysm, inp, _ = compiled
    assert_bit_identical(sysm, [inp], ["probabilities"], tmp_path)


def test_close_to_the_f32_model(compiled, tmp_path):
    onnx_path, sysm, inp, _ = compiled
    expected = f32_outputs(onnx_path, [inp])
    got = accel_outputs(sysm, [inp], ["probabilities"], tmp_path)
    assert_close_to_f32(got["probabilities"], expected["probabilities"], "probabilities")


def test_bench_reports_the_pooling_layers(compiled):
    assert len(bench_layer_rows(compiled[1], "max_pool")) == 2
