"""ONNX Cast to and from bfloat16, float8, float4 and 4/2-bit integers on the
CPU, bit for bit against ONNX's reference (ml_dtypes, onnx.numpy_helper):
every f16 value, round-to-even ties and f32 edge cases into each type, with
and without saturation and in every FLOAT8E8M0 rounding mode, and every code
of each type back to f32 and f16. Inputs travel as numpy writes them
(untyped '<V1'), outputs as systolic-run writes them (ml_dtypes names).
Also bf16 arithmetic, which rounds its f32 results the same way."""
import subprocess

import ml_dtypes
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import systolic

# The references cast NaN and infinities on purpose (numpy warns about it).
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

FLOAT8 = {
    TensorProto.FLOAT8E4M3FN: ml_dtypes.float8_e4m3fn,
    TensorProto.FLOAT8E4M3FNUZ: ml_dtypes.float8_e4m3fnuz,
    TensorProto.FLOAT8E5M2: ml_dtypes.float8_e5m2,
    TensorProto.FLOAT8E5M2FNUZ: ml_dtypes.float8_e5m2fnuz,
}
OTHER_FLOATS = {
    TensorProto.FLOAT4E2M1: ml_dtypes.float4_e2m1fn,
    TensorProto.BFLOAT16: ml_dtypes.bfloat16,
}
E8M0 = {TensorProto.FLOAT8E8M0: ml_dtypes.float8_e8m0fnu}
INTEGERS = {
    TensorProto.INT4: ml_dtypes.int4,
    TensorProto.UINT4: ml_dtypes.uint4,
    TensorProto.INT2: ml_dtypes.int2,
    TensorProto.UINT2: ml_dtypes.uint2,
}


def float_inputs():
    """Every f16 value, f32 edge cases, and the midpoints (ties) and their
    neighbours between consecutive values of every narrow float type."""
    values = [np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)]
    values.append(np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 1e-45, -1e-45,
                            3.4e38, -3.4e38, 1e30, 2.0 ** -127, 2.0 ** -126, 1.5 * 2.0 ** 127],
                           np.float32))
    for dtype in [*FLOAT8.values(), *OTHER_FLOATS.values()]:
        bits = np.uint16 if np.dtype(dtype).itemsize == 2 else np.uint8
        codes = np.arange(1 << (8 * np.dtype(dtype).itemsize), dtype=np.uint32).astype(bits)
        finite = np.unique(codes.view(dtype).astype(np.float64))
        finite = finite[np.isfinite(finite)]
        ties = ((finite[1:] + finite[:-1]) / 2).astype(np.float32)
        values += [ties, np.nextafter(ties, np.float32(np.inf)),
                   np.nextafter(ties, np.float32(-np.inf))]
    rng = np.random.default_rng(0)
    values.append(rng.integers(0, 1 << 32, 4096, dtype=np.uint64).astype(np.uint32).view(np.float32))
    return np.concatenate(values).astype(np.float32)


def same_values(got, want):
    """Bitwise equal, except that any NaN matches any NaN."""
    assert got.dtype == want.dtype and got.shape == want.shape
    bits = {1: np.uint8, 2: np.uint16, 4: np.uint32}[got.dtype.itemsize]
    nan = np.isnan(want.astype(np.float32)) if got.dtype.kind in "fV" else np.zeros(want.shape, bool)
    if got.dtype.kind in "fV":
        np.testing.assert_array_equal(np.isnan(got.astype(np.float32)), nan)
    diff = np.nonzero((got.view(bits) != want.view(bits)) & ~nan)[0]
    assert diff.size == 0, (f"{diff.size} of {got.size} differ, first at {diff[0]}: "
                            f"got {got[diff[0]]!r}, want {want[diff[0]]!r}")


