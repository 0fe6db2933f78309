//===- ReductionToLinalg.cpp - nn reductions and softmax to linalg --------===//
//
// A reduction is one linalg.generic with reduction iterators over the reduced
// axes (the elementwise prologue, e.g. |x| or x*x, fused into its body), an
// optional elementwise epilogue (mean's 1/n, l2's sqrt), and a
// tensor.expand_shape back to the kept-dims shape. Softmax subtracts the max
// before exponentiating so it never overflows (see buildSoftmax). Global
// pools are reductions over the spatial dims.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNOps.h"
#include "lowering/NNToLinalg/Patterns.h"
#include "lowering/NNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace systolic;
using namespace systolic::nn_to_linalg;

namespace {
/// How one reduction kind starts, accumulates and finishes.
struct ReductionKind {
  // `isUnsigned`: the nn element type is unsigned.
  /// The identity of the accumulation, for the element type.
  Value (*init)(OpBuilder &, Location, Type, bool isUnsigned);
  /// acc' = combine(x, acc).
  Value (*combine)(OpBuilder &, Location, Value x, Value acc, bool isUnsigned);
  /// Applied to each reduced value; `count` is the number of reduced elements.
  /// Null when the accumulator is the result.
  Value (*finish)(OpBuilder &, Location, Value acc, int64_t count,
                  bool isUnsigned);
};

Value zeroInit(OpBuilder &b, Location loc, Type type, bool) {
  return scalarConstant(b, loc, type, 0);
}
Value oneInit(OpBuilder &b, Location loc, Type type, bool) {
  return scalarConstant(b, loc, type, 1);
}

Value addCombine(OpBuilder &b, Location loc, Value x, Value acc, bool) {
  return createAdd(b, loc, acc, x);
}
Value mulCombine(OpBuilder &b, Location loc, Value x, Value acc, bool) {
  return createMul(b, loc, acc, x);
}
Value maxCombine(OpBuilder &b, Location loc, Value x, Value acc,
                 bool isUnsigned) {
  return createMax(b, loc, acc, x, isUnsigned);
}
Value minCombine(OpBuilder &b, Location loc, Value x, Value acc,
                 bool isUnsigned) {
  return createMin(b, loc, acc, x, isUnsigned);
}
Value absCombine(OpBuilder &b, Location loc, Value x, Value acc,
                 bool isUnsigned) {
  return createAdd(b, loc, acc, createAbs(b, loc, x, isUnsigned));
}
Value squareCombine(OpBuilder &b, Location loc, Value x, Value acc, bool) {
  return createAdd(b, loc, acc, createMul(b, loc, x, x));
}

Value meanFinish(OpBuilder &b, Location loc, Value acc, int64_t count,
                 bool isUnsigned) {
  // Floats multiply by 1/n (one rounding, no division in the loop); integers
  // divide, truncating like ONNX Runtime's integer ReduceMean.
  if (isa<FloatType>(acc.getType()))
    return createMul(b, loc, acc,
                     scalarConstant(b, loc, acc.getType(), 1.0 / count));
  return createDiv(b, loc, acc, scalarConstant(b, loc, acc.getType(), count),
                   isUnsigned);
}
Value sqrtFinish(OpBuilder &b, Location loc, Value acc, int64_t,
                 bool isUnsigned) {
  if (isa<FloatType>(acc.getType()))
    return math::SqrtOp::create(b, loc, acc);
  // Integers: the square root in f64, truncated back (numpy's astype).
  Type nnType = acc.getType();
  if (isUnsigned)
    nnType = IntegerType::get(b.getContext(), nnType.getIntOrFloatBitWidth(),
                              IntegerType::Unsigned);
  Value wide = convertScalar(b, loc, acc, b.getF64Type(), nnType);
  Value root = math::SqrtOp::create(b, loc, wide);
  return convertScalar(b, loc, root, nnType);
}

constexpr ReductionKind kSum{zeroInit, addCombine, nullptr};
constexpr ReductionKind kMean{zeroInit, addCombine, meanFinish};
constexpr ReductionKind kMax{lowestValue, maxCombine, nullptr};
constexpr ReductionKind kMin{highestValue, minCombine, nullptr};
constexpr ReductionKind kProd{oneInit, mulCombine, nullptr};
constexpr ReductionKind kL1{zeroInit, absCombine, nullptr};
constexpr ReductionKind kL2{zeroInit, squareCombine, sqrtFinish};
constexpr ReductionKind kSumSquare{zeroInit, squareCombine, nullptr};

/// Reduces `input` over the normalized `axes` (the reduced dims are dropped).
/// `input` is signless; `isUnsigned` says whether its nn type is unsigned.
/// Partial results a trailing reduction keeps side by side: enough for the
/// vector registers of any x86 target (4 x 8 f32 lanes on AVX2, 2 x 16 on
/// AVX-512), so the loop accumulates in registers with independent chains.
constexpr int64_t kReductionLanes = 32;

Value reduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
             const ReductionKind &kind, bool isUnsigned) {
  auto inputType = cast<RankedTensorType>(input.getType());
  Type elementType = inputType.getElementType();
  auto reduceOver = [&](Value x, ArrayRef<int64_t> over) {
    return buildReduction(
        b, loc, x, over, kind.init(b, loc, elementType, isUnsigned),
        [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          return kind.combine(nested, nestedLoc, args[0], args[1], isUnsigned);
        });
  };
  // Reducing the trailing dims (global pooling, softmax-like rows) innermost
  // would fold every vector horizontally. Instead: [kept..., R] ->
  // [kept..., R / L, L], reduce the R / L dim (L lanes of partial results,
  // vector adds), then the L lanes. Same combiner, another association.
  int64_t rank = inputType.getRank();
  int64_t kept = rank - int64_t(axes.size());
  bool trailing = !axes.empty() && llvm::equal(axes, llvm::seq<int64_t>(kept, rank));
  int64_t extent = 1;
  for (int64_t axis : axes)
    extent *= inputType.getDimSize(axis);
  Value reduced;
  if (trailing && isa<FloatType>(elementType) &&
      extent % kReductionLanes == 0 && extent >= 2 * kReductionLanes) {
    SmallVector<int64_t> split(inputType.getShape().take_front(kept));
    split.append({extent / kReductionLanes, kReductionLanes});
    Value lanes = reduceOver(reshape(b, loc, input, withShape(inputType, split)), {kept});
    reduced = reduceOver(lanes, {kept});
  } else {
    reduced = reduceOver(input, axes);
  }
  if (!kind.finish)
    return reduced;
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= inputType.getDimSize(axis);
  return buildElementwise(
      b, loc, cast<RankedTensorType>(reduced.getType()), reduced,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        return kind.finish(nested, nestedLoc, args[0], count, isUnsigned);
      });
}

