#!/usr/bin/env python3
"""Generates numerics.mlir: small nn ops whose lowering is run with mlir-runner
and compared against ONNX Runtime.

Run from the repository root with the project venv:
  .venv/bin/python test/Conversion/NNToLinalg/gen_numerics.py \
      > test/Conversion/NNToLinalg/numerics.mlir
"""
import numpy as np
import onnx
from onnx import helper, TensorProto
import onnxruntime

rng = np.random.default_rng(7)


def rand(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def onnx_eval(op, inputs, attrs, n_out=1, input_names=None, out_type=TensorProto.FLOAT):
    names = input_names or [f"i{k}" for k in range(len(inputs))]
    outs = [f"o{k}" for k in range(n_out)]
    node = helper.make_node(op, [n if v is not None else "" for n, v in zip(names, inputs)], outs, **attrs)
    feeds = {n: v for n, v in zip(names, inputs) if v is not None}
    graph = helper.make_graph(
        [node], "g",
        [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape) for n, v in feeds.items()],
        [helper.make_tensor_value_info(o, t, None) for o, t in
         zip(outs, out_type if isinstance(out_type, list) else [out_type] * n_out)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=9)
    session = onnxruntime.InferenceSession(model.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def mlir_type(a):
    dt = {("f", 4): "f32", ("i", 8): "i64", ("i", 4): "i32"}[(a.dtype.kind, a.dtype.itemsize)]
    return "tensor<" + "".join(f"{d}x" for d in a.shape) + dt + ">"


def literal(a):
    if a.dtype.kind == "f":
        body = np.array2string(a, separator=", ", threshold=1 << 30, max_line_width=1 << 30,
                               formatter={"float_kind": lambda v: repr(float(v))})
    else:
        body = np.array2string(a, separator=", ", threshold=1 << 30, max_line_width=1 << 30)
    return f"dense<{body}> : {mlir_type(a)}"


cases = []  # (name, nn op text over %a0.., inputs, expected outputs)


def case(name, nn_text, inputs, expected):
    cases.append((name, nn_text, inputs, expected))


# LSTM, bidirectional, with bias, initial states, peepholes and clip.
S, B, I, H = 3, 2, 2, 2
x, w, r, b = rand(S, B, I), rand(2, 4 * H, I), rand(2, 4 * H, H), rand(2, 8 * H)
h0, c0, p = rand(2, B, H), rand(2, B, H), rand(2, 3 * H)
y, yh, yc = onnx_eval("LSTM", [x, w, r, b, None, h0, c0, p],
                      dict(hidden_size=H, direction="bidirectional", clip=1.5), 3)
case("lstm", "nn.lstm %a0, %a1, %a2 bias(%a3) initial_h(%a4) initial_c(%a5) peepholes(%a6) "
     "{hidden_size = 2 : i64, direction = #nn.direction<bidirectional>, clip = 1.5 : f32}",
     [x, w, r, b, h0, c0, p], [y, yh, yc])

# GRU forward, reset before the linear map; GRU reverse, linear before reset.
S, B, I, H = 4, 2, 3, 2
x, w, r, b, h0 = rand(S, B, I), rand(1, 3 * H, I), rand(1, 3 * H, H), rand(1, 6 * H), rand(1, B, H)
y, yh = onnx_eval("GRU", [x, w, r, b, None, h0], dict(hidden_size=H), 2)
case("gru", "nn.gru %a0, %a1, %a2 bias(%a3) initial_h(%a4) {hidden_size = 2 : i64}",
     [x, w, r, b, h0], [y, yh])
y, yh = onnx_eval("GRU", [x, w, r, b, None, h0],
                  dict(hidden_size=H, direction="reverse", linear_before_reset=1), 2)
case("gru_lbr", "nn.gru %a0, %a1, %a2 bias(%a3) initial_h(%a4) {hidden_size = 2 : i64, "
     "direction = #nn.direction<reverse>, linear_before_reset = true}", [x, w, r, b, h0], [y, yh])

# Grouped, dilated, strided convolution with asymmetric pads and bias.
x, w, b = rand(1, 4, 7, 6), rand(6, 2, 3, 2), rand(6)
(y,) = onnx_eval("Conv", [x, w, b], dict(group=2, dilations=[2, 1], strides=[2, 1], pads=[1, 0, 2, 1]))
case("conv_grouped", "nn.conv %a0, %a1, %a2 {strides = array<i64: 2, 1>, dilations = array<i64: 2, 1>, "
     "pads = array<i64: 1, 0, 2, 1>, group = 2 : i64}", [x, w, b], [y])

# Depthwise convolution.
x, w = rand(1, 3, 5, 5), rand(3, 1, 3, 3)
(y,) = onnx_eval("Conv", [x, w], dict(group=3, pads=[1, 1, 1, 1]))
case("conv_depthwise", "nn.conv %a0, %a1 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, "
     "pads = array<i64: 1, 1, 1, 1>, group = 3 : i64}", [x, w], [y])

# Transposed convolution with stride, pads, output padding and groups.
x, w, b = rand(1, 4, 3, 3), rand(4, 1, 3, 3), rand(2)
(y,) = onnx_eval("ConvTranspose", [x, w, b], dict(group=2, strides=[2, 2], pads=[1, 0, 1, 1], output_padding=[1, 0]))
case("conv_transpose", "nn.conv_transpose %a0, %a1, %a2 {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, "
     "pads = array<i64: 1, 0, 1, 1>, output_padding = array<i64: 1, 0>, group = 2 : i64}", [x, w, b], [y])

# Pads beyond the kernel extent: the stride-1 convolution is cropped.
x, w = rand(1, 2, 4), rand(2, 3, 2)
(y,) = onnx_eval("ConvTranspose", [x, w], dict(strides=[3], pads=[3, 2], dilations=[2]))
case("conv_transpose_crop", "nn.conv_transpose %a0, %a1 {strides = array<i64: 3>, dilations = array<i64: 2>, "
     "pads = array<i64: 3, 2>, output_padding = array<i64: 0>}", [x, w], [y])

# Pooling with pads and ceil_mode.
x = rand(1, 2, 6, 5)
(y,) = onnx_eval("MaxPool", [x], dict(kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 0], ceil_mode=1))
case("max_pool", "nn.max_pool %a0 {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, "
     "pads = array<i64: 1, 0, 1, 0>, dilations = array<i64: 1, 1>, ceil_mode = true}", [x], [y])
for include in (0, 1):
    (y,) = onnx_eval("AveragePool", [x], dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 0],
                                              ceil_mode=1, count_include_pad=include))
    case(f"avg_pool_{include}", "nn.avg_pool %a0 {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, "
         f"pads = array<i64: 1, 1, 1, 0>, ceil_mode = true, count_include_pad = {'true' if include else 'false'}}}",
         [x], [y])

