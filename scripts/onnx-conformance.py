#!/usr/bin/env python3
"""Runs the ONNX backend node tests through systolic-compile and systolic-run.

Every node test whose ops are all in the compiler's supported list is compiled
for the target, run on each of its data sets, and compared with the expected
outputs the way onnx.backend.test does: same number of outputs, same shapes and
dtypes, np.testing.assert_allclose with the test's own rtol/atol (1e-3/1e-7
unless the test says otherwise). Graph inputs that only feed operator
parameters (a Reshape's shape, a reduction's axes) are frozen into the model
with the data set's values before compiling (scripts/onnx_parameters.py). Tests using an op outside the list are skipped
and printed with the op that rules them out.

Known failures are kept in test/conformance/<target>-xfail.txt, one test per
line followed by a one-line reason. The exit status is non-zero when a test
fails that is not listed, a listed test passes, or a listed name is not a test
in scope; so the list always says exactly what does not work.

    scripts/onnx-conformance.py [--target=cpu] [-j 2] [-k REGEX] [-v]
    scripts/onnx-conformance.py --write-xfail   # rewrite the list from this run

The node tests are read from the `onnx` package's data directory; wheels that
no longer ship it get the same tests generated once from onnx's test-case
sources into <build>/onnx-node-tests-data/<onnx version>/.
"""
import argparse
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import ml_dtypes  # noqa: F401  np.load reads the bfloat16/float8/int4 names systolic-run writes
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from onnx_parameters import (PARAMETER_SLOTS, WEIGHT_SLOTS, freeze_inputs,  # noqa: E402
                             parameter_inputs)
TARGETS = ("cpu", "accel")
COMPILE_TIMEOUT_S = 120
RUN_TIMEOUT_S = 60
# The harness defaults (onnx/backend/test/loader).
DEFAULT_RTOL, DEFAULT_ATOL = 1e-3, 1e-7


def build_dir():
    return Path(os.environ.get("SYSTOLIC_BUILD_DIR", ROOT / "build"))


# --- The supported ops ------------------------------------------------------

