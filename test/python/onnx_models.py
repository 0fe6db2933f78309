"""Small ONNX models built with onnx.helper, for the importer's tests.

Each builder returns a ModelProto; `CASES` maps a name to a builder so the lit
tests can write any of them with `test/onnx/gen.py NAME OUT.onnx`.
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

F32 = TensorProto.FLOAT
I64 = TensorProto.INT64


def model(nodes, inputs, outputs, initializers=(), opset=17, ir_version=8, name="g"):
    """A model from nodes and (name, elem_type, shape) inputs/outputs."""
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        initializer=list(initializers),
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = ir_version
    return m


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def ints(name, values):
    return const(name, np.array(values, dtype=np.int64))


def node(op, inputs, outputs, name=None, **attrs):
    return helper.make_node(op, inputs, outputs, name=name or outputs[0], **attrs)


def elementwise():
    return model(
        [
            node("Add", ["x", "b"], ["s"], name="add"),
            node("Relu", ["s"], ["r"], name="relu"),
            node("LeakyRelu", ["r"], ["l"], name="leaky", alpha=0.2),
            node("Clip", ["l", "lo", "hi"], ["c"], name="relu6"),
            node("Mul", ["c", "x"], ["m"], name="mul"),
            node("Sum", ["m", "x", "s"], ["sum3"], name="sum3"),
            node("Max", ["sum3", "x"], ["mx"], name="max"),
            node("Less", ["mx", "b"], ["lt"], name="less"),
            node("Where", ["lt", "mx", "x"], ["w"], name="where"),
            node("Pow", ["w", "two"], ["p"], name="pow"),
            node("Gelu", ["p"], ["g"], name="gelu", approximate="tanh"),
            node("Softmax", ["g"], ["y"], name="softmax", axis=1),
        ],
        [("x", F32, [2, 3])],
        [("y", F32, [2, 3])],
        [const("b", np.array([1, 2, 3], np.float32)),
         const("lo", np.float32(0)), const("hi", np.float32(6)),
         const("two", np.int64(2))],
        opset=20,
    )


def conv_pool():
    rng = np.random.default_rng(0)
    return model(
        [
            node("Conv", ["x", "w", "cb"], ["c"], name="conv", auto_pad="SAME_UPPER",
                 strides=[2, 2], kernel_shape=[3, 3]),
            node("BatchNormalization", ["c", "s", "bb", "mean", "var"], ["n"], name="bn",
                 epsilon=1e-3),
            node("Relu", ["n"], ["r"], name="relu"),
            node("MaxPool", ["r"], ["mp"], name="pool", kernel_shape=[2, 2], strides=[1, 1],
                 pads=[0, 0, 1, 1]),
            node("AveragePool", ["mp"], ["ap"], name="avg", kernel_shape=[3, 3],
                 auto_pad="SAME_LOWER", count_include_pad=1),
            node("GlobalAveragePool", ["ap"], ["gap"], name="gap"),
            node("Flatten", ["gap"], ["f"], name="flatten"),
            node("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1, alpha=0.5),
        ],
        [("x", F32, [1, 3, 9, 9])],
        [("y", F32, [1, 10])],
        [const("w", rng.standard_normal((4, 3, 3, 3)).astype(np.float32)),
         const("cb", np.zeros(4, np.float32)),
         const("s", np.ones(4, np.float32)), const("bb", np.zeros(4, np.float32)),
         const("mean", np.zeros(4, np.float32)), const("var", np.ones(4, np.float32)),
         const("fw", np.ones((10, 4), np.float32)), const("fb", np.zeros(10, np.float32))],
    )


def conv_transpose():
    return model(
        [node("ConvTranspose", ["x", "w"], ["y"], name="deconv", strides=[2, 2],
              output_shape=[10, 8])],
        [("x", F32, [1, 2, 5, 4])],
        [("y", F32, [1, 3, 10, 8])],
        [const("w", np.ones((2, 3, 3, 3), np.float32))],
    )


def shape_chain():
    """PyTorch's flatten idiom: Shape -> Gather -> Unsqueeze -> Concat -> Reshape."""
    return model(
        [
            node("Shape", ["x"], ["shape"], name="shape"),
            node("Gather", ["shape", "zero"], ["batch"], name="gather", axis=0),
            node("Unsqueeze", ["batch", "axes0"], ["batch1"], name="unsqueeze"),
            node("Concat", ["batch1", "minus1"], ["target"], name="concat", axis=0),
            node("Reshape", ["x", "target"], ["y"], name="reshape"),
        ],
        [("x", F32, ["N", 2, 3])],
        [("y", F32, ["N", 6])],
        [ints("zero", 0), ints("axes0", [0]), ints("minus1", [-1])],
    )


