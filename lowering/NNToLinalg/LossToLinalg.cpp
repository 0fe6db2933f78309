//===- LossToLinalg.cpp - nn losses and distances to linalg ---------------===//
//
// A pointwise loss (MAE, MSE, Huber) is one linalg.generic: elementwise for
// reduction = none, or a full reduction with the loss term fused into its
// body for sum/mean (mean then scales by 1/n). Class-label losses gather the
// log-probability of each label inside the generic; softmax cross-entropy is
// the stable log_softmax followed by that.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNOps.h"
#include "lowering/NNToLinalg/Patterns.h"
#include "lowering/NNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace systolic;
using namespace systolic::nn_to_linalg;

namespace {
/// Applies `term` to (prediction, target) elementwise and combines the terms
/// as `reduction` says, giving `resultType`.
Value lowerPointwiseLoss(OpBuilder &b, Location loc, Value prediction,
                         Value target, nn::LossReduction reduction,
                         RankedTensorType resultType, ScalarFn term) {
  if (reduction == nn::LossReduction::none)
    return buildElementwise(b, loc, resultType, {prediction, target}, term);
  auto inputType = cast<RankedTensorType>(prediction.getType());
  Type elementType = inputType.getElementType();
  SmallVector<int64_t> axes = normalizeAxes({}, inputType.getRank());
  Value sum = buildReduction(
      b, loc, {prediction, target}, axes,
      scalarConstant(b, loc, elementType, 0),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value value = term(nested, nestedLoc, args.take_front(2));
        return createAdd(nested, nestedLoc, args[2], value);
      });
  if (reduction == nn::LossReduction::sum)
    return sum;
  double scale = 1.0 / inputType.getNumElements();
  return buildElementwise(
      b, loc, resultType, sum,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        return createMul(nested, nestedLoc, args[0],
                         scalarConstant(nested, nestedLoc, elementType, scale));
      });
}

/// Pointwise losses differ only in their term f(prediction, target).
template <typename OpTy>
struct PointwiseLossLowering : OpConversionPattern<OpTy> {
  using Term = Value (*)(OpBuilder &, Location, OpTy, Value diff);

  PointwiseLossLowering(MLIRContext *ctx, Term term)
      : OpConversionPattern<OpTy>(ctx), term(term) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value loss = lowerPointwiseLoss(
        rewriter, op.getLoc(), adaptor.getPrediction(), adaptor.getTarget(),
        op.getReduction(), signlessTensorType(op.getType()),
        [&](OpBuilder &b, Location loc, ValueRange x) {
          return term(b, loc, op, arith::SubFOp::create(b, loc, x[0], x[1]));
        });
    rewriter.replaceOp(op, loss);
    return success();
  }

  Term term;
};

