//===- Pipelines.h - The compiler's pass pipelines, in one place -*- C++ -*-===//
#ifndef SYSTOLIC_LOWERING_PIPELINES_H
#define SYSTOLIC_LOWERING_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace systolic {
/// Graph-level clean-up and recognition on the `nn` dialect, run right after
/// import and before any target lowering.
void buildNNGraphPipeline(mlir::OpPassManager &pm);

/// Registers the pipelines above as textual pass pipelines in systolic-opt.
void registerPipelines();
} // namespace systolic

#endif // SYSTOLIC_LOWERING_PIPELINES_H
