//===- Pipelines.cpp - The compiler's pass pipelines, in one place --------===//
#include "lowering/Pipelines.h"

#include "dialects/nn/Transforms/Passes.h"
#include "lowering/SystolicToLinalg/Passes.h"
#include "lowering/accel/Passes.h"
#include "lowering/dispatch/Passes.h"
#include "lowering/cpu/Passes.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

void systolic::buildNNGraphPipeline(mlir::OpPassManager &pm) {
  // Folds collapse shape computations; then large constant subgraphs
  // (transposed weights, ...) are evaluated so batch norms see constant
  // conv weights.
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(nn::createFoldConstants());
  pm.addPass(nn::createFoldBatchNorm());
  pm.addPass(nn::createRecognizeLosses());
  pm.addPass(nn::createEliminateDeadValues());
  pm.addPass(mlir::createCSEPass());
}

void systolic::buildDispatchPipeline(mlir::OpPassManager &pm,
                                     const DispatchPipelineOptions &options) {
  pm.addPass(createOutlineDispatches());
  if (options.fuseDenseChains) {
    accel::FuseDenseChainsOptions fuse;
    fuse.accelConfig = options.accelConfig;
    fuse.reportPlacement = options.reportPlacement;
    pm.addPass(accel::createFuseDenseChains(fuse));
  }
}

void systolic::buildCPUCodegenPipeline(mlir::OpPassManager &pm,
                                       const cpu::CPUCodegenOptions &options) {
  using namespace mlir;
  // The systolic dialect's layer ops (dispatches the CPU runs: quantize/
  // dequantize at the accelerator's boundary, or any layer op as the
  // bit-exact int8 reference) become linalg like everything else; the nn ops
  // were lowered by convert-nn-to-linalg before this pipeline.
  pm.addPass(createConvertSystolicToLinalg());
  // Tensors: register tiling and vectorization.
  cpu::CPUTileAndVectorizeOptions tiling;
  tiling.targetCpu = options.target.cpu;
  tiling.targetFeatures = options.target.features;
  tiling.threads = options.threads;
  pm.addNestedPass<func::FuncOp>(cpu::createCPUTileAndVectorize(tiling));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Buffers: results become out-parameters (the runtime allocates them),
  // written in place; intermediate buffers are freed.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  bufferize.unknownTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(cpu::createCPUEmitEntryPoints());

  // Vectors: accumulators in registers, rank-1 vector ops; whatever was not
  // vectorized becomes loops.
  pm.addNestedPass<func::FuncOp>(cpu::createCPULowerVectors());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
  if (options.threads > 1) {
    ConvertSCFToOpenMPPassOptions openMP;
    openMP.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(openMP));
    // Folds the memref.alloca_scope the conversion wraps bodies in, which
    // would not verify once the loops become branches.
    pm.addPass(createCanonicalizerPass());
  }
  // Fully unrolled: a partially unrolled transfer keeps a memref.alloca
  // inside the loop body, and nothing restores the stack after scf-to-cf.
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll().setTargetRank(1)));

  // bf16 arithmetic runs in f32, and the f32 <-> bf16 conversions become
  // integer operations: LLVM would call compiler-rt's __truncsfbf2, which
  // the CPU executable does not link. f16 stays as it is (LLVM handles it).
  math::MathExtendToSupportedTypesOptions mathTypes;
  mathTypes.extraTypeStrs = {"f16"};
  pm.addPass(math::createMathExtendToSupportedTypes(mathTypes));
  arith::ArithEmulateUnsupportedFloatsOptions bf16InF32;
  bf16InF32.sourceTypeStrs = {"bf16"};
  bf16InF32.targetTypeStr = "f32";
  pm.addPass(arith::createArithEmulateUnsupportedFloats(bf16InF32));
  pm.addPass(cpu::createCPUExpandBF16());

  // To the LLVM dialect.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // Math before vectors: the libm conversion scalarizes vector math ops it
  // calls (erf, atan, ...) into vector.extract/from_elements, which the
  // vector conversion must still see.
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

namespace {
struct CPUCodegenPipelineOptions
    : mlir::PassPipelineOptions<CPUCodegenPipelineOptions> {
  Option<unsigned> threads{*this, "threads",
                           llvm::cl::desc("Threads per op (OpenMP)"),
                           llvm::cl::init(1)};
  Option<std::string> cpu{*this, "cpu",
                          llvm::cl::desc("Target CPU (default: the host)")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("Target features added to the CPU's, e.g. -avx512f")};
};
struct DispatchPipelineRegistrationOptions
    : mlir::PassPipelineOptions<DispatchPipelineRegistrationOptions> {
  Option<bool> fuseDenseChains{*this, "fuse-dense-chains",
                               llvm::cl::desc("Merge accel dense chains"),
                               llvm::cl::init(false)};
  Option<std::string> accelConfig{*this, "accel-config",
                                  llvm::cl::desc("The accelerator configuration"),
                                  llvm::cl::init("16x16")};
  Option<bool> reportPlacement{*this, "report-placement",
                               llvm::cl::desc("Print what was fused to stderr"),
                               llvm::cl::init(false)};
};
} // namespace

void systolic::registerPipelines() {
  mlir::PassPipelineRegistration<CPUCodegenPipelineOptions>(
      "systolic-cpu-codegen",
      "linalg on tensors -> LLVM dialect with CPU ABI entry points",
      [](mlir::OpPassManager &pm, const CPUCodegenPipelineOptions &opts) {
        cpu::CPUCodegenOptions options;
        options.threads = opts.threads;
        options.target.cpu = opts.cpu;
        options.target.features = opts.features;
        buildCPUCodegenPipeline(pm, options);
      });
  mlir::PassPipelineRegistration<>(
      "nn-graph-pipeline", "Graph-level clean-up on the nn dialect",
      buildNNGraphPipeline);
  mlir::PassPipelineRegistration<DispatchPipelineRegistrationOptions>(
      "systolic-dispatch-pipeline",
      "Outline dispatches; with fuse-dense-chains, merge accel dense chains",
      [](mlir::OpPassManager &pm, const DispatchPipelineRegistrationOptions &opts) {
        DispatchPipelineOptions options;
        options.fuseDenseChains = opts.fuseDenseChains;
        options.accelConfig = opts.accelConfig;
        options.reportPlacement = opts.reportPlacement;
        buildDispatchPipeline(pm, options);
      });
}
