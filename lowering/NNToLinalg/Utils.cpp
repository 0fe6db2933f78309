//===- Utils.cpp - Builders shared by the nn to linalg patterns -----------===//
#include "lowering/NNToLinalg/Utils.h"
#include "dialects/nn/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace systolic::nn_to_linalg {

Type signless(Type type) {
  if (isa<nn::StringType>(type))
    return IntegerType::get(type.getContext(), 64);
  if (nn::isStorageOnlyType(type))
    return IntegerType::get(type.getContext(), 8);
  if (auto integer = dyn_cast<IntegerType>(type); integer && !integer.isSignless())
    return IntegerType::get(type.getContext(), integer.getWidth());
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return tensor.clone(signless(tensor.getElementType()));
  return type;
}

RankedTensorType signlessTensorType(Type type) {
  return cast<RankedTensorType>(signless(type));
}

bool isUnsignedElements(Type type) {
  return getElementTypeOrSelf(type).isUnsignedInteger();
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   Value value) {
  return linalg::FillOp::create(b, loc, value, emptyTensor(b, loc, type))
      .getResult(0);
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape) {
  int64_t offset = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(operandShape)) {
    int64_t dim = offset + i;
    if (size == 1 && resultShape[dim] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(dim, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, ScalarFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(
        broadcastMap(ctx, cast<RankedTensorType>(input.getType()).getShape(),
                     resultType.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, emptyTensor(b, loc, resultType), maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value buildReduction(OpBuilder &b, Location loc, ValueRange inputs,
                     ArrayRef<int64_t> axes, Value init, ScalarFn body) {
  MLIRContext *ctx = b.getContext();
  auto inputType = cast<RankedTensorType>(inputs.front().getType());
  int64_t rank = inputType.getRank();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < rank; ++i) {
    if (llvm::is_contained(axes, i)) {
      iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    iterators.push_back(utils::IteratorType::parallel);
    shape.push_back(inputType.getDimSize(i));
    outExprs.push_back(getAffineDimExpr(i, ctx));
  }
  auto resultType = RankedTensorType::get(shape, init.getType());
  AffineMap reducedMap = AffineMap::get(rank, 0, outExprs, ctx);
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(cast<RankedTensorType>(input.getType()).getRank() == rank
                       ? b.getMultiDimIdentityMap(rank)
                       : reducedMap);
  maps.push_back(reducedMap);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, filledTensor(b, loc, resultType, init), maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                body(nested, nestedLoc, args));
      });
  return generic.getResult(0);
}

RankedTensorType withShape(RankedTensorType type, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, type.getElementType());
}

Value buildMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                  Value init) {
  return linalg::MatmulOp::create(b, loc, init.getType(), ValueRange{lhs, rhs},
                                  init)
      .getResult(0);
}

Value createSigmoid(OpBuilder &b, Location loc, Value x) {
  Value one = scalarConstant(b, loc, x.getType(), 1);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, e));
}

Value reshape(OpBuilder &b, Location loc, Value value, RankedTensorType type) {
  auto source = cast<RankedTensorType>(value.getType());
  if (source == type)
    return value;
  // Constants are reshaped at compile time, so later folds (transposes of
  // reshaped weights) still see a constant.
  DenseElementsAttr constant;
  if (matchPattern(value, m_Constant(&constant)))
    return arith::ConstantOp::create(b, loc, type, constant.reshape(type));
  // No elements, no data to move (and no reassociation relates shapes with
  // a zero dimension).
  if (type.getNumElements() == 0)
    return tensor::EmptyOp::create(b, loc, type.getShape(),
                                   type.getElementType());
  ArrayRef<int64_t> from = source.getShape(), to = type.getShape();
  // Rank-0 tensors collapse from / expand to unit dims with no reassociation.
  if (to.empty())
    return tensor::CollapseShapeOp::create(b, loc, type, value,
                                           ArrayRef<ReassociationIndices>{});
  if (from.empty())
    return tensor::ExpandShapeOp::create(b, loc, type, value,
                                         ArrayRef<ReassociationIndices>{});
  if (from.size() > to.size())
    if (auto groups = getReassociationIndicesForCollapse(from, to))
      return tensor::CollapseShapeOp::create(b, loc, type, value, *groups);
  if (from.size() < to.size())
    if (auto groups = getReassociationIndicesForCollapse(to, from))
      return tensor::ExpandShapeOp::create(b, loc, type, value, *groups);
  // No single reassociation relates the shapes: go through rank 1.
  auto flat =
      RankedTensorType::get({source.getNumElements()}, source.getElementType());
  Value collapsed = reshape(b, loc, value, flat);
  return reshape(b, loc, collapsed, type);
}

