"""The bundled example models end to end: systolic-compile, systolic-run,
compared with ONNX Runtime on the same sample inputs; and systolic-run's
answers to bad inputs."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

import systolic

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
import make_models  # noqa: E402

# f32 results of the same math in a different order (tiled/vectorized
# reductions, fused conv+batchnorm) differ by a few ulp per accumulation;
# these bounds leave room for that and still catch any wrong element.
RTOL, ATOL = 1e-4, 1e-5


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def compiled(models):
    """Compiles a model once per test module: name -> (onnx path, .sysm path)."""
    cache = {}

    def get(name):
        if name not in cache:
            onnx_path = make_models.write_model(name, models)
            sysm = models / f"{name}.sysm"
            systolic.compile_model(onnx_path, "--target=cpu", "-o", sysm)
            cache[name] = (onnx_path, sysm)
        return cache[name]

    return get


def run_module(sysm, inputs, outputs):
    return subprocess.run(
        [str(systolic.tool_path("systolic-run")), f"--module={sysm}",
         *[f"--input=@{p}" for p in inputs], *[f"--output=@{p}" for p in outputs]],
        capture_output=True, text=True)


@pytest.mark.parametrize("name", make_models.MODELS)
def test_model_matches_onnxruntime(name, compiled, models, tmp_path):
    onnx_path, sysm = compiled(name)
    inputs = make_models.input_files(models, name)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    expected = session.run(None, {i.name: np.load(p) for i, p in zip(session.get_inputs(), inputs)})
    names = [o.name for o in session.get_outputs()]
    outputs = [tmp_path / f"{n}.npy" for n in names]

    proc = run_module(sysm, inputs, outputs)
    assert proc.returncode == 0, proc.stderr
    for out_name, path, ref in zip(names, outputs, expected):
        got = np.load(path)
        assert got.dtype == ref.dtype and got.shape == ref.shape, out_name
        if np.issubdtype(ref.dtype, np.integer):
            np.testing.assert_array_equal(got, ref, err_msg=out_name)
        else:
            np.testing.assert_allclose(got, ref, rtol=RTOL, atol=ATOL, err_msg=out_name)


# --- Large matrix products: cache-blocked, packed code vs NumPy --------------

# (M, K, N, op, threads): remainders of the register tile in M and N, k-blocks
# (K > 256), several m-blocks (M = 600), a transposed B (Gemm transB=1),
# two threads. All are big enough for the CPU backend to pack A and B.
MATMULS = [
    (100, 300, 130, "MatMul", 1),
    (70, 1000, 40, "MatMul", 1),
    (600, 256, 64, "MatMul", 1),
    (64, 520, 96, "GemmTransB", 1),
    (130, 384, 160, "MatMul", 2),
    (97, 300, 64, "GemmTransB", 2),
]


def matmul_model(path, m, k, n, op, rng):
    from onnx import TensorProto, helper, numpy_helper
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])
    if op == "MatMul":
        b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
        node = helper.make_node("MatMul", ["a", "b"], ["y"])
    else:
        b = rng.uniform(-1, 1, (n, k)).astype(np.float32)
        node = helper.make_node("Gemm", ["a", "b"], ["y"], transB=1)
    graph = helper.make_graph([node], "matmul", [a], [y],
                              [numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path.write_bytes(model.SerializeToString())
    return b if op == "MatMul" else b.T


@pytest.mark.parametrize("m,k,n,op,threads", MATMULS)
def test_large_matmul_matches_numpy(m, k, n, op, threads, tmp_path):
    rng = np.random.default_rng(m * 7 + k * 3 + n)
    onnx_path = tmp_path / "matmul.onnx"
    b = matmul_model(onnx_path, m, k, n, op, rng)
    sysm = tmp_path / "matmul.sysm"
    systolic.compile_model(onnx_path, "--target=cpu", f"--num-threads={threads}",
                           "-o", sysm)
    a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
    np.save(tmp_path / "a.npy", a)
    proc = run_module(sysm, [tmp_path / "a.npy"], [tmp_path / "y.npy"])
    assert proc.returncode == 0, proc.stderr
    expected = a.astype(np.float64) @ b.astype(np.float64)
    # Sums of K products of values in [-1, 1], rounded in f32.
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), expected,
                               rtol=1e-4, atol=1e-5 * k)


# --- Strided convolutions with unit dimensions around the strided one -------

# (input NCHW, weight FCHW, strides): one input channel with a column stride,
# one output column with a column stride, and ResNet-style stride-2 layers.
# Their register tiles are strided slices with several unit dimensions
# (which once crashed expand-strided-metadata).
STRIDED_CONVS = [
    ((1, 1, 8, 8), (4, 1, 3, 3), (2, 2)),
    ((1, 3, 4, 5), (8, 3, 2, 2), (2, 4)),
    ((1, 1, 9, 9), (1, 1, 3, 3), (3, 3)),
    ((1, 16, 14, 14), (32, 16, 3, 3), (2, 2)),
    ((1, 8, 7, 7), (16, 8, 1, 1), (2, 2)),
]


@pytest.mark.parametrize("x_shape,w_shape,strides", STRIDED_CONVS)
def test_strided_conv_matches_onnxruntime(x_shape, w_shape, strides, tmp_path):
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(sum(x_shape) + sum(w_shape))
    w = rng.uniform(-1, 1, w_shape).astype(np.float32)
    out = [(x_shape[2 + i] - w_shape[2 + i]) // strides[i] + 1 for i in range(2)]
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["y"], strides=list(strides))],
        "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x_shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, w_shape[0], *out])],
        [numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx_path = tmp_path / "conv.onnx"
    onnx_path.write_bytes(model.SerializeToString())
    sysm = tmp_path / "conv.sysm"
    systolic.compile_model(onnx_path, "--target=cpu", "-o", sysm)
    x = rng.uniform(-1, 1, x_shape).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    proc = run_module(sysm, [tmp_path / "x.npy"], [tmp_path / "y.npy"])
    assert proc.returncode == 0, proc.stderr
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    expected = session.run(None, {"x": x})[0]
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), expected, rtol=RTOL, atol=ATOL)


# --- Bad inputs: one precise message, exit code 1 ----------------------------

# manhattan_nn: queries f32 [8, 16], database f32 [128, 16].
@pytest.fixture(scope="module")
def knn(compiled, models):
    _, sysm = compiled("manhattan_nn")
    return sysm, make_models.input_files(models, "manhattan_nn")


def assert_one_error(proc, message):
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("systolic-run: error: "), lines[0]
    assert message in lines[0], lines[0]


def test_wrong_shape(knn, tmp_path):
    sysm, (queries, database) = knn
    bad = tmp_path / "queries.npy"
    np.save(bad, np.zeros((8, 15), np.float32))
    assert_one_error(run_module(sysm, [bad, database], []),
                     "input 0 'queries' expects f32 [8, 16], got f32 [8, 15]")


def test_wrong_dtype(knn, tmp_path):
    sysm, (queries, database) = knn
    bad = tmp_path / "database.npy"
    np.save(bad, np.load(database).astype(np.float64))
    assert_one_error(run_module(sysm, [queries, bad], []),
                     "input 1 'database' expects f32 [128, 16], got f64 [128, 16]")


def test_missing_input(knn):
    sysm, (queries, _) = knn
    assert_one_error(run_module(sysm, [queries], []),
                     "missing input 1 'database' (f32 [128, 16])")


def test_unreadable_npy(knn, tmp_path):
    sysm, (queries, _) = knn
    garbage = tmp_path / "garbage.npy"
    garbage.write_bytes(b"not a numpy file")
    assert_one_error(run_module(sysm, [queries, garbage], []), "input 1 'database'")
    absent = tmp_path / "absent.npy"
    assert_one_error(run_module(sysm, [queries, absent], []),
                     f"cannot read '{absent}': No such file or directory")


def test_too_many_inputs(knn):
    sysm, (queries, database) = knn
    assert_one_error(run_module(sysm, [queries, database, queries], []),
                     "the model has 2 inputs (queries, database), but 3 --input values were given")


def test_unsigned_integers_match_onnxruntime(tmp_path):
    """uint8 image input, uint32 arithmetic past 2^31: the unsigned
    operations, not the signed ones, and the runtime's u8/u32 .npy I/O."""
    import onnx_models
    onnx_path = tmp_path / "unsigned.onnx"
    onnx_path.write_bytes(onnx_models.unsigned().SerializeToString())
    sysm = tmp_path / "unsigned.sysm"
    systolic.compile_model(onnx_path, "--target=cpu", "-o", sysm)
    rng = np.random.default_rng(7)
    feeds = {"image": rng.integers(0, 256, (1, 1, 4, 4), dtype=np.uint8),
             "n": np.array([7, 4000000001], np.uint32)}
    inputs = []
    for name, value in feeds.items():
        np.save(tmp_path / f"{name}.npy", value)
        inputs.append(tmp_path / f"{name}.npy")
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    outputs = [tmp_path / f"out_{n}.npy" for n in names]
    proc = run_module(sysm, inputs, outputs)
    assert proc.returncode == 0, proc.stderr
    for name, path, want in zip(names, outputs, session.run(None, feeds)):
        got = np.load(path)
        assert got.dtype == want.dtype, name
        np.testing.assert_array_equal(got, want, err_msg=name)
