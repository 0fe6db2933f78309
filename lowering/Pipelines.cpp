//===- Pipelines.cpp - The compiler's pass pipelines, in one place --------===//
#include "lowering/Pipelines.h"

#include "dialects/nn/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

void systolic::buildNNGraphPipeline(mlir::OpPassManager &pm) {
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(nn::createRecognizeLosses());
  pm.addPass(mlir::createCSEPass());
}

void systolic::registerPipelines() {
  mlir::PassPipelineRegistration<>(
      "nn-graph-pipeline", "Graph-level clean-up on the nn dialect",
      buildNNGraphPipeline);
}