/// Negative log-likelihood of `logProbs` [N, C, d...] at `labels` [N, d...]:
/// per position -logProbs[n, label, d...] * weight[label], or 0 where the
/// label is `ignore`. `sum` adds the terms, `mean` divides that by the sum of
/// the weights of the labels not ignored (ONNX). Labels are clamped before
/// they index anything, so an out-of-range label never reads out of bounds.
Value lowerNLL(OpBuilder &b, Location loc, Value logProbs, Value labels,
               Value weights, std::optional<int64_t> ignore,
               nn::LossReduction reduction, RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  auto labelType = cast<RankedTensorType>(labels.getType());
  auto probType = cast<RankedTensorType>(logProbs.getType());
  Type elementType = probType.getElementType();
  int64_t rank = labelType.getRank();
  int64_t classes = probType.getDimSize(1);

  // (loss term, weight) at the current position.
  auto term = [&](OpBuilder &nb, Location l, Value label) {
    Type labelElement = label.getType();
    Value ignored = arith::ConstantOp::create(nb, l, nb.getBoolAttr(false));
    if (ignore)
      ignored = arith::CmpIOp::create(
          nb, l, arith::CmpIPredicate::eq, label,
          arith::ConstantOp::create(nb, l,
                                    nb.getIntegerAttr(labelElement, *ignore)));
    Value index = arith::IndexCastOp::create(nb, l, nb.getIndexType(), label);
    Value zeroIndex = arith::ConstantIndexOp::create(nb, l, 0);
    Value lastIndex = arith::ConstantIndexOp::create(nb, l, classes - 1);
    index = arith::MaxSIOp::create(nb, l, index, zeroIndex);
    index = arith::MinSIOp::create(nb, l, index, lastIndex);
    SmallVector<Value> at{linalg::IndexOp::create(nb, l, 0), index};
    for (int64_t i = 1; i < rank; ++i)
      at.push_back(linalg::IndexOp::create(nb, l, i));
    Value logProb = tensor::ExtractOp::create(nb, l, logProbs, at);
    Value weight =
        weights ? tensor::ExtractOp::create(nb, l, weights, index).getResult()
                : scalarConstant(nb, l, elementType, 1);
    Value zero = scalarConstant(nb, l, elementType, 0);
    weight = arith::SelectOp::create(nb, l, ignored, zero, weight);
    Value loss = arith::NegFOp::create(
        nb, l, arith::MulFOp::create(nb, l, logProb, weight));
    return std::make_pair(loss, weight);
  };

  if (reduction == nn::LossReduction::none) {
    auto generic = linalg::GenericOp::create(
        b, loc, resultType, labels, emptyTensor(b, loc, resultType),
        {b.getMultiDimIdentityMap(rank), b.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(nb, l, term(nb, l, args[0]).first);
        });
    return generic.getResult(0);
  }
  auto scalarType = RankedTensorType::get({}, elementType);
  Value zero = scalarConstant(b, loc, elementType, 0);
  AffineMap scalarMap = AffineMap::get(rank, 0, {}, ctx);
  auto sums = linalg::GenericOp::create(
      b, loc, TypeRange{scalarType, scalarType}, labels,
      ValueRange{filledTensor(b, loc, scalarType, zero),
                 filledTensor(b, loc, scalarType, zero)},
      {b.getMultiDimIdentityMap(rank), scalarMap, scalarMap},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        auto [loss, weight] = term(nb, l, args[0]);
        Value lossSum = arith::AddFOp::create(nb, l, args[1], loss);
        Value weightSum = arith::AddFOp::create(nb, l, args[2], weight);
        linalg::YieldOp::create(nb, l, ValueRange{lossSum, weightSum});
      });
  if (reduction == nn::LossReduction::sum)
    return sums.getResult(0);
  return buildElementwise(b, loc, scalarType, sums.getResults(),
                          [](OpBuilder &nb, Location l, ValueRange x) -> Value {
                            return arith::DivFOp::create(nb, l, x[0], x[1]);
                          });
}

std::optional<int64_t> ignoreIndex(std::optional<uint64_t> attr) {
  if (!attr)
    return std::nullopt;
  return static_cast<int64_t>(*attr);
}

struct NLLLossLowering : OpConversionPattern<nn::NLLLossOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::NLLLossOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, lowerNLL(rewriter, op.getLoc(), adaptor.getInput(),
                                    adaptor.getLabels(), adaptor.getWeights(),
                                    ignoreIndex(op.getIgnoreIndex()),
                                    op.getReduction(),
                                    signlessTensorType(op.getType())));
    return success();
  }
};

/// loss = nll(log_softmax(scores, axis 1)); log_prob is that log_softmax.
struct SoftmaxCrossEntropyLowering
    : OpConversionPattern<nn::SoftmaxCrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::SoftmaxCrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logProb =
        buildSoftmax(rewriter, loc, adaptor.getScores(), 1, /*log=*/true);
    Value loss = lowerNLL(rewriter, loc, logProb, adaptor.getLabels(),
                          adaptor.getWeights(),
                          ignoreIndex(op.getIgnoreIndex()), op.getReduction(),
                          signlessTensorType(op.getLoss().getType()));
    rewriter.replaceOp(op, {loss, logProb});
    return success();
  }
};

