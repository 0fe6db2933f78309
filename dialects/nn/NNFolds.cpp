//===- NNFolds.cpp - Constant evaluation and folds of nn ops --------------===//
//
// Every op with ConstantEvaluableOpInterface computes its result from
// constant operands here; its folder evaluates with kFoldElementLimit and
// also removes identities (x * 1, reshape to the same type, ...). Since the
// importer builds ops with createOrFold, PyTorch's Shape/Gather/Concat/
// Reshape chains collapse to constants as they are imported.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNConstantFolding.h"
#include "dialects/nn/NNOps.h"

#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace systolic::nn;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Whether `type` (a tensor or scalar) holds unsigned integers.
static bool isUnsignedElements(Type type) {
  return mlir::getElementTypeOrSelf(type).isUnsignedInteger();
}

namespace {
using FloatUnary = function_ref<std::optional<APFloat>(const APFloat &)>;
using IntUnary = function_ref<std::optional<APInt>(const APInt &)>;
using FloatBinary =
    function_ref<std::optional<APFloat>(const APFloat &, const APFloat &)>;
using IntBinary =
    function_ref<std::optional<APInt>(const APInt &, const APInt &)>;
} // namespace

static RankedTensorType resultTensorType(Operation *op) {
  return cast<RankedTensorType>(op->getResult(0).getType());
}

/// True when a non-splat constant of `type` would exceed the limit.
static bool tooLarge(RankedTensorType type, int64_t maxElements) {
  return type.getNumElements() > maxElements;
}

/// Computes `fn` in double precision and rounds back to `value`'s format.
static APFloat viaDouble(const APFloat &value, double (*fn)(double)) {
  bool lost;
  APFloat wide = value;
  wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  APFloat result(fn(wide.convertToDouble()));
  result.convert(value.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
  return result;
}

static Attribute evaluateUnary(Operation *op, ArrayRef<Attribute> operands,
                               int64_t maxElements, FloatUnary onFloat,
                               IntUnary onInt) {
  DenseElementsAttr input = getDenseElements(operands[0]);
  if (!input)
    return {};
  RankedTensorType type = resultTensorType(op);
  if (isa<FloatType>(type.getElementType()))
    return onFloat ? mapElements<APFloat, APFloat>(
                         {input}, type, maxElements,
                         [&](ArrayRef<APFloat> a) { return onFloat(a[0]); })
                   : Attribute();
  return onInt ? mapElements<APInt, APInt>(
                     {input}, type, maxElements,
                     [&](ArrayRef<APInt> a) { return onInt(a[0]); })
               : Attribute();
}

static Attribute evaluateBinary(Operation *op, ArrayRef<Attribute> operands,
                                int64_t maxElements, FloatBinary onFloat,
                                IntBinary onInt) {
  DenseElementsAttr lhs = getDenseElements(operands[0]);
  DenseElementsAttr rhs = getDenseElements(operands[1]);
  if (!lhs || !rhs)
    return {};
  RankedTensorType type = resultTensorType(op);
  if (isa<FloatType>(type.getElementType()))
    return onFloat ? mapElements<APFloat, APFloat>(
                         {lhs, rhs}, type, maxElements,
                         [&](ArrayRef<APFloat> a) {
                           return onFloat(a[0], a[1]);
                         })
                   : Attribute();
  return onInt ? mapElements<APInt, APInt>(
                     {lhs, rhs}, type, maxElements,
                     [&](ArrayRef<APInt> a) { return onInt(a[0], a[1]); })
               : Attribute();
}

/// True when `attr` is a constant whose elements all equal `value` (for
/// floats: bitwise, so 0.0 and -0.0 differ).
static bool isSplatOf(Attribute attr, double value) {
  DenseElementsAttr dense = getDenseElements(attr);
  if (!dense || !dense.isSplat())
    return false;
  if (isa<FloatType>(dense.getElementType()))
    return dense.getSplatValue<APFloat>().isExactlyValue(value);
  if (dense.getElementType().isInteger(1))
    return false;
  return dense.getSplatValue<APInt>().getSExtValue() ==
         static_cast<int64_t>(value);
}

/// `x op identity` or `identity op x` with x of the result type folds to x.
static OpFoldResult foldIdentity(Operation *op, ArrayRef<Attribute> operands,
                                 std::optional<double> rightIdentity,
                                 std::optional<double> leftIdentity) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Type type = op->getResult(0).getType();
  if (rightIdentity && isSplatOf(operands[1], *rightIdentity) &&
      lhs.getType() == type)
    return lhs;
  if (leftIdentity && isSplatOf(operands[0], *leftIdentity) &&
      rhs.getType() == type)
    return rhs;
  return {};
}

