#!/usr/bin/env python3
"""Imports the ONNX backend node tests for the ops nn supports and lists those
that do not import and verify.

The node tests are the models the `onnx` package ships (or, for wheels that no
longer ship the data, the same models generated from its test-case sources and
cached). Only import is checked (`systolic-compile --emit=nn`): no execution.
The importer itself checks that every graph output it produces has the type
and shape the model declares.

A failure whose message matches one of KNOWN_LIMITS (types nn tensors cannot
represent) is listed separately with its reason; any other failure is a bug.
Exit status: 0 when there are no unexpected failures.

    scripts/onnx-node-tests.py [--compiler build/bin/systolic-compile] [-v]
    scripts/onnx-node-tests.py --write-doc docs/supported-onnx-ops.md
"""
import argparse
import concurrent.futures
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import onnx_parameters  # noqa: E402
from onnx_parameters import freeze_inputs, parameter_inputs  # noqa: E402

# The ops the nn dialect lists (issue #3's acceptance list).
LISTED_OPS = frozenset("""
Conv ConvTranspose Gemm MatMul LSTM GRU MaxPool AveragePool GlobalAveragePool
GlobalMaxPool BatchNormalization Flatten Reshape Transpose Concat Slice Gather
Pad Squeeze Unsqueeze Expand Relu LeakyRelu PRelu Sigmoid HardSigmoid Tanh
Softmax LogSoftmax Gelu Elu Selu Softplus Clip Add Sub Mul Div Pow Max Min Abs
Sign Neg Exp Log Sqrt Where Equal Less Greater LessOrEqual GreaterOrEqual
ReduceSum ReduceMean ReduceMax ReduceMin ReduceL1 ReduceL2 ReduceProd
ReduceSumSquare ArgMax ArgMin SoftmaxCrossEntropyLoss NegativeLogLikelihoodLoss
Constant Identity Dropout Shape Cast ConstantOfShape Range
""".split())

# Failures that are limits of the nn type system, not importer bugs.
KNOWN_LIMITS = [
    (re.compile(r"unsupported (element|data) type STRING|value (STRING) for attribute 'to'"),
     "strings"),
    (re.compile(r"(type|value) (COMPLEX\w*)"), "complex"),
    (re.compile(r"only tensor inputs are supported"),
     "sequence/optional inputs"),
    (re.compile(r"training_mode = true is not supported|'training_mode': only inference"),
     "training mode (an inference compiler)"),
    # Left after freezing parameter-only inputs: parameters computed from
    # run-time data, so the output shape depends on input values.
    (re.compile(r"must be a compile-time (integer|scalar) constant"),
     "shapes that depend on run-time input values"),
]


# Failures for ONNX features the nn dialect does not have yet (the importer
# reports them precisely). Listed apart from KNOWN_LIMITS because they are
# fixable: each needs an nn op extension first.
NN_GAPS = []  # none left: AveragePool dilations and MaxPool indices import now


def build_dir():
    return Path(os.environ.get("SYSTOLIC_BUILD_DIR", ROOT / "build"))


def freeze_parameters(model, inputs):
    """Turns parameter-only graph inputs into initializers; returns their names."""
    return freeze_inputs(model, {index: inputs[index] for index in parameter_inputs(model)
                                 if index < len(inputs) and inputs[index] is not None})


def _shipped_cases(directory):
    """(name, model, first data set's inputs) from the package's test data."""
    import onnx
    from onnx import numpy_helper

    for model_path in sorted(directory.glob("*/model.onnx")):
        model = onnx.load(model_path)
        inputs = []
        for i in range(len(model.graph.input)):
            pb = model_path.parent / "test_data_set_0" / f"input_{i}.pb"
            inputs.append(numpy_helper.to_array(onnx.load_tensor(str(pb))) if pb.exists() else None)
        yield model_path.parent.name, model, inputs


def _generated_cases():
    """The same cases, generated from the package's test-case sources."""
    import warnings

    from onnx.backend.test.case import node

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = node.collect_testcases(None)
    for case in cases:
        inputs = list(case.data_sets[0][0]) if case.data_sets else []
        yield case.name, case.model, [
            i if hasattr(i, "dtype") else None for i in inputs]