/// result[b..., i, j] = sum_k |x[b..., i, k] - y[b..., j, k]| as one
/// reduction generic over (b..., i, j, k); batch dims broadcast in the maps.
struct ManhattanDistanceLowering
    : OpConversionPattern<nn::ManhattanDistanceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ManhattanDistanceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = signlessTensorType(op.getType());
    Value x = adaptor.getX(), y = adaptor.getY();
    int64_t rank = resultType.getRank(), loops = rank + 1;
    int64_t batchRank = rank - 2;
    auto operandMap = [&](Value v, int64_t rowDim) {
      auto type = cast<RankedTensorType>(v.getType());
      int64_t offset = batchRank - (type.getRank() - 2);
      SmallVector<AffineExpr> exprs;
      for (int64_t i = 0; i + 2 < type.getRank(); ++i) {
        bool stretched =
            type.getDimSize(i) == 1 && resultType.getDimSize(offset + i) != 1;
        exprs.push_back(stretched ? getAffineConstantExpr(0, ctx)
                                  : getAffineDimExpr(offset + i, ctx));
      }
      exprs.push_back(getAffineDimExpr(rowDim, ctx));
      exprs.push_back(getAffineDimExpr(rank, ctx));
      return AffineMap::get(loops, 0, exprs, ctx);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < rank; ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value zero = scalarConstant(rewriter, loc, resultType.getElementType(), 0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{x, y},
        filledTensor(rewriter, loc, resultType, zero),
        {operandMap(x, batchRank), operandMap(y, batchRank + 1),
         AffineMap::get(loops, 0, outExprs, ctx)},
        iterators, [](OpBuilder &b, Location l, ValueRange args) {
          Value diff = arith::SubFOp::create(b, l, args[0], args[1]);
          Value sum = arith::AddFOp::create(b, l, args[2],
                                            math::AbsFOp::create(b, l, diff));
          linalg::YieldOp::create(b, l, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};
} // namespace

void nn_to_linalg::populateLossPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<PointwiseLossLowering<nn::MAELossOp>>(
      ctx, [](OpBuilder &b, Location loc, nn::MAELossOp, Value d) -> Value {
        return math::AbsFOp::create(b, loc, d);
      });
  patterns.add<PointwiseLossLowering<nn::MSELossOp>>(
      ctx, [](OpBuilder &b, Location loc, nn::MSELossOp, Value d) -> Value {
        return arith::MulFOp::create(b, loc, d, d);
      });
  patterns.add<PointwiseLossLowering<nn::HuberLossOp>>(
      ctx,
      [](OpBuilder &b, Location loc, nn::HuberLossOp op, Value d) -> Value {
        // |d| < delta ? 0.5 d^2 : delta * (|d| - 0.5 delta)
        double delta = op.getDelta().convertToDouble();
        Type type = d.getType();
        Value abs = math::AbsFOp::create(b, loc, d);
        Value deltaValue = scalarConstant(b, loc, type, delta);
        Value half = scalarConstant(b, loc, type, 0.5);
        Value small = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                            abs, deltaValue);
        Value square = arith::MulFOp::create(b, loc, d, d);
        Value quadratic = arith::MulFOp::create(b, loc, half, square);
        Value halfDelta = scalarConstant(b, loc, type, 0.5 * delta);
        Value excess = arith::SubFOp::create(b, loc, abs, halfDelta);
        Value linear = arith::MulFOp::create(b, loc, deltaValue, excess);
        return arith::SelectOp::create(b, loc, small, quadratic, linear);
      });
  patterns.add<NLLLossLowering, SoftmaxCrossEntropyLowering,
               ManhattanDistanceLowering>(ctx);
}
