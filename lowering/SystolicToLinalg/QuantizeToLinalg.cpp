//===- QuantizeToLinalg.cpp - systolic.quantize/dequantize to linalg ------===//
//
// Both are elementwise linalg.generic ops on the input's shape:
//   quantize:   r = round_half_to_even(x / f32(scale))   (f32 division)
//               r = NaN ? 0 : clamp(r, -256, 256)          (so fptosi is
//               defined) q = saturate_int8(int32(r) + zero_point)
//   dequantize: f32(int32(q) - zero_point) * f32(scale)
// The f32 arithmetic matches ONNX QuantizeLinear/DequantizeLinear with a
// float scale (and NumPy on float32 arrays), so results are reproducible
// bit for bit.
//
//===----------------------------------------------------------------------===//
#include "dialects/systolic/SystolicOps.h"
#include "lowering/SystolicToLinalg/OutputPath.h"
#include "lowering/SystolicToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace systolic;
using namespace systolic::systolic_to_linalg;

namespace {
using ScalarFn =
    llvm::function_ref<Value(OpBuilder &, Location, Value element)>;

/// An elementwise linalg.generic from `input` to `resultType`.
Value elementwise(OpBuilder &b, Location loc, Value input,
                  RankedTensorType resultType, ScalarFn fn) {
  int64_t rank = resultType.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{input}, ValueRange{init},
             ArrayRef<AffineMap>{identity, identity}, iterators,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               linalg::YieldOp::create(nested, nestedLoc,
                                       fn(nested, nestedLoc, args[0]));
             })
      .getResult(0);
}

Value f32Constant(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(
      b, loc, b.getF32Type(), b.getF32FloatAttr(static_cast<float>(value)));
}

struct QuantizeLowering : OpConversionPattern<accel::QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(accel::QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    double scale = op.getScale().convertToDouble();
    int64_t zeroPoint = static_cast<int64_t>(op.getZeroPoint());
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = elementwise(
        rewriter, op.getLoc(), adaptor.getInput(), resultType,
        [&](OpBuilder &b, Location loc, Value x) {
          // One statement per op (IR order independent of the compiler).
          Value divisor = f32Constant(b, loc, scale);
          Value scaled = arith::DivFOp::create(b, loc, x, divisor);
          Value r = math::RoundEvenOp::create(b, loc, scaled);
          Value isNaN =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, r, r);
          Value zero = f32Constant(b, loc, 0);
          r = arith::SelectOp::create(b, loc, isNaN, zero, r);
          // Anything beyond +-256 saturates whatever the zero point is.
          Value low = f32Constant(b, loc, -256);
          r = arith::MaximumFOp::create(b, loc, r, low);
          Value high = f32Constant(b, loc, 256);
          r = arith::MinimumFOp::create(b, loc, r, high);
          Value i = arith::FPToSIOp::create(b, loc, b.getI32Type(), r);
          Value zp = intConstant(b, loc, b.getI32Type(), zeroPoint);
          i = arith::AddIOp::create(b, loc, i, zp);
          return saturateToI8(b, loc, i);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<accel::DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(accel::DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    double scale = op.getScale().convertToDouble();
    int64_t zeroPoint = static_cast<int64_t>(op.getZeroPoint());
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = elementwise(
        rewriter, op.getLoc(), adaptor.getInput(), resultType,
        [&](OpBuilder &b, Location loc, Value q) {
          Value i = arith::ExtSIOp::create(b, loc, b.getI32Type(), q);
          Value zp = intConstant(b, loc, b.getI32Type(), zeroPoint);
          i = arith::SubIOp::create(b, loc, i, zp);
          Value f = arith::SIToFPOp::create(b, loc, b.getF32Type(), i);
          Value factor = f32Constant(b, loc, scale);
          return arith::MulFOp::create(b, loc, f, factor);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void systolic_to_linalg::populateQuantizePatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering, DequantizeLowering>(patterns.getContext());
}
