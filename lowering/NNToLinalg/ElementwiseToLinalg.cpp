//===- ElementwiseToLinalg.cpp - Elementwise nn ops to linalg.generic -----===//
//
// Every elementwise op (activations, unary math, broadcasting binaries,
// compares, select, cast) becomes one parallel linalg.generic whose indexing
// maps do the NumPy broadcasting; only the scalar body differs per op, so the
// ops are listed in a table of body functions.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNOps.h"
#include "lowering/NNToLinalg/Patterns.h"
#include "lowering/NNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace systolic;
using namespace systolic::nn_to_linalg;

namespace {
/// Lowers an elementwise op through `body`, which maps the operands' scalars
/// (and the op, for its attributes) to the result scalar.
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using Body = Value (*)(OpBuilder &, Location, OpTy, ValueRange);

  ElementwiseLowering(MLIRContext *ctx, Body body)
      : OpConversionPattern<OpTy>(ctx), body(body) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = signlessTensorType(op->getResult(0).getType());
    Value result =
        buildElementwise(rewriter, op.getLoc(), type, adaptor.getOperands(),
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return body(b, loc, op, args);
                         });
    rewriter.replaceOp(op, result);
    return success();
  }

  Body body;
};

template <typename OpTy>
void addElementwise(RewritePatternSet &patterns,
                    typename ElementwiseLowering<OpTy>::Body body) {
  patterns.add<ElementwiseLowering<OpTy>>(patterns.getContext(), body);
}

Value constantLike(OpBuilder &b, Location loc, Value x, double value) {
  return scalarConstant(b, loc, x.getType(), value);
}

Value lessThanZero(OpBuilder &b, Location loc, Value x) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                               constantLike(b, loc, x, 0));
}

/// alpha * (exp(x) - 1), the negative branch of ELU and SELU.
Value expMinusOne(OpBuilder &b, Location loc, Value x, double alpha) {
  Value e = math::ExpOp::create(b, loc, x);
  Value em1 = arith::SubFOp::create(b, loc, e, constantLike(b, loc, x, 1));
  return arith::MulFOp::create(b, loc, constantLike(b, loc, x, alpha), em1);
}

Value gelu(OpBuilder &b, Location loc, Value x,
           nn::GeluApproximation approximation) {
  // Locals keep the op order deterministic (argument order is unspecified).
  Value half = constantLike(b, loc, x, 0.5);
  Value one = constantLike(b, loc, x, 1);
  Value phi2; // 1 + erf(x / sqrt 2), or its tanh approximation
  if (approximation == nn::GeluApproximation::none) {
    Value rsqrt2 = constantLike(b, loc, x, M_SQRT1_2);
    Value scaled = arith::MulFOp::create(b, loc, x, rsqrt2);
    Value erf = math::ErfOp::create(b, loc, scaled);
    phi2 = arith::AddFOp::create(b, loc, one, erf);
  } else {
    // tanh(sqrt(2/pi) * (x + 0.044715 x^3))
    Value x2 = arith::MulFOp::create(b, loc, x, x);
    Value x3 = arith::MulFOp::create(b, loc, x, x2);
    Value coefficient = constantLike(b, loc, x, 0.044715);
    Value cubic = arith::MulFOp::create(b, loc, coefficient, x3);
    Value inner = arith::AddFOp::create(b, loc, x, cubic);
    Value sqrt2OverPi = constantLike(b, loc, x, M_2_SQRTPI * M_SQRT1_2);
    Value scaled = arith::MulFOp::create(b, loc, sqrt2OverPi, inner);
    Value tanh = math::TanhOp::create(b, loc, scaled);
    phi2 = arith::AddFOp::create(b, loc, one, tanh);
  }
  Value halfX = arith::MulFOp::create(b, loc, half, x);
  return arith::MulFOp::create(b, loc, halfX, phi2);
}