def parse_op_table(markdown):
    """{op: (min opset, max opset)} from the `| op | a-b | limits |` table."""
    ops = {}
    for line in markdown.splitlines():
        m = re.match(r"\|\s*([A-Za-z][A-Za-z0-9]*)\s*\|\s*(\d+)-(\d+)\s*\|", line)
        if m:
            ops[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return ops


def supported_ops(compiler):
    """The compiler's own list, else the generated table in the docs."""
    if compiler.exists():
        proc = subprocess.run([str(compiler), "--list-onnx-ops"], capture_output=True, text=True)
        if proc.returncode == 0:
            return parse_op_table(proc.stdout), f"{compiler} --list-onnx-ops"
    doc = ROOT / "docs" / "supported-onnx-ops.md"
    if doc.exists():
        return parse_op_table(doc.read_text()), str(doc.relative_to(ROOT))
    raise SystemExit(f"onnx-conformance: error: no supported-op list: {compiler} does not "
                     f"exist and neither does {doc}")


# --- The node tests ---------------------------------------------------------

def shipped_node_dir():
    import onnx

    return Path(onnx.__file__).parent / "backend" / "test" / "data" / "node"


def generate_node_tests(out):
    """Writes onnx's node test cases in the shipped layout (model.onnx,
    test_data_set_N/{input,output}_M.pb, data.json with the tolerances)."""
    import warnings

    import onnx
    from onnx import numpy_helper
    from onnx.backend.test.case import node

    def serialize(value, value_info):
        if isinstance(value, onnx.TensorProto):  # types NumPy lacks (bfloat16, float8)
            return value
        kind = value_info.type.WhichOneof("value")
        if kind == "sequence_type":
            return numpy_helper.from_list(value, value_info.name)
        if kind == "optional_type":
            return numpy_helper.from_optional(value, value_info.name)
        if kind == "map_type":
            return numpy_helper.from_dict(value, value_info.name)
        return numpy_helper.from_array(np.asarray(value), value_info.name)

    print(f"onnx-conformance: generating the node tests into {out} (once)", flush=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = node.collect_testcases(None)
    for case in cases:
        case_dir = out / case.name
        case_dir.mkdir(parents=True, exist_ok=True)
        (case_dir / "model.onnx").write_bytes(case.model.SerializeToString())
        (case_dir / "data.json").write_text(json.dumps({"rtol": case.rtol, "atol": case.atol}))
        graph = case.model.graph
        for i, (inputs, outputs) in enumerate(case.data_sets):
            data_dir = case_dir / f"test_data_set_{i}"
            data_dir.mkdir(exist_ok=True)
            for prefix, values, infos in (("input", inputs, graph.input),
                                          ("output", outputs, graph.output)):
                for j, value in enumerate(values):
                    (data_dir / f"{prefix}_{j}.pb").write_bytes(
                        serialize(value, infos[j]).SerializeToString())
    (out / "complete").write_text("")


def node_test_dir(cache):
    shipped = shipped_node_dir()
    if shipped.is_dir():
        return shipped
    import onnx

    cache = Path(cache) if cache else build_dir() / "onnx-node-tests-data" / onnx.__version__
    if not (cache / "complete").exists():
        generate_node_tests(cache)
    return cache


@dataclass
class NodeTest:
    name: str
    dir: Path
    ops: list            # op types of the graph's nodes, in order
    opset: int
    parameters: int = 0  # inputs frozen as operator parameters (onnx_parameters.py)
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL

    @property
    def op(self):
        """The op the test is about: named by the test, else its first node."""
        return op_of_test(self.name, self.ops)


def snake(op):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", op).lower()


def op_of_test(name, ops):
    # Tests of a function op run its expansion (test_gelu_..._expanded) and
    # are named after it, as are tests of an op's helper nodes.
    from onnx import defs

    stem = name[len("test_"):]
    best = None
    for op in {s.name for s in defs.get_all_schemas()} | set(ops):
        s = snake(op)
        if (stem == s or stem.startswith(s + "_")) and (best is None or len(s) > len(snake(best))):
            best = op
    return best or ops[0]


def load_tests(test_dir):
    import onnx

    tests = []
    for model_path in sorted(test_dir.glob("*/model.onnx")):
        model = onnx.load(model_path, load_external_data=False)
        opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
                    default=0)
        test = NodeTest(model_path.parent.name, model_path.parent,
                        [n.op_type for n in model.graph.node], opset,
                        len(parameter_inputs(model)))
        data = model_path.parent / "data.json"
        if data.exists():
            tolerances = json.loads(data.read_text())
            test.rtol = tolerances.get("rtol", test.rtol)
            test.atol = tolerances.get("atol", test.atol)
        tests.append(test)
    return tests


# --- Running one test -------------------------------------------------------

@dataclass
class Result:
    passed: bool
    stage: str = ""       # compile, input, run or compare
    message: str = ""
    accel_ops: int = 0    # --target=accel: graph ops placed on the array


def first_error(stderr, workdir):
    """The first diagnostic line, with the temporary paths taken out so the
    same failure reads the same in every run."""
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    line = next((l for l in lines if "error" in l), lines[0] if lines else "no diagnostic")
    return line.replace(str(workdir) + "/", "")


def read_tensor(path, value_info):
    """A .pb of the data set as an ndarray; None for non-tensor values."""
    import onnx
    from onnx import numpy_helper

    if value_info.type.WhichOneof("value") != "tensor_type":
        return None
    tensor = onnx.TensorProto()
    tensor.ParseFromString(path.read_bytes())
    array = numpy_helper.to_array(tensor)
    if tensor.data_type == onnx.TensorProto.STRING:
        # Object arrays need pickle in .npy; systolic-run reads '<U<n>'.
        array = np.array([s.decode() if isinstance(s, bytes) else s for s in array.flat],
                         dtype=np.str_).reshape(array.shape)
    return array


def compare(outputs, expected, rtol=None, atol=None):
    """None when `outputs` match `expected` as onnx.backend.test checks them,
    else what differs. Without tolerances only the count, shapes and dtypes
    are compared."""
    if len(outputs) != len(expected):
        return f"{len(outputs)} outputs, expected {len(expected)}"
    for i, (out, ref) in enumerate(zip(outputs, expected)):
        if out.shape != ref.shape:
            return f"output {i} has shape {list(out.shape)}, expected {list(ref.shape)}"
        if out.dtype != ref.dtype:
            return f"output {i} has dtype {out.dtype}, expected {ref.dtype}"
        if rtol is None:
            continue
        try:
            np.testing.assert_allclose(out, ref, rtol=rtol, atol=atol)
        except AssertionError as e:
            mismatch = next((l.strip() for l in str(e).splitlines() if "Mismatched" in l), "")
            return f"output {i} differs (rtol={rtol:g}, atol={atol:g}): {mismatch}"
    return None


def compile_model(model_path, module, tools, target, calibration=()):
    """A passed Result (with the accel placement count) when systolic-compile
    succeeds, else a failed one.
    `calibration`: .npy files of one sample (target accel)."""
    extra = ["--report-placement"] if target == "accel" else []
    if calibration:
        extra.append(f"--calibrate={','.join(f'@{c}' for c in calibration)}")
    # A compile that hangs is retried once (a rare hang of systolic-compile
    # under load, not reproducible alone); the retry is reported.
    for attempt in range(2):
        try:
            proc = subprocess.run(
                [str(tools["compile"]), str(model_path), f"--target={target}", *extra,
                 "-o", str(module)],
                capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S)
            break
        except subprocess.TimeoutExpired:
            print(f"RETRY {model_path.parent.name}: systolic-compile ran over "
                  f"{COMPILE_TIMEOUT_S} s (attempt {attempt + 1})", flush=True)
    else:
        return Result(False, "compile", f"systolic-compile ran over {COMPILE_TIMEOUT_S} s twice")
    if proc.returncode < 0:
        return Result(False, "compile", f"systolic-compile crashed "
                      f"({signal.Signals(-proc.returncode).name})")
    if proc.returncode != 0:
        return Result(False, "compile", first_error(proc.stderr, model_path.parent))
    placed = re.search(r"placement of @\w+: (\d+) ops? on accel", proc.stderr)
    return Result(True, accel_ops=int(placed.group(1)) if placed else 0)


def run_outputs(tools, module, inputs, count, work, device=None):
    """(outputs, None) of one systolic-run, or (None, failed Result)."""
    tag = device or "default"
    args = [str(tools["run"]), f"--module={module}", *[f"--input=@{p}" for p in inputs]]
    if device:
        args.append(f"--device={device}")
    outputs = [work / f"output_{tag}_{j}.npy" for j in range(count)]
    args += [f"--output=@{p}" for p in outputs]
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, Result(False, "run", f"systolic-run ran over {RUN_TIMEOUT_S} s")
    if proc.returncode != 0:
        return None, Result(False, "run", first_error(proc.stderr, work))
    return [np.load(p) for p in outputs], None


def bit_identical(a, b):
    """None when the two output lists hold the same bits, else what differs."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x.shape != y.shape or x.dtype != y.dtype or x.tobytes() != y.tobytes():
            return f"output {i}: the accel device and the CPU reference differ"
    return None


def run_test(test, tools, target):
    """Compiles and runs every data set. Inputs used only as operator
    parameters (onnx_parameters.py) are frozen into the model with the data
    set's values; the model is compiled again only when those values change.

    --target=cpu compares with the expected outputs at the test's tolerance.
    --target=accel also freezes weights fed as inputs (WEIGHT_SLOTS: the
    array needs constant weights), calibrates on the data set being compiled
    for, runs on the
    golden model (accel-golden) and on the CPU reference of the same
    artifact (--device=cpu), and requires bit-identical outputs with the
    expected shapes and dtypes: int8 results are not within the f32
    tolerances, so values are checked against the bit-exact reference
    instead."""
    import onnx

    model = onnx.load(test.dir / "model.onnx", load_external_data=False)
    graph = model.graph
    # Merged per op type: an input may be a parameter of one op and a weight
    # of another.
    slots = PARAMETER_SLOTS if target == "cpu" else {
        op: PARAMETER_SLOTS.get(op, set()) | WEIGHT_SLOTS.get(op, set())
        for op in PARAMETER_SLOTS.keys() | WEIGHT_SLOTS.keys()}
    parameters = parameter_inputs(model, slots)
    data_sets = sorted(test.dir.glob("test_data_set_*"))
    if not data_sets:
        return Result(False, "input", "the test has no data set")
    with tempfile.TemporaryDirectory(prefix=f"{test.name}.") as tmp:
        work = Path(tmp)
        module = work / "model.sysm"
        compiled_for = None  # the frozen parameter values the module holds
        accel_ops = 0
        for data_set in data_sets:
            inputs = {}
            for j, info in enumerate(graph.input):
                array = read_tensor(data_set / f"input_{j}.pb", info)
                if array is None:
                    return Result(False, "input", f"input {j} '{info.name}' is not a tensor")
                inputs[j] = array
            frozen = {j: inputs[j] for j in parameters}
            key = [(j, a.dtype.str, a.shape, a.tobytes()) for j, a in frozen.items()]
            run_inputs = []
            for j, array in inputs.items():
                if j not in frozen:
                    np.save(work / f"input_{j}.npy", array)
                    run_inputs.append(work / f"input_{j}.npy")
            if compiled_for != key:
                model_path = test.dir / "model.onnx"
                if frozen:
                    specialized = onnx.load(model_path, load_external_data=False)
                    freeze_inputs(specialized, frozen)
                    model_path = work / "model.onnx"
                    onnx.save_model(specialized, model_path)
                compiled = compile_model(model_path, module, tools, target,
                                         run_inputs if target == "accel" else ())
                if not compiled.passed:
                    return compiled
                accel_ops = max(accel_ops, compiled.accel_ops)
                compiled_for = key
            expected = []
            for j, info in enumerate(graph.output):
                array = read_tensor(data_set / f"output_{j}.pb", info)
                if array is None:
                    return Result(False, "input", f"output {j} '{info.name}' is not a tensor")
                expected.append(array)
            if target == "accel":
                outputs, failure = run_outputs(tools, module, run_inputs, len(expected), work,
                                               "accel-golden")
                if failure:
                    return failure
                reference, failure = run_outputs(tools, module, run_inputs, len(expected), work,
                                                 "cpu")
                if failure:
                    return failure
                difference = compare(outputs, expected) or bit_identical(outputs, reference)
            else:
                outputs, failure = run_outputs(tools, module, run_inputs, len(expected), work)
                if failure:
                    return failure
                difference = compare(outputs, expected, test.rtol, test.atol)
            if difference:
                return Result(False, "compare", f"{data_set.name}: {difference}")
    return Result(True, accel_ops=accel_ops)


# --- The expected-failure list ----------------------------------------------

def read_xfail(path):
    """{test name: reason} from `name  reason...` lines; '#' starts a comment."""
    entries = {}
    if not path.exists():
        return entries
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"onnx-conformance: error: {path}:{number}: '{name}' has no reason; "
                             "each entry is `test_name  one-line reason`")
        if name in entries:
            raise SystemExit(f"onnx-conformance: error: {path}:{number}: '{name}' is listed twice")
        entries[name] = reason.strip()
    return entries


def write_xfail(path, target, tests, results, old, inherited=()):
    """Lists this run's failures, keeping the reasons already written; those
    in `inherited` (the cpu list, for other targets) are not repeated."""
    failing = sorted((t for t in tests
                      if not results[t.name].passed and t.name not in inherited),
                     key=lambda t: (t.op, t.name))
    lines = [f"# ONNX node tests expected to fail on --target={target}: `test_name  reason`.",
             *(["# Besides those in cpu-xfail.txt, which every target inherits."]
               if target != "cpu" else []),
             "# Checked by scripts/onnx-conformance.py; a listed test that passes is an error.",
             "# Regenerate with scripts/onnx-conformance.py --write-xfail (keeps these reasons)."]
    op = None
    for t in failing:
        if t.op != op:
            op = t.op
            lines.append(f"\n# {op}")
        r = results[t.name]
        lines.append(f"{t.name}  {old.get(t.name) or f'{r.stage}: {r.message}'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


# --- Reporting --------------------------------------------------------------

@dataclass
class OpRow:
    tests: int = 0
    passed: int = 0
    xfail: int = 0
    failed: list = field(default_factory=list)
    xpassed: list = field(default_factory=list)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=TARGETS, default="cpu")
    parser.add_argument("--build-dir", type=Path, default=build_dir(),
                        help="where bin/systolic-compile and bin/systolic-run are")
    parser.add_argument("--xfail", type=Path, help="expected failures "
                        "(default: test/conformance/<target>-xfail.txt)")
    parser.add_argument("--cache", help="where generated node tests are kept")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("-k", "--filter", help="only tests whose name matches this regex")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every skipped test and every expected failure")
    parser.add_argument("--write-xfail", action="store_true",
                        help="rewrite the expected-failure list from this run's failures")
    args = parser.parse_args(argv)

    tools = {"compile": args.build_dir / "bin" / "systolic-compile",
             "run": args.build_dir / "bin" / "systolic-run"}
    for tool in tools.values():
        if not tool.exists():
            print(f"onnx-conformance: error: {tool} does not exist; build it first "
                  "(ninja systolic-compile systolic-run)", file=sys.stderr)
            return 1
    xfail_path = args.xfail or ROOT / "test" / "conformance" / f"{args.target}-xfail.txt"
    # Other targets compile the same graph with the CPU backend beside them,
    # so they inherit the CPU list and keep only their own failures. They do
    # not compare with the expected outputs (run_test), so CPU failures at
    # the compare stage are not theirs.
    inherited = ({} if args.target == "cpu"
                 else {name: reason for name, reason in
                       read_xfail(ROOT / "test" / "conformance" / "cpu-xfail.txt").items()
                       if not reason.startswith("compare:")})
    xfail = {**inherited, **read_xfail(xfail_path)}
    ops, ops_source = supported_ops(tools["compile"])

    all_tests = load_tests(node_test_dir(args.cache))
    if args.filter:
        pattern = re.compile(args.filter)
        all_tests = [t for t in all_tests if pattern.search(t.name)]
    in_scope, skipped = [], {}
    for t in all_tests:
        outside = sorted({op for op in t.ops if op not in ops})
        if outside:
            skipped.setdefault(", ".join(outside), []).append(t.name)
        else:
            in_scope.append(t)

    start = time.monotonic()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_test, t, tools, args.target): t for t in in_scope}
        for future in concurrent.futures.as_completed(futures):
            results[futures[future].name] = future.result()
    elapsed = time.monotonic() - start

    if args.write_xfail:
        write_xfail(xfail_path, args.target, in_scope, results, xfail, inherited)
        xfail = {**inherited, **read_xfail(xfail_path)}
        print(f"wrote {xfail_path.relative_to(ROOT)} ({len(xfail)} entries)")

    rows = {}
    for t in in_scope:
        row = rows.setdefault(t.op, OpRow())
        row.tests += 1
        r = results[t.name]
        if r.passed and t.name in xfail:
            row.xpassed.append(t.name)
        elif r.passed:
            row.passed += 1
        elif t.name in xfail:
            row.xfail += 1
        else:
            row.failed.append(t.name)
    scope_names = {t.name for t in in_scope}
    stale = sorted(n for n in xfail if n not in scope_names
                   and (not args.filter or re.search(args.filter, n)))

    print(f"ONNX node tests on --target={args.target} (supported ops from {ops_source})")
    for outside, names in sorted(skipped.items()):
        listing = ", ".join(names) if args.verbose else f"{names[0]}{', ...' if len(names) > 1 else ''}"
        print(f"SKIP {len(names):4d} test(s) using {outside} (not in the supported list): {listing}")
    width = max([len(op) for op in rows] + [2])
    print(f"\n{'op':<{width}}  tests  pass  xfail  FAIL  XPASS")
    for op, row in sorted(rows.items()):
        print(f"{op:<{width}}  {row.tests:5d}  {row.passed:4d}  {row.xfail:5d}  "
              f"{len(row.failed):4d}  {len(row.xpassed):5d}")
    for t in in_scope:
        r = results[t.name]
        if not r.passed and t.name not in xfail:
            print(f"FAIL  {t.name} ({r.stage}): {r.message}")
        elif r.passed and t.name in xfail:
            print(f"XPASS {t.name}: passes but is listed in {xfail_path.name} ({xfail[t.name]})")
        elif args.verbose and not r.passed:
            print(f"xfail {t.name} ({r.stage}): {r.message}")
    for name in stale:
        print(f"STALE {name}: listed in {xfail_path.name} but not a node test in scope")

    passed = sum(r.passed for r in results.values())
    failed = sum(len(row.failed) for row in rows.values())
    xpassed = sum(len(row.xpassed) for row in rows.values())
    expected = sum(row.xfail for row in rows.values())
    skipped_count = sum(len(v) for v in skipped.values())
    rate = 100.0 * passed / len(in_scope) if in_scope else 0.0
    specialized = sum(1 for t in in_scope if t.parameters)
    on_array = sum(1 for r in results.values() if r.passed and r.accel_ops)
    print(f"\npass rate: {passed}/{len(in_scope)} = {rate:.1f}% of the node tests whose ops are "
          f"all supported ({expected} expected failures, {failed} unexpected failures, "
          f"{xpassed} unexpected passes, {len(stale)} stale entries; {skipped_count} tests "
          f"skipped for unsupported ops; {specialized} tests compiled with parameter inputs frozen "
          f"to their data set's values; {elapsed:.0f} s)")
    if args.target == "accel":
        print(f"{on_array} of the passing tests ran ops on the accelerator (golden model), "
              f"bit-identical with the CPU reference; the others ran wholly on the CPU")
    return 1 if failed or xpassed or stale else 0


if __name__ == "__main__":
    sys.exit(main())
