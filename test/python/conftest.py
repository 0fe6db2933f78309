import sys
from pathlib import Path

import pytest

# The `systolic` package lives in python/ and is used from the source tree.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))


def accel_devices_built():
    """Whether the runtime offers the Verilator-backed accel devices."""
    from systolic import runtime
    try:
        return "accel" in runtime.available_devices()
    except FileNotFoundError:
        return False


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "accel_sim: needs the simulator build (SYSTOLIC_ENABLE_SIM); skipped without it")
    config.addinivalue_line(
        "markers", "conformance: the ONNX node-test run (minutes); deselect with -m 'not conformance'")


def pytest_collection_modifyitems(config, items):
    marked = [item for item in items if item.get_closest_marker("accel_sim")]
    if marked and not accel_devices_built():
        skip = pytest.mark.skip(reason="built without the simulator (SYSTOLIC_ENABLE_SIM)")
        for item in marked:
            item.add_marker(skip)