static OpFoldResult foldToConstant(Operation *op,
                                   ArrayRef<Attribute> operands) {
  return cast<ConstantEvaluableOpInterface>(op).evaluateConstant(
      operands, kFoldElementLimit);
}

//===----------------------------------------------------------------------===//
// Elementwise binary
//===----------------------------------------------------------------------===//

Attribute AddOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateBinary(
      *this, operands, maxElements,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a + b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a + b;
      });
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult result = foldToConstant(*this, adaptor.getOperands()))
    return result;
  // x + 0 is x for integers; for floats only x + (-0.0) is (-0.0 + 0.0 = 0.0).
  bool isFloat = isa<FloatType>(getType().getElementType());
  double zero = isFloat ? -0.0 : 0.0;
  return foldIdentity(*this, adaptor.getOperands(), zero, zero);
}

Attribute SubOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateBinary(
      *this, operands, maxElements,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a - b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a - b;
      });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult result = foldToConstant(*this, adaptor.getOperands()))
    return result;
  return foldIdentity(*this, adaptor.getOperands(), 0.0, std::nullopt);
}

Attribute MulOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateBinary(
      *this, operands, maxElements,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a * b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a * b;
      });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult result = foldToConstant(*this, adaptor.getOperands()))
    return result;
  return foldIdentity(*this, adaptor.getOperands(), 1.0, 1.0);
}

Attribute DivOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateBinary(
      *this, operands, maxElements,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a / b;
      },
      [isUnsigned = isUnsignedElements(getType())](
          const APInt &a, const APInt &b) -> std::optional<APInt> {
        // Division by zero and INT_MIN / -1 are undefined: leave them.
        if (b.isZero())
          return std::nullopt;
        if (isUnsigned)
          return a.udiv(b);
        if (a.isMinSignedValue() && b.isAllOnes())
          return std::nullopt;
        return a.sdiv(b);
      });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult result = foldToConstant(*this, adaptor.getOperands()))
    return result;
  return foldIdentity(*this, adaptor.getOperands(), 1.0, std::nullopt);
}

Attribute PowOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateBinary(
      *this, operands, maxElements,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        bool lost;
        APFloat wide = b;
        wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                     &lost);
        double exponent = wide.convertToDouble();
        APFloat base = a;
        base.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                     &lost);
        APFloat result(std::pow(base.convertToDouble(), exponent));
        result.convert(a.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
        return result;
      },
      nullptr);
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult result = foldToConstant(*this, adaptor.getOperands()))
    return result;
  return foldIdentity(*this, adaptor.getOperands(), 1.0, std::nullopt);
}

Attribute MaxOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateBinary(
      *this, operands, maxElements,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return llvm::maximum(a, b);
      },
      [isUnsigned = isUnsignedElements(getType())](
          const APInt &a, const APInt &b) -> std::optional<APInt> {
        return (isUnsigned ? a.uge(b) : a.sge(b)) ? a : b;
      });
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute MinOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateBinary(
      *this, operands, maxElements,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return llvm::minimum(a, b);
      },
      [isUnsigned = isUnsignedElements(getType())](
          const APInt &a, const APInt &b) -> std::optional<APInt> {
        return (isUnsigned ? a.ule(b) : a.sle(b)) ? a : b;
      });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute AndOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateBinary(
      *this, operands, maxElements, nullptr,
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a & b;
      });
}

OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute OrOp::evaluateConstant(ArrayRef<Attribute> operands,
                                 int64_t maxElements) {
  return evaluateBinary(
      *this, operands, maxElements, nullptr,
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a | b;
      });
}

OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  return foldToConstant(*this, adaptor.getOperands());
}

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

Attribute ReluOp::evaluateConstant(ArrayRef<Attribute> operands,
                                   int64_t maxElements) {
  return evaluateUnary(
      *this, operands, maxElements,
      [](const APFloat &a) -> std::optional<APFloat> {
        return a.isNegative() && !a.isNaN() ? APFloat::getZero(a.getSemantics())
                                            : a;
      },
      [](const APInt &a) -> std::optional<APInt> {
        return a.isNegative() ? APInt::getZero(a.getBitWidth()) : a;
      });
}

OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  if (getInput().getDefiningOp<ReluOp>())
    return getInput();
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute AbsOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateUnary(
      *this, operands, maxElements,
      [](const APFloat &a) -> std::optional<APFloat> { return abs(a); },
      [](const APInt &a) -> std::optional<APInt> { return a.abs(); });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  if (getInput().getDefiningOp<AbsOp>())
    return getInput();
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute NegOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateUnary(
      *this, operands, maxElements,
      [](const APFloat &a) -> std::optional<APFloat> { return neg(a); },
      [](const APInt &a) -> std::optional<APInt> { return -a; });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute SignOp::evaluateConstant(ArrayRef<Attribute> operands,
                                   int64_t maxElements) {
  return evaluateUnary(
      *this, operands, maxElements,
      [](const APFloat &a) -> std::optional<APFloat> {
        if (a.isZero() || a.isNaN())
          return a;
        return APFloat::getOne(a.getSemantics(), a.isNegative());
      },
      [](const APInt &a) -> std::optional<APInt> {
        int64_t sign = a.isNegative() ? -1 : a.isZero() ? 0 : 1;
        return APInt(a.getBitWidth(), sign, /*isSigned=*/true);
      });
}

