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

def FuseDenseChains : Pass<"systolic-fuse-dense-chains", "::mlir::ModuleOp"> {
  let summary = "Merge chains of accel matmul dispatches into one dispatch "
                "whose intermediate activations stay in the scratchpad";
  let description = [{
    Runs after `systolic-outline-dispatches`. A chain is a run of accel
    dispatches each holding one `systolic.matmul` whose result feeds only
    the next one's lhs (an MLP's Gemm+ReLU -> Gemm+ReLU -> Gemm). The pass
    merges a chain into one dispatch holding the matmuls in order; the code
    generator builds it as one program (`buildDenseChain`) in which each
    layer's OUTPUT writes its activations where the next layer's
    weight-stationary MATMULs read them, so only the chain's input, the
    weights and the final output touch DRAM.

    Layers are added to a chain while the kernel library can tile it onto the
    configuration (weight-stationary, intermediates on chip: `planDenseChain`)
    and the fused program moves fewer DRAM bytes than the layers apart. A
    layer left out keeps its own dispatch (today's path) with the reason in
    `systolic.fusion` (printed by `--emit=accel`) and, with
    `report-placement`, on stderr.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main\"",
           "the function holding the graph">,
    Option<"reportPlacement", "report-placement", "bool", "false",
           "print what was fused and why not to stderr">,
    Option<"accelConfig", "accel-config", "std::string", "\"16x16\"",
           "the accelerator configuration (systolic-compile's --accel-config "
           "syntax) the chains must fit">,
  ];
  let dependentDialects = [
    "::systolic::accel::SystolicDialect",
    "::mlir::func::FuncDialect",
  ];
}

#endif // SYSTOLIC_LOWERING_ACCEL_PASSES_TD
