#!/usr/bin/env python3
"""Whole-model benchmark of the example models against ONNX Runtime.

For each model: the wall time of `systolic-compile` (the AOT compile, artifact
written), then the p50 latency of `systolic-bench` next to ONNX Runtime's CPU
provider running the same .onnx file with the same number of threads
(intra_op_num_threads = the --threads the model was compiled with, one
inter-op thread), both on the model's sample inputs. The table's last column
is ORT p50 / Systolic p50: above 1 means Systolic is faster.

    bench/models/bench.py [--model resnet_tiny ...] [--threads 1,2] [--min-time 1] [--json]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))
import make_models  # noqa: E402


def percentile(sorted_values, p):
    """Nearest rank, as systolic-bench computes it."""
    rank = int(np.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[min(len(sorted_values), max(rank, 1)) - 1]


def tool_error(tool, proc):
    """A one-line RuntimeError from a failed tool: its first error line."""
    lines = proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"]
    return RuntimeError(f"{tool}: " + next((l for l in lines if "error" in l), lines[0]))


def compile_model(build, onnx_path, sysm, threads):
    """Compiles for the cpu target; returns the wall time in seconds."""
    start = time.perf_counter()
    proc = subprocess.run([str(build / "bin" / "systolic-compile"), str(onnx_path),
                           "--target=cpu", f"--num-threads={threads}", "-o", str(sysm)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise tool_error("systolic-compile", proc)
    return seconds


def systolic_p50(build, sysm, inputs, threads, min_time):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    proc = subprocess.run([str(build / "bin" / "systolic-bench"), f"--module={sysm}",
                           *[f"--input=@{p}" for p in inputs], f"--min-time={min_time}",
                           "--json"], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise tool_error("systolic-bench", proc)
    return json.loads(proc.stdout)["latency_ms"]["p50"]


def onnxruntime_p50(onnx_path, inputs, threads, min_time, warmup=3):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    feeds = {i.name: np.load(p) for i, p in zip(session.get_inputs(), inputs)}
    for _ in range(warmup):
        session.run(None, feeds)
    latencies = []
    deadline = time.perf_counter() + min_time
    while time.perf_counter() < deadline or len(latencies) < 10:
        start = time.perf_counter()
        session.run(None, feeds)
        latencies.append((time.perf_counter() - start) * 1e3)
    return percentile(sorted(latencies), 50)


def bench_model(name, build, out, threads=(1, 2), min_time=1.0):
    """One row per thread count: compile seconds and both p50 latencies (ms)."""
    onnx_path = make_models.write_model(name, out)
    inputs = make_models.input_files(out, name)
    rows = []
    for t in threads:
        sysm = Path(out) / f"{name}.t{t}.sysm"
        compile_s = compile_model(build, onnx_path, sysm, t)
        ours = systolic_p50(build, sysm, inputs, t, min_time)
        theirs = onnxruntime_p50(onnx_path, inputs, t, min_time)
        rows.append({"model": name, "threads": t, "compile_s": compile_s,
                     "systolic_p50_ms": ours, "onnxruntime_p50_ms": theirs,
                     "speedup": theirs / ours})
    return rows


def print_table(rows):
    header = (f"{'model':<14}{'threads':>8}{'compile s':>11}{'systolic p50 ms':>17}"
              f"{'ORT p50 ms':>12}{'ORT/systolic':>14}")
    print(header)
    print("-" * len(header))
    for r in rows:
        if "error" in r:
            print(f"{r['model']:<14}{r['threads']:>8}  FAILED: {r['error']}")
            continue
        print(f"{r['model']:<14}{r['threads']:>8}{r['compile_s']:>11.2f}"
              f"{r['systolic_p50_ms']:>17.4f}{r['onnxruntime_p50_ms']:>12.4f}"
              f"{r['speedup']:>13.2f}x")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", choices=list(make_models.MODELS),
                        help="model to benchmark (repeatable; default: all)")
    parser.add_argument("--threads", default="1,2",
                        help="comma-separated thread counts (default: 1,2)")
    parser.add_argument("--min-time", type=float, default=1.0,
                        help="seconds of timed runs per measurement")
    parser.add_argument("--build-dir", type=Path,
                        default=Path(os.environ.get("SYSTOLIC_BUILD_DIR", ROOT / "build")))
    parser.add_argument("--out", type=Path, default=make_models.DEFAULT_OUT,
                        help="where models, inputs and artifacts are written")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    try:
        threads = [int(t) for t in args.threads.split(",")]
    except ValueError:
        parser.error(f"--threads must be comma-separated integers, got '{args.threads}'")
    if any(t < 1 for t in threads):
        parser.error("--threads values must be at least 1")
    for tool in ("systolic-compile", "systolic-bench"):
        if not (args.build_dir / "bin" / tool).exists():
            parser.error(f"{args.build_dir / 'bin' / tool} does not exist; build it first")

    rows, failed = [], False
    for name in args.model or make_models.MODELS:
        try:
            rows += bench_model(name, args.build_dir, args.out, threads, args.min_time)
        except RuntimeError as e:
            failed = True
            rows.append({"model": name, "threads": ",".join(map(str, threads)),
                         "error": str(e)})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