def cases():
    """(output name, input name, node attributes, expected-function)."""
    out = []
    for to, dtype in FLOAT8.items():
        name = TensorProto.DataType.Name(to)
        out.append((f"sat_{name}", "x", {"to": to},
                    lambda x, d=dtype: numpy_helper.saturate_cast(x, d)))
        out.append((f"nosat_{name}", "x", {"to": to, "saturate": 0},
                    lambda x, d=dtype: x.astype(d)))
        out.append((f"f16_nosat_{name}", "h", {"to": to, "saturate": 0},
                    lambda x, d=dtype: x.astype(d)))
    for to, dtype in OTHER_FLOATS.items():
        name = TensorProto.DataType.Name(to)
        out.append((f"to_{name}", "x", {"to": to}, lambda x, d=dtype: x.astype(d)))
        out.append((f"f16_to_{name}", "h", {"to": to}, lambda x, d=dtype: x.astype(d)))
    for mode in ["up", "down", "nearest"]:
        for saturate in [1, 0]:
            out.append((f"e8m0_{mode}_{saturate}", "x",
                        {"to": TensorProto.FLOAT8E8M0, "round_mode": mode, "saturate": saturate},
                        lambda x, m=mode, s=saturate: numpy_helper.to_float8e8m0(x, bool(s), m)))
    for to, dtype in INTEGERS.items():
        name = TensorProto.DataType.Name(to)
        out.append((f"int_{name}", "n", {"to": to}, lambda x, d=dtype: x.astype(d)))
        out.append((f"i32_{name}", "i", {"to": to}, lambda x, d=dtype: x.astype(d)))
    return out


def decode_cases():
    """(input name, input codes, ONNX type) for every code of each type."""
    out = []
    for onnx_type, dtype in {**FLOAT8, **OTHER_FLOATS, **E8M0, **INTEGERS}.items():
        size = np.dtype(dtype).itemsize
        count = 1 << (8 * size) if onnx_type not in (*INTEGERS, TensorProto.FLOAT4E2M1) \
            else 1 << (4 if onnx_type in (TensorProto.INT4, TensorProto.UINT4,
                                           TensorProto.FLOAT4E2M1) else 2)
        bits = np.uint16 if size == 2 else np.uint8
        codes = np.arange(count, dtype=np.uint32).astype(bits).view(dtype)
        out.append((f"c_{TensorProto.DataType.Name(onnx_type)}", codes, onnx_type))
    return out


