"""Shared steps of the accelerator end-to-end tests: compile an ONNX model
for --target=accel calibrated on random samples, run it on a device, and
compare with the f32 model."""
import subprocess

import numpy as np

import systolic

CALIBRATION_SAMPLES = 4
DEVICES = ("accel", "accel-golden", "cpu")


def compile_calibrated(onnx_path, shape, work, held_out_seed, flags=(), name=None):
    """Compiles a one-input model for the accelerator, calibrated on
    CALIBRATION_SAMPLES standard-normal samples of `shape`, with extra
    systolic-compile `flags`, to `name` (default: the model's). Returns the
    artifact, a held-out input file, and the placement report."""
    rng = np.random.default_rng(2026)
    flags = list(flags)
    for s in range(CALIBRATION_SAMPLES):
        calib = work / f"calib{s}.npy"
        np.save(calib, rng.standard_normal(shape).astype(np.float32))
        flags.append(f"--calibrate=@{calib}")
    held_out = work / "input.npy"
    np.save(held_out, np.random.default_rng(held_out_seed).standard_normal(shape).astype(np.float32))
    sysm = work / f"{name or onnx_path.stem}.accel.sysm"
    proc = subprocess.run([str(systolic.tool_path("systolic-compile")), str(onnx_path),
                           "--target=accel", *flags, "--report-placement", "-o", str(sysm)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return sysm, held_out, proc.stderr


def run_on(device, sysm, inputs, outputs):
    """systolic-run on `device`; returns the outputs as arrays."""
    proc = subprocess.run(
        [str(systolic.tool_path("systolic-run")), f"--module={sysm}", f"--device={device}",
         *[f"--input=@{p}" for p in inputs], *[f"--output=@{p}" for p in outputs]],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return [np.load(p) for p in outputs]


def assert_bit_identical(sysm, inputs, names, work):
    """The outputs on the golden model and the CPU reference equal the RTL's."""
    results = {d: run_on(d, sysm, inputs, [work / f"{d}.{n}.npy" for n in names])
               for d in DEVICES}
    for device in DEVICES[1:]:
        for name, got, rtl in zip(names, results[device], results["accel"]):
            assert got.dtype == rtl.dtype and got.shape == rtl.shape, name
            assert got.tobytes() == rtl.tobytes(), f"{name}: {device} differs from the RTL"


def cosine(a, b):
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def assert_close_to_f32(got, expected, name, top1=True):
    """Cosine similarity >= 0.99 (and the same top-1 class) against the f32
    model's output."""
    assert got.shape == expected.shape, name
    similarity = cosine(got, expected)
    assert similarity >= 0.99, f"{name}: cosine similarity {similarity:.4f}"
    if top1:
        assert np.array_equal(got.argmax(-1), expected.argmax(-1)), \
            f"{name}: top-1 differs from the f32 model"


def f32_outputs(onnx_path, inputs):
    """The f32 model's outputs (ONNX Runtime) on the .npy `inputs`, by name."""
    import onnxruntime as ort
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    feeds = {i.name: np.load(p) for i, p in zip(session.get_inputs(), inputs)}
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, feeds)))


def accel_outputs(sysm, inputs, names, work, device="accel-golden"):
    """The artifact's outputs on `device`, by name."""
    return dict(zip(names, run_on(device, sysm, inputs, [work / f"{n}.npy" for n in names])))


def bench_layer_rows(sysm, layer):
    """The per-layer rows of systolic-bench's accelerator table for `layer`."""
    proc = subprocess.run([str(systolic.tool_path("systolic-bench")), f"--module={sysm}",
                           "--device=accel-golden", "--iterations=1", "--warmup=0"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return [line for line in proc.stdout.splitlines() if f" {layer} " in line]
