"""LSTMs on the accelerator (issue 6: LSTM on the array).

ONNX LSTM layers, forward (batch 3, two input and two hidden tiles of the
16x16 array), reverse, and bidirectional (both Y and Y_h as graph outputs),
calibrated on random sequences and compiled with --target=accel. The LSTM must
be placed on the accelerator (systolic.lstm); its outputs must be
bit-identical on the RTL (`accel`), the golden model (`accel-golden`) and the
CPU int8 reference (`cpu`), and close to the f32 model (ONNX Runtime): cosine
similarity >= 0.99 and a worst element error of a few state steps (h is
returned at 1/128).
"""
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

from accel_helpers import (accel_outputs, assert_bit_identical, assert_close_to_f32,
                           bench_layer_rows, compile_calibrated, f32_outputs)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from make_models import F32, GraphBuilder  # noqa: E402


pytestmark = pytest.mark.accel_sim

# name -> (direction, steps, batch, input, hidden)
LAYERS = {
    "forward": ("forward", 7, 3, 24, 20),
    "reverse": ("reverse", 6, 1, 5, 12),
    "bidirectional": ("bidirectional", 5, 2, 10, 17),
}


def lstm_model(name):
    direction, steps, batch, inputs, hidden = LAYERS[name]
    dirs = 2 if direction == "bidirectional" else 1
    g = GraphBuilder(seed=len(name))
    w = g.weight("lstm.W", [dirs, 4 * hidden, inputs], inputs)
    r = g.weight("lstm.R", [dirs, 4 * hidden, hidden], hidden)
    b = g.const("lstm.B", (g.rng.standard_normal((dirs, 8 * hidden)) * 0.1).astype(np.float32))
    g.nodes.append(onnx.helper.make_node("LSTM", ["x", w, r, b], ["y", "y_h"], name="/lstm/LSTM",
                                         hidden_size=hidden, direction=direction))
    return g.model(f"lstm_{name}", [("x", F32, [steps, batch, inputs])],
                   [("y", F32, [steps, dirs, batch, hidden]), ("y_h", F32, [dirs, batch, hidden])])


@pytest.fixture(scope="module", params=sorted(LAYERS))
def compiled(request, tmp_path_factory):
    name = request.param
    work = tmp_path_factory.mktemp(f"accel_lstm_{name}")
    onnx_path = work / f"{name}.onnx"
    onnx.save_model(lstm_model(name), onnx_path)
    _, steps, batch, inputs, _ = LAYERS[name]
    return (onnx_path, *compile_calibrated(onnx_path, (steps, batch, inputs), work,
                                           held_out_seed=7))


OUTPUTS = ["y", "y_h"]


def test_the_lstm_is_placed_on_the_accelerator(compiled):
    report = compiled[3]
    assert 'accel  nn.lstm "/lstm/LSTM": systolic.lstm' in report, report


def test_bit_identical_on_rtl_golden_and_cpu(compiled, tmp_path):
    _, sysm, inp, _ = compiled
    assert_bit_identical(sysm, [inp], OUTPUTS, tmp_path)


def test_close_to_the_f32_model(compiled, tmp_path):
    onnx_path, sysm, inp, _ = compiled
    expected = f32_outputs(onnx_path, [inp])
    got = accel_outputs(sysm, [inp], OUTPUTS, tmp_path)
    for name in OUTPUTS:
        a, b = got[name], expected[name]
        assert_close_to_f32(a, b, name, top1=False)
        assert np.abs(a - b).max() < 0.1, f"{name}: max error {np.abs(a - b).max():.4f}"


def test_bench_reports_the_lstm_layer(compiled):
    assert len(bench_layer_rows(compiled[1], "lstm")) == 1