def compile_graph(work, nodes, feeds, types, outputs, opset=25):
    """The graph compiled for the CPU: the .sysm path."""
    inputs = [helper.make_tensor_value_info(k, types[k], list(v.shape)) for k, v in feeds.items()]
    graph = helper.make_graph(nodes, "g", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 11
    onnx_path = work / "model.onnx"
    onnx_path.write_bytes(model.SerializeToString())
    sysm = work / "model.sysm"
    systolic.compile_model(onnx_path, "--target=cpu", "-o", sysm)
    return sysm


def compile_and_run(work, nodes, feeds, types, outputs):
    """Compiles the graph and runs it on `feeds` through .npy files with
    systolic-run; the outputs by name."""
    sysm = compile_graph(work, nodes, feeds, types, outputs)
    input_files = []
    for name, value in feeds.items():
        np.save(work / f"{name}.npy", value)  # ml_dtypes arrays: untyped '<V1'
        input_files.append(work / f"{name}.npy")
    output_files = [work / f"out_{o.name}.npy" for o in outputs]
    proc = subprocess.run(
        [str(systolic.tool_path("systolic-run")), f"--module={sysm}",
         *[f"--input=@{p}" for p in input_files], *[f"--output=@{p}" for p in output_files]],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return {o.name: np.load(p) for o, p in zip(outputs, output_files)}


@pytest.fixture(scope="module")
def cast_model(tmp_path_factory):
    work = tmp_path_factory.mktemp("casts")
    x = float_inputs()
    n = (np.arange(-300, 300, dtype=np.float32) / 4)  # truncation toward zero, wrapping
    i = np.arange(-40, 40, dtype=np.int32)
    feeds = {"x": x, "h": x.astype(np.float16), "n": n, "i": i}
    types = {"x": TensorProto.FLOAT, "h": TensorProto.FLOAT16, "n": TensorProto.FLOAT,
             "i": TensorProto.INT32}
    nodes, outputs, expected = [], [], {}
    for name, source, attrs, want in cases():
        nodes.append(helper.make_node("Cast", [source], [name], **attrs))
        outputs.append(helper.make_tensor_value_info(name, attrs["to"], [feeds[source].size]))
        expected[name] = want(feeds[source])
    for name, codes, onnx_type in decode_cases():
        feeds[name], types[name] = codes, onnx_type
        for to, dtype in [(TensorProto.FLOAT, np.float32), (TensorProto.FLOAT16, np.float16)]:
            out = f"{name}_to_{TensorProto.DataType.Name(to)}"
            nodes.append(helper.make_node("Cast", [name], [out], to=to))
            outputs.append(helper.make_tensor_value_info(out, to, [codes.size]))
            expected[out] = codes.astype(dtype)
    got = compile_and_run(work, nodes, feeds, types, outputs)
    return {name: (got[name], want) for name, want in expected.items()}


@pytest.mark.parametrize("name", [c[0] for c in cases()] + [
    f"{c[0]}_to_{t}" for c in decode_cases() for t in ("FLOAT", "FLOAT16")])
def test_cast_matches_reference(cast_model, name):
    got, want = cast_model[name]
    same_values(got, want)


def test_bf16_arithmetic(tmp_path):
    """bf16 math runs in f32 and rounds each result to bf16 with integer
    operations (no compiler-rt call to link)."""
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal(64).astype(ml_dtypes.bfloat16) for _ in range(2))
    nodes = [helper.make_node("Div", ["a", "b"], ["q"]), helper.make_node("Exp", ["q"], ["e"])]
    outputs = [helper.make_tensor_value_info(n, TensorProto.BFLOAT16, [64]) for n in "qe"]
    got = compile_and_run(tmp_path, nodes, {"a": a, "b": b},
                          {"a": TensorProto.BFLOAT16, "b": TensorProto.BFLOAT16}, outputs)
    q = (a.astype(np.float32) / b.astype(np.float32)).astype(ml_dtypes.bfloat16)
    same_values(got["q"], q)
    np.testing.assert_allclose(got["e"].astype(np.float32),
                               np.exp(q.astype(np.float32)).astype(ml_dtypes.bfloat16)
                               .astype(np.float32), rtol=1e-2)


def test_python_binding_takes_ml_dtypes(tmp_path):
    """The Python runtime takes and returns ml_dtypes arrays."""
    from systolic import runtime
    codes = np.arange(256, dtype=np.uint8).view(ml_dtypes.float8_e4m3fn)
    nodes = [helper.make_node("Cast", ["c"], ["f"], to=TensorProto.FLOAT),
             helper.make_node("Cast", ["c"], ["q"], to=TensorProto.INT4)]
    outputs = [helper.make_tensor_value_info("f", TensorProto.FLOAT, [256]),
               helper.make_tensor_value_info("q", TensorProto.INT4, [256])]
    sysm = compile_graph(tmp_path, nodes, {"c": codes}, {"c": TensorProto.FLOAT8E4M3FN}, outputs)
    session = runtime.Session(runtime.Module.load(sysm))
    assert session.module.inputs[0].dtype == ml_dtypes.float8_e4m3fn
    f, q = session.run(codes)
    same_values(f, codes.astype(np.float32))
    finite = ~np.isnan(f)
    assert q.dtype == ml_dtypes.int4
    np.testing.assert_array_equal(q[finite].astype(np.int8),
                                  np.trunc(f[finite]).astype(np.int64).astype(ml_dtypes.int4)
                                  .astype(np.int8))