Value broadcastTo(OpBuilder &b, Location loc, Value value,
                  RankedTensorType type) {
  auto source = cast<RankedTensorType>(value.getType());
  if (source.getShape() == type.getShape())
    return value;
  int64_t offset = type.getRank() - source.getRank();
  SmallVector<int64_t> keptShape, addedDims;
  for (int64_t i = 0; i < offset; ++i)
    addedDims.push_back(i);
  for (auto [i, size] : llvm::enumerate(source.getShape())) {
    if (size == type.getDimSize(offset + i))
      keptShape.push_back(size);
    else
      addedDims.push_back(offset + i);
  }
  Value kept = reshape(
      b, loc, value, RankedTensorType::get(keptShape, source.getElementType()));
  return linalg::BroadcastOp::create(b, loc, kept, emptyTensor(b, loc, type),
                                     addedDims)
      .getResult()[0];
}

/// The raw row-major bytes of a dense constant, if its elements are whole
/// bytes wide (i1 is bit-packed and takes the attribute path).
static std::optional<ArrayRef<char>> rawConstantData(ElementsAttr attr) {
  unsigned bits = attr.getElementType().getIntOrFloatBitWidth();
  if (bits % 8 != 0)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    if (!dense.isSplat())
      return dense.getRawData();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  return std::nullopt;
}

/// Rearranges a constant at compile time (result dim d reads source dim
/// perm[d], backwards when d is in `reversed`); null if it cannot.
static Attribute rearrangeConstant(ElementsAttr attr, RankedTensorType type,
                                   ArrayRef<int64_t> perm,
                                   ArrayRef<int64_t> reversed) {
  if (auto dense = dyn_cast<DenseElementsAttr>(attr); dense && dense.isSplat())
    return dense.resizeSplat(type);
  std::optional<ArrayRef<char>> raw = rawConstantData(attr);
  if (!raw)
    return nullptr;
  auto sourceType = cast<ShapedType>(attr.getType());
  int64_t rank = type.getRank();
  size_t width = sourceType.getElementTypeBitWidth() / 8;
  if (raw->size() != sourceType.getNumElements() * width)
    return nullptr;
  // Source strides, permuted into the destination's dim order.
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * sourceType.getDimSize(i + 1);
  SmallVector<int64_t> permStrides;
  for (int64_t p : perm)
    permStrides.push_back(strides[p]);
  std::vector<char> data(raw->size());
  SmallVector<int64_t> index(rank, 0);
  SmallVector<bool> isReversed(rank, false);
  for (int64_t d : reversed)
    isReversed[d] = true;
  for (int64_t linear = 0, e = type.getNumElements(); linear < e; ++linear) {
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t i = isReversed[d] ? type.getDimSize(d) - 1 - index[d] : index[d];
      offset += i * permStrides[d];
    }
    std::memcpy(&data[linear * width], raw->data() + offset * width, width);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < type.getDimSize(d))
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::getFromRawBuffer(type, data);
}

/// The constant rearrangement of `value`, or null if it is not a constant
/// that can be rearranged.
static Value foldRearrangement(OpBuilder &b, Location loc, Value value,
                               RankedTensorType type, ArrayRef<int64_t> perm,
                               ArrayRef<int64_t> reversed) {
  ElementsAttr constant;
  if (!matchPattern(value, m_Constant(&constant)))
    return nullptr;
  Attribute folded = rearrangeConstant(constant, type, perm, reversed);
  if (!folded)
    return nullptr;
  return arith::ConstantOp::create(b, loc, type, cast<TypedAttr>(folded));
}

static RankedTensorType permutedType(Value value, ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  return RankedTensorType::get(shape, type.getElementType());
}

