//===- MatMulToLinalg.cpp - nn.matmul and nn.gemm to linalg ---------------===//
//
// Matrix products become linalg.matmul / linalg.batch_matmul accumulating into
// a zero-filled (or bias-initialized) destination. Batch dims are collapsed
// into one, a rank-2 rhs is shared by folding the lhs batch into its rows, and
// transposed constant operands are transposed at compile time.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNOps.h"
#include "lowering/NNToLinalg/Patterns.h"
#include "lowering/NNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace systolic;
using namespace systolic::nn_to_linalg;

namespace {
/// numpy.matmul on static shapes; the result is reshaped to `resultType`,
/// which drops the unit dims that rank-1 operands were promoted with.
Value lowerMatMul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                  RankedTensorType resultType) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  Type accType = resultType.getElementType();
  Value zero = scalarConstant(b, loc, accType, 0);
  if (lhsType.getRank() == 1)
    lhs = reshape(b, loc, lhs, withShape(lhsType, {1, lhsType.getDimSize(0)}));
  if (rhsType.getRank() == 1)
    rhs = reshape(b, loc, rhs, withShape(rhsType, {rhsType.getDimSize(0), 1}));
  lhsType = cast<RankedTensorType>(lhs.getType());
  rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t m = lhsType.getDimSize(lhsType.getRank() - 2);
  int64_t k = lhsType.getDimSize(lhsType.getRank() - 1);
  int64_t n = rhsType.getDimSize(rhsType.getRank() - 1);

  // A shared rank-2 rhs: the lhs batch folds into the rows of one matmul.
  if (rhsType.getRank() == 2) {
    int64_t rows = lhsType.getNumElements() / k;
    Value flatLhs = reshape(b, loc, lhs, withShape(lhsType, {rows, k}));
    Value init = filledTensor(b, loc, withShape(resultType, {rows, n}), zero);
    return reshape(b, loc, buildMatmul(b, loc, flatLhs, rhs, init), resultType);
  }

  SmallVector<int64_t> batch;
  OpTrait::util::getBroadcastedShape(lhsType.getShape().drop_back(2),
                                     rhsType.getShape().drop_back(2), batch);
  int64_t batchSize = 1;
  for (int64_t size : batch)
    batchSize *= size;
  auto toBatch = [&](Value operand, int64_t rows, int64_t cols) {
    auto type = cast<RankedTensorType>(operand.getType());
    SmallVector<int64_t> full(batch);
    full.append({rows, cols});
    Value broadcast = broadcastTo(b, loc, operand, withShape(type, full));
    return reshape(b, loc, broadcast, withShape(type, {batchSize, rows, cols}));
  };
  Value init =
      filledTensor(b, loc, withShape(resultType, {batchSize, m, n}), zero);
  Value product = linalg::BatchMatmulOp::create(
                      b, loc, init.getType(),
                      ValueRange{toBatch(lhs, m, k), toBatch(rhs, k, n)}, init)
                      .getResult(0);
  return reshape(b, loc, product, resultType);
}

struct MatMulLowering : OpConversionPattern<nn::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, lowerMatMul(rewriter, op.getLoc(), adaptor.getLhs(),
                                       adaptor.getRhs(),
                                       signlessTensorType(op.getType())));
    return success();
  }
};
/// alpha * op(a) * op(b) + beta * c. With alpha = 1 the product accumulates
/// straight into beta * c (broadcast to [M, N]); otherwise one elementwise
/// epilogue scales and adds. beta = 0 ignores c, as the product of 0 and c is
/// not formed at all.
struct GemmLowering : OpConversionPattern<nn::GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = signlessTensorType(op.getType());
    Type elementType = resultType.getElementType();
    Value a = adaptor.getA(), b = adaptor.getB();
    if (op.getTransA())
      a = transpose(rewriter, loc, a, {1, 0});
    if (op.getTransB())
      b = transpose(rewriter, loc, b, {1, 0});
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value c = beta != 0 ? adaptor.getC() : Value();

    if (c && alpha == 1) {
      Value init = buildElementwise(
          rewriter, loc, resultType, c,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange x) {
            if (beta == 1)
              return x[0];
            Value scale = scalarConstant(nested, nestedLoc, elementType, beta);
            return createMul(nested, nestedLoc, scale, x[0]);
          });
      rewriter.replaceOp(op, buildMatmul(rewriter, loc, a, b, init));
      return success();
    }
    Value zero = scalarConstant(rewriter, loc, elementType, 0);
    Value product = buildMatmul(rewriter, loc, a, b,
                                filledTensor(rewriter, loc, resultType, zero));
    if (alpha == 1) {
      rewriter.replaceOp(op, product);
      return success();
    }
    SmallVector<Value> inputs{product};
    if (c)
      inputs.push_back(c);
    Value result = buildElementwise(
        rewriter, loc, resultType, inputs,
        [&](OpBuilder &nested, Location nestedLoc, ValueRange x) {
          Value alphaValue =
              scalarConstant(nested, nestedLoc, elementType, alpha);
          Value scaled = createMul(nested, nestedLoc, alphaValue, x[0]);
          if (x.size() == 1)
            return scaled;
          Value betaValue =
              scalarConstant(nested, nestedLoc, elementType, beta);
          Value bias = createMul(nested, nestedLoc, betaValue, x[1]);
          return createAdd(nested, nestedLoc, scaled, bias);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void nn_to_linalg::populateMatMulPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering>(patterns.getContext());
}