def data_movement():
    return model(
        [
            node("Transpose", ["x"], ["t"], name="transpose", perm=[0, 2, 1]),
            node("Slice", ["t", "starts", "ends", "axes", "steps"], ["s"], name="slice"),
            node("Pad", ["s", "pads", "pv"], ["p"], name="pad", mode="constant"),
            node("Unsqueeze", ["p", "uaxes"], ["u"], name="unsqueeze"),
            node("Squeeze", ["u", "uaxes"], ["q"], name="squeeze"),
            node("Expand", ["q", "eshape"], ["e"], name="expand"),
            node("Concat", ["e", "e"], ["c"], name="concat", axis=-1),
            node("Cast", ["c"], ["y"], name="cast", to=TensorProto.INT32),
        ],
        [("x", F32, [2, 3, 4])],
        [("y", TensorProto.INT32, [3, 2, 2, 6])],
        [ints("starts", [0, 1]), ints("ends", [4, 100]), ints("axes", [1, 2]),
         ints("steps", [2, 1]), ints("pads", [0, 0, 0, 0, 0, 1]),
         const("pv", np.float32(0.5)), ints("uaxes", [0]), ints("eshape", [3, 1, 1, 1])],
    )


def reductions():
    return model(
        [
            node("ReduceSum", ["x", "axes"], ["s"], name="sum", keepdims=0),
            node("ReduceMean", ["x"], ["m"], name="mean", axes=[-1]),
            node("ReduceMax", ["x"], ["all"], name="max_all", keepdims=0),
            node("ArgMax", ["x"], ["am"], name="argmax", axis=1, select_last_index=1),
        ],
        [("x", F32, [2, 3, 4])],
        [("s", F32, [2, 4]), ("m", F32, [2, 3, 1]), ("all", F32, []),
         ("am", I64, [2, 1, 4])],
        [ints("axes", [1])],
        opset=13,
    )


def losses():
    return model(
        [
            node("SoftmaxCrossEntropyLoss", ["scores", "labels"], ["sce"], name="sce",
                 reduction="sum", ignore_index=-1),
            node("LogSoftmax", ["scores"], ["lp"], name="logsoftmax", axis=1),
            node("NegativeLogLikelihoodLoss", ["lp", "labels", "weights"], ["nll"],
                 name="nll", reduction="none"),
        ],
        [("scores", F32, [4, 5]), ("labels", I64, [4])],
        [("sce", F32, []), ("nll", F32, [4])],
        [const("weights", np.ones(5, np.float32))],
    )


def recurrent():
    rng = np.random.default_rng(1)
    hidden, inp = 4, 3
    return model(
        [
            node("LSTM", ["x", "w", "r", "b"], ["y", "y_h", "y_c"], name="lstm",
                 hidden_size=hidden, direction="bidirectional"),
            node("GRU", ["x", "gw", "gr", "", "", "h0"], ["gy", "gy_h"], name="gru",
                 hidden_size=hidden, linear_before_reset=1),
        ],
        [("x", F32, [5, 2, inp]), ("h0", F32, [1, 2, hidden])],
        [("y", F32, [5, 2, 2, hidden]), ("y_h", F32, [2, 2, hidden]),
         ("y_c", F32, [2, 2, hidden]), ("gy", F32, [5, 1, 2, hidden]),
         ("gy_h", F32, [1, 2, hidden])],
        [const("w", rng.standard_normal((2, 4 * hidden, inp)).astype(np.float32)),
         const("r", rng.standard_normal((2, 4 * hidden, hidden)).astype(np.float32)),
         const("b", np.zeros((2, 8 * hidden), np.float32)),
         const("gw", rng.standard_normal((1, 3 * hidden, inp)).astype(np.float32)),
         const("gr", rng.standard_normal((1, 3 * hidden, hidden)).astype(np.float32))],
    )


