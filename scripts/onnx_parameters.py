"""Operator parameters that ONNX node tests feed as graph inputs.

Node tests pass Reshape's shape, Slice's starts, a reduction's axes, ... as
graph inputs holding the test's values. An ahead-of-time compiler needs them
at compile time, so a graph input used only in these (op type, input index)
slots is frozen into an initializer with the test's value, as onnx-mlir's
backend tests do. Everything else stays a graph input. Shared by
onnx-node-tests.py (import) and onnx-conformance.py (compile and run).
"""

PARAMETER_SLOTS = {
    "Reshape": {1}, "Expand": {1}, "Slice": {1, 2, 3, 4}, "Pad": {1, 2, 3},
    "Squeeze": {1}, "Unsqueeze": {1}, "Range": {0, 1, 2}, "Dropout": {1, 2},
    "ConstantOfShape": {0},
    # sequence_lens: accepted when every sequence has the full length.
    "LSTM": {4}, "GRU": {4},
    **{op: {1} for op in ("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
                          "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare",
                          "ReduceLogSum", "ReduceLogSumExp")},
}


# Weights fed as graph inputs. Deployed models hold them as initializers, and
# the accelerator needs constant weights (they are quantized per channel at
# compile time), so --target=accel runs freeze these too.
WEIGHT_SLOTS = {
    "Conv": {1, 2}, "ConvTranspose": {1, 2}, "Gemm": {1, 2}, "MatMul": {1},
    "LSTM": {1, 2, 3}, "GRU": {1, 2, 3},
}


def parameter_inputs(model, slots=None):
    """Indices of the graph inputs used only as parameters: directly in
    parameter slots, or through arithmetic whose results are themselves used
    only as parameters (CenterCropPad's expansion computes Pad's pads and
    Slice's starts from its `shape` input). `slots` defaults to
    PARAMETER_SLOTS."""
    slots = slots or PARAMETER_SLOTS
    uses = {}
    for node in model.graph.node:
        for index, name in enumerate(node.input):
            uses.setdefault(name, []).append((node, index))
    graph_outputs = {o.name for o in model.graph.output}
    memo = {}

    def parameter_only(name):
        if name not in memo:
            memo[name] = False  # a cycle does not make a value a parameter
            memo[name] = bool(uses.get(name)) and name not in graph_outputs and all(
                index in slots.get(node.op_type, ())
                or (node.output and all(parameter_only(o) for o in node.output if o))
                for node, index in uses[name])
        return memo[name]

    return [index for index, info in enumerate(model.graph.input)
            if parameter_only(info.name)]


def freeze_inputs(model, values):
    """Turns the graph inputs {index: ndarray} into initializers (in place);
    returns their names."""
    from onnx import numpy_helper

    frozen = [model.graph.input[index].name for index in sorted(values)]
    for index in sorted(values):
        model.graph.initializer.append(
            numpy_helper.from_array(values[index], model.graph.input[index].name))
    for name in frozen:
        model.graph.input.remove(next(i for i in model.graph.input if i.name == name))
    return frozen
