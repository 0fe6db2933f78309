//===- FoldBatchNorm.cpp - Fold batch_norm into the preceding conv --------===//
#include "dialects/nn/NNConstantFolding.h"
#include "dialects/nn/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace systolic::nn {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "dialects/nn/Transforms/Passes.h.inc"
} // namespace systolic::nn

using namespace mlir;
using namespace systolic::nn;

namespace {
/// The f32 contents of a constant `value`, or nullopt.
std::optional<SmallVector<float>> constantFloats(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  DenseElementsAttr dense = getDenseElements(attr);
  if (!dense || !dense.getElementType().isF32())
    return std::nullopt;
  auto range = dense.getValues<float>();
  return SmallVector<float>(range.begin(), range.end());
}

/// batch_norm(conv(x, W, b)) -> conv(x, W * s, (b - mean) * s + bias) with
/// s = scale / sqrt(var + epsilon), per output channel.
struct FoldBatchNormIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp norm,
                                PatternRewriter &rewriter) const override {
    auto conv = norm.getInput().getDefiningOp<ConvOp>();
    if (!conv)
      return rewriter.notifyMatchFailure(norm, "input is not nn.conv");
    if (!conv->hasOneUse())
      return rewriter.notifyMatchFailure(norm, "conv has other users");
    std::optional<SmallVector<float>> weight = constantFloats(conv.getWeight());
    std::optional<SmallVector<float>> scale = constantFloats(norm.getScale());
    std::optional<SmallVector<float>> shift = constantFloats(norm.getBias());
    std::optional<SmallVector<float>> mean = constantFloats(norm.getMean());
    std::optional<SmallVector<float>> var = constantFloats(norm.getVar());
    if (!weight || !scale || !shift || !mean || !var)
      return rewriter.notifyMatchFailure(
          norm, "weights and statistics must be f32 constants");
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    int64_t channels = weightType.getDimSize(0);
    SmallVector<float> bias(channels, 0.0f);
    if (Value convBias = conv.getBias()) {
      std::optional<SmallVector<float>> values = constantFloats(convBias);
      if (!values)
        return rewriter.notifyMatchFailure(norm, "conv bias is not constant");
      bias = std::move(*values);
    }
    float epsilon = norm.getEpsilon().convertToFloat();
    int64_t perChannel = weightType.getNumElements() / channels;
    for (int64_t m = 0; m < channels; ++m) {
      float s = (*scale)[m] / std::sqrt((*var)[m] + epsilon);
      for (int64_t i = 0; i < perChannel; ++i)
        (*weight)[m * perChannel + i] *= s;
      bias[m] = (bias[m] - (*mean)[m]) * s + (*shift)[m];
    }
    Location loc = norm.getLoc();
    auto biasType = RankedTensorType::get({channels}, rewriter.getF32Type());
    Value newWeight = arith::ConstantOp::create(
        rewriter, conv.getWeight().getLoc(), weightType,
        DenseElementsAttr::get(weightType, ArrayRef<float>(*weight)));
    Value newBias = arith::ConstantOp::create(
        rewriter, loc, biasType,
        DenseElementsAttr::get(biasType, ArrayRef<float>(bias)));
    rewriter.replaceOpWithNewOp<ConvOp>(
        norm, conv.getInput(), newWeight, newBias, conv.getStridesAttr(),
        conv.getDilationsAttr(), conv.getPadsAttr(), conv.getGroupAttr());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FoldBatchNormPass
    : systolic::nn::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNormIntoConv>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
