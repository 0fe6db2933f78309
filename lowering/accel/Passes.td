//===- Passes.td - Accelerator backend passes --------------*- tablegen -*-===//
#ifndef SYSTOLIC_LOWERING_ACCEL_PASSES_TD
#define SYSTOLIC_LOWERING_ACCEL_PASSES_TD

include "mlir/Pass/PassBase.td"

def Quantize : Pass<"systolic-quantize", "::mlir::ModuleOp"> {
  let summary = "Quantize the array's layers to int8 and place the rest on the CPU";
  let description = [{
    Rewrites the nn ops the accelerator runs (1-D, 2-D and 3-D convolutions,
    gemm/matmul with constant weights, residual adds, max pooling, LSTMs;
    the compute layers each with a following
    relu, clip or any other elementwise activation fused into the output
    path) into `systolic` layer ops on int8 tensors, and leaves every other
    op in f32 on the CPU with `systolic.quantize`/`systolic.dequantize` (and
    the NCHW <-> NHWC transposes) inserted at the boundaries.

    Scales come from calibration ranges: every f32 value the pass quantizes
    must carry `systolic.calibration = array<f64: min, max>` on its defining
    op (or on the function argument), as written by the calibration step of
    `systolic-compile --target=accel --calibrate=@x.npy`. Weights are
    quantized symmetrically per output channel, activations asymmetrically
    per tensor, except tensors read by a zero-padded convolution, which get
    zero point 0 because the DMA pads with zeros.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main\"",
           "the function holding the graph">,
    Option<"reportPlacement", "report-placement", "bool", "false",
           "print where each graph op runs and why to stderr">,
    Option<"accelConfig", "accel-config", "std::string", "\"16x16\"",
           "the accelerator configuration (systolic-compile's --accel-config "
           "syntax): layers that do not fit it stay on the CPU">,
  ];
  let dependentDialects = [
    "::systolic::accel::SystolicDialect",
    "::systolic::nn::NNDialect",
    "::mlir::arith::ArithDialect",
  ];
}

#endif // SYSTOLIC_LOWERING_ACCEL_PASSES_TD