template <typename OpTy> struct ReductionLowering : OpConversionPattern<OpTy> {
  ReductionLowering(MLIRContext *ctx, const ReductionKind &kind)
      : OpConversionPattern<OpTy>(ctx), kind(kind) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    SmallVector<int64_t> axes =
        normalizeAxes(op.getAxes(), inputType.getRank());
    Value reduced =
        reduce(rewriter, op.getLoc(), adaptor.getInput(), axes, kind,
               isUnsignedElements(op.getInput().getType()));
    rewriter.replaceOp(op, reshape(rewriter, op.getLoc(), reduced,
                                   signlessTensorType(op.getType())));
    return success();
  }

  const ReductionKind &kind;
};

/// argmax/argmin: one reduction generic carrying (best value, its index).
template <typename OpTy, bool isMax>
struct ArgReductionLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = inputType.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    axis = normalizeAxes(axis, rank).front();
    Type elementType = inputType.getElementType();
    Type indexType = rewriter.getI64Type();

    SmallVector<int64_t> shape(inputType.getShape());
    shape.erase(shape.begin() + axis);
    AffineMap reducedMap =
        AffineMap::getMultiDimIdentityMap(rank, ctx).dropResult(axis);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;
    bool isUnsigned = isUnsignedElements(op.getInput().getType());
    Value initValue = isMax ? lowestValue(rewriter, loc, elementType, isUnsigned)
                            : highestValue(rewriter, loc, elementType, isUnsigned);
    Value values = filledTensor(
        rewriter, loc, RankedTensorType::get(shape, elementType), initValue);
    Value indices =
        filledTensor(rewriter, loc, RankedTensorType::get(shape, indexType),
                     scalarConstant(rewriter, loc, indexType, 0));
    bool last = op.getSelectLastIndex();
    bool isFloat = isa<FloatType>(elementType);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{values.getType(), indices.getType()}, input,
        ValueRange{values, indices},
        {rewriter.getMultiDimIdentityMap(rank), reducedMap, reducedMap},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          // Strictly better keeps the first of equal values; also taking
          // equal ones keeps the last.
          Value better;
          if (isFloat) {
            auto p = isMax ? (last ? arith::CmpFPredicate::OGE
                                   : arith::CmpFPredicate::OGT)
                           : (last ? arith::CmpFPredicate::OLE
                                   : arith::CmpFPredicate::OLT);
            better = arith::CmpFOp::create(b, l, p, x, best);
          } else if (isUnsigned || elementType.isInteger(1)) {
            auto p = isMax ? (last ? arith::CmpIPredicate::uge
                                   : arith::CmpIPredicate::ugt)
                           : (last ? arith::CmpIPredicate::ule
                                   : arith::CmpIPredicate::ult);
            better = arith::CmpIOp::create(b, l, p, x, best);
          } else {
            auto p = isMax ? (last ? arith::CmpIPredicate::sge
                                   : arith::CmpIPredicate::sgt)
                           : (last ? arith::CmpIPredicate::sle
                                   : arith::CmpIPredicate::slt);
            better = arith::CmpIOp::create(b, l, p, x, best);
          }
          Value index = arith::IndexCastOp::create(
              b, l, indexType, linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, better, x, best),
                  arith::SelectOp::create(b, l, better, index, bestIndex)});
        });
    rewriter.replaceOp(op, reshape(rewriter, loc, generic.getResult(1),
                                   signlessTensorType(op.getType())));
    return success();
  }
};

