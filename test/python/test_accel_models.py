"""The bundled example models on the accelerator (issue 6's acceptance).

Each model is calibrated on random samples, compiled with --target=accel
(16x16 array), and run on a held-out input (the model's bundled sample) on the
cycle-accurate RTL (`accel`), the golden model (`accel-golden`) and the CPU
int8 reference (`cpu`). The three must agree bit for bit; against the f32
model (ONNX Runtime) the top-1 prediction must agree and the cosine similarity
of the outputs must be at least 0.99.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

import systolic
from accel_helpers import (CALIBRATION_SAMPLES, accel_outputs, assert_bit_identical,
                           assert_close_to_f32, f32_outputs)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
import make_models  # noqa: E402

# name -> the output compared with the f32 model (a classifier's scores, or
# the MLP's prediction).
MODELS = {"resnet_tiny": "probabilities", "cnn_lstm": "logits", "cnn3d": "logits",
          "mlp": "prediction"}


pytestmark = pytest.mark.accel_sim


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("accel_models")


@pytest.fixture(scope="module")
def compiled(workdir):
    """name -> (.onnx, .sysm, held-out input files), compiled once."""
    cache = {}

    def get(name):
        if name in cache:
            return cache[name]
        onnx_path = make_models.write_model(name, workdir)
        held_out = make_models.input_files(workdir, name)
        rng = np.random.default_rng(2026)
        flags = []
        for s in range(CALIBRATION_SAMPLES):
            files = []
            for path in held_out:
                sample = np.load(path)
                calib = workdir / f"{name}.calib{s}.{path.name}"
                np.save(calib, rng.standard_normal(sample.shape).astype(sample.dtype))
                files.append(f"@{calib}")
            flags.append("--calibrate=" + ",".join(files))
        sysm = workdir / f"{name}.accel.sysm"
        systolic.compile_model(onnx_path, "--target=accel", *flags, "-o", sysm)
        cache[name] = (onnx_path, sysm, held_out)
        return cache[name]

    return get


def output_names(onnx_path):
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    return session, [o.name for o in session.get_outputs()]


@pytest.mark.parametrize("name", MODELS)
def test_bit_identical_on_rtl_golden_and_cpu(name, compiled, tmp_path):
    onnx_path, sysm, inputs = compiled(name)
    _, names = output_names(onnx_path)
    assert_bit_identical(sysm, inputs, names, tmp_path)


@pytest.mark.parametrize("name", MODELS)
def test_close_to_the_f32_model(name, compiled, tmp_path):
    onnx_path, sysm, inputs = compiled(name)
    expected = f32_outputs(onnx_path, inputs)
    got = accel_outputs(sysm, inputs, list(expected), tmp_path)
    key = MODELS[name]
    assert_close_to_f32(got[key], expected[key], f"{name}.{key}", top1=key != "prediction")


def test_missing_calibration_is_a_precise_error(compiled, workdir, tmp_path):
    onnx_path = make_models.write_model("resnet_tiny", workdir)
    proc = subprocess.run([str(systolic.tool_path("systolic-compile")), str(onnx_path),
                           "--target=accel", "-o", str(tmp_path / "x.sysm")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "has no calibration range; compile with --calibrate=@sample.npy" in proc.stderr
    assert proc.stderr.count("error:") == 1, proc.stderr
    assert not (tmp_path / "x.sysm").exists()


def test_calibration_sample_of_the_wrong_shape(workdir, tmp_path):
    onnx_path = make_models.write_model("resnet_tiny", workdir)
    bad = tmp_path / "bad.npy"
    np.save(bad, np.zeros((1, 3, 16, 16), np.float32))
    proc = subprocess.run([str(systolic.tool_path("systolic-compile")), str(onnx_path),
                           "--target=accel", f"--calibrate=@{bad}", "-o", str(tmp_path / "x.sysm")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "calibration: sample" in proc.stderr and "[1, 3, 32, 32]" in proc.stderr, proc.stderr


def test_placement_report_names_every_op(workdir, tmp_path, compiled):
    onnx_path, _, inputs = compiled("resnet_tiny")
    proc = subprocess.run([str(systolic.tool_path("systolic-compile")), str(onnx_path),
                           "--target=accel", f"--calibrate=@{inputs[0]}", "--report-placement",
                           "-o", str(tmp_path / "x.sysm")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'accel  nn.add "/layer1/Add": systolic.scaled_add, relu fused' in proc.stderr
    assert 'cpu  nn.softmax "/Softmax": no accelerator mapping for nn.softmax' in proc.stderr


def test_quantization_error_report(workdir, tmp_path, compiled):
    onnx_path, _, inputs = compiled("mlp")
    proc = subprocess.run([str(systolic.tool_path("systolic-compile")), str(onnx_path),
                           "--target=accel", "--calibrate=" + ",".join(f"@{p}" for p in inputs),
                           "--report-quantization-error", "-o", str(tmp_path / "x.sysm")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "quantization error against the f32 model over 1 calibration sample(s)" in proc.stderr
    rows = {line.split()[0]: line.split()[1:] for line in proc.stderr.splitlines()[2:]}
    assert set(rows) == {"prediction", "mae", "mse", "huber", "l1_penalty", "loss"}, proc.stderr
    assert float(rows["prediction"][0]) >= 0.99, proc.stderr