/// Whether the strings at handles `lhs` and `rhs` (i64, see signless()) hold
/// the same bytes: strcmp(lhs, rhs) == 0.
Value stringsEqual(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  auto pointer = LLVM::LLVMPointerType::get(b.getContext());
  Value lhsPointer = LLVM::IntToPtrOp::create(b, loc, pointer, lhs);
  Value rhsPointer = LLVM::IntToPtrOp::create(b, loc, pointer, rhs);
  Value order = func::CallOp::create(b, loc, kStrcmp, b.getI32Type(),
                                     ValueRange{lhsPointer, rhsPointer})
                    .getResult(0);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, order,
                               scalarConstant(b, loc, b.getI32Type(), 0));
}

Value compare(OpBuilder &b, Location loc, nn::ComparePredicate predicate,
              Value lhs, Value rhs, bool isUnsigned) {
  using nn::ComparePredicate;
  if (isa<FloatType>(lhs.getType())) {
    // Ordered predicates: any comparison with NaN is false, as in ONNX.
    arith::CmpFPredicate p;
    switch (predicate) {
    case ComparePredicate::eq:
      p = arith::CmpFPredicate::OEQ;
      break;
    case ComparePredicate::lt:
      p = arith::CmpFPredicate::OLT;
      break;
    case ComparePredicate::le:
      p = arith::CmpFPredicate::OLE;
      break;
    case ComparePredicate::gt:
      p = arith::CmpFPredicate::OGT;
      break;
    case ComparePredicate::ge:
      p = arith::CmpFPredicate::OGE;
      break;
    }
    return arith::CmpFOp::create(b, loc, p, lhs, rhs);
  }
  // i1 is a boolean (false < true); wider integers are signed unless the nn
  // type is unsigned.
  bool isBool = isUnsigned || lhs.getType().isInteger(1);
  arith::CmpIPredicate p;
  switch (predicate) {
  case ComparePredicate::eq:
    p = arith::CmpIPredicate::eq;
    break;
  case ComparePredicate::lt:
    p = isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
    break;
  case ComparePredicate::le:
    p = isBool ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
    break;
  case ComparePredicate::gt:
    p = isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
    break;
  case ComparePredicate::ge:
    p = isBool ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
    break;
  }
  return arith::CmpIOp::create(b, loc, p, lhs, rhs);
}

Value sign(OpBuilder &b, Location loc, Value x, bool isUnsigned) {
  Value zero = constantLike(b, loc, x, 0);
  Value one = constantLike(b, loc, x, 1);
  if (isUnsigned) // 0 or 1
    return arith::SelectOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero), one,
        zero);
  Value minusOne = constantLike(b, loc, x, -1);
  Value positive, negative;
  if (isa<FloatType>(x.getType())) {
    positive =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    negative =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
    // Zeros and NaN fall through unchanged: sign(0) = 0, sign(NaN) = NaN.
    zero = x;
  } else {
    positive =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
    negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
  }
  return arith::SelectOp::create(
      b, loc, positive, one,
      arith::SelectOp::create(b, loc, negative, minusOne, zero));
}
} // namespace