OpFoldResult SignOp::fold(FoldAdaptor adaptor) {
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute NotOp::evaluateConstant(ArrayRef<Attribute> operands,
                                  int64_t maxElements) {
  return evaluateUnary(*this, operands, maxElements, nullptr,
                       [](const APInt &a) -> std::optional<APInt> {
                         return ~a;
                       });
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<NotOp>())
    return inner.getInput();
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute ReciprocalOp::evaluateConstant(ArrayRef<Attribute> operands,
                                         int64_t maxElements) {
  return evaluateUnary(
      *this, operands, maxElements,
      [](const APFloat &a) -> std::optional<APFloat> {
        return APFloat::getOne(a.getSemantics()) / a;
      },
      nullptr);
}

OpFoldResult ReciprocalOp::fold(FoldAdaptor adaptor) {
  return foldToConstant(*this, adaptor.getOperands());
}

static double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// Float-only unary ops computed through a libm function.
#define NN_DOUBLE_UNARY_FOLD(OpClass, function)                                \
  Attribute OpClass::evaluateConstant(ArrayRef<Attribute> operands,            \
                                      int64_t maxElements) {                   \
    return evaluateUnary(                                                      \
        *this, operands, maxElements,                                          \
        [](const APFloat &a) -> std::optional<APFloat> {                       \
          return viaDouble(a, function);                                       \
        },                                                                     \
        nullptr);                                                              \
  }                                                                            \
  OpFoldResult OpClass::fold(FoldAdaptor adaptor) {                            \
    return foldToConstant(*this, adaptor.getOperands());                       \
  }

NN_DOUBLE_UNARY_FOLD(ExpOp, static_cast<double (*)(double)>(std::exp))
NN_DOUBLE_UNARY_FOLD(LogOp, static_cast<double (*)(double)>(std::log))
NN_DOUBLE_UNARY_FOLD(SqrtOp, static_cast<double (*)(double)>(std::sqrt))
NN_DOUBLE_UNARY_FOLD(TanhOp, static_cast<double (*)(double)>(std::tanh))
NN_DOUBLE_UNARY_FOLD(SigmoidOp, sigmoid)
#undef NN_DOUBLE_UNARY_FOLD

//===----------------------------------------------------------------------===//
// Compare / select / cast
//===----------------------------------------------------------------------===//

static bool predicateHolds(ComparePredicate predicate, bool less, bool equal,
                           bool greater) {
  switch (predicate) {
  case ComparePredicate::eq:
    return equal;
  case ComparePredicate::lt:
    return less;
  case ComparePredicate::le:
    return less || equal;
  case ComparePredicate::gt:
    return greater;
  case ComparePredicate::ge:
    return greater || equal;
  }
  llvm_unreachable("unknown comparison predicate");
}

Attribute CompareOp::evaluateConstant(ArrayRef<Attribute> operands,
                                      int64_t maxElements) {
  DenseElementsAttr lhs = getDenseElements(operands[0]);
  DenseElementsAttr rhs = getDenseElements(operands[1]);
  if (!lhs || !rhs)
    return {};
  ComparePredicate predicate = getPredicate();
  RankedTensorType type = getType();
  if (isa<StringType>(lhs.getElementType()))
    return mapElements<StringRef, APInt>(
        {lhs, rhs}, type, maxElements,
        [&](ArrayRef<StringRef> a) -> std::optional<APInt> {
          return APInt(1, a[0] == a[1]);
        });
  if (isa<FloatType>(lhs.getElementType()))
    return mapElements<APFloat, APInt>(
        {lhs, rhs}, type, maxElements,
        [&](ArrayRef<APFloat> a) -> std::optional<APInt> {
          APFloat::cmpResult order = a[0].compare(a[1]);
          return APInt(1, predicateHolds(predicate,
                                         order == APFloat::cmpLessThan,
                                         order == APFloat::cmpEqual,
                                         order == APFloat::cmpGreaterThan));
        });
  // Booleans and unsigned integers order as unsigned numbers.
  bool isUnsigned = lhs.getElementType().isInteger(1) ||
                    lhs.getElementType().isUnsignedInteger();
  return mapElements<APInt, APInt>(
      {lhs, rhs}, type, maxElements,
      [&](ArrayRef<APInt> a) -> std::optional<APInt> {
        bool less = isUnsigned ? a[0].ult(a[1]) : a[0].slt(a[1]);
        bool greater = isUnsigned ? a[0].ugt(a[1]) : a[0].sgt(a[1]);
        return APInt(1, predicateHolds(predicate, less, a[0] == a[1], greater));
      });
}

OpFoldResult CompareOp::fold(FoldAdaptor adaptor) {
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute SelectOp::evaluateConstant(ArrayRef<Attribute> operands,
                                     int64_t maxElements) {
  DenseElementsAttr condition = getDenseElements(operands[0]);
  DenseElementsAttr onTrue = getDenseElements(operands[1]);
  DenseElementsAttr onFalse = getDenseElements(operands[2]);
  if (!condition || !onTrue || !onFalse)
    return {};
  RankedTensorType type = getType();
  if (condition.isSplat()) {
    DenseElementsAttr chosen =
        condition.getSplatValue<bool>() ? onTrue : onFalse;
    if (chosen.isSplat())
      return DenseElementsAttr::get(type, chosen.getSplatValue<Attribute>());
  }
  if (tooLarge(type, maxElements))
    return {};
  auto indicesOf = [&](DenseElementsAttr attr) {
    return broadcastIndices(attr.getType().getShape(), type.getShape());
  };
  SmallVector<int64_t> conditionIndices = indicesOf(condition),
                       trueIndices = indicesOf(onTrue),
                       falseIndices = indicesOf(onFalse);
  SmallVector<bool> flags(condition.getValues<bool>());
  ElementGatherer gatherer(type);
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    bool flag = flags[condition.isSplat() ? 0 : conditionIndices[i]];
    gatherer.append(flag ? onTrue : onFalse,
                    flag ? trueIndices[i] : falseIndices[i]);
  }
  return gatherer.finish();
}

OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  if (DenseElementsAttr condition =
          getDenseElements(adaptor.getCondition())) {
    if (condition.isSplat()) {
      Value chosen =
          condition.getSplatValue<bool>() ? getTrueValue() : getFalseValue();
      if (chosen.getType() == getType())
        return chosen;
    }
  }
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute CastOp::evaluateConstant(ArrayRef<Attribute> operands,
                                   int64_t maxElements) {
  DenseElementsAttr input = getDenseElements(operands[0]);
  if (!input)
    return {};
  auto type = cast<RankedTensorType>(getType());
  Type from = input.getElementType(), to = type.getElementType();
  // Rounding, saturation and NaN codes of float8/float4 results follow ONNX,
  // not APFloat: their one implementation is the lowering.
  if (isFloat8(to) || isa<Float4E2M1FNType>(to))
    return {};
  auto toFloat = dyn_cast<FloatType>(to);
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (isa<FloatType>(from)) {
    if (toFloat)
      return mapElements<APFloat, APFloat>(
          {input}, type, maxElements,
          [&](ArrayRef<APFloat> a) -> std::optional<APFloat> {
            bool lost;
            APFloat value = a[0];
            value.convert(toFloat.getFloatSemantics(),
                          APFloat::rmNearestTiesToEven, &lost);
            return value;
          });
    return mapElements<APFloat, APInt>(
        {input}, type, maxElements,
        [&](ArrayRef<APFloat> a) -> std::optional<APInt> {
          if (toWidth == 1)
            return APInt(1, !a[0].isZero());
          // ONNX truncates toward zero; NaN and out-of-range are undefined.
          // 4/2-bit results keep the low bits of an i32, as the lowering.
          bool subByte = toWidth < 8;
          APSInt value(subByte ? 32 : toWidth,
                       /*isUnsigned=*/!subByte && to.isUnsignedInteger());
          bool exact;
          if (a[0].convertToInteger(value, APFloat::rmTowardZero, &exact) &
              APFloat::opInvalidOp)
            return std::nullopt;
          return value.trunc(toWidth);
        });
  }
  // Booleans and unsigned integers widen with zeros.
  bool fromUnsigned = from.isInteger(1) || from.isUnsignedInteger();
  if (toFloat)
    return mapElements<APInt, APFloat>(
        {input}, type, maxElements,
        [&](ArrayRef<APInt> a) -> std::optional<APFloat> {
          APFloat value(toFloat.getFloatSemantics());
          value.convertFromAPInt(a[0], /*IsSigned=*/!fromUnsigned,
                                 APFloat::rmNearestTiesToEven);
          return value;
        });
  return mapElements<APInt, APInt>(
      {input}, type, maxElements,
      [&](ArrayRef<APInt> a) -> std::optional<APInt> {
        if (toWidth == 1)
          return APInt(1, !a[0].isZero());
        return fromUnsigned ? a[0].zextOrTrunc(toWidth)
                            : a[0].sextOrTrunc(toWidth);
      });
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return foldToConstant(*this, adaptor.getOperands());
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

Attribute ReshapeOp::evaluateConstant(ArrayRef<Attribute> operands,
                                      int64_t maxElements) {
  DenseElementsAttr input = getDenseElements(operands[0]);
  auto type = cast<RankedTensorType>(getType());
  if (!input || (!input.isSplat() && tooLarge(type, maxElements)))
    return {};
  return input.reshape(type);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (OpFoldResult result = foldToConstant(*this, adaptor.getOperands()))
    return result;
  // reshape(reshape(x)) is one reshape of x.
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  return {};
}

Attribute ExpandOp::evaluateConstant(ArrayRef<Attribute> operands,
                                     int64_t maxElements) {
  DenseElementsAttr input = getDenseElements(operands[0]);
  auto type = cast<RankedTensorType>(getType());
  if (!input || (!input.isSplat() && tooLarge(type, maxElements)))
    return {};
  return gatherElements(
      input, type, broadcastIndices(input.getType().getShape(), type.getShape()));
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return foldToConstant(*this, adaptor.getOperands());
}

static bool isIdentityPermutation(ArrayRef<int64_t> perm) {
  for (auto [i, dim] : llvm::enumerate(perm))
    if (dim != static_cast<int64_t>(i))
      return false;
  return true;
}

Attribute TransposeOp::evaluateConstant(ArrayRef<Attribute> operands,
                                        int64_t maxElements) {
  DenseElementsAttr input = getDenseElements(operands[0]);
  RankedTensorType type = getType();
  if (!input || (!input.isSplat() && tooLarge(type, maxElements)))
    return {};
  SmallVector<int64_t> sourceStrides =
      rowMajorStrides(input.getType().getShape());
  SmallVector<int64_t> strides;
  for (int64_t dim : getPerm())
    strides.push_back(sourceStrides[dim]);
  return gatherElements(input, type,
                        stridedIndices(type.getShape(), strides, 0));
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  if (isIdentityPermutation(getPerm()))
    return getInput();
  if (OpFoldResult result = foldToConstant(*this, adaptor.getOperands()))
    return result;
  // transpose(transpose(x, inner), outer) = transpose(x, inner o outer).
  if (auto producer = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t dim : getPerm())
      composed.push_back(producer.getPerm()[dim]);
    if (isIdentityPermutation(composed))
      return producer.getInput();
    getInputMutable().assign(producer.getInput());
    setPerm(composed);
    return getResult();
  }
  return {};
}

Attribute ConcatOp::evaluateConstant(ArrayRef<Attribute> operands,
                                     int64_t maxElements) {
  SmallVector<DenseElementsAttr> inputs;
  for (Attribute operand : operands) {
    inputs.push_back(getDenseElements(operand));
    if (!inputs.back())
      return {};
  }
  RankedTensorType type = getType();
  if (tooLarge(type, maxElements))
    return {};
  int64_t axis = *normalizeAxis(getAxis(), type.getRank());
  int64_t outer = 1;
  for (int64_t dim : type.getShape().take_front(axis))
    outer *= dim;
  // Row-major: each outer index takes a contiguous chunk of every input.
  ElementGatherer gatherer(type);
  for (int64_t o = 0; o < outer; ++o)
    for (DenseElementsAttr input : inputs) {
      int64_t chunk = input.getNumElements() / std::max<int64_t>(outer, 1);
      for (int64_t e = 0; e < chunk; ++e)
        gatherer.append(input, o * chunk + e);
    }
  return gatherer.finish();
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute SliceOp::evaluateConstant(ArrayRef<Attribute> operands,
                                    int64_t maxElements) {
  DenseElementsAttr input = getDenseElements(operands[0]);
  RankedTensorType type = getType();
  if (!input || (!input.isSplat() && tooLarge(type, maxElements)))
    return {};
  SmallVector<int64_t> sourceStrides =
      rowMajorStrides(input.getType().getShape());
  SmallVector<int64_t> strides;
  int64_t offset = 0;
  for (auto [dim, stride] : llvm::zip(getSliceDimensions(), sourceStrides)) {
    offset += dim.start * stride;
    strides.push_back(dim.step * stride);
  }
  return gatherElements(input, type,
                        stridedIndices(type.getShape(), strides, offset));
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  // Taking every element in order is the identity.
  if (llvm::all_of(getSliceDimensions(), [](const SliceDimension &dim) {
        return dim.start == 0 && dim.step == 1;
      }) &&
      getInput().getType() == getType())
    return getInput();
  return foldToConstant(*this, adaptor.getOperands());
}

Attribute GatherOp::evaluateConstant(ArrayRef<Attribute> operands,
                                     int64_t maxElements) {
  DenseElementsAttr data = getDenseElements(operands[0]);
  DenseElementsAttr indices = getDenseElements(operands[1]);
  RankedTensorType type = getType();
  if (!data || !indices || (!data.isSplat() && tooLarge(type, maxElements)))
    return {};
  ArrayRef<int64_t> shape = data.getType().getShape();
  int64_t axis = *normalizeAxis(getAxis(), shape.size());
  int64_t outer = 1, inner = 1, axisSize = shape[axis];
  for (int64_t dim : shape.take_front(axis))
    outer *= dim;
  for (int64_t dim : shape.drop_front(axis + 1))
    inner *= dim;
  SmallVector<int64_t> positions;
  for (const APInt &index : indices.getValues<APInt>()) {
    int64_t position = index.getSExtValue();
    if (position < 0)
      position += axisSize;
    // Out-of-range indices are an error at run time; do not fold them away.
    if (position < 0 || position >= axisSize)
      return {};
    positions.push_back(position);
  }
  if (data.isSplat())
    return DenseElementsAttr::get(type, data.getSplatValue<Attribute>());
  SmallVector<int64_t> sources;
  sources.reserve(type.getNumElements());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t position : positions)
      for (int64_t i = 0; i < inner; ++i)
        sources.push_back((o * axisSize + position) * inner + i);
  return gatherElements(data, type, sources);
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  return foldToConstant(*this, adaptor.getOperands());
}

OpFoldResult PadOp::fold(FoldAdaptor adaptor) {
  if (llvm::all_of(getPads(), [](int64_t pad) { return pad == 0; }))
    return getInput();
  return {};
}

Attribute ShapeOp::evaluateConstant(ArrayRef<Attribute> operands,
                                    int64_t maxElements) {
  // nn shapes are static: the operand's value does not matter.
  RankedTensorType type = getType();
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(getInput().getType()).getShape();
  int64_t rank = shape.size();
  int64_t start = getStart();
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  return DenseElementsAttr::get(
      type, shape.slice(start, type.getNumElements()));
}

OpFoldResult ShapeOp::fold(FoldAdaptor adaptor) {
  return evaluateConstant(adaptor.getOperands(),
                          std::numeric_limits<int64_t>::max());
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

namespace {
/// How a reduction combines elements: floats accumulate in double, integers
/// in int64_t (wrapping like the run-time op); `finish` sees the count.
struct Reducer {
  double floatInit;
  int64_t intInit;
  double (*combineFloat)(double, double);
  int64_t (*combineInt)(int64_t, int64_t); // null: floats only
  double (*finishFloat)(double, int64_t);
};
} // namespace

static Attribute evaluateReduction(Operation *op, ArrayRef<Attribute> operands,
                                   int64_t maxElements, ArrayRef<int64_t> axes,
                                   const Reducer &reducer) {
  DenseElementsAttr input = getDenseElements(operands[0]);
  if (!input || input.getNumElements() > maxElements)
    return {};
  RankedTensorType type = resultTensorType(op);
  bool isFloat = isa<FloatType>(type.getElementType());
  // Integer reductions accumulate in int64_t, which unsigned values can
  // overflow: those stay ops.
  if (!isFloat && (!reducer.combineInt || isUnsignedElements(type)))
    return {};
  ArrayRef<int64_t> shape = input.getType().getShape();
  int64_t rank = shape.size();
  // Each input element's output position: kept dims keep their stride,
  // reduced dims (empty axes: all) contribute nothing.
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t axis : axes)
    reduced[*normalizeAxis(axis, rank)] = true;
  SmallVector<int64_t> keptShape(shape);
  for (int64_t d = 0; d < rank; ++d)
    if (reduced[d])
      keptShape[d] = 1;
  SmallVector<int64_t> strides = rowMajorStrides(keptShape);
  for (int64_t d = 0; d < rank; ++d)
    if (reduced[d])
      strides[d] = 0;
  SmallVector<int64_t> targets = stridedIndices(shape, strides, 0);
  int64_t outputs = type.getNumElements();
  int64_t count = input.getNumElements() / std::max<int64_t>(outputs, 1);
  if (isFloat) {
    SmallVector<double> acc(outputs, reducer.floatInit);
    auto values = input.getValues<APFloat>();
    for (auto [target, value] : llvm::zip(targets, values)) {
      bool lost;
      APFloat wide = value;
      wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      acc[target] = reducer.combineFloat(acc[target], wide.convertToDouble());
    }
    auto element = cast<FloatType>(type.getElementType());
    SmallVector<APFloat> results;
    for (double value : acc) {
      bool lost;
      APFloat result(reducer.finishFloat(value, count));
      result.convert(element.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                     &lost);
      results.push_back(result);
    }
    return DenseElementsAttr::get(type, results);
  }
  SmallVector<int64_t> acc(outputs, reducer.intInit);
  auto values = input.getValues<APInt>();
  for (auto [target, value] : llvm::zip(targets, values))
    acc[target] = reducer.combineInt(acc[target], value.getSExtValue());
  unsigned width = type.getElementTypeBitWidth();
  SmallVector<APInt> results;
  for (int64_t value : acc)
    results.push_back(APInt(64, value, /*isSigned=*/true).trunc(width));
  return DenseElementsAttr::get(type, results);
}

static double keep(double value, int64_t) { return value; }
static double add(double a, double b) { return a + b; }
// Integer accumulation wraps as the run-time op does (unsigned arithmetic
// avoids signed-overflow UB).
static int64_t addInt(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(b));
}
static int64_t mulInt(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) *
                              static_cast<uint64_t>(b));
}

