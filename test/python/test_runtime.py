"""The runtime through its C API (ctypes binding) and the systolic-run /
systolic-bench drivers, on artifacts built by the runtime's test-model helper."""
import json
import struct
import subprocess

import numpy as np
import pytest

import systolic
from systolic import runtime

W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75], [0.0, -0.25, 1.0]],
             dtype=np.float32)
B = np.array([0.1, -0.2, 0.3], dtype=np.float32)


def mlp_reference(x):
    return np.maximum(x @ W + B, 0)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    out = tmp_path_factory.mktemp("artifacts")
    paths = {}
    for name in ("add", "mlp"):
        paths[name] = out / f"{name}.sysm"
        systolic.run_tool("runtime-test-artifact", name, paths[name])
    return paths


def run(tool, *args):
    return subprocess.run([str(systolic.tool_path(tool)), *map(str, args)],
                          capture_output=True, text=True)


def save(path, array):
    np.save(path, array)
    return path


# --- C API through ctypes ---------------------------------------------------

def test_module_signature(artifacts):
    module = runtime.Module.load(artifacts["mlp"])
    assert [(t.name, t.dtype, t.shape) for t in module.inputs] == [("x", np.float32, (2, 4))]
    assert [(t.name, t.shape) for t in module.outputs] == [("y", (2, 3))]
    assert [(n, d) for n, d, _ in module.dispatches] == [("fc1/matmul", "cpu"), ("fc1/relu", "cpu")]


def test_session_runs_mlp(artifacts):
    session = runtime.Session(runtime.Module.load(artifacts["mlp"]))
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.standard_normal((2, 4)).astype(np.float32)
        (y,) = session.run(x)
        np.testing.assert_allclose(y, mlp_reference(x), rtol=1e-6, atol=1e-6)
    times = session.dispatch_times_ns()
    assert [name for name, _, _ in times] == ["fc1/matmul", "fc1/relu"]
    assert all(ns > 0 for _, _, ns in times)


def test_module_from_bytes(artifacts):
    module = runtime.Module.from_bytes(artifacts["add"].read_bytes())
    x, y = np.ones((2, 3), np.float32), np.arange(6, dtype=np.float32).reshape(2, 3)
    (z,) = runtime.Session(module).run(x, y)
    np.testing.assert_array_equal(z, x + y)


def test_c_api_errors(artifacts, tmp_path):
    module = runtime.Module.load(artifacts["add"])
    session = runtime.Session(module)
    with pytest.raises(runtime.SystolicError) as info:
        session.run()
    assert info.value.code == "FAILED_PRECONDITION"
    assert str(info.value) == "input 0 'x' has not been set"
    with pytest.raises(runtime.SystolicError, match=r"input 1 'y' expects f32 \[2, 3\], got f64 \[2, 3\]"):
        session.set_input(1, np.zeros((2, 3)))
    with pytest.raises(runtime.SystolicError, match="unknown device 'gpu'; available: (accel, accel-golden, )?cpu$"):
        runtime.Session(module, devices=("gpu",))
    truncated = tmp_path / "t.sysm"
    truncated.write_bytes(artifacts["add"].read_bytes()[:200])
    with pytest.raises(runtime.SystolicError) as info:
        runtime.Module.load(truncated)
    assert info.value.code == "DATA_LOSS"
    assert "truncated artifact" in str(info.value)


# --- systolic-run --------------------------------------------------------------

def test_run_writes_outputs(artifacts, tmp_path):
    x = np.random.default_rng(1).standard_normal((2, 4)).astype(np.float32)
    out = tmp_path / "y.npy"
    proc = run("systolic-run", f"--module={artifacts['mlp']}", f"--input=@{save(tmp_path / 'x.npy', x)}",
               f"--output=@{out}")
    assert proc.returncode == 0, proc.stderr
    np.testing.assert_allclose(np.load(out), mlp_reference(x), rtol=1e-6, atol=1e-6)


def test_run_prints_summary_and_accepts_names(artifacts, tmp_path):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = np.full((2, 3), 10, dtype=np.float32)
    proc = run("systolic-run", f"--module={artifacts['add']}",
               f"--input=y=@{save(tmp_path / 'y.npy', y)}", f"--input=@{save(tmp_path / 'x.npy', x)}",
               "--print-timings")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(
        "output 0 'z': f32 [2, 3]\n  values: [10, 11, 12, 13, 14, 15]\n"
        "  min 10, max 15, mean 12.5\n")
    assert "dispatch 0 'add' on cpu:" in proc.stdout