Value transpose(OpBuilder &b, Location loc, Value value,
                ArrayRef<int64_t> perm) {
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return value;
  RankedTensorType resultType = permutedType(value, perm);
  if (Value folded = foldRearrangement(b, loc, value, resultType, perm, {}))
    return folded;
  return linalg::TransposeOp::create(b, loc, value,
                                     emptyTensor(b, loc, resultType), perm)
      .getResult()[0];
}

Value transposeAndReverse(OpBuilder &b, Location loc, Value value,
                          ArrayRef<int64_t> perm, ArrayRef<int64_t> reversed) {
  if (reversed.empty())
    return transpose(b, loc, value, perm);
  RankedTensorType resultType = permutedType(value, perm);
  if (Value folded =
          foldRearrangement(b, loc, value, resultType, perm, reversed))
    return folded;
  // Source dim perm[d] is read at index d, or size - 1 - d when reversed.
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<AffineExpr> exprs(rank);
  for (int64_t d = 0; d < rank; ++d) {
    AffineExpr i = getAffineDimExpr(d, ctx);
    if (llvm::is_contained(reversed, d))
      i = getAffineConstantExpr(resultType.getDimSize(d) - 1, ctx) - i;
    exprs[perm[d]] = i;
  }
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, value, emptyTensor(b, loc, resultType),
      {AffineMap::get(rank, 0, exprs, ctx), b.getMultiDimIdentityMap(rank)},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [](OpBuilder &nested, Location l, ValueRange args) {
        linalg::YieldOp::create(nested, l, args[0]);
      });
  return generic.getResult(0);
}

Value padTensor(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> low,
                ArrayRef<int64_t> high, double padValue) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (auto [i, size] : llvm::enumerate(shape))
    size += low[i] + high[i];
  MLIRContext *ctx = b.getContext();
  Value fill = scalarConstant(b, loc, type.getElementType(), padValue);
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), value,
      getAsIndexOpFoldResult(ctx, low), getAsIndexOpFoldResult(ctx, high),
      fill);
}

Value buildSoftmax(OpBuilder &b, Location loc, Value x, int64_t axis,
                   bool log) {
  auto type = cast<RankedTensorType>(x.getType());
  Type elementType = type.getElementType();
  SmallVector<int64_t> keptShape(type.getShape());
  keptShape[axis] = 1;
  auto keptType = RankedTensorType::get(keptShape, elementType);
  Value max =
      buildReduction(b, loc, x, axis, lowestValue(b, loc, elementType),
                     [](OpBuilder &nested, Location l, ValueRange args) {
                       return createMax(nested, l, args[1], args[0]);
                     });
  Value sum = buildReduction(
      b, loc, {x, max}, axis, scalarConstant(b, loc, elementType, 0),
      [](OpBuilder &nested, Location l, ValueRange args) -> Value {
        Value shifted = arith::SubFOp::create(nested, l, args[0], args[1]);
        Value e = math::ExpOp::create(nested, l, shifted);
        return arith::AddFOp::create(nested, l, args[2], e);
      });
  Value keptMax = reshape(b, loc, max, keptType);
  Value keptSum = reshape(b, loc, sum, keptType);
  return buildElementwise(
      b, loc, type, {x, keptMax, keptSum},
      [&](OpBuilder &nested, Location l, ValueRange args) -> Value {
        Value shifted = arith::SubFOp::create(nested, l, args[0], args[1]);
        if (log)
          return arith::SubFOp::create(nested, l, shifted,
                                       math::LogOp::create(nested, l, args[2]));
        Value e = math::ExpOp::create(nested, l, shifted);
        return arith::DivFOp::create(nested, l, e, args[2]);
      });
}

SmallVector<int64_t> normalizeAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  if (axes.empty())
    return llvm::to_vector(llvm::seq<int64_t>(0, rank));
  for (int64_t axis : axes)
    result.push_back(axis < 0 ? axis + rank : axis);
  llvm::sort(result);
  return result;
}

static bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

