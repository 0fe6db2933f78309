"""Writes one of the test models in test/python/onnx_models.py:
`gen.py NAME OUT.onnx`. External data lands next to OUT.onnx."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import onnx  # noqa: E402
import onnx_models  # noqa: E402

name, out = sys.argv[1], sys.argv[2]
model = onnx_models.CASES[name]()
if name == "external":
    onnx.save_model(model, out, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="weights.bin", size_threshold=0)
else:
    onnx.save_model(model, out)