@pytest.mark.parametrize("make_input, message", [
    (lambda d: save(d / "x.npy", np.zeros((2, 5), np.float32)),
     "'{p}': input 0 'x' expects f32 [2, 4], got f32 [2, 5]"),
    (lambda d: save(d / "x.npy", np.zeros((2, 4), np.int32)),
     "'{p}': input 0 'x' expects f32 [2, 4], got i32 [2, 4]"),
    (lambda d: save(d / "x.npy", np.zeros((2, 4), ">f4")),
     "input 0 'x': '{p}': big-endian data (dtype '>f4') is not supported"),
    (lambda d: save(d / "x.npy", np.asfortranarray(np.zeros((2, 4), np.float32))),
     "input 0 'x': '{p}': Fortran-ordered data is not supported"),
    (lambda d: (d / "x.npy").write_bytes(b"not numpy") and d / "x.npy",
     "input 0 'x': '{p}': not a .npy file"),
    (lambda d: d / "absent.npy",
     "input 0 'x': cannot read '{p}': No such file or directory"),
])
def test_run_rejects_bad_inputs(artifacts, tmp_path, make_input, message):
    path = make_input(tmp_path)
    proc = run("systolic-run", f"--module={artifacts['mlp']}", f"--input=@{path}")
    assert proc.returncode == 1
    assert proc.stderr.startswith("systolic-run: error: " + message.format(p=path)), proc.stderr
    assert proc.stderr.count("\n") == 1


def test_run_rejects_truncated_npy_data(artifacts, tmp_path):
    path = save(tmp_path / "x.npy", np.zeros((2, 4), np.float32))
    path.write_bytes(path.read_bytes()[:-4])
    proc = run("systolic-run", f"--module={artifacts['mlp']}", f"--input=@{path}")
    assert proc.returncode == 1
    assert "truncated .npy data: f32 [2, 4] needs 32 bytes, the file holds 28" in proc.stderr


def test_run_rejects_missing_and_extra_inputs(artifacts, tmp_path):
    x = save(tmp_path / "x.npy", np.zeros((2, 3), np.float32))
    proc = run("systolic-run", f"--module={artifacts['add']}", f"--input=@{x}")
    assert proc.returncode == 1
    assert proc.stderr == ("systolic-run: error: missing input 1 'y' (f32 [2, 3]): pass "
                           "--input=@file.npy in signature order or --input=y=@file.npy\n")
    proc = run("systolic-run", f"--module={artifacts['add']}", *[f"--input=@{x}"] * 3)
    assert proc.returncode == 1
    assert "the model has 2 inputs (x, y), but 3 --input values were given" in proc.stderr


def version_offset(data: bytes) -> int:
    """File offset of Model.version (field 0): root table, then its vtable."""
    table = struct.unpack_from("<I", data, 0)[0]
    vtable = table - struct.unpack_from("<i", data, table)[0]
    return table + struct.unpack_from("<H", data, vtable + 4)[0]


@pytest.mark.parametrize("corrupt, message", [
    (lambda b: b[:len(b) // 2], "truncated artifact: the header records"),
    (lambda b: b[:6], "truncated artifact: 6 bytes, too short to hold the file header"),
    (lambda b: b[:4] + b"ABCD" + b[8:], "not a Systolic artifact: file identifier is 'ABCD'"),
    (lambda b: b[:len(b) // 2] + bytes([b[len(b) // 2] ^ 0xFF]) + b[len(b) // 2 + 1:],
     "corrupted artifact: checksum mismatch"),
    (lambda b: b[:version_offset(b)] + struct.pack("<HH", 7, 0) + b[version_offset(b) + 4:],
     "artifact format version 7.0 is newer than this runtime supports (1.4)"),
])
@pytest.mark.parametrize("tool", ["systolic-run", "systolic-bench"])
def test_tools_reject_bad_artifacts(artifacts, tmp_path, corrupt, message, tool):
    bad = tmp_path / "bad.sysm"
    bad.write_bytes(corrupt(artifacts["add"].read_bytes()))
    proc = run(tool, f"--module={bad}")
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{tool}: error: cannot load '{bad}': {message}"), proc.stderr
    assert proc.stderr.count("\n") == 1


# --- systolic-bench --------------------------------------------------------------

def test_bench_json(artifacts):
    proc = run("systolic-bench", f"--module={artifacts['mlp']}", "--warmup=2", "--iterations=50",
               "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["iterations"] == 50
    assert report["flops_per_run"] == 60
    lat = report["latency_ms"]
    assert 0 < lat["min"] <= lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"]
    assert report["throughput"]["inferences_per_second"] > 0
    assert [d["name"] for d in report["dispatches"]] == ["fc1/matmul", "fc1/relu"]
    assert 0 < sum(d["share"] for d in report["dispatches"]) <= 1
    assert report["intermediate_bytes"] == {"arena": 24, "unshared": 64}


def test_bench_text_with_inputs(artifacts, tmp_path):
    x = save(tmp_path / "x.npy", np.ones((2, 4), np.float32))
    proc = run("systolic-bench", f"--module={artifacts['mlp']}", f"--input=@{x}", "--min-time=0.05")
    assert proc.returncode == 0, proc.stderr
    for text in ("latency (ms): mean", "p50", "p90", "p99", "inferences/s", "GFLOP/s",
                 "fc1/matmul", "(runtime overhead)"):
        assert text in proc.stdout
