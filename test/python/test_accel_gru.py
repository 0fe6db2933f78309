"""GRUs on the accelerator.

ONNX GRU layers, forward (batch 3, two input and two hidden tiles of the
16x16 array) with linear_before_reset 1 (what PyTorch exports) and 0 (ONNX's
default), reverse, bidirectional (both Y and Y_h as graph outputs), a layer
shaped like PyTorch's nn.GRU export (a zero initial_h initializer, Y
squeezed) and one whose weights stream from DRAM every step, calibrated on random sequences and compiled with --target=accel.
The GRU must be placed on the accelerator (systolic.gru); its outputs must be
bit-identical on the RTL (`accel`), the golden model (`accel-golden`) and the
CPU int8 reference (`cpu`), and close to the f32 model (ONNX Runtime):
cosine similarity >= 0.999 and a worst element error of a few state steps
(h is returned at 1/128).
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

import systolic
from accel_helpers import (accel_outputs, assert_bit_identical, bench_layer_rows,
                           compile_calibrated, cosine, f32_outputs)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from make_models import F32, GraphBuilder  # noqa: E402


pytestmark = pytest.mark.accel_sim

# name -> (direction, linear_before_reset, steps, batch, input, hidden)
LAYERS = {
    "forward": ("forward", 1, 7, 3, 24, 20),
    "forward_lbr0": ("forward", 0, 7, 3, 24, 20),
    "reverse": ("reverse", 0, 6, 1, 5, 12),
    "bidirectional": ("bidirectional", 1, 5, 2, 10, 17),
    "bidirectional_lbr0": ("bidirectional", 0, 4, 2, 9, 6),
    "pytorch": ("forward", 1, 8, 2, 16, 32),
    "streamed": ("forward", 1, 4, 1, 128, 256),  # weights 295 KB: streamed every step
}


def gru_model(name, initial_h=None, **attrs):
    direction, lbr, steps, batch, inputs, hidden = LAYERS[name]
    dirs = 2 if direction == "bidirectional" else 1
    g = GraphBuilder(seed=len(name))
    w = g.weight("gru.W", [dirs, 3 * hidden, inputs], inputs)
    r = g.weight("gru.R", [dirs, 3 * hidden, hidden], hidden)
    b = g.const("gru.B", (g.rng.standard_normal((dirs, 6 * hidden)) * 0.1).astype(np.float32))
    gru_inputs = ["x", w, r, b]
    if name == "pytorch" or initial_h is not None:
        h0 = np.zeros((dirs, batch, hidden), np.float32) if initial_h is None else initial_h
        gru_inputs += ["", g.const("gru.initial_h", h0)]
    outputs = [("y_h", F32, [dirs, batch, hidden])]
    if name == "pytorch":
        g.nodes.append(onnx.helper.make_node("GRU", gru_inputs, ["/gru/GRU_output_0", "y_h"],
                                             name="/gru/GRU", hidden_size=hidden,
                                             linear_before_reset=lbr))
        axes = g.const("squeeze.axes", np.array([1], np.int64))
        g.nodes.append(onnx.helper.make_node("Squeeze", ["/gru/GRU_output_0", axes], ["y"],
                                             name="/gru/Squeeze"))
        outputs.insert(0, ("y", F32, [steps, batch, hidden]))
    else:
        g.nodes.append(onnx.helper.make_node("GRU", gru_inputs, ["y", "y_h"], name="/gru/GRU",
                                             hidden_size=hidden, direction=direction,
                                             linear_before_reset=lbr, **attrs))
        outputs.insert(0, ("y", F32, [steps, dirs, batch, hidden]))
    return g.model(f"gru_{name}", [("x", F32, [steps, batch, inputs])], outputs)


@pytest.fixture(scope="module", params=sorted(LAYERS))
def compiled(request, tmp_path_factory):
    name = request.param
    work = tmp_path_factory.mktemp(f"accel_gru_{name}")
    onnx_path = work / f"{name}.onnx"
    onnx.save_model(gru_model(name), onnx_path)
    _, _, steps, batch, inputs, _ = LAYERS[name]
    return (onnx_path, *compile_calibrated(onnx_path, (steps, batch, inputs), work,
                                           held_out_seed=7))


OUTPUTS = ["y", "y_h"]


def test_the_gru_is_placed_on_the_accelerator(compiled):
    report = compiled[3]
    assert 'accel  nn.gru "/gru/GRU": systolic.gru' in report, report


def test_bit_identical_on_rtl_golden_and_cpu(compiled, tmp_path):
    _, sysm, inp, _ = compiled
    assert_bit_identical(sysm, [inp], OUTPUTS, tmp_path)


def test_close_to_the_f32_model(compiled, tmp_path):
    onnx_path, sysm, inp, _ = compiled
    expected = f32_outputs(onnx_path, [inp])
    got = accel_outputs(sysm, [inp], OUTPUTS, tmp_path)
    for name in OUTPUTS:
        a, b = got[name], expected[name]
        assert a.shape == b.shape, name
        similarity, error = cosine(a, b), np.abs(a - b).max()
        print(f"{onnx_path.stem} {name}: cosine {similarity:.5f}, max error {error:.4f}")
        assert similarity >= 0.999, f"{name}: cosine similarity {similarity:.5f}"
        assert error < 0.1, f"{name}: max error {error:.4f}"


def test_bench_reports_the_gru_layer(compiled):
    assert len(bench_layer_rows(compiled[1], "gru")) == 1


@pytest.mark.parametrize("variant, reason", [
    ("initial_h", "a non-zero initial state (initial_h) is not mapped: the array's recurrence "
                  "starts from zero"),
    ("clip", "clipped gate pre-activations (clip) are not mapped to the array"),
])
def test_what_the_array_does_not_map_stays_on_the_cpu(variant, reason, tmp_path):
    _, _, _, batch, _, hidden = LAYERS["reverse"]
    if variant == "initial_h":
        model = gru_model("reverse", initial_h=np.full((1, batch, hidden), 0.25, np.float32))
    else:
        model = gru_model("reverse", clip=3.0)
    onnx_path = tmp_path / f"{variant}.onnx"
    onnx.save_model(model, onnx_path)
    proc = subprocess.run([str(systolic.tool_path("systolic-compile")), str(onnx_path),
                           "--target=accel", "--report-placement", "-o",
                           str(tmp_path / f"{variant}.sysm")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert f'cpu  nn.gru "/gru/GRU": {reason}' in proc.stderr, proc.stderr
