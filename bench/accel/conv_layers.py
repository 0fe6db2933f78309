#!/usr/bin/env python3
"""Per-layer accelerator utilization of compiled ResNet-style layers.

Builds an ONNX model of convolution layers whose channel counts are multiples
of the array size (ResNet-18's 3x3 stages, a strided 3x3, a 1x1 projection and
a fully connected layer), calibrates and compiles it with
`systolic-compile --target=accel`, runs it once with `systolic-bench` on the
cycle-accurate RTL (`--device=accel`, default) or the golden model, and prints
a table: measured cycles against the SCALE-Sim stall-free ideal, and
utilization = MACs / (cycles x rows x cols). Layers whose channels are
multiples of the array size should reach 85%.

  bench/accel/conv_layers.py [--device=accel|accel-golden] [--array=16x16] [--json]
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO = Path(__file__).resolve().parents[2]
TARGET_UTILIZATION = 0.85


def tool(build, name):
    return str(Path(build) / "bin" / name)


def conv_layers_model(rng):
    """x [1, 64, 56, 56] -> conv3x3 64 (relu) -> conv3x3 64 -> conv3x3/2 128
    (relu) -> conv3x3 128 -> conv1x1 256 -> global pool -> fc 256x128."""
    nodes, inits = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def conv(x, name, cin, cout, k, stride=1, relu=True):
        w = const(f"{name}.w", rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k)))
        b = const(f"{name}.b", rng.standard_normal(cout) * 0.05)
        nodes.append(helper.make_node("Conv", [x, w, b], [f"{name}.y"], name=name,
                                      kernel_shape=[k, k], strides=[stride, stride],
                                      pads=[k // 2] * 4))
        if not relu:
            return f"{name}.y"
        nodes.append(helper.make_node("Relu", [f"{name}.y"], [f"{name}.r"], name=f"{name}.relu"))
        return f"{name}.r"

    h = conv("x", "res2_conv3x3_a", 64, 64, 3)
    h = conv(h, "res2_conv3x3_b", 64, 64, 3)
    h = conv(h, "res3_conv3x3_s2", 64, 128, 3, stride=2)
    h = conv(h, "res3_conv3x3", 128, 128, 3)
    h = conv(h, "res4_conv1x1", 128, 256, 1)
    nodes.append(helper.make_node("GlobalAveragePool", [h], ["pooled"], name="pool"))
    nodes.append(helper.make_node("Flatten", ["pooled"], ["flat"], name="flatten", axis=1))
    w = const("fc.w", rng.standard_normal((128, 256)) * np.sqrt(1.0 / 256))
    b = const("fc.b", rng.standard_normal(128) * 0.05)
    nodes.append(helper.make_node("Gemm", ["flat", w, b], ["y"], name="fc", transB=1))
    graph = helper.make_graph(
        nodes, "conv_layers",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64, 56, 56])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 128])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="accel", choices=["accel", "accel-golden"])
    parser.add_argument("--array", default="16x16", help="RxC (a Verilated build for --device=accel)")
    parser.add_argument("--build", default=str(REPO / "build"))
    parser.add_argument("--json", action="store_true", help="print the layers as JSON")
    args = parser.parse_args()

    rng = np.random.default_rng(18)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        onnx.save(conv_layers_model(rng), tmp / "conv_layers.onnx")
        x = tmp / "x.npy"
        # Post-ReLU-like activations, as inside a ResNet.
        np.save(x, np.maximum(rng.standard_normal((1, 64, 56, 56)), 0).astype(np.float32))
        sysm = tmp / "conv_layers.sysm"
        subprocess.run([tool(args.build, "systolic-compile"), str(tmp / "conv_layers.onnx"),
                        "--target=accel", f"--accel-config={args.array}", f"--calibrate=@{x}",
                        "-o", str(sysm)], check=True)
        bench = subprocess.run([tool(args.build, "systolic-bench"), f"--module={sysm}",
                                f"--device={args.device}", "--iterations=1", "--json"],
                               check=True, capture_output=True, text=True)
    report = json.loads(bench.stdout)["accel"]
    layers = report["layers"]
    if args.json:
        json.dump(layers, sys.stdout, indent=1)
        return 0

    rows, cols = report["rows"], report["cols"]
    print(f"Compiled ResNet-style layers on a {rows}x{cols} array, device {args.device} "
          f"(cycles: {report['cycles_source']}); ideal = SCALE-Sim stall-free WS model")
    print(f"{'layer':<18} {'op':<8} {'MACs':>11} {'cycles':>10} {'ideal':>10} "
          f"{'ideal/meas':>10} {'util':>7}  target")
    below = 0
    for layer in layers:
        util = layer["utilization"]
        multiple = layer["layer"] == "conv2d"
        verdict = ""
        if multiple:
            verdict = "ok" if util >= TARGET_UTILIZATION else "BELOW 85%"
            below += util < TARGET_UTILIZATION
        print(f"{layer['name']:<18} {layer['layer']:<8} {layer['macs']:>11} {layer['cycles']:>10} "
              f"{layer['ideal_cycles']:>10} {layer['ideal_cycles'] / layer['cycles']:>10.3f} "
              f"{util:>6.1%}  {verdict}")
    total_macs = sum(l["macs"] for l in layers)
    total_cycles = sum(l["cycles"] for l in layers)
    print(f"{'total':<18} {'':<8} {total_macs:>11} {total_cycles:>10} "
          f"{sum(l['ideal_cycles'] for l in layers):>10} "
          f"{sum(l['ideal_cycles'] for l in layers) / total_cycles:>10.3f} "
          f"{total_macs / (total_cycles * rows * cols):>6.1%}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