template <typename OpTy, bool isLog>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    axis = normalizeAxes(axis, cast<RankedTensorType>(x.getType()).getRank())
               .front();
    rewriter.replaceOp(op, buildSoftmax(rewriter, op.getLoc(), x, axis, isLog));
    return success();
  }
};

/// Global pools are keepdims reductions over every spatial dim.
template <typename OpTy> struct GlobalPoolLowering : OpConversionPattern<OpTy> {
  GlobalPoolLowering(MLIRContext *ctx, const ReductionKind &kind)
      : OpConversionPattern<OpTy>(ctx), kind(kind) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
    SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(2, rank));
    Value reduced = reduce(rewriter, op.getLoc(), input, axes, kind,
                           isUnsignedElements(op.getInput().getType()));
    rewriter.replaceOp(op, reshape(rewriter, op.getLoc(), reduced,
                                   signlessTensorType(op.getType())));
    return success();
  }

  const ReductionKind &kind;
};
} // namespace

void nn_to_linalg::populateReductionPatterns(RewritePatternSet &patterns) {
  using namespace systolic::nn;
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ReductionLowering<ReduceSumOp>>(ctx, kSum);
  patterns.add<ReductionLowering<ReduceMeanOp>>(ctx, kMean);
  patterns.add<ReductionLowering<ReduceMaxOp>>(ctx, kMax);
  patterns.add<ReductionLowering<ReduceMinOp>>(ctx, kMin);
  patterns.add<ReductionLowering<ReduceProdOp>>(ctx, kProd);
  patterns.add<ReductionLowering<ReduceL1Op>>(ctx, kL1);
  patterns.add<ReductionLowering<ReduceL2Op>>(ctx, kL2);
  patterns.add<ReductionLowering<ReduceSumSquareOp>>(ctx, kSumSquare);
  patterns.add<GlobalPoolLowering<GlobalAvgPoolOp>>(ctx, kMean);
  patterns.add<GlobalPoolLowering<GlobalMaxPoolOp>>(ctx, kMax);
  patterns.add<ArgReductionLowering<ArgMaxOp, true>,
               ArgReductionLowering<ArgMinOp, false>,
               SoftmaxLowering<SoftmaxOp, false>,
               SoftmaxLowering<LogSoftmaxOp, true>>(ctx);
}