# Softmax of large logits (exp would overflow without the max shift).
x = rand(2, 3, 4, scale=300.0)
(y,) = onnx_eval("Softmax", [x], dict(axis=1))
case("softmax", "nn.softmax %a0 {axis = 1 : i64}", [x], [y])
(y,) = onnx_eval("LogSoftmax", [x], dict(axis=-1))
case("log_softmax", "nn.log_softmax %a0", [x], [y])

# Softmax cross-entropy with class weights and an ignored label.
scores, labels, weights = rand(4, 3, 2), np.array([[0, 2], [1, -1], [2, 2], [-1, 0]], np.int64), rand(3) + 2
loss, logp = onnx_eval("SoftmaxCrossEntropyLoss", [scores, labels, weights], dict(ignore_index=-1), 2)
case("softmax_cross_entropy", "nn.softmax_cross_entropy %a0, %a1, %a2 {ignore_index = -1 : i64}",
     [scores, labels, weights], [loss, logp])
(loss,) = onnx_eval("NegativeLogLikelihoodLoss", [logp, labels], dict(reduction="sum", ignore_index=-1))
case("nll_sum", "nn.nll_loss %a0, %a1 {reduction = #nn.reduction<sum>, ignore_index = -1 : i64}",
     [logp, labels], [loss])