def node_test_models(cache=None):
    """{test name: (model path, op types, frozen inputs)} for every node test,
    prepared once into `cache` (a JSON manifest keeps later runs fast)."""
    import json

    import onnx

    # The prepared models depend on the freezing rules: a change to them
    # prepares a new cache.
    rules = hashlib.sha1(Path(onnx_parameters.__file__).read_bytes()).hexdigest()[:8]
    cache = Path(cache or build_dir() / "onnx-node-tests" / f"{onnx.__version__}-{rules}")
    manifest = cache / "manifest.json"
    if not manifest.exists():
        shipped = Path(onnx.__file__).parent / "backend" / "test" / "data" / "node"
        cases = _shipped_cases(shipped) if shipped.is_dir() else _generated_cases()
        entries = {}
        for name, model, inputs in cases:
            frozen = freeze_parameters(model, inputs)
            out = cache / name / "model.onnx"
            out.parent.mkdir(parents=True, exist_ok=True)
            onnx.save_model(model, out)
            entries[name] = {"ops": sorted({n.op_type for n in model.graph.node}),
                             "frozen": frozen}
        manifest.write_text(json.dumps(entries, indent=0, sort_keys=True))
    entries = json.loads(manifest.read_text())
    return {name: (cache / name / "model.onnx", set(e["ops"]), e["frozen"])
            for name, e in entries.items()}


def listed_tests(cache=None):
    """{test name: (path, op types, frozen inputs)} for the tests using only
    listed ops."""
    return {name: entry for name, entry in node_test_models(cache).items()
            if entry[1] and entry[1] <= LISTED_OPS}


def import_model(compiler, path):
    """(ok, first error line) for one model."""
    proc = subprocess.run([str(compiler), str(path), "--emit=nn", "-o", os.devnull],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode == 0:
        return True, ""
    lines = [l for l in proc.stderr.splitlines() if "error" in l] or proc.stderr.splitlines()
    return False, (lines[0] if lines else f"exit code {proc.returncode}").strip()


def known_limit(message):
    """The reason a failure is expected ("gap: ..." for NN_GAPS), or None."""
    for pattern, reason in KNOWN_LIMITS:
        if pattern.search(message):
            return reason
    for pattern, reason in NN_GAPS:
        if pattern.search(message):
            return "gap: " + reason
    return None


def run(compiler, tests, jobs):
    """{test name: (ok, message, known-limit reason or None)}."""
    results = {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = {pool.submit(import_model, compiler, entry[0]): name
                   for name, entry in tests.items()}
        for future in concurrent.futures.as_completed(futures):
            ok, message = future.result()
            results[futures[future]] = (ok, message, None if ok else known_limit(message))
    return results


def write_doc(compiler, out):
    table = subprocess.run([str(compiler), "--list-onnx-ops"], check=True,
                           capture_output=True, text=True).stdout
    Path(out).write_text(
        "# Supported ONNX ops\n\n"
        "Generated by `scripts/onnx-node-tests.py --write-doc` from the importer's\n"
        "converter registry (`lowering/onnx/OpConverters.cpp`); do not edit.\n\n"
        "Opsets are those of the default (`ai.onnx`) domain; IR versions 3 to 14\n"
        "are accepted. Element types: f32, f64, f16, bf16, i8, i16, i32, i64,\n"
        "bool. Tensor-valued parameters named in *limits* must fold to\n"
        "compile-time constants during import (PyTorch's Shape->Gather->Concat\n"
        "chains do). Graph inputs with dynamic dimensions need `--input-shape` or\n"
        "`--batch-size`.\n\n" + table)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compiler", default=build_dir() / "bin" / "systolic-compile")
    parser.add_argument("--cache", help="where generated node tests are kept")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list the tests that fail for known limits")
    parser.add_argument("--write-doc", metavar="FILE",
                        help="write the supported-ops table and exit")
    args = parser.parse_args()
    if args.write_doc:
        write_doc(args.compiler, args.write_doc)
        return 0
    tests = listed_tests(args.cache)
    results = run(args.compiler, tests, args.jobs)
    passed = sorted(n for n, (ok, _, _) in results.items() if ok)
    limited = sorted(n for n, (ok, _, why) in results.items() if not ok and why)
    failed = sorted(n for n, (ok, _, why) in results.items() if not ok and not why)
    if args.verbose:
        for name in limited:
            print(f"LIMIT {name}: {results[name][2]}")
    for name in failed:
        print(f"FAIL  {name}: {results[name][1]}")
    reasons = {}
    for name in limited:
        reasons[results[name][2]] = reasons.get(results[name][2], 0) + 1
    frozen = sum(1 for entry in tests.values() if entry[2])
    print(f"{len(tests)} node tests use only listed ops ({frozen} with parameter "
          f"inputs frozen to their test values): {len(passed)} import, "
          f"{len(failed)} fail, {len(limited)} hit known limits:")
    for reason, count in sorted(reasons.items()):
        print(f"  {count:4d}  {reason}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
