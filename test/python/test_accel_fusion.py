"""Dense chains on the accelerator run as one program (cross-layer fusion).

An MLP of Gemm+ReLU -> Gemm+ReLU -> Gemm (256 -> 512 -> 512 -> 10, batch 64)
built with onnx.helper, calibrated on random samples and compiled with
--target=accel (16x16): the three layers must become one accel dispatch
("dense_chain") whose intermediate activations never touch DRAM. Its outputs
must be bit-identical on the RTL (`accel`), the golden model (`accel-golden`)
and the CPU int8 reference (`cpu`), and equal to the unfused compile
(--fuse-dense-chains=false); the fused program must move fewer DRAM bytes
and take fewer RTL cycles than the three layers apart.
"""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from accel_helpers import assert_bit_identical, compile_calibrated
from systolic import runtime

pytestmark = pytest.mark.accel_sim

BATCH, WIDTHS = 64, (256, 512, 512, 10)
LAYERS = ("/fc1/Gemm", "/fc2/Gemm", "/fc3/Gemm")


def mlp():
    rng = np.random.default_rng(17)
    nodes, initializers, h = [], [], "x"
    for i, (fin, fout) in enumerate(zip(WIDTHS, WIDTHS[1:])):
        w, b = f"fc{i + 1}.weight", f"fc{i + 1}.bias"
        initializers += [
            numpy_helper.from_array(
                (rng.standard_normal((fout, fin)) / np.sqrt(fin)).astype(np.float32), w),
            numpy_helper.from_array((0.1 * rng.standard_normal(fout)).astype(np.float32), b)]
        last = i == len(WIDTHS) - 2
        out = "y" if last else f"/fc{i + 1}/Gemm_output"
        nodes.append(helper.make_node("Gemm", [h, w, b], [out], name=LAYERS[i], transB=1))
        if not last:
            h = f"/relu{i + 1}/Relu_output"
            nodes.append(helper.make_node("Relu", [out], [h], name=f"/relu{i + 1}/Relu"))
    graph = helper.make_graph(
        nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [BATCH, WIDTHS[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [BATCH, WIDTHS[-1]])], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """(fused artifact, unfused artifact, held-out input, fused placement report)."""
    work = tmp_path_factory.mktemp("accel_fusion")
    onnx_path = work / "mlp.onnx"
    onnx.save_model(mlp(), onnx_path)
    shape = (BATCH, WIDTHS[0])
    fused, held_out, report = compile_calibrated(onnx_path, shape, work, held_out_seed=9)
    unfused, _, _ = compile_calibrated(onnx_path, shape, work, held_out_seed=9,
                                       flags=["--fuse-dense-chains=false"], name="mlp-unfused")
    return fused, unfused, held_out, report


def test_the_chain_is_one_accel_dispatch(compiled):
    report = compiled[3]
    assert "fusion of @main:" in report, report
    assert ("fused /fc1/Gemm -> /fc2/Gemm -> /fc3/Gemm into one program: the intermediate "
            "activations stay in the scratchpad") in report, report
    assert "/fc2/Gemm: fused with /fc1/Gemm" in report, report
    assert "/fc3/Gemm: fused with /fc2/Gemm" in report, report


def test_bit_identical_on_rtl_golden_and_cpu(compiled, tmp_path):
    fused, _, held_out, _ = compiled
    assert_bit_identical(fused, [held_out], ["y"], tmp_path)


def run(sysm, x, device):
    session = runtime.Session(runtime.Module.load(sysm), devices=(device, "cpu"))
    (y,) = session.run(x)
    return y, [c for c in session.dispatch_counters() if c["valid"]]


def test_fused_equals_unfused_with_less_dram_traffic_and_fewer_cycles(compiled):
    fused, unfused, held_out, _ = compiled
    x = np.load(held_out)
    y_fused, (chain,) = run(fused, x, "accel")
    y_apart, layers = run(unfused, x, "accel")
    assert y_fused.tobytes() == y_apart.tobytes()

    macs = sum(BATCH * fin * fout for fin, fout in zip(WIDTHS, WIDTHS[1:]))
    assert chain["layer"] == "dense_chain" and chain["macs"] == macs
    assert [c["layer"] for c in layers] == ["matmul"] * 3
    assert sum(c["macs"] for c in layers) == macs

    def dram(counters):
        return sum(c["dram_read_bytes"] + c["dram_write_bytes"] for c in counters)

    # Exactly the input, weights, parameters (bias, multiplier, shift: 12
    # bytes per output channel) and output move: the intermediates (64 x 512
    # bytes each, stored and loaded back) and the reloads of each layer's
    # input are gone.
    weights = sum(fin * fout for fin, fout in zip(WIDTHS, WIDTHS[1:]))
    params = 12 * sum(WIDTHS[1:])
    assert chain["dram_write_bytes"] == BATCH * WIDTHS[-1]
    assert dram([chain]) == weights + params + BATCH * (WIDTHS[0] + WIDTHS[-1])
    assert dram([chain]) < dram(layers) - 2 * 2 * BATCH * 512
    assert chain["cycles"] < sum(c["cycles"] for c in layers)
