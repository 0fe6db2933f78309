import sys
from pathlib import Path

# The `systolic` package lives in python/ and is used from the source tree.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "conformance: the ONNX node-test run (minutes); deselect with -m 'not conformance'")
