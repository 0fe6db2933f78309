#!/usr/bin/env python3
"""Writes the bundled example models and their sample inputs.

Each model is built with onnx.helper in the form PyTorch's exporter (opset 17)
gives it: flatten as a Shape->Gather->Unsqueeze->Concat->Reshape chain,
BatchNormalization left unfused, LSTM with explicit zero initial states, losses
as the primitive ops `torch.nn.functional` lowers to. The compiler has to fold
and recognize these patterns itself. Weights and inputs come from fixed seeds,
so the files are the same on every run.

    examples/make_models.py [--out examples/models] [name ...]

writes NAME.onnx and one NAME.INPUT.npy per graph input (in signature order,
listed by `input_names`) for each model.
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
DEFAULT_OUT = Path(__file__).resolve().parent / "models"


class GraphBuilder:
    """Accumulates nodes and initializers with PyTorch-style names."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes = []
        self.initializers = []
        self.counter = 0

    def fresh(self, prefix):
        self.counter += 1
        return f"/{prefix}_output_{self.counter}"

    def const(self, name, array):
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, name, shape, fan_in):
        # He initialization keeps activations in a range where f32 round-off
        # stays far below the comparison tolerances.
        scale = np.sqrt(2.0 / fan_in)
        return self.const(name, (self.rng.standard_normal(shape) * scale).astype(np.float32))

    def bias(self, name, n):
        return self.const(name, (self.rng.standard_normal(n) * 0.1).astype(np.float32))

    def op(self, op_type, inputs, name, num_outputs=1, out=None, **attrs):
        """Adds a node; `out` names its (first) output when it is a graph output."""
        outputs = [f"{name}_output_{i}" for i in range(num_outputs)]
        if out:
            outputs[0] = out
        self.nodes.append(helper.make_node(op_type, inputs, outputs, name=name, **attrs))
        return outputs[0] if num_outputs == 1 else outputs

    def conv(self, x, name, cin, cout, kernel, stride=1, pad=None):
        kernel = list(kernel)
        pad = [k // 2 for k in kernel] if pad is None else pad
        w = self.weight(f"{name}.weight", [cout, cin, *kernel], cin * int(np.prod(kernel)))
        b = self.bias(f"{name}.bias", cout)
        strides = [stride] * len(kernel) if isinstance(stride, int) else list(stride)
        return self.op("Conv", [x, w, b], f"/{name}/Conv", kernel_shape=kernel,
                       strides=strides, pads=pad * 2, dilations=[1] * len(kernel), group=1)

    def batchnorm(self, x, name, c):
        scale = self.const(f"{name}.weight", self.rng.uniform(0.5, 1.5, c).astype(np.float32))
        shift = self.bias(f"{name}.bias", c)
        mean = self.const(f"{name}.running_mean", (self.rng.standard_normal(c) * 0.1).astype(np.float32))
        var = self.const(f"{name}.running_var", self.rng.uniform(0.5, 1.5, c).astype(np.float32))
        return self.op("BatchNormalization", [x, scale, shift, mean, var],
                       f"/{name}/BatchNormalization", epsilon=1e-5, momentum=0.9)

    def linear(self, x, name, fin, fout, out=None):
        w = self.weight(f"{name}.weight", [fout, fin], fin)
        b = self.bias(f"{name}.bias", fout)
        return self.op("Gemm", [x, w, b], f"/{name}/Gemm", out=out, alpha=1.0, beta=1.0,
                       transB=1)

    def flatten_batch(self, x, name):
        """`x.view(x.size(0), -1)` as the exporter writes it."""
        shape = self.op("Shape", [x], f"/{name}/Shape")
        zero = self.const(f"/{name}/zero", np.array(0, np.int64))
        batch = self.op("Gather", [shape, zero], f"/{name}/Gather", axis=0)
        axes = self.const(f"/{name}/axes", np.array([0], np.int64))
        batch1 = self.op("Unsqueeze", [batch, axes], f"/{name}/Unsqueeze")
        rest = self.const(f"/{name}/minus_one", np.array([-1], np.int64))
        target = self.op("Concat", [batch1, rest], f"/{name}/Concat", axis=0)
        return self.op("Reshape", [x, target], f"/{name}/Reshape")

    def model(self, graph_name, inputs, outputs):
        graph = helper.make_graph(
            self.nodes, graph_name,
            [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
            [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
            initializer=self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="systolic-examples")
        model.ir_version = 8
        onnx.checker.check_model(model, full_check=True)
        return model


F32 = TensorProto.FLOAT
I64 = TensorProto.INT64


def resnet_tiny():
    """Image classifier: stem + two residual stages, global pool, linear, softmax."""
    g = GraphBuilder(seed=1)
    x = "input"
    h = g.op("Relu", [g.batchnorm(g.conv(x, "stem.conv", 3, 8, [3, 3]), "stem.bn", 8)], "/stem/Relu")

    def block(h, name, cin, cout, stride):
        a = g.op("Relu", [g.batchnorm(g.conv(h, f"{name}.conv1", cin, cout, [3, 3], stride),
                                      f"{name}.bn1", cout)], f"/{name}/Relu")
        a = g.batchnorm(g.conv(a, f"{name}.conv2", cout, cout, [3, 3]), f"{name}.bn2", cout)
        skip = h
        if stride != 1 or cin != cout:
            skip = g.batchnorm(g.conv(h, f"{name}.downsample.0", cin, cout, [1, 1], stride),
                               f"{name}.downsample.1", cout)
        s = g.op("Add", [a, skip], f"/{name}/Add")
        return g.op("Relu", [s], f"/{name}/Relu_1")

    h = block(h, "layer1", 8, 8, 1)
    h = block(h, "layer2", 8, 16, 2)
    h = g.op("GlobalAveragePool", [h], "/avgpool/GlobalAveragePool")
    h = g.flatten_batch(h, "flatten")
    logits = g.linear(h, "fc", 16, 10)
    g.op("Softmax", [logits], "/Softmax", out="probabilities", axis=1)
    model = g.model("resnet_tiny", [(x, F32, [1, 3, 32, 32])], [("probabilities", F32, [1, 10])])
    inputs = {x: np.random.default_rng(101).standard_normal((1, 3, 32, 32)).astype(np.float32)}
    return model, inputs


def cnn_lstm():
    """Sequence classifier: 1-D conv features, max pool, LSTM, linear on the last state."""
    g = GraphBuilder(seed=2)
    x = "signal"  # [batch, channels, time]
    h = g.op("Relu", [g.conv(x, "features.0", 4, 8, [3])], "/features/Relu")
    h = g.op("MaxPool", [h], "/features/MaxPool", kernel_shape=[2], strides=[2], pads=[0, 0])
    seq = g.op("Transpose", [h], "/Transpose", perm=[2, 0, 1])  # [time, batch, features]
    hidden = 12
    w = g.weight("lstm.W", [1, 4 * hidden, 8], 8)
    r = g.weight("lstm.R", [1, 4 * hidden, hidden], hidden)
    b = g.const("lstm.B", (g.rng.standard_normal((1, 8 * hidden)) * 0.1).astype(np.float32))
    h0 = g.const("lstm.initial_h", np.zeros((1, 1, hidden), np.float32))
    c0 = g.const("lstm.initial_c", np.zeros((1, 1, hidden), np.float32))
    _, y_h, _ = g.op("LSTM", [seq, w, r, b, "", h0, c0], "/lstm/LSTM", num_outputs=3,
                     hidden_size=hidden, direction="forward")
    axes = g.const("/squeeze_axes", np.array([0], np.int64))
    last = g.op("Squeeze", [y_h, axes], "/Squeeze")
    g.linear(last, "classifier", hidden, 5, out="logits")
    model = g.model("cnn_lstm", [(x, F32, [1, 4, 32])], [("logits", F32, [1, 5])])
    inputs = {x: np.random.default_rng(102).standard_normal((1, 4, 32)).astype(np.float32)}
    return model, inputs


def cnn3d():
    """Video classifier: two 3-D conv stages with pooling, global pool, linear."""
    g = GraphBuilder(seed=3)
    x = "clip"  # [batch, channels, frames, height, width]
    h = g.conv(x, "conv1", 3, 8, [3, 3, 3], stride=[1, 2, 2])
    h = g.op("Relu", [g.batchnorm(h, "bn1", 8)], "/Relu")
    h = g.op("MaxPool", [h], "/MaxPool", kernel_shape=[2, 2, 2], strides=[2, 2, 2],
             pads=[0] * 6)
    h = g.op("Relu", [g.conv(h, "conv2", 8, 16, [3, 3, 3])], "/Relu_1")
    h = g.op("GlobalAveragePool", [h], "/GlobalAveragePool")
    h = g.flatten_batch(h, "flatten")
    g.linear(h, "fc", 16, 6, out="logits")
    model = g.model("cnn3d", [(x, F32, [1, 3, 8, 32, 32])], [("logits", F32, [1, 6])])
    inputs = {x: np.random.default_rng(103).standard_normal((1, 3, 8, 32, 32)).astype(np.float32)}
    return model, inputs


def mlp():
    """MLP regression with its training losses (MAE, MSE, Huber) and an L1 weight penalty."""
    g = GraphBuilder(seed=4)
    x, target = "features", "target"
    h = g.op("Relu", [g.linear(x, "net.0", 16, 32)], "/net/Relu")
    h = g.op("Tanh", [g.linear(h, "net.2", 32, 32)], "/net/Tanh")
    pred = g.linear(h, "net.4", 32, 4, out="prediction")

    diff = g.op("Sub", [pred, target], "/Sub")
    absdiff = g.op("Abs", [diff], "/Abs")
    # F.l1_loss / F.mse_loss with reduction='mean'.
    g.op("ReduceMean", [absdiff], "/l1_loss/ReduceMean", out="mae", keepdims=0)
    mse = g.op("ReduceMean", [g.op("Mul", [diff, diff], "/mse_loss/Mul")],
               "/mse_loss/ReduceMean", out="mse", keepdims=0)
    # F.huber_loss(delta=1): where(|d| < delta, 0.5 d^2, delta (|d| - 0.5 delta)).
    delta = g.const("/huber/delta", np.array(1.0, np.float32))
    half = g.const("/huber/half", np.array(0.5, np.float32))
    small = g.op("Less", [absdiff, delta], "/huber/Less")
    quadratic = g.op("Mul", [half, g.op("Mul", [diff, diff], "/huber/Mul")], "/huber/Mul_1")
    linear = g.op("Mul", [delta, g.op("Sub", [absdiff, g.op("Mul", [half, delta], "/huber/Mul_2")],
                                      "/huber/Sub")], "/huber/Mul_3")
    g.op("ReduceMean", [g.op("Where", [small, quadratic, linear], "/huber/Where")],
         "/huber/ReduceMean", out="huber", keepdims=0)
    # L1 penalty on the weights: lambda * sum_i sum(|W_i|).
    sums = [g.op("ReduceSum", [g.op("Abs", [w], f"/l1/Abs_{i}")], f"/l1/ReduceSum_{i}", keepdims=0)
            for i, w in enumerate(["net.0.weight", "net.2.weight", "net.4.weight"])]
    total = g.op("Add", [g.op("Add", sums[:2], "/l1/Add"), sums[2]], "/l1/Add_1")
    lam = g.const("/l1/lambda", np.array(1e-4, np.float32))
    penalty = g.op("Mul", [lam, total], "/l1/Mul", out="l1_penalty")
    g.op("Add", [mse, penalty], "/Add", out="loss")
    batch = 32
    model = g.model("mlp", [(x, F32, [batch, 16]), (target, F32, [batch, 4])],
                    [("prediction", F32, [batch, 4])]
                    + [(n, F32, []) for n in ("mae", "mse", "huber", "l1_penalty", "loss")])
    rng = np.random.default_rng(104)
    inputs = {x: rng.standard_normal((batch, 16)).astype(np.float32),
              target: rng.standard_normal((batch, 4)).astype(np.float32)}
    return model, inputs


def manhattan_nn():
    """Nearest neighbour of each query in a database under the L1 (Manhattan) distance."""
    g = GraphBuilder(seed=5)
    q, db = "queries", "database"
    q3 = g.op("Unsqueeze", [q, g.const("/axes_1", np.array([1], np.int64))], "/Unsqueeze")
    db3 = g.op("Unsqueeze", [db, g.const("/axes_0", np.array([0], np.int64))], "/Unsqueeze_1")
    dist = g.op("ReduceSum", [g.op("Abs", [g.op("Sub", [q3, db3], "/Sub")], "/Abs"),
                              g.const("/axes_last", np.array([-1], np.int64))],
                "/ReduceSum", out="distances", keepdims=0)
    g.op("ArgMin", [dist], "/ArgMin", out="nearest", axis=1, keepdims=0)
    nq, ndb, dim = 8, 128, 16
    model = g.model("manhattan_nn", [(q, F32, [nq, dim]), (db, F32, [ndb, dim])],
                    [("distances", F32, [nq, ndb]), ("nearest", I64, [nq])])
    rng = np.random.default_rng(105)
    inputs = {q: rng.standard_normal((nq, dim)).astype(np.float32),
              db: rng.standard_normal((ndb, dim)).astype(np.float32)}
    return model, inputs


MODELS = {f.__name__: f for f in (resnet_tiny, cnn_lstm, cnn3d, mlp, manhattan_nn)}


def input_path(out, model_name, input_name):
    return Path(out) / f"{model_name}.{input_name}.npy"


def input_files(out, name):
    """The sample-input files of a written model, in signature order."""
    model = onnx.load(Path(out) / f"{name}.onnx", load_external_data=False)
    return [input_path(out, name, i.name) for i in model.graph.input]


def write_model(name, out=DEFAULT_OUT):
    """Writes NAME.onnx and its sample inputs into `out`; returns the model path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model, inputs = MODELS[name]()
    path = out / f"{name}.onnx"
    onnx.save_model(model, path)
    for input_name, array in inputs.items():
        np.save(input_path(out, name, input_name), array)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("names", nargs="*", metavar="name",
                        help=f"models to write (default: all of {', '.join(MODELS)})")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in MODELS]
    if unknown:
        parser.error(f"unknown model {', '.join(unknown)}; choose from {', '.join(MODELS)}")
    for name in args.names or MODELS:
        print(write_model(name, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
