"""The accelerator backend end to end: a quantized model written in the systolic
dialect (test/accel/conv-matmul.model: quantize -> conv2d 3x3 stride 2 pad 1
relu -> reshape -> matmul -> dequantize) compiled with --target=accel and run
on the cycle-accurate RTL (`accel`), the golden model (`accel-golden`) and the
CPU (`cpu`: the accel dispatches' CPU reference). Outputs must be bit-identical
across the three and equal a NumPy model of the integer semantics; counters
must agree with the layers' figures. Tiny layers only: the RTL runs a few
thousand cycles."""
import json
import re
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

import systolic
from systolic import runtime

MODEL = Path(__file__).resolve().parents[1] / "accel" / "conv-matmul.model"
CONV_MACS = 16 * (3 * 3 * 4) * 8  # 4x4 output pixels, K = 36, 8 filters
FC_MACS = 16 * 8 * 10


needs_sim = pytest.mark.accel_sim


def run(tool, *args):
    return subprocess.run([str(systolic.tool_path(tool)), *map(str, args)],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    out = tmp_path_factory.mktemp("accel")
    sysm = out / "model.sysm"
    systolic.compile_model(MODEL, "--target=accel", "--accel-config=8x8", "-o", sysm)
    x = np.random.default_rng(11).uniform(-1, 1, (1, 8, 8, 4)).astype(np.float32)
    np.save(out / "x.npy", x)
    return {"dir": out, "sysm": sysm, "x": x}


# --- A NumPy model of the layer ops (dialects/systolic/SystolicOps.td) -------

def constants():
    """The model's dense constants, in order of appearance."""
    found = []
    for m in re.finditer(r'dense<"0x([0-9A-F]*)"> : tensor<([0-9x]+)x(i8|i32)>', MODEL.read_text()):
        shape = tuple(int(d) for d in m.group(2).split("x"))
        dtype = np.dtype("<i1") if m.group(3) == "i8" else np.dtype("<i4")
        found.append(np.frombuffer(bytes.fromhex(m.group(1)), dtype).reshape(shape))
    return found


def output_path(acc, params, zero_point, relu=False):
    bias, mult, shift = (params[i].astype(np.int64) for i in range(3))
    x = (acc.astype(np.int64) + bias + 2**31) % 2**32 - 2**31  # wrapping int32
    p = x * mult
    s = shift & 63
    q = np.where(s == 0, p, ((p >> np.maximum(s - 1, 0)) + 1) >> 1)
    v = np.clip(q + zero_point, -128, 127)
    if relu:
        v = np.maximum(v, zero_point)
    return v.astype(np.int8)


def reference(x):
    w, p, w2, p2 = constants()
    q = np.clip(np.rint(x / np.float32(0.05)), -128, 127).astype(np.int8)
    padded = np.pad(q[0].astype(np.int32), ((1, 1), (1, 1), (0, 0)))
    acc = np.zeros((4, 4, 8), np.int64)
    for i in range(3):
        for j in range(3):
            patch = padded[i:i + 8:2, j:j + 8:2, :]  # stride 2
            acc += np.einsum("hwc,cf->hwf", patch, w[i, j].astype(np.int32))
    c = output_path(acc, p, 0, relu=True).reshape(16, 8)
    m = output_path(c.astype(np.int64) @ w2.astype(np.int64), p2, -3)
    return ((m.astype(np.float32) + 3) * np.float32(0.1)).astype(np.float32)


# --- Tests -------------------------------------------------------------------

def test_emit_report_shows_layout_and_dataflow():
    out = systolic.compile_model(MODEL, "--target=accel", "--accel-config=8x8", "--emit=accel")
    assert "hardware: 8x8 array" in out
    assert re.search(r"entry point d1_conv2d_conv1: conv2d M=16 K=36 N=8", out)
    assert f"macs {CONV_MACS} (programs {CONV_MACS})" in out
    assert re.search(r"entry point d3_matmul_fc: matmul M=16 K=8 N=10", out)
    assert "os: not applicable, the lhs is produced at run time" in out


@needs_sim
@pytest.mark.parametrize("device", ["accel", "accel-golden", "cpu"])
def test_outputs_match_reference(build, device):
    y = build["dir"] / f"y-{device}.npy"
    proc = run("systolic-run", f"--module={build['sysm']}", f"--input=@{build['dir'] / 'x.npy'}",
               f"--output=@{y}", f"--device={device}")
    assert proc.returncode == 0, proc.stderr
    np.testing.assert_array_equal(np.load(y), reference(build["x"]))


@needs_sim
def test_bit_identical_across_devices_through_the_c_api(build):
    module = runtime.Module.load(build["sysm"])
    outputs, counters = {}, {}
    for device in ("accel", "accel-golden", "cpu"):
        session = runtime.Session(module, devices=(device, "cpu"))
        (outputs[device],) = session.run(build["x"])
        counters[device] = session.dispatch_counters()
    assert outputs["accel"].tobytes() == outputs["accel-golden"].tobytes() == outputs["cpu"].tobytes()

    accel = [c for c in counters["accel"] if c["valid"]]
    assert [(c["layer"], c["macs"]) for c in accel] == [("conv2d", CONV_MACS), ("matmul", FC_MACS)]
    for c in accel:
        assert c["device"] == "accel" and c["cycle_accurate"] and c["dataflow"] == "ws"
        assert c["rows"] == c["cols"] == 8
        assert c["cycles"] > 0 and c["ideal_cycles"] > 0
        assert 0 < c["utilization"] <= 1
        assert c["utilization"] == pytest.approx(c["macs"] / (c["cycles"] * 64))
        assert c["compute_busy"] <= c["cycles"]
        assert c["dram_read_bytes"] > 0 and c["dram_write_bytes"] > 0
    golden = [c for c in counters["accel-golden"] if c["valid"]]
    # Event counters are exact in both models; the golden model's cycles are
    # its timing model's estimate, without busy/stall counts.
    for a, g in zip(accel, golden):
        for field in ("macs", "sp_reads", "sp_writes", "acc_reads", "acc_writes",
                      "dram_read_bytes", "dram_write_bytes"):
            assert a[field] == g[field], field
        assert not g["cycle_accurate"] and g["compute_busy"] == 0
        assert g["cycles"] == 0 or abs(g["cycles"] - a["cycles"]) <= 0.05 * a["cycles"]
        assert g["estimated_cycles"] > 0
    cpu = counters["cpu"]
    assert not any(c["valid"] for c in cpu)
    assert [c["uses_reference"] for c in cpu if c["name"] in ("conv1", "fc")] == [True, True]


@needs_sim
def test_run_prints_counters(build):
    proc = run("systolic-run", f"--module={build['sysm']}", f"--input=@{build['dir'] / 'x.npy'}",
               "--device=accel", "--print-timings")
    assert proc.returncode == 0, proc.stderr
    assert re.search(rf"dispatch 1 'conv1' on accel: .* us; conv2d ws: \d+ cycles \(ideal \d+, "
                     rf"x[0-9.]+\), {CONV_MACS} MACs, [0-9.]+% utilization", proc.stdout)
    proc = run("systolic-run", f"--module={build['sysm']}", f"--input=@{build['dir'] / 'x.npy'}",
               "--device=cpu", "--print-timings")
    assert "dispatch 1 'conv1' on cpu (CPU reference)" in proc.stdout


@needs_sim
def test_bench_reports_layers_and_energy(build):
    proc = run("systolic-bench", f"--module={build['sysm']}", "--device=accel", "--json",
               "--clock-mhz=500")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["iterations"] == 1 and report["warmup"] == 0  # the RTL runs once
    accel = report["accel"]
    assert accel["cycles_source"] == "rtl" and accel["process_node"] == "45nm"
    assert [l["macs"] for l in accel["layers"]] == [CONV_MACS, FC_MACS]
    total = accel["total"]
    assert total["macs"] == CONV_MACS + FC_MACS
    assert total["cycles"] == sum(l["cycles"] for l in accel["layers"])
    assert total["inferences_per_second"] == pytest.approx(500e6 / total["cycles"], rel=1e-3)
    assert total["energy_pj"] > total["macs"] * 0.3
    assert total["gops_per_watt"] > 0
    text = run("systolic-bench", f"--module={build['sysm']}", "--device=accel-golden",
               "--iterations=2", "--warmup=0")
    assert text.returncode == 0, text.stderr
    assert "cycles are the golden model's timing estimate, marked ~" in text.stdout
    assert "accel throughput at 1000 MHz" in text.stdout


@needs_sim
def test_default_device_is_the_golden_model(build):
    proc = run("systolic-run", f"--module={build['sysm']}", f"--input=@{build['dir'] / 'x.npy'}",
               "--print-timings")
    assert proc.returncode == 0, proc.stderr
    assert "dispatch 1 'conv1' on accel-golden" in proc.stdout


@needs_sim
def test_artifact_for_an_array_size_without_rtl_build(build):
    # 12x12: a valid configuration no RTL build has (the sizes built are
    # powers of two; 32x32 is an option).
    sysm = build["dir"] / "model12.sysm"
    systolic.compile_model(MODEL, "--target=accel", "--accel-config=12x12", "-o", sysm)
    proc = run("systolic-run", f"--module={sysm}", f"--input=@{build['dir'] / 'x.npy'}",
               "--device=accel")
    assert proc.returncode == 1
    assert proc.stderr.startswith(
        "systolic-run: error: executable 1 on device 'accel': the accel executable was "
        "compiled for a 12x12 array")
    assert "; RTL builds: " in proc.stderr and "16x16 (scratchpad" in proc.stderr
    assert proc.stderr.count("\n") == 1
    y = build["dir"] / "y12.npy"
    proc = run("systolic-run", f"--module={sysm}", f"--input=@{build['dir'] / 'x.npy'}",
               "--device=accel-golden", f"--output=@{y}")
    assert proc.returncode == 0, proc.stderr
    np.testing.assert_array_equal(np.load(y), reference(build["x"]))


# (lit test holding the model, its input's shape, MACs). dataflow-os.mlir: a
# constant lhs, stored transposed. dataflow-os-batch1.mlir: a run-time lhs of
# one row, read in place. The cost model chooses output-stationary for both.
OS_MODELS = [("dataflow-os.mlir", (64, 8), 4 * 64 * 8),
             ("dataflow-os-batch1.mlir", (1, 64), 64 * 8)]


@needs_sim
@pytest.mark.parametrize("model,shape,macs", OS_MODELS)
def test_output_stationary_matmul_is_bit_identical(model, shape, macs, tmp_path):
    sysm = tmp_path / "os.sysm"
    systolic.compile_model(MODEL.parent / model, "--target=accel", "--accel-config=8x8",
                           "-o", sysm)
    x = np.random.default_rng(5).integers(-20, 20, shape).astype(np.int8)
    module = runtime.Module.load(sysm)
    outputs = {}
    for device in ("accel", "accel-golden", "cpu"):
        session = runtime.Session(module, devices=(device, "cpu"))
        (outputs[device],) = session.run(x)
        if device != "cpu":
            (c,) = session.dispatch_counters()
            assert c["dataflow"] == "os" and c["macs"] == macs
    assert outputs["accel"].tobytes() == outputs["accel-golden"].tobytes() == outputs["cpu"].tobytes()


def reseal(data: bytearray) -> bytearray:
    """Recomputes the artifact's CRC (docs/artifact-format.md) after an edit."""
    root = struct.unpack_from("<I", data, 0)[0]
    vtable = root - struct.unpack_from("<i", data, root)[0]
    integrity = root + struct.unpack_from("<H", data, vtable + 4 + 2 * 1)[0]
    struct.pack_into("<I", data, integrity + 8, 0)
    struct.pack_into("<I", data, integrity + 8, zlib.crc32(bytes(data)) & 0xFFFFFFFF)
    return data


@needs_sim
def test_corrupt_accel_executable(build, tmp_path):
    data = bytearray(build["sysm"].read_bytes())
    at = data.find(b"SYSA")
    assert at > 0
    data[at:at + 4] = b"XXXX"
    bad = tmp_path / "bad.sysm"
    bad.write_bytes(reseal(data))
    proc = run("systolic-run", f"--module={bad}", f"--input=@{build['dir'] / 'x.npy'}",
               "--device=accel-golden")
    assert proc.returncode == 1
    assert re.fullmatch(
        r"systolic-run: error: executable 1 on device 'accel-golden': not a valid "
        r"systolic-accel-v1 executable: the identifier 'SYSA' is missing \(\d+ bytes\)\n",
        proc.stderr), proc.stderr
    # The CPU reference does not read the accel executable.
    assert run("systolic-run", f"--module={bad}", f"--input=@{build['dir'] / 'x.npy'}",
               "--device=cpu").returncode == 0
    # Without resealing, the artifact's checksum catches it first.
    data[at:at + 4] = b"YYYY"
    bad.write_bytes(data)
    proc = run("systolic-run", f"--module={bad}", "--device=cpu")
    assert "corrupted artifact: checksum mismatch" in proc.stderr


def test_compile_errors(tmp_path):
    with pytest.raises(systolic.ToolError) as info:
        systolic.compile_model(MODEL, "--target=accel", "--accel-config=8x8,dataflows=os",
                               "--emit=accel")
    assert "cannot run systolic.conv2d on a configuration without the weight-stationary " \
           "dataflow" in info.value.stderr
    with pytest.raises(systolic.ToolError) as info:
        systolic.compile_model(MODEL, "--target=accel", "--accel-config=99x99", "--emit=accel")
    assert "invalid --accel-config '99x99': invalid hardware config: rows=99 must be in " \
           "[2, 64]" in info.value.stderr
    with pytest.raises(systolic.ToolError) as info:
        systolic.compile_model(MODEL, "--accel-config=8x8", "--emit=plan")
    assert "--accel-config needs --target=accel" in info.value.stderr
