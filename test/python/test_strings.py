"""ONNX STRING tensors end to end: Equal between string inputs (broadcast)
and against a string initializer, compiled for the CPU (and for the
accelerator, where they stay on the CPU), run through systolic-run with
numpy's '<U'/'|S' .npy files and through the Python binding with str,
bytes and object arrays; compared with numpy's own equality. Bad string
inputs give one precise message."""
import subprocess

import numpy as np
import onnx
import pytest

import onnx_models
import systolic
from systolic import runtime

# Unicode beyond ASCII, the empty string, prefixes of each other.
X = np.array([["cat", "h\u00e9llo", ""], ["ca", "\U0001F600", "cat"]])
Y = np.array([["cat", "hello", ""]])


def expected(x, y):
    words = np.array(["cat", "h\u00e9llo", ""])
    return np.equal(x, y), np.equal(x, words)


@pytest.fixture(scope="module")
def strings_model(tmp_path_factory):
    work = tmp_path_factory.mktemp("strings")
    onnx.save_model(onnx_models.strings(), work / "model.onnx")
    for target in ("cpu", "accel"):
        systolic.compile_model(work / "model.onnx", f"--target={target}",
                               "-o", work / f"{target}.sysm")
    return work


@pytest.mark.parametrize("target", ["cpu", "accel"])
def test_systolic_run_reads_numpy_strings(strings_model, tmp_path, target):
    """'<U' (str) and '|S' (bytes) arrays in, booleans out, on either artifact."""
    np.save(tmp_path / "x.npy", X)
    np.save(tmp_path / "y.npy", np.char.encode(Y, "utf-8"))
    device = ["--device=accel-golden"] if target == "accel" else []
    systolic.run_tool("systolic-run", f"--module={strings_model / f'{target}.sysm'}",
                      f"--input=@{tmp_path / 'x.npy'}", f"--input=@{tmp_path / 'y.npy'}",
                      f"--output=@{tmp_path / 'same.npy'}",
                      f"--output=@{tmp_path / 'known.npy'}", *device)
    same, known = expected(X, Y)
    np.testing.assert_array_equal(np.load(tmp_path / "same.npy"), same)
    np.testing.assert_array_equal(np.load(tmp_path / "known.npy"), known)


def test_python_binding_takes_strings(strings_model):
    session = runtime.Session(runtime.Module.load(strings_model / "cpu.sysm"))
    rng = np.random.default_rng(0)
    vocabulary = np.array(["", "a", "ab", "abc", "\u00e9", "e\u0301", "cat"], dtype=object)
    for _ in range(5):
        x = rng.choice(vocabulary, (2, 3))
        y = rng.choice(vocabulary, (1, 3))
        same, known = session.run(x, np.char.encode(y.astype(str), "utf-8"))
        want_same, want_known = expected(x.astype(str), y.astype(str))
        np.testing.assert_array_equal(same, want_same)
        np.testing.assert_array_equal(known, want_known)


def test_bad_string_inputs(strings_model, tmp_path):
    sysm = strings_model / "cpu.sysm"
    np.save(tmp_path / "x.npy", X)
    np.save(tmp_path / "numbers.npy", np.zeros((1, 3), np.float32))
    proc = subprocess.run([str(systolic.tool_path("systolic-run")), f"--module={sysm}",
                           f"--input=@{tmp_path / 'x.npy'}",
                           f"--input=@{tmp_path / 'numbers.npy'}"],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "input 1 'y' expects string [1, 3], got f32 [1, 3]" in proc.stderr

    session = runtime.Session(runtime.Module.load(sysm))
    with pytest.raises(TypeError, match="without NUL"):
        session.set_input(0, np.array([["a\0b", "", ""], ["", "", ""]], dtype=object))
    with pytest.raises(TypeError, match="must be str or bytes"):
        session.set_input(0, np.array([[1, 2, 3], [4, 5, 6]], dtype=object))
    with pytest.raises(runtime.SystolicError, match=r"expects string \[2, 3\], got string \[3\]"):
        session.set_input(0, np.array(["a", "b", "c"]))