def opset11():
    """Attribute forms that later opsets turned into inputs or changed."""
    return model(
        [
            node("ReduceSum", ["x"], ["s"], name="sum", axes=[0], keepdims=1),
            node("Squeeze", ["s"], ["q"], name="squeeze", axes=[0]),
            node("Softmax", ["x"], ["sm"], name="softmax"),
            node("Unsqueeze", ["q"], ["u"], name="unsqueeze", axes=[-1]),
        ],
        [("x", F32, [2, 3, 4])],
        [("u", F32, [3, 4, 1]), ("sm", F32, [2, 3, 4])],
        opset=11,
        ir_version=6,
    )


def constants():
    """A small initializer stays inline; a large one becomes a blob. The graph
    also lists the initializer as an input, as IR < 4 requires."""
    big = np.arange(2048, dtype=np.float32).reshape(32, 64)
    return model(
        [
            node("Constant", [], ["k"], name="k", value_ints=[1, 2]),
            node("MatMul", ["x", "big"], ["m"], name="matmul"),
            node("Add", ["m", "small"], ["y"], name="add"),
        ],
        [("x", F32, [1, 32]), ("big", F32, [32, 64]), ("small", F32, [64])],
        [("y", F32, [1, 64]), ("k", I64, [2])],
        [const("big", big), const("small", np.full(64, 0.25, np.float32))],
        ir_version=3,
    )


def unsigned():
    """A uint8 image, as deployed models take it: max-pooled as uint8, cast to
    f32 and scaled; uint32 arithmetic whose results differ from signed (a
    value above 2^31, unsigned division and comparison). The uint32 and
    uint16 initializers use the typed fields (uint64_data, int32_data)
    instead of raw_data."""
    big = helper.make_tensor("big", TensorProto.UINT32, [2], [4000000000, 3])
    small = helper.make_tensor("small", TensorProto.UINT16, [2], [65535, 2])
    return model(
        [
            node("MaxPool", ["image"], ["pooled"], name="pool", kernel_shape=[2, 2],
                 strides=[2, 2]),
            node("Cast", ["pooled"], ["pixels"], name="to_float", to=TensorProto.FLOAT),
            node("Div", ["pixels", "scale"], ["y"], name="scale"),
            node("Div", ["big", "n"], ["q"], name="udiv"),
            node("Less", ["n", "big"], ["lt"], name="uless"),
            node("Cast", ["small"], ["wide"], name="widen", to=TensorProto.INT32),
        ],
        [("image", TensorProto.UINT8, [1, 1, 4, 4]), ("n", TensorProto.UINT32, [2])],
        [("y", F32, [1, 1, 2, 2]), ("q", TensorProto.UINT32, [2]),
         ("lt", TensorProto.BOOL, [2]), ("wide", TensorProto.INT32, [2])],
        [const("scale", np.float32(255)), big, small],
    )


def external():
    """Saved by gen.py with its initializer in weights.bin."""
    return model(
        [node("Add", ["x", "w"], ["y"], name="add")],
        [("x", F32, [4])],
        [("y", F32, [4])],
        [const("w", np.array([1, 2, 3, 4], np.float32))],
    )


def dynamic():
    return model(
        [node("Relu", ["x"], ["y"], name="relu")],
        [("x", F32, ["batch", 3, "len"])],
        [("y", F32, ["batch", 3, "len"])],
    )


def unsupported():
    return model(
        [
            node("Relu", ["x"], ["a"], name="relu"),
            node("NonMaxSuppression", ["a", "a"], ["b"], name="nms1"),
            node("TopK", ["b", "k"], ["c", "i"], name="topk"),
            node("NonMaxSuppression", ["c", "c"], ["y"], name="nms2"),
        ],
        [("x", F32, [4])],
        [("y", F32, [4])],
        [ints("k", [1])],
    )


def bad_attribute():
    return model(
        [node("LSTM", ["x", "w", "r"], ["y"], name="lstm_relu", hidden_size=2,
              activations=["Relu", "Tanh", "Tanh"])],
        [("x", F32, [1, 1, 2])],
        [("y", F32, [1, 1, 1, 2])],
        [const("w", np.ones((1, 8, 2), np.float32)), const("r", np.ones((1, 8, 2), np.float32))],
    )


