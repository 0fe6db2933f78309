"""The ONNX importer on the onnx package's backend node tests (import and
verify only, via scripts/onnx-node-tests.py) and on the test models that
test/onnx builds."""
import importlib.util
import os
from pathlib import Path

import numpy as np
import onnx
import pytest

import onnx_models
import systolic

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "onnx-node-tests.py"
_spec = importlib.util.spec_from_file_location("onnx_node_tests", SCRIPT)
node_tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(node_tests)


def test_listed_node_tests_import():
    tests = node_tests.listed_tests()
    # The onnx package ships (or generates) hundreds of node tests for the
    # listed ops; a near-empty set would make the check below meaningless.
    assert len(tests) > 700
    results = node_tests.run(systolic.tool_path("systolic-compile"), tests, os.cpu_count() or 2)
    failed = {name: msg for name, (ok, msg, why) in results.items() if not ok and not why}
    assert not failed, "\n".join(f"{name}: {msg}" for name, msg in sorted(failed.items()))
    imported = sum(1 for ok, _, _ in results.values() if ok)
    assert imported >= 620
    gaps = sorted(name for name, (_, _, why) in results.items() if why and why.startswith("gap:"))
    # AveragePool dilations and MaxPool indices were the last dialect gaps.
    assert gaps == []


def test_parameter_inputs_are_frozen_only_in_parameter_slots():
    reshape = onnx_models.model(
        [onnx_models.node("Reshape", ["x", "s"], ["y"]),
         onnx_models.node("Add", ["x", "x2"], ["z"])],
        [("x", onnx.TensorProto.FLOAT, [6]), ("s", onnx.TensorProto.INT64, [2]),
         ("x2", onnx.TensorProto.FLOAT, [6])],
        [("y", onnx.TensorProto.FLOAT, [2, 3]), ("z", onnx.TensorProto.FLOAT, [6])])
    inputs = [np.zeros(6, np.float32), np.array([2, 3]), np.zeros(6, np.float32)]
    assert node_tests.freeze_parameters(reshape, inputs) == ["s"]
    assert [i.name for i in reshape.graph.input] == ["x", "x2"]
    assert onnx.numpy_helper.to_array(reshape.graph.initializer[0]).tolist() == [2, 3]


# Models that are wrong on purpose, for the importer's error tests; ONNX's own
# shape inference rejects them too.
INVALID = {"bad_shape", "bad_value_info", "unsupported", "string_into_relu"}


@pytest.mark.parametrize("name", sorted(onnx_models.CASES))
def test_test_models_are_valid_onnx(name):
    model = onnx_models.CASES[name]()
    onnx.checker.check_model(model)
    if name in INVALID:
        with pytest.raises(onnx.shape_inference.InferenceError):
            onnx.checker.check_model(model, full_check=True)
    else:
        onnx.checker.check_model(model, full_check=True)