# Data movement: gather with negative indices, negative-step slice, reflect pad.
data, idx = rand(3, 4), np.array([[-1, 0], [2, -3]], np.int64)
(y,) = onnx_eval("Gather", [data, idx], dict(axis=1))
case("gather", "nn.gather %a0, %a1 {axis = 1 : i64}", [data, idx], [y])
case("slice", "nn.slice %a0 {starts = array<i64: -1, 10>, ends = array<i64: -100, -100>, "
     "axes = array<i64: 1, 0>, steps = array<i64: -2, -1>}", [data], [data[::-1, ::-2]])
(y,) = onnx_eval("Pad", [data, np.array([1, 2, 2, 3], np.int64)], dict(mode="reflect"))
case("pad_reflect", "nn.pad %a0 {pads = array<i64: 1, 2, 2, 3>, mode = #nn.pad_mode<reflect>}", [data], [y])

# Gemm with transposes, alpha and beta.
a, bm, c = rand(3, 2), rand(4, 3), rand(4)
(y,) = onnx_eval("Gemm", [a, bm, c], dict(transA=1, transB=1, alpha=0.5, beta=2.0))
case("gemm", "nn.gemm %a0, %a1, %a2 {trans_a = true, trans_b = true, alpha = 0.5 : f32, beta = 2.0 : f32}",
     [a, bm, c], [y])

# Activations and unary math, on values spanning both signs.
x = rand(3, 5, scale=2.0)
for op, nn_text, attrs in [
        ("Gelu", "nn.gelu %a0", {}),
        ("Gelu", "nn.gelu %a0 {approximate = #nn.gelu_approximation<tanh>}", dict(approximate="tanh")),
        ("Softplus", "nn.softplus %a0", {}),
        ("HardSigmoid", "nn.hard_sigmoid %a0 {alpha = 0.3 : f32, beta = 0.4 : f32}", dict(alpha=0.3, beta=0.4)),
        ("Selu", "nn.selu %a0", {}),
        ("Elu", "nn.elu %a0 {alpha = 0.7 : f32}", dict(alpha=0.7)),
        ("LeakyRelu", "nn.leaky_relu %a0 {alpha = 0.1 : f32}", dict(alpha=0.1)),
        ("Sigmoid", "nn.sigmoid %a0", {}),
        ("Tanh", "nn.tanh %a0", {}),
        ("Erf", "nn.erf %a0", {}),
        ("Sign", "nn.sign %a0", {}),
        ("Clip", "nn.clip %a0 {min = -1.0 : f32, max = 0.5 : f32}", None)]:
    if op == "Clip":
        y = np.clip(x, -1.0, 0.5)
    else:
        (y,) = onnx_eval(op, [x], attrs)
    case(f"{op.lower()}_{len(cases)}", nn_text, [x], [y])

# Broadcasting binaries and reductions.
a, b = rand(2, 1, 4), np.abs(rand(3, 1)) + 0.5
(y,) = onnx_eval("Pow", [b.reshape(1, 3, 1), a], {})
case("pow", "nn.pow %a0, %a1", [b.reshape(1, 3, 1), a], [y])
slope = rand(1, 4)
(y,) = onnx_eval("PRelu", [a, slope], {})
case("prelu", "nn.prelu %a0, %a1", [a, slope], [y])
x = rand(2, 3, 4)
for op in ["ReduceL2", "ReduceL1", "ReduceSumSquare", "ReduceProd", "ReduceMean"]:
    (y,) = onnx_eval(op, [x, np.array([0, 2], np.int64)], dict(keepdims=0))
    case(f"{op.lower()}", f"nn.{ {'ReduceL2': 'reduce_l2', 'ReduceL1': 'reduce_l1', 'ReduceSumSquare': 'reduce_sum_square', 'ReduceProd': 'reduce_prod', 'ReduceMean': 'reduce_mean'}[op]} %a0 {{axes = array<i64: 0, 2>, keepdims = false}}", [x], [y])
xi = np.array([[1, 3, 3, 0], [2, 2, 1, 2]], np.float32)
(y,) = onnx_eval("ArgMax", [xi], dict(axis=1, select_last_index=1), out_type=TensorProto.INT64)
case("argmax_last", "nn.argmax %a0 {axis = 1 : i64, select_last_index = true}", [xi], [y])

