//===- RecognizeLosses.cpp - Rebuild loss ops from subgraphs --------------===//
#include "dialects/nn/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace systolic::nn {
#define GEN_PASS_DEF_RECOGNIZELOSSES
#include "dialects/nn/Transforms/Passes.h.inc"
} // namespace systolic::nn

using namespace mlir;
using namespace systolic::nn;

namespace {
/// True when a reduction produces a rank-0 result (every axis reduced, none
/// kept), which is how a scalar loss is exported.
template <typename ReduceOp> bool reducesToScalar(ReduceOp op) {
  return cast<RankedTensorType>(op.getType()).getRank() == 0;
}

/// reduce_{mean,sum}(abs(sub(p, t))) -> mae_loss(p, t) {reduction = mean/sum}
template <typename ReduceOp, LossReduction kind>
struct AbsDifferenceToMAE : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceOp reduce,
                                PatternRewriter &rewriter) const override {
    auto abs = reduce.getInput().template getDefiningOp<AbsOp>();
    if (!abs)
      return rewriter.notifyMatchFailure(reduce, "input is not nn.abs");
    auto sub = abs.getInput().template getDefiningOp<SubOp>();
    if (!sub)
      return rewriter.notifyMatchFailure(reduce, "abs input is not nn.sub");
    if (sub.getLhs().getType() != sub.getRhs().getType() ||
        !isa<FloatType>(sub.getType().getElementType()))
      return rewriter.notifyMatchFailure(reduce, "needs same-shape floats");
    if (!reducesToScalar(reduce))
      return rewriter.notifyMatchFailure(reduce, "not a full reduction");
    rewriter.replaceOpWithNewOp<MAELossOp>(reduce, sub.getLhs(), sub.getRhs(),
                                           kind);
    return success();
  }
};

struct RecognizeLossesPass
    : systolic::nn::impl::RecognizeLossesBase<RecognizeLossesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<AbsDifferenceToMAE<ReduceMeanOp, LossReduction::mean>,
                 AbsDifferenceToMAE<ReduceSumOp, LossReduction::sum>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
