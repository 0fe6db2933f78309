//===- Pipelines.h - The compiler's pass pipelines, in one place -*- C++ -*-===//
#ifndef SYSTOLIC_LOWERING_PIPELINES_H
#define SYSTOLIC_LOWERING_PIPELINES_H

#include "lowering/cpu/CPUTarget.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace systolic {
/// Graph-level clean-up and recognition on the `nn` dialect, run right after
/// import and before any target lowering.
void buildNNGraphPipeline(mlir::OpPassManager &pm);

/// CPU code generation: a module of functions on tensors (linalg, tensor,
/// arith, math; static shapes) to the LLVM dialect, each public function
/// `f` wrapped as the CPU executable ABI entry point `void f(void **)`.
/// Register tiling + vectorization, one-shot bufferization with results as
/// out-parameters, accumulators hoisted into registers, OpenMP when
/// `options.threads` > 1, then conversion to LLVM.
void buildCPUCodegenPipeline(mlir::OpPassManager &pm,
                             const cpu::CPUCodegenOptions &options);

/// Partitioning the graph into dispatches: one dispatch per graph op
/// (systolic-outline-dispatches); for target accel, chains of dense layers
/// then merge into one accel dispatch where that saves DRAM traffic
/// (systolic-fuse-dense-chains, on the configuration `accelConfig`).
struct DispatchPipelineOptions {
  bool fuseDenseChains = false;
  std::string accelConfig = "16x16";
  bool reportPlacement = false;
};
void buildDispatchPipeline(mlir::OpPassManager &pm,
                           const DispatchPipelineOptions &options);

/// Registers the pipelines above as textual pass pipelines in systolic-opt.
void registerPipelines();
} // namespace systolic

#endif // SYSTOLIC_LOWERING_PIPELINES_H