# Normalization, distances and pointwise losses.
x, sc, bi, mu, var = rand(2, 3, 2, 2), rand(3), rand(3), rand(3), np.abs(rand(3)) + 0.1
(y,) = onnx_eval("BatchNormalization", [x, sc, bi, mu, var], dict(epsilon=1e-3))
case("batch_norm", "nn.batch_norm %a0, %a1, %a2, %a3, %a4 {epsilon = 1.0e-3 : f32}", [x, sc, bi, mu, var], [y])
p_, t_ = rand(4, 3), rand(4, 3)
d = p_ - t_
huber = np.where(np.abs(d) < 0.8, 0.5 * d * d, 0.8 * (np.abs(d) - 0.4)).mean()
case("huber", "nn.huber_loss %a0, %a1 {delta = 0.8 : f32}", [p_, t_], [np.float32(huber)])
case("mse", "nn.mse_loss %a0, %a1 {reduction = #nn.reduction<sum>}", [p_, t_], [np.float32((d * d).sum())])
u, v = rand(2, 3, 4), rand(1, 5, 4)
case("manhattan", "nn.manhattan_distance %a0, %a1", [u, v],
     [np.abs(u[:, :, None, :] - v[:, None, :, :]).sum(-1)])
m1, m2 = rand(2, 1, 3, 4), rand(3, 4, 2)
case("matmul_broadcast", "nn.matmul %a0, %a1", [m1, m2], [np.matmul(m1, m2)])
(y,) = onnx_eval("Pad", [m2, np.array([0, 1, 0, 1, 2, 1], np.int64)], dict(mode="edge"))
case("pad_edge", "nn.pad %a0 {pads = array<i64: 0, 1, 0, 1, 2, 1>, mode = #nn.pad_mode<edge>}", [m2], [y])

# The generic (non-named) paths: grouped 1-D/3-D convolutions, 3-D pooling
# with dilation; plus the named 1-D/3-D ones.
x, w = rand(2, 4, 9), rand(6, 2, 3)
(y,) = onnx_eval("Conv", [x, w], dict(group=2, strides=[2], dilations=[2], pads=[1, 2]))
case("conv1d_grouped", "nn.conv %a0, %a1 {strides = array<i64: 2>, dilations = array<i64: 2>, "
     "pads = array<i64: 1, 2>, group = 2 : i64}", [x, w], [y])
x, w = rand(1, 4, 4, 5, 3), rand(2, 2, 2, 3, 2)
(y,) = onnx_eval("Conv", [x, w], dict(group=2, pads=[1, 0, 1, 0, 1, 0]))
case("conv3d_grouped", "nn.conv %a0, %a1 {strides = array<i64: 1, 1, 1>, dilations = array<i64: 1, 1, 1>, "
     "pads = array<i64: 1, 0, 1, 0, 1, 0>, group = 2 : i64}", [x, w], [y])
w3 = rand(3, 4, 2, 2, 2)
(y,) = onnx_eval("Conv", [x, w3], dict(strides=[2, 1, 1]))
case("conv3d", "nn.conv %a0, %a1 {strides = array<i64: 2, 1, 1>, dilations = array<i64: 1, 1, 1>, "
     "pads = array<i64: 0, 0, 0, 0, 0, 0>}", [x, w3], [y])
(y,) = onnx_eval("MaxPool", [x], dict(kernel_shape=[2, 2, 2], dilations=[1, 2, 1], strides=[1, 1, 2], pads=[0, 1, 0, 1, 0, 1]))
case("max_pool3d", "nn.max_pool %a0 {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 1, 1, 2>, "
     "pads = array<i64: 0, 1, 0, 1, 0, 1>, dilations = array<i64: 1, 2, 1>}", [x], [y])
x1 = rand(2, 3, 7)
(y,) = onnx_eval("AveragePool", [x1], dict(kernel_shape=[3], strides=[2], pads=[1, 1], count_include_pad=1))
case("avg_pool1d", "nn.avg_pool %a0 {kernel_shape = array<i64: 3>, strides = array<i64: 2>, "
     "pads = array<i64: 1, 1>, count_include_pad = true}", [x1], [y])