static const Reducer kSum{0.0, 0, add, addInt, keep};
static const Reducer kMean{0.0, 0, add, nullptr,
                           [](double sum, int64_t n) { return sum / n; }};
// Max and min propagate NaN, like the run-time ops.
static const Reducer kMax{-INFINITY, std::numeric_limits<int64_t>::min(),
                          [](double a, double b) {
                            return std::isnan(a) || a > b ? a : b;
                          },
                          [](int64_t a, int64_t b) { return std::max(a, b); },
                          keep};
static const Reducer kMin{INFINITY, std::numeric_limits<int64_t>::max(),
                          [](double a, double b) {
                            return std::isnan(a) || a < b ? a : b;
                          },
                          [](int64_t a, int64_t b) { return std::min(a, b); },
                          keep};
static const Reducer kProd{1.0, 1, [](double a, double b) { return a * b; },
                           mulInt, keep};
static const Reducer kL1{0.0, 0,
                         [](double a, double b) { return a + std::abs(b); },
                         [](int64_t a, int64_t b) {
                           return addInt(a, b < 0 ? mulInt(b, -1) : b);
                         },
                         keep};
static const Reducer kL2{0.0, 0, [](double a, double b) { return a + b * b; },
                         nullptr,
                         [](double sum, int64_t) { return std::sqrt(sum); }};