Value createAdd(OpBuilder &b, Location loc, Value x, Value y) {
  if (isFloat(x))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

Value createSub(OpBuilder &b, Location loc, Value x, Value y) {
  if (isFloat(x))
    return arith::SubFOp::create(b, loc, x, y);
  return arith::SubIOp::create(b, loc, x, y);
}

Value createMul(OpBuilder &b, Location loc, Value x, Value y) {
  if (isFloat(x))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

Value createDiv(OpBuilder &b, Location loc, Value x, Value y,
                bool isUnsigned) {
  if (isFloat(x))
    return arith::DivFOp::create(b, loc, x, y);
  if (isUnsigned)
    return arith::DivUIOp::create(b, loc, x, y);
  return arith::DivSIOp::create(b, loc, x, y);
}

/// Booleans (false < true) order as unsigned numbers.
static bool ordersUnsigned(Value x, bool isUnsigned) {
  return isUnsigned || x.getType().isInteger(1);
}

Value createMax(OpBuilder &b, Location loc, Value x, Value y,
                bool isUnsigned) {
  if (isFloat(x))
    return arith::MaximumFOp::create(b, loc, x, y);
  if (ordersUnsigned(x, isUnsigned))
    return arith::MaxUIOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

Value createMin(OpBuilder &b, Location loc, Value x, Value y,
                bool isUnsigned) {
  if (isFloat(x))
    return arith::MinimumFOp::create(b, loc, x, y);
  if (ordersUnsigned(x, isUnsigned))
    return arith::MinUIOp::create(b, loc, x, y);
  return arith::MinSIOp::create(b, loc, x, y);
}

Value createAbs(OpBuilder &b, Location loc, Value x, bool isUnsigned) {
  if (isFloat(x))
    return math::AbsFOp::create(b, loc, x);
  if (isUnsigned)
    return x;
  // max(x, -x) in plain arith lowers everywhere (math.absi has no lowering in
  // some upstream LLVM conversions).
  Value zero = scalarConstant(b, loc, x.getType(), 0);
  Value negated = arith::SubIOp::create(b, loc, zero, x);
  return arith::MaxSIOp::create(b, loc, x, negated);
}

Value convertScalar(OpBuilder &b, Location loc, Value x, Type nnTo,
                    Type nnFrom) {
  Type from = x.getType();
  Type to = signless(nnTo);
  // i1 is a boolean: it converts as 0/1, never as -1.
  bool unsignedSource =
      from.isInteger(1) || (nnFrom && nnFrom.isUnsignedInteger());
  if (from == to)
    return x;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat) {
    if (fromFloat.getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, to, x);
    return arith::TruncFOp::create(b, loc, to, x);
  }
  if (toFloat)
    return unsignedSource ? arith::UIToFPOp::create(b, loc, to, x).getResult()
                          : arith::SIToFPOp::create(b, loc, to, x).getResult();
  if (fromFloat)
    return to.isInteger(1)
               ? arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                       scalarConstant(b, loc, from, 0))
                     .getResult()
           : nnTo.isUnsignedInteger()
               ? arith::FPToUIOp::create(b, loc, to, x).getResult()
               : arith::FPToSIOp::create(b, loc, to, x).getResult();
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (to.isInteger(1))
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 scalarConstant(b, loc, from, 0));
  if (fromWidth < toWidth)
    return unsignedSource ? arith::ExtUIOp::create(b, loc, to, x).getResult()
                          : arith::ExtSIOp::create(b, loc, to, x).getResult();
  return arith::TruncIOp::create(b, loc, to, x);
}

Value lowestValue(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType, APFloat::getInf(floatType.getFloatSemantics(),
                                                  /*Negative=*/true)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt lowest = (width == 1 || isUnsigned)
                     ? APInt::getMinValue(width) // false for booleans
                     : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, lowest));
}

Value highestValue(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType,
                       APFloat::getInf(floatType.getFloatSemantics())));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt highest = (width == 1 || isUnsigned)
                      ? APInt::getMaxValue(width) // true for booleans
                      : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, highest));
}

Value sliceOuter(OpBuilder &b, Location loc, Value value, OpFoldResult index) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  offsets[0] = index;
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1)};
  for (int64_t size : type.getShape().drop_front())
    sizes.push_back(b.getIndexAttr(size));
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  auto resultType = RankedTensorType::get(type.getShape().drop_front(),
                                          type.getElementType());
  return tensor::ExtractSliceOp::create(b, loc, resultType, value, offsets,
                                        sizes, strides);
}

} // namespace systolic::nn_to_linalg