void nn_to_linalg::populateElementwisePatterns(RewritePatternSet &patterns) {
  using namespace systolic::nn;
  // Unary math.
  addElementwise<ReluOp>(
      patterns, [](OpBuilder &b, Location loc, ReluOp op, ValueRange x) {
        return createMax(b, loc, x[0], constantLike(b, loc, x[0], 0),
                         isUnsignedElements(op.getType()));
      });
  addElementwise<AbsOp>(
      patterns, [](OpBuilder &b, Location loc, AbsOp op, ValueRange x) {
        return createAbs(b, loc, x[0], isUnsignedElements(op.getType()));
      });
  addElementwise<NegOp>(
      patterns, [](OpBuilder &b, Location loc, NegOp, ValueRange x) -> Value {
        if (isa<FloatType>(x[0].getType()))
          return arith::NegFOp::create(b, loc, x[0]);
        return arith::SubIOp::create(b, loc, constantLike(b, loc, x[0], 0),
                                     x[0]);
      });
  addElementwise<SignOp>(
      patterns, [](OpBuilder &b, Location loc, SignOp op, ValueRange x) {
        return sign(b, loc, x[0], isUnsignedElements(op.getType()));
      });
  addElementwise<SigmoidOp>(
      patterns, [](OpBuilder &b, Location loc, SigmoidOp, ValueRange x) {
        return createSigmoid(b, loc, x[0]);
      });
  addElementwise<TanhOp>(
      patterns, [](OpBuilder &b, Location loc, TanhOp, ValueRange x) -> Value {
        return math::TanhOp::create(b, loc, x[0]);
      });
  addElementwise<SoftplusOp>(
      patterns,
      [](OpBuilder &b, Location loc, SoftplusOp, ValueRange x) -> Value {
        // log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)) never overflows.
        Value abs = math::AbsFOp::create(b, loc, x[0]);
        Value e =
            math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, abs));
        Value log = math::Log1pOp::create(b, loc, e);
        Value zero = constantLike(b, loc, x[0], 0);
        Value positive = arith::MaximumFOp::create(b, loc, x[0], zero);
        return arith::AddFOp::create(b, loc, positive, log);
      });
  addElementwise<ErfOp>(
      patterns, [](OpBuilder &b, Location loc, ErfOp, ValueRange x) -> Value {
        return math::ErfOp::create(b, loc, x[0]);
      });
  addElementwise<ExpOp>(
      patterns, [](OpBuilder &b, Location loc, ExpOp, ValueRange x) -> Value {
        return math::ExpOp::create(b, loc, x[0]);
      });
  addElementwise<LogOp>(
      patterns, [](OpBuilder &b, Location loc, LogOp, ValueRange x) -> Value {
        return math::LogOp::create(b, loc, x[0]);
      });
  addElementwise<SqrtOp>(
      patterns, [](OpBuilder &b, Location loc, SqrtOp, ValueRange x) -> Value {
        return math::SqrtOp::create(b, loc, x[0]);
      });
  addElementwise<ReciprocalOp>(
      patterns,
      [](OpBuilder &b, Location loc, ReciprocalOp, ValueRange x) -> Value {
        return arith::DivFOp::create(b, loc, constantLike(b, loc, x[0], 1),
                                     x[0]);
      });
  addElementwise<NotOp>(
      patterns, [](OpBuilder &b, Location loc, NotOp, ValueRange x) -> Value {
        return arith::XOrIOp::create(b, loc, x[0],
                                     constantLike(b, loc, x[0], 1));
      });

  // Activations with attributes.
  addElementwise<LeakyReluOp>(
      patterns,
      [](OpBuilder &b, Location loc, LeakyReluOp op, ValueRange x) -> Value {
        Value scaled = arith::MulFOp::create(
            b, loc, constantLike(b, loc, x[0], op.getAlpha().convertToDouble()),
            x[0]);
        return arith::SelectOp::create(b, loc, lessThanZero(b, loc, x[0]),
                                       scaled, x[0]);
      });
  addElementwise<PReluOp>(
      patterns, [](OpBuilder &b, Location loc, PReluOp, ValueRange x) -> Value {
        Value scaled = arith::MulFOp::create(b, loc, x[1], x[0]);
        return arith::SelectOp::create(b, loc, lessThanZero(b, loc, x[0]),
                                       scaled, x[0]);
      });
  addElementwise<HardSigmoidOp>(
      patterns,
      [](OpBuilder &b, Location loc, HardSigmoidOp op, ValueRange x) -> Value {
        Value alpha =
            constantLike(b, loc, x[0], op.getAlpha().convertToDouble());
        Value beta = constantLike(b, loc, x[0], op.getBeta().convertToDouble());
        Value scaled = arith::MulFOp::create(b, loc, alpha, x[0]);
        Value linear = arith::AddFOp::create(b, loc, scaled, beta);
        Value upper = arith::MinimumFOp::create(b, loc, linear,
                                                constantLike(b, loc, x[0], 1));
        return arith::MaximumFOp::create(b, loc, upper,
                                         constantLike(b, loc, x[0], 0));
      });
  addElementwise<EluOp>(
      patterns,
      [](OpBuilder &b, Location loc, EluOp op, ValueRange x) -> Value {
        Value negative =
            expMinusOne(b, loc, x[0], op.getAlpha().convertToDouble());
        return arith::SelectOp::create(b, loc, lessThanZero(b, loc, x[0]),
                                       negative, x[0]);
      });
  addElementwise<SeluOp>(
      patterns,
      [](OpBuilder &b, Location loc, SeluOp op, ValueRange x) -> Value {
        Value negative =
            expMinusOne(b, loc, x[0], op.getAlpha().convertToDouble());
        Value positive =
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x[0],
                                  constantLike(b, loc, x[0], 0));
        Value inner = arith::SelectOp::create(b, loc, positive, x[0], negative);
        return arith::MulFOp::create(
            b, loc, constantLike(b, loc, x[0], op.getGamma().convertToDouble()),
            inner);
      });
  addElementwise<GeluOp>(
      patterns, [](OpBuilder &b, Location loc, GeluOp op, ValueRange x) {
        return gelu(b, loc, x[0], op.getApproximate());
      });
  addElementwise<ClipOp>(patterns, [](OpBuilder &b, Location loc, ClipOp op,
                                      ValueRange x) {
    // max first, then min: with min > max every element becomes max (ONNX).
    Value result = x[0];
    if (std::optional<APFloat> lo = op.getMin())
      result = arith::MaximumFOp::create(
          b, loc, result, constantLike(b, loc, result, lo->convertToDouble()));
    if (std::optional<APFloat> hi = op.getMax())
      result = arith::MinimumFOp::create(
          b, loc, result, constantLike(b, loc, result, hi->convertToDouble()));
    return result;
  });

  // Broadcasting binaries.
  addElementwise<AddOp>(patterns,
                        [](OpBuilder &b, Location loc, AddOp, ValueRange x) {
                          return createAdd(b, loc, x[0], x[1]);
                        });
  addElementwise<SubOp>(patterns,
                        [](OpBuilder &b, Location loc, SubOp, ValueRange x) {
                          return createSub(b, loc, x[0], x[1]);
                        });
  addElementwise<MulOp>(patterns,
                        [](OpBuilder &b, Location loc, MulOp, ValueRange x) {
                          return createMul(b, loc, x[0], x[1]);
                        });
  addElementwise<DivOp>(
      patterns, [](OpBuilder &b, Location loc, DivOp op, ValueRange x) {
        return createDiv(b, loc, x[0], x[1], isUnsignedElements(op.getType()));
      });
  addElementwise<PowOp>(
      patterns, [](OpBuilder &b, Location loc, PowOp, ValueRange x) -> Value {
        return math::PowFOp::create(b, loc, x[0], x[1]);
      });
  addElementwise<MaxOp>(
      patterns, [](OpBuilder &b, Location loc, MaxOp op, ValueRange x) {
        return createMax(b, loc, x[0], x[1], isUnsignedElements(op.getType()));
      });
  addElementwise<MinOp>(
      patterns, [](OpBuilder &b, Location loc, MinOp op, ValueRange x) {
        return createMin(b, loc, x[0], x[1], isUnsignedElements(op.getType()));
      });
  addElementwise<AndOp>(
      patterns, [](OpBuilder &b, Location loc, AndOp, ValueRange x) -> Value {
        return arith::AndIOp::create(b, loc, x[0], x[1]);
      });
  addElementwise<OrOp>(
      patterns, [](OpBuilder &b, Location loc, OrOp, ValueRange x) -> Value {
        return arith::OrIOp::create(b, loc, x[0], x[1]);
      });
  addElementwise<CompareOp>(
      patterns, [](OpBuilder &b, Location loc, CompareOp op, ValueRange x) {
        // The verifier allows only `eq` on strings.
        if (isa<StringType>(getElementTypeOrSelf(op.getLhs().getType())))
          return stringsEqual(b, loc, x[0], x[1]);
        return compare(b, loc, op.getPredicate(), x[0], x[1],
                       isUnsignedElements(op.getLhs().getType()));
      });
  addElementwise<SelectOp>(
      patterns,
      [](OpBuilder &b, Location loc, SelectOp, ValueRange x) -> Value {
        return arith::SelectOp::create(b, loc, x[0], x[1], x[2]);
      });
  addElementwise<CastOp>(
      patterns, [](OpBuilder &b, Location loc, CastOp op, ValueRange x) {
        return castElement(b, loc, x[0],
                           getElementTypeOrSelf(op.getInput().getType()),
                           op.getType().getElementType(), op.getSaturate(),
                           op.getRoundMode().value_or(nn::RoundMode::up));
      });
}