static const Reducer kSumSquare{0.0, 0,
                                [](double a, double b) { return a + b * b; },
                                [](int64_t a, int64_t b) {
                                  return addInt(a, mulInt(b, b));
                                },
                                keep};

#define NN_REDUCTION_FOLD(OpClass, reducer)                                    \
  Attribute OpClass::evaluateConstant(ArrayRef<Attribute> operands,            \
                                      int64_t maxElements) {                   \
    return evaluateReduction(*this, operands, maxElements, getAxes(),          \
                             reducer);                                         \
  }                                                                            \
  OpFoldResult OpClass::fold(FoldAdaptor adaptor) {                            \
    return foldToConstant(*this, adaptor.getOperands());                       \
  }

NN_REDUCTION_FOLD(ReduceSumOp, kSum)
NN_REDUCTION_FOLD(ReduceMeanOp, kMean)
NN_REDUCTION_FOLD(ReduceMaxOp, kMax)
NN_REDUCTION_FOLD(ReduceMinOp, kMin)
NN_REDUCTION_FOLD(ReduceProdOp, kProd)
NN_REDUCTION_FOLD(ReduceL1Op, kL1)
NN_REDUCTION_FOLD(ReduceL2Op, kL2)
NN_REDUCTION_FOLD(ReduceSumSquareOp, kSumSquare)
#undef NN_REDUCTION_FOLD
