//===- Passes.td - Graph-level passes on the nn dialect ----*- tablegen -*-===//
#ifndef SYSTOLIC_NN_TRANSFORMS_PASSES_TD
#define SYSTOLIC_NN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def RecognizeLosses : Pass<"nn-recognize-losses"> {
  let summary = "Rebuild loss and distance ops from exported elementwise subgraphs";
  let description = [{
    Exporters decompose losses into elementwise ops and reductions, e.g.
    `ReduceMean(Abs(Sub(a, b)))` for the L1 loss. This pass folds such
    subgraphs back into first-class ops (`nn.mae_loss`, ...) so that backends
    can map them as a whole.
  }];
  let dependentDialects = ["::systolic::nn::NNDialect"];
}

#endif // SYSTOLIC_NN_TRANSFORMS_PASSES_TD