def bad_shape():
    """Shapes that do not broadcast: the op's shape inference names the node."""
    return model(
        [node("Add", ["x", "z"], ["y"], name="bad_add")],
        [("x", F32, [2, 3]), ("z", F32, [4])],
        [("y", F32, [2, 3])],
    )


def bad_value_info():
    """value_info declares a shape the graph does not compute."""
    m = model(
        [node("Transpose", ["x"], ["t"], name="transpose"),
         node("Relu", ["t"], ["y"], name="relu")],
        [("x", F32, [2, 3])],
        [("y", F32, [3, 2])],
    )
    m.graph.value_info.append(helper.make_tensor_value_info("t", F32, [2, 3]))
    return m


def runtime_shape():
    """Reshape to a shape computed from a graph input: not a constant."""
    return model(
        [node("Reshape", ["x", "s"], ["y"], name="reshape")],
        [("x", F32, [6]), ("s", I64, [2])],
        [("y", F32, [2, 3])],
    )


def exotic_casts():
    """Casts to and from the types nn only stores: float8 without saturation,
    FLOAT8E8M0 rounding to nearest, CastLike to a float8 input's type, and
    4/2-bit initializers packed two/four to a byte (INT4 in raw_data, an odd
    count; UINT2 in int32_data), which the importer unpacks and folds."""
    import ml_dtypes
    w4 = numpy_helper.from_array(np.array([-8, -1, 0, 3, 7], dtype=ml_dtypes.int4), "w4")
    u2 = helper.make_tensor("u2", TensorProto.UINT2, [5], [3, 0, 1, 2, 3])
    return model(
        [
            node("Cast", ["x"], ["y8"], to=TensorProto.FLOAT8E5M2, saturate=0),
            node("Cast", ["x"], ["e"], to=TensorProto.FLOAT8E8M0, round_mode="nearest"),
            node("CastLike", ["x", "like"], ["l"]),
            node("Cast", ["w4"], ["wf"], to=TensorProto.FLOAT),
            node("Cast", ["u2"], ["ui"], to=TensorProto.INT32),
        ],
        [("x", F32, [5]), ("like", TensorProto.FLOAT8E4M3FN, [1])],
        [("y8", TensorProto.FLOAT8E5M2, [5]), ("e", TensorProto.FLOAT8E8M0, [5]),
         ("l", TensorProto.FLOAT8E4M3FN, [5]), ("wf", F32, [5]), ("ui", TensorProto.INT32, [5])],
        [w4, u2], opset=25, ir_version=11,
    )


def strings():
    """ONNX Equal on strings (opset 19): a graph input against another (broadcast) and
    against a string initializer, with Identity in between; the results are
    booleans (string outputs are not supported by the runtime)."""
    words = helper.make_tensor("words", TensorProto.STRING, [3],
                               [b"cat", "h\u00e9llo".encode(), b""])
    return model(
        [
            node("Identity", ["x"], ["x_id"]),
            node("Equal", ["x_id", "y"], ["same"]),
            node("Equal", ["x", "words"], ["known"]),
        ],
        [("x", TensorProto.STRING, [2, 3]), ("y", TensorProto.STRING, [1, 3])],
        [("same", TensorProto.BOOL, [2, 3]), ("known", TensorProto.BOOL, [2, 3])],
        [words], opset=19, ir_version=9,  # Equal takes strings since opset 19
    )


def string_into_relu():
    """A STRING input into an operator that takes numbers only."""
    return model([node("Relu", ["x"], ["y"])],
                 [("x", TensorProto.STRING, [2])], [("y", F32, [2])])


def string_output():
    """A graph output of type STRING, which the runtime cannot return."""
    return model([node("Identity", ["x"], ["y"])],
                 [("x", TensorProto.STRING, [2])], [("y", TensorProto.STRING, [2])])


CASES = {
    name: fn
    for name, fn in globals().items()
    if callable(fn) and fn.__module__ == __name__
    and name not in ("model", "const", "ints", "node")
}
