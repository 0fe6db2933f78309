"""Writes one of the models for op variants the ONNX node tests use (pooling
dilations and indices, training-mode BatchNormalization and Dropout):
`gen_variants.py NAME OUT.onnx`. Builds on test/python/onnx_models.py."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import onnx  # noqa: E402
import numpy as np  # noqa: E402
from onnx import TensorProto  # noqa: E402
from onnx_models import F32, I64, const, model, node  # noqa: E402


def pool_dilations():
    """AveragePool with dilations (opset 19), and all-ones ones left implicit."""
    return model(
        [
            node("AveragePool", ["x"], ["a"], name="dilated", kernel_shape=[2, 2],
                 dilations=[2, 2], ceil_mode=1),
            node("AveragePool", ["x"], ["b"], name="undilated", kernel_shape=[3, 3],
                 dilations=[1, 1], count_include_pad=1, pads=[1, 1, 1, 1]),
            node("AveragePool", ["v"], ["c"], name="dilated3d", kernel_shape=[2, 2, 2],
                 strides=[2, 1, 1], dilations=[1, 2, 3], pads=[0, 1, 0, 1, 0, 1]),
        ],
        [("x", F32, [1, 2, 4, 4]), ("v", F32, [1, 1, 5, 5, 7])],
        [("a", F32, [1, 2, 2, 2]), ("b", F32, [1, 2, 4, 4]), ("c", F32, [1, 1, 3, 4, 5])],
        opset=19,
    )


def maxpool_indices():
    """MaxPool's Indices output in both storage orders; one without it."""
    return model(
        [
            node("MaxPool", ["x"], ["y", "z"], name="rows", kernel_shape=[5, 5],
                 pads=[2, 2, 2, 2]),
            node("MaxPool", ["x"], ["y1", "z1"], name="columns", kernel_shape=[2, 2],
                 strides=[2, 2], storage_order=1),
            # storage_order without the Indices output changes nothing.
            node("MaxPool", ["x"], ["y2"], name="plain", kernel_shape=[2, 2],
                 storage_order=1),
        ],
        [("x", F32, [1, 1, 5, 5])],
        [("y", F32, [1, 1, 5, 5]), ("z", I64, [1, 1, 5, 5]), ("z1", I64, [1, 1, 2, 2]),
         ("y2", F32, [1, 1, 4, 4])],
    )


def maxpool_bad_storage_order():
    return model(
        [node("MaxPool", ["x"], ["y", "z"], name="pool", kernel_shape=[2, 2], storage_order=2)],
        [("x", F32, [1, 1, 4, 4])],
        [("y", F32, [1, 1, 3, 3]), ("z", I64, [1, 1, 3, 3])],
    )


def batchnorm_training():
    """Training mode: batch statistics, running mean and variance updated."""
    return model(
        [node("BatchNormalization", ["x", "s", "b", "mean", "var"], ["y", "rm", "rv"],
              name="bn", training_mode=1, momentum=0.8, epsilon=1e-2)],
        [("x", F32, [2, 3, 4, 5]), ("mean", F32, [3]), ("var", F32, [3])],
        [("y", F32, [2, 3, 4, 5]), ("rm", F32, [3]), ("rv", F32, [3])],
        [const("s", np.ones(3, np.float32)), const("b", np.zeros(3, np.float32))],
        opset=15,
    )


def dropout_training(ratio, **seed):
    return model(
        [node("Dropout", ["x", "r", "t"], ["y", "mask"], name="dropout", **seed)],
        [("x", F32, [2, 3])],
        [("y", F32, [2, 3]), ("mask", TensorProto.BOOL, [2, 3])],
        [const("r", np.float32(ratio)), const("t", np.array(True))],
        opset=13,
    )


CASES = {f.__name__: f for f in (pool_dilations, maxpool_indices, maxpool_bad_storage_order,
                                 batchnorm_training)}
CASES["dropout_training_ratio_0"] = lambda: dropout_training(0.0, seed=0)
CASES["dropout_training_ratio_half"] = lambda: dropout_training(0.5, seed=0)
CASES["dropout_training_no_seed"] = lambda: dropout_training(0.5)

if __name__ == "__main__":
    onnx.save_model(CASES[sys.argv[1]](), sys.argv[2])
