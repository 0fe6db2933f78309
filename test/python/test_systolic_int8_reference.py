"""The CPU int8 reference of the systolic layer ops, bit for bit.

Random systolic.conv2d / matmul / scaled_add / quantize / dequantize cases are
written as an MLIR module, compiled for the CPU with systolic-compile
(convert-systolic-to-linalg + the CPU backend: tiling, vectorization, LLVM),
run through the runtime's Python API, and compared exactly with a NumPy
implementation of the semantics documented in dialects/systolic/SystolicOps.td
and docs/isa.md (OUTPUT), which is also what sim/golden/Arith.h implements.

When the runtime has the `accel-golden` device, the layers compiled with
--target=accel are also run on the accelerator's golden model and must match
the CPU reference bit for bit.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from systolic import build_dir, tool_path

pytestmark = pytest.mark.skipif(
    not (build_dir() / "bin" / "systolic-compile").exists()
    or not (build_dir() / "lib" / "libsystolic_runtime.so").exists(),
    reason="needs systolic-compile and libsystolic_runtime.so in the build tree")

# ----------------------------------------------------------------------------
# NumPy reference (int64 arithmetic, wrapped where the hardware wraps).
# ----------------------------------------------------------------------------

ACTIVATIONS = ["none", "relu", "relu6", "lut"]


def wrap32(v: np.ndarray) -> np.ndarray:
    return ((v.astype(np.int64) + (1 << 31)) % (1 << 32) - (1 << 31)).astype(np.int64)


def output_path(acc, params, zp, act, clamp_max=127, lut=None):
    """acc: int64 array [..., C] of int32 accumulators; params [3, C] int32."""
    bias, mult, shift = (params[i].astype(np.int64) for i in range(3))
    x = wrap32(acc + bias)                      # wrapping int32 bias add
    p = x * mult                                # exact: |p| <= 2^62
    s = shift & 63
    halved = p >> np.maximum(s - 1, 0)          # arithmetic shifts
    q = np.where(s == 0, p, (halved + 1) >> 1)
    v = np.clip(q + zp, -128, 127)
    if act == "relu":
        v = np.maximum(v, zp)
    elif act == "relu6":
        v = np.minimum(np.maximum(v, zp), clamp_max)
    elif act == "lut":
        v = lut.astype(np.int64)[v & 0xFF]      # table indexed by uint8(v)
    return v.astype(np.int8)


def conv2d_acc(x, w, strides, pads, dilations):
    """int32 accumulators of an NHWC convolution with zero padding."""
    n, h, wd, c = x.shape
    kh, kw, _, f = w.shape
    top, left, bottom, right = pads
    xp = np.zeros((n, h + top + bottom, wd + left + right, c), np.int64)
    xp[:, top:top + h, left:left + wd, :] = x
    oh = (h + top + bottom - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd + left + right - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    acc = np.zeros((n, oh, ow, f), np.int64)
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilations[0], j * dilations[1]
            patch = xp[:, r0:r0 + strides[0] * (oh - 1) + 1:strides[0],
                       c0:c0 + strides[1] * (ow - 1) + 1:strides[1], :]
            acc += np.einsum("nhwc,cf->nhwf", patch, w[i, j].astype(np.int64))
    return wrap32(acc)


def quantize(x, scale, zp):
    r = np.rint(x.astype(np.float32) / np.float32(scale))   # half to even, in f32
    r = np.where(np.isnan(r), np.float32(0), r)
    r = np.clip(r, -256, 256).astype(np.int32)
    return np.clip(r + zp, -128, 127).astype(np.int8)


def dequantize(q, scale, zp):
    return (q.astype(np.int32) - zp).astype(np.float32) * np.float32(scale)


# ----------------------------------------------------------------------------
# MLIR text of the cases.
# ----------------------------------------------------------------------------


def ttype(shape, elem):
    return "tensor<" + "".join(f"{d}x" for d in shape) + elem + ">"


def dense(a: np.ndarray) -> str:
    elem = {np.dtype(np.int8): "i8", np.dtype(np.int32): "i32"}[a.dtype]
    data = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes().hex().upper()
    return f'dense<"0x{data}"> : {ttype(a.shape, elem)}'


def random_params(rng, channels):
    """Bias over the whole int32 range (so the bias add wraps), multipliers of
    every magnitude and sign, shifts 0..70 (the hardware uses shift & 63)."""
    bias = rng.integers(-(1 << 31), 1 << 31, channels, dtype=np.int64)
    small = rng.integers(-2000, 2000, channels)
    bias = np.where(rng.random(channels) < 0.6, small, bias)
    mult = np.where(rng.random(channels) < 0.5,
                    rng.integers(-(1 << 31), 1 << 31, channels, dtype=np.int64),
                    rng.integers(1, 1 << 16, channels))
    shift = np.where(rng.random(channels) < 0.8, rng.integers(0, 40, channels),
                     rng.integers(40, 71, channels))
    return np.stack([bias, mult, shift]).astype(np.int32)


class Case:
    """One layer op: its MLIR, its runtime inputs and the expected output."""

    def __init__(self, name, body, inputs, expected, out_type):
        self.name, self.body, self.inputs = name, body, inputs
        self.expected, self.out_type = expected, out_type


def output_attrs(rng, act):
    zp = int(rng.integers(-128, 128))
    clamp = int(rng.integers(zp, 128))
    text = (f"output_zero_point = {zp} : i64, "
            f"activation = #systolic.activation<{act}>, clamp_max = {clamp} : i64")
    return zp, clamp, text


def conv_case(rng, k, channels=None, strides=None):
    n = int(rng.integers(1, 3))
    c = channels or int(rng.integers(1, 20))
    f = int(rng.integers(1, 40))
    kh, kw = (int(v) for v in rng.integers(1, 4, 2))
    strides = strides or [int(v) for v in rng.integers(1, 4, 2)]
    dilations = [int(v) for v in rng.integers(1, 3, 2)]
    pads = [int(v) for v in rng.integers(0, 3, 4)] if rng.random() < 0.7 else [0] * 4
    h = int(rng.integers(dilations[0] * (kh - 1) + 1, 13))
    wd = int(rng.integers(dilations[1] * (kw - 1) + 1, 13))
    in_zp = 0 if any(pads) else int(rng.integers(-128, 128))
    x = rng.integers(-128, 128, (n, h, wd, c), dtype=np.int8)
    w = rng.integers(-128, 128, (kh, kw, c, f), dtype=np.int8)
    params = random_params(rng, f)
    act = ACTIVATIONS[k % 4]
    lut = rng.integers(-128, 128, 256, dtype=np.int8)
    zp, clamp, attrs = output_attrs(rng, act)
    expected = output_path(conv2d_acc(x, w, strides, pads, dilations), params, zp, act,
                           clamp, lut)
    lut_operand = f" lut %lut{k}" if act == "lut" else ""
    lut_def = f"  %lut{k} = arith.constant {dense(lut)}\n" if act == "lut" else ""
    lut_type = ", tensor<256xi8>" if act == "lut" else ""
    body = (
        f"  %w{k} = arith.constant {dense(w)}\n"
        f"  %p{k} = arith.constant {dense(params)}\n{lut_def}"
        f"  %y{k} = systolic.conv2d %x{k}, %w{k}, %p{k}{lut_operand} {{"
        f"strides = array<i64: {strides[0]}, {strides[1]}>, "
        f"pads = array<i64: {', '.join(map(str, pads))}>, "
        f"dilations = array<i64: {dilations[0]}, {dilations[1]}>, "
        f"input_zero_point = {in_zp} : i64, {attrs}}}\n"
        f"      : ({ttype(x.shape, 'i8')}, {ttype(w.shape, 'i8')}, "
        f"{ttype(params.shape, 'i32')}{lut_type}) -> {ttype(expected.shape, 'i8')}\n")
    name = (f"conv{k} {x.shape}*{w.shape} s{strides} p{pads} d{dilations} {act}")
    return Case(name, body, [x], expected, ttype(expected.shape, "i8"))


def matmul_case(rng, k):
    m, kk, n = (int(v) for v in rng.integers(1, 70, 3))
    a = rng.integers(-128, 128, (m, kk), dtype=np.int8)
    b = rng.integers(-128, 128, (kk, n), dtype=np.int8)
    params = random_params(rng, n)
    act = ACTIVATIONS[(k + 1) % 4]
    lut = rng.integers(-128, 128, 256, dtype=np.int8)
    zp, clamp, attrs = output_attrs(rng, act)
    acc = wrap32(a.astype(np.int64) @ b.astype(np.int64))
    expected = output_path(acc, params, zp, act, clamp, lut)
    lut_operand = f" lut %lut{k}" if act == "lut" else ""
    lut_def = f"  %lut{k} = arith.constant {dense(lut)}\n" if act == "lut" else ""
    lut_type = ", tensor<256xi8>" if act == "lut" else ""
    body = (
        f"  %w{k} = arith.constant {dense(b)}\n"
        f"  %p{k} = arith.constant {dense(params)}\n{lut_def}"
        f"  %y{k} = systolic.matmul %x{k}, %w{k}, %p{k}{lut_operand} {{{attrs}}}\n"
        f"      : ({ttype(a.shape, 'i8')}, {ttype(b.shape, 'i8')}, "
        f"{ttype(params.shape, 'i32')}{lut_type}) -> {ttype(expected.shape, 'i8')}\n")
    return Case(f"matmul{k} {m}x{kk}x{n} {act}", body, [a], expected,
                ttype(expected.shape, "i8"))


def scaled_add_case(rng, k):
    shape = tuple(int(v) for v in rng.integers(1, 9, 3)) + (int(rng.integers(1, 50)),)
    lhs = rng.integers(-128, 128, shape, dtype=np.int8)
    rhs = rng.integers(-128, 128, shape, dtype=np.int8)
    wl, wr = (int(v) for v in rng.integers(-128, 128, 2))
    params = random_params(rng, shape[-1])
    act = ACTIVATIONS[(k + 2) % 4]
    lut = rng.integers(-128, 128, 256, dtype=np.int8)
    zp, clamp, attrs = output_attrs(rng, act)
    acc = wl * lhs.astype(np.int64) + wr * rhs.astype(np.int64)
    expected = output_path(acc, params, zp, act, clamp, lut)
    lut_operand = f" lut %lut{k}" if act == "lut" else ""
    lut_def = f"  %lut{k} = arith.constant {dense(lut)}\n" if act == "lut" else ""
    lut_type = ", tensor<256xi8>" if act == "lut" else ""
    body = (
        f"  %r{k} = arith.constant {dense(rhs)}\n"
        f"  %p{k} = arith.constant {dense(params)}\n{lut_def}"
        f"  %y{k} = systolic.scaled_add %x{k}, %r{k}, %p{k}{lut_operand} {{"
        f"lhs_weight = {wl} : i64, rhs_weight = {wr} : i64, {attrs}}}\n"
        f"      : ({ttype(shape, 'i8')}, {ttype(shape, 'i8')}, "
        f"{ttype(params.shape, 'i32')}{lut_type}) -> {ttype(shape, 'i8')}\n")
    return Case(f"scaled_add{k} {shape} w{wl},{wr} {act}", body, [lhs], expected,
                ttype(shape, "i8"))


def module_text(cases):
    args = []
    for k, case in enumerate(cases):
        args.append(f"%x{k}: {ttype(case.inputs[0].shape, 'i8')} {{nn.name = \"x{k}\"}}")
    results = ", ".join(f"{c.out_type} {{nn.name = \"y{k}\"}}" for k, c in enumerate(cases))
    body = "".join(c.body for c in cases)
    returned = ", ".join(f"%y{k}" for k in range(len(cases)))
    types = ", ".join(c.out_type for c in cases)
    return (f"func.func @main({', '.join(args)}) -> ({results}) {{\n{body}"
            f"  return {returned} : {types}\n}}\n")


def compile_module(text: str, tmp_path: Path, name: str, *flags: str) -> Path:
    source = tmp_path / f"{name}.mlir"
    source.write_text(text)
    artifact = tmp_path / f"{name}.sysm"
    proc = subprocess.run([str(tool_path("systolic-compile")), str(source), "-o",
                           str(artifact), *flags], capture_output=True, text=True)
    assert proc.returncode == 0, f"systolic-compile {' '.join(flags)} failed:\n{proc.stderr}"
    return artifact


def run(artifact: Path, inputs, devices=("cpu",)):
    from systolic import runtime
    module = runtime.Module.load(artifact)
    session = runtime.Session(module, devices=devices)
    return session.run(*inputs)


def check(cases, outputs):
    for case, got in zip(cases, outputs):
        assert got.dtype == np.int8 and got.shape == case.expected.shape, case.name
        if not np.array_equal(got, case.expected):
            bad = np.argwhere(got != case.expected)
            i = tuple(bad[0])
            pytest.fail(f"{case.name}: {len(bad)} of {got.size} elements differ; first at "
                        f"{i}: got {got[i]}, expected {case.expected[i]}")


def layer_cases(seed):
    rng = np.random.default_rng(seed)
    # One grayscale-style strided convolution per seed (a shape the lowering
    # reshapes for the CPU backend), then random ones.
    cases = [conv_case(rng, 0, channels=1, strides=[2, 2])]
    cases += [conv_case(rng, k) for k in range(1, 10)]
    cases += [matmul_case(rng, 10 + k) for k in range(6)]
    cases += [scaled_add_case(rng, 16 + k) for k in range(4)]
    return cases


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_layers_match_numpy(tmp_path, seed):
    cases = layer_cases(seed)
    artifact = compile_module(module_text(cases), tmp_path, f"layers{seed}")
    check(cases, run(artifact, [c.inputs[0] for c in cases]))


def test_quantize_dequantize_match_numpy(tmp_path):
    rng = np.random.default_rng(11)
    scale, zp = 0.0625, -7          # a power of two: x / scale is exact, ties are real ties
    ties = (rng.integers(-300, 300, 200) + 0.5) * scale
    values = np.concatenate([
        rng.normal(0, 4, 500), ties, [np.nan, np.inf, -np.inf, -0.0, 1e30, -1e30, 7.96875,
                                      8.03125, -8.53125]]).astype(np.float32)
    odd_scale, odd_zp = 0.1234567, 3      # a scale without an exact f32: f32 division
    q = rng.integers(-128, 128, values.shape, dtype=np.int8)
    n = values.size
    text = (
        f"func.func @main(%x: tensor<{n}xf32> {{nn.name = \"x\"}}, %q: tensor<{n}xi8> "
        f"{{nn.name = \"q\"}}) -> (tensor<{n}xi8> {{nn.name = \"a\"}}, tensor<{n}xi8> "
        f"{{nn.name = \"b\"}}, tensor<{n}xf32> {{nn.name = \"c\"}}) {{\n"
        f"  %a = systolic.quantize %x {{scale = {scale} : f64, zero_point = {zp} : i64}} "
        f": tensor<{n}xf32> -> tensor<{n}xi8>\n"
        f"  %b = systolic.quantize %x {{scale = {odd_scale} : f64, zero_point = {odd_zp} : i64}} "
        f": tensor<{n}xf32> -> tensor<{n}xi8>\n"
        f"  %c = systolic.dequantize %q {{scale = {odd_scale} : f64, zero_point = {odd_zp} : i64}} "
        f": tensor<{n}xi8> -> tensor<{n}xf32>\n"
        f"  return %a, %b, %c : tensor<{n}xi8>, tensor<{n}xi8>, tensor<{n}xf32>\n}}\n")
    artifact = compile_module(text, tmp_path, "quantize")
    a, b, c = run(artifact, [values, q])
    np.testing.assert_array_equal(a, quantize(values, scale, zp))
    np.testing.assert_array_equal(b, quantize(values, odd_scale, odd_zp))
    assert np.array_equal(c.view(np.uint32), dequantize(q, odd_scale, odd_zp).view(np.uint32))


def test_reference_of_the_output_path():
    """The NumPy output path on the values worked out by hand in
    test/Conversion/SystolicToLinalg/numerics.mlir."""
    acc = np.array([5, -5, 7, -6, 3, 9, 9, -1])
    params = np.array([[0] * 8, [1] * 8, [1, 1, 2, 2, 0, 64, 65, 1]], np.int32)
    assert output_path(acc, params, 0, "none").tolist() == [3, -2, 2, -1, 3, 9, 5, 0]
    acc = np.array([100, -100, 1, 64, -128, 0, 0, 0])
    params = np.array([[0, 0, 2147483647, 0, -2147483648, -125, -126, 130],
                       [2, 2, 1, 1073741824, 1, 1, 1, 1],
                       [0, 0, 31, 31, 24, 0, 0, 0]], np.int32)
    assert output_path(acc, params, -3, "none").tolist() == [127, -128, -4, 29, 125, -128,
                                                             -128, 127]


def accel_golden_available():
    try:
        from systolic import runtime
        return "accel-golden" in runtime.available_devices()
    except Exception:  # an older or missing runtime library
        return False


@pytest.mark.skipif(not accel_golden_available(),
                    reason="the runtime has no accel-golden device (SYSTOLIC_ENABLE_SIM=OFF)")
def test_cpu_reference_matches_the_golden_model(tmp_path):
    cases = layer_cases(4)
    text = module_text(cases)
    cpu = run(compile_module(text, tmp_path, "cpu"), [c.inputs[0] for c in cases])
    check(cases, cpu)
    accel = compile_module(text, tmp_path, "accel", "--target=accel")
    golden = run(accel, [c.inputs[0] for c in cases], devices=("accel-golden", "cpu"))
    for case, want, got in zip(cases, cpu, golden):
        assert np.array_equal(want, got), f"{case.name}: golden model differs from the CPU"