# Data movement and casts.
a, b = rand(2, 3), rand(2, 1)
case("concat", "nn.concat %a0, %a1, %a0 {axis = 1 : i64}", [a, b, a], [np.concatenate([a, b, a], 1)])
case("expand", "nn.expand %a0", [b], [np.broadcast_to(b, (3, 2, 4)).copy()])
case("transpose", "nn.transpose %a0 {perm = array<i64: 2, 0, 1>}", [x1], [x1.transpose(2, 0, 1).copy()])
c = (rand(2, 5) * 4).astype(np.float32)
case("cast_trunc", "nn.cast %a0", [c], [c.astype(np.int32)])
case("global_avg_pool", "nn.global_avg_pool %a0", [x], [x.mean(axis=(2, 3, 4), keepdims=True)])

# Dilated average pooling (with and without count_include_pad and ceil_mode)
# and max pooling with indices in both storage orders, 1-D to 3-D.
x = rand(1, 2, 6, 7)
for include in (0, 1):
    for ceil in (0, 1):
        (y,) = onnx_eval("AveragePool", [x], dict(kernel_shape=[3, 2], strides=[2, 2], dilations=[2, 3],
                                                  pads=[1, 1, 2, 1], ceil_mode=ceil, count_include_pad=include))
        case(f"avg_pool_dilated_{include}{ceil}", "nn.avg_pool %a0 {kernel_shape = array<i64: 3, 2>, "
             "strides = array<i64: 2, 2>, dilations = array<i64: 2, 3>, pads = array<i64: 1, 1, 2, 1>, "
             f"ceil_mode = {'true' if ceil else 'false'}, count_include_pad = {'true' if include else 'false'}}}",
             [x], [y])
for order in (0, 1):
    y, z = onnx_eval("MaxPool", [x], dict(kernel_shape=[3, 2], strides=[2, 2], dilations=[2, 1],
                                          pads=[1, 1, 1, 0], ceil_mode=1, storage_order=order), 2,
                     out_type=[TensorProto.FLOAT, TensorProto.INT64])
    case(f"max_pool_indices_{order}", "nn.max_pool %a0 {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, "
         f"dilations = array<i64: 2, 1>, pads = array<i64: 1, 1, 1, 0>, ceil_mode = true, storage_order = {order}}}",
         [x], [y, z])
x1 = rand(2, 3, 9)
y, z = onnx_eval("MaxPool", [x1], dict(kernel_shape=[3], strides=[2], pads=[1, 1]), 2,
                 out_type=[TensorProto.FLOAT, TensorProto.INT64])
case("max_pool1d_indices", "nn.max_pool %a0 {kernel_shape = array<i64: 3>, strides = array<i64: 2>, "
     "dilations = array<i64: 1>, pads = array<i64: 1, 1>, storage_order = 0}", [x1], [y, z])
x3 = rand(1, 2, 4, 5, 3)
for order in (0, 1):
    y, z = onnx_eval("MaxPool", [x3], dict(kernel_shape=[2, 2, 2], strides=[1, 2, 1], pads=[1, 0, 0, 0, 1, 1],
                                           storage_order=order), 2,
                     out_type=[TensorProto.FLOAT, TensorProto.INT64])
    case(f"max_pool3d_indices_{order}", "nn.max_pool %a0 {kernel_shape = array<i64: 2, 2, 2>, "
         "strides = array<i64: 1, 2, 1>, dilations = array<i64: 1, 1, 1>, pads = array<i64: 1, 0, 0, 0, 1, 1>, "
         f"storage_order = {order}}}", [x3], [y, z])
(y,) = onnx_eval("AveragePool", [x3], dict(kernel_shape=[2, 2, 2], strides=[1, 1, 2], dilations=[2, 1, 2],
                                           pads=[1, 1, 0, 0, 0, 1], count_include_pad=1))
case("avg_pool3d_dilated", "nn.avg_pool %a0 {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 1, 1, 2>, "
     "dilations = array<i64: 2, 1, 2>, pads = array<i64: 1, 1, 0, 0, 0, 1>, count_include_pad = true}", [x3], [y])


