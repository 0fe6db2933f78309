//===- Pipelines.cpp - The compiler's pass pipelines, in one place --------===//
#include "lowering/Pipelines.h"

#include "dialects/nn/Transforms/Passes.h"
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

void systolic::registerPipelines() {
  mlir::PassPipelineRegistration<>(
      "nn-graph-pipeline", "Graph-level clean-up on the nn dialect",
      buildNNGraphPipeline);
}
