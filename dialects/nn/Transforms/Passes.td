//===- Passes.td - Graph-level passes on the nn dialect ----*- tablegen -*-===//
#ifndef SYSTOLIC_NN_TRANSFORMS_PASSES_TD
#define SYSTOLIC_NN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def RecognizeLosses : Pass<"nn-recognize-losses"> {
  let summary = "Rebuild loss and distance ops from exported elementwise subgraphs";
  let description = [{
    Exporters decompose losses into elementwise ops and reductions, e.g.
    `ReduceMean(Abs(Sub(a, b)))` for the L1 loss. This pass folds such
    subgraphs back into first-class ops so that backends can map them as a
    whole:
    - `reduce_{mean,sum}(abs(sub(p, t)))` -> `mae_loss`;
    - `reduce_{mean,sum}(mul(d, d))` or `(pow(d, 2))` with `d = sub(p, t)`
      -> `mse_loss`;
    - PyTorch's decomposed HuberLoss / SmoothL1Loss,
      `select(compare(abs(d), delta), quadratic(abs(d)), linear(abs(d)))`
      reduced to a scalar -> `huber_loss` (divided by beta for SmoothL1);
    - `reduce_sum(abs(sub(unsqueeze(x, -2), unsqueeze(y, -3))), -1)` ->
      `manhattan_distance(x, y)`;
    - `nll_loss(log_softmax(x, axis = 1))` -> `softmax_cross_entropy(x)`.
  }];
  let dependentDialects = ["::systolic::nn::NNDialect"];
}

def FoldConstants : Pass<"nn-fold-constants"> {
  let summary = "Evaluate initializer-only subgraphs into constants";
  let description = [{
    Exported models often compute weights at run time from initializers
    (transposes of weight matrices, reshapes, casts, scale products). Every
    nn op with ConstantEvaluableOpInterface whose operands are all constants
    is replaced by its result as an `arith.constant`, in program order, so
    whole chains collapse. Folders already do this for results of at most
    1024 elements; this pass goes up to `max-elements`.
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"1 << 22",
           "Largest result (in elements) to materialize as a constant">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def FoldBatchNorm : Pass<"nn-fold-batchnorm"> {
  let summary = "Fold inference batch normalization into the preceding conv";
  let description = [{
    `batch_norm(conv(x, W, b))` with constant W, b, scale, bias, mean and var
    becomes `conv(x, W', b')` with `s = scale / sqrt(var + epsilon)`,
    `W'[m] = W[m] * s[m]` and `b' = (b - mean) * s + bias` (computed in f32;
    only f32 convolutions are folded). The conv must have no other users.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def EliminateDeadValues : Pass<"nn-eliminate-dead-values"> {
  let summary = "Remove unused side-effect-free ops and shrink multi-result ops";
  let description = [{
    Erases ops whose results are all unused and that have no side effects,
    transitively (an op becomes dead when its last user goes). A
    `softmax_cross_entropy` whose loss is unused becomes the `log_softmax`
    that computes its `log_prob`. Recurrent ops keep all their results (no
    smaller op computes a subset; lowerings skip unused results). Function
    arguments are never removed: they are the model's signature.
  }];
}

#endif // SYSTOLIC_NN_TRANSFORMS_PASSES_TD