def main():
    print("// Generated by gen_numerics.py (expected values from ONNX Runtime); do not edit.")
    print("// RUN: systolic-opt %s -convert-nn-to-linalg -one-shot-bufferize=bufferize-function-boundaries \\")
    print("// RUN:   -convert-linalg-to-loops -convert-scf-to-cf -convert-math-to-libm -expand-strided-metadata \\")
    print("// RUN:   -lower-affine -convert-to-llvm -reconcile-unrealized-casts \\")
    print("// RUN: | mlir-runner -e main -entry-point-result=void \\")
    print("// RUN:   -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \\")
    print("// RUN: | FileCheck %s")
    print("//")
    print("// Every output of every case prints 1 when all its elements are within")
    print("// 1e-5 + 1e-5 * |expected| of ONNX Runtime's result, else 0.")
    print()
    print("func.func private @printMemrefF32(tensor<*xf32>)")
    for name, text, inputs, expected in cases:
        print()
        print(f"func.func @{name}() {{")
        for k, v in enumerate(inputs):
            print(f"  %a{k} = arith.constant {literal(v)}")
        in_types = ", ".join(mlir_type(v) for v in inputs)
        out_types = ", ".join(mlir_type(np.asarray(e)) for e in expected)
        n = len(expected)
        res = "%r" if n == 1 else f"%r:{n}"
        mnemonic = text.split()[0]
        unary = ("nn.softmax", "nn.log_softmax", "nn.gelu", "nn.softplus", "nn.hard_sigmoid", "nn.selu",
                 "nn.elu", "nn.leaky_relu", "nn.sigmoid", "nn.tanh", "nn.erf", "nn.sign", "nn.clip")
        if mnemonic in unary:
            signature = in_types
        elif mnemonic in ("nn.mse_loss", "nn.huber_loss"):
            signature = f"{mlir_type(inputs[0])} -> {out_types}"
        elif mnemonic in ("nn.max_pool", "nn.avg_pool", "nn.slice", "nn.pad", "nn.gather", "nn.pow",
                          "nn.prelu", "nn.manhattan_distance", "nn.matmul", "nn.argmax", "nn.expand",
                          "nn.transpose", "nn.cast", "nn.global_avg_pool") \
                or mnemonic.startswith("nn.reduce_"):
            signature = f"{in_types} -> {out_types}"
        else:
            signature = f"({in_types}) -> ({out_types})"
        print(f"  {res} = {text} : {signature}")
        for k, e in enumerate(expected):
            got = "%r" if n == 1 else f"%r#{k}"
            if np.asarray(e).dtype != np.float32:  # integer results compare as f32
                print(f"  %gotf{k} = nn.cast {got} : {mlir_type(np.asarray(e))} -> "
                      f"{mlir_type(np.asarray(e, np.float32))}")
                got = f"%gotf{k}"
            e = np.asarray(e, np.float32)
            t = mlir_type(e)
            tol = (1e-5 + 1e-5 * np.abs(e)).astype(np.float32)
            bool_t = t.replace("f32>", "i1>")
            print(f"  %want{k} = arith.constant {literal(e)}")
            print(f"  %tol{k} = arith.constant {literal(tol)}")
            print(f"  %diff{k} = nn.sub {got}, %want{k} : {t}, {t} -> {t}")
            print(f"  %err{k} = nn.abs %diff{k} : {t}")
            print(f"  %ok{k} = nn.compare %err{k}, %tol{k} {{predicate = #nn.predicate<le>}} : {t}, {t} -> {bool_t}")
            print(f"  %okf{k} = nn.cast %ok{k} : {bool_t} -> {t}")
            print(f"  %all{k} = nn.reduce_min %okf{k} {{axes = array<i64>, keepdims = false}} : {t} -> tensor<f32>")
            print(f"  %print{k} = tensor.cast %all{k} : tensor<f32> to tensor<*xf32>")
            print(f"  call @printMemrefF32(%print{k}) : (tensor<*xf32>) -> ()")
        print("  return")
        print("}")
    print()
    print("func.func @main() {")
    for name, _, _, expected in cases:
        print(f"  // {name}: {len(expected)} output(s)")
        print(f"  call @{name}() : () -> ()")
    print("  return")
    print("}")
    for name, _, _, expected in cases:
        for k in range(len(expected)):
            print(f"// CHECK: data =")
            print(f"// CHECK-NEXT: {{{{^}}}}[1]{{{{$}}}}")


if __name__ == "__main__":
    main()
