//===- NNOps.cpp - nn dialect operations ----------------------------------===//
#include "dialects/nn/NNOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace systolic::nn;

#include "dialects/nn/NNOpsEnums.cpp.inc"

LogicalResult systolic::nn::inferBroadcastResultType(
    std::optional<Location> loc, Type lhs, Type rhs,
    SmallVectorImpl<Type> &inferred) {
  auto lhsType = cast<RankedTensorType>(lhs);
  auto rhsType = cast<RankedTensorType>(rhs);
  if (lhsType.getElementType() != rhsType.getElementType())
    return emitOptionalError(loc, "operand element types differ: ",
                             lhsType.getElementType(), " vs ",
                             rhsType.getElementType());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhsType.getShape(),
                                          rhsType.getShape(), shape))
    return emitOptionalError(loc, "operand shapes ", lhsType, " and ", rhsType,
                             " are not broadcast-compatible");
  inferred.push_back(RankedTensorType::get(shape, lhsType.getElementType()));
  return success();
}

/// Normalizes `axes` to [0, rank); an empty list means all axes.
static SmallVector<int64_t> normalizedAxes(ArrayRef<int64_t> axes,
                                           int64_t rank) {
  SmallVector<int64_t> result;
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      result.push_back(i);
  for (int64_t axis : axes)
    result.push_back(axis < 0 ? axis + rank : axis);
  return result;
}

LogicalResult systolic::nn::verifyReductionAxes(Operation *op, Type input,
                                                ArrayRef<int64_t> axes) {
  int64_t rank = cast<RankedTensorType>(input).getRank();
  llvm::SmallSet<int64_t, 4> seen;
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank)
      return op->emitOpError() << "axis " << axis << " is out of range for a "
                               << "rank-" << rank << " input (expected in ["
                               << -rank << ", " << rank << "))";
    if (!seen.insert(axis < 0 ? axis + rank : axis).second)
      return op->emitOpError() << "axis " << axis << " appears more than once";
  }
  return success();
}

LogicalResult systolic::nn::inferReductionResultType(
    std::optional<Location> loc, Type input, ArrayRef<int64_t> axes,
    bool keepDims, SmallVectorImpl<Type> &inferred) {
  auto inputType = cast<RankedTensorType>(input);
  int64_t rank = inputType.getRank();
  SmallVector<int64_t> reduced = normalizedAxes(axes, rank);
  for (int64_t axis : reduced)
    if (axis < 0 || axis >= rank)
      return emitOptionalError(loc, "reduction axis out of range");
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    if (!llvm::is_contained(reduced, i))
      shape.push_back(inputType.getDimSize(i));
    else if (keepDims)
      shape.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(shape, inputType.getElementType()));
  return success();
}

LogicalResult
systolic::nn::inferLossResultType(Type prediction, LossReduction reduction,
                                  SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(prediction);
  if (reduction == LossReduction::none)
    inferred.push_back(type);
  else
    inferred.push_back(RankedTensorType::get({}, type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = cast<RankedTensorType>(adaptor.getRhs().getType());
  if (lhs.getElementType() != rhs.getElementType())
    return emitOptionalError(loc, "operand element types differ");
  if (lhs.getRank() == 0 || rhs.getRank() == 0)
    return emitOptionalError(loc, "matmul operands must have rank >= 1");
  // numpy.matmul promotes rank-1 operands to matrices and drops the added dim.
  SmallVector<int64_t> lhsShape(lhs.getShape()), rhsShape(rhs.getShape());
  bool lhsVector = lhsShape.size() == 1, rhsVector = rhsShape.size() == 1;
  if (lhsVector)
    lhsShape.insert(lhsShape.begin(), 1);
  if (rhsVector)
    rhsShape.push_back(1);
  int64_t k = lhsShape.back(), rhsK = rhsShape[rhsShape.size() - 2];
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(rhsK) && k != rhsK)
    return emitOptionalError(loc, "contraction sizes differ: lhs has K = ", k,
                             ", rhs has K = ", rhsK);
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(
          ArrayRef(lhsShape).drop_back(2), ArrayRef(rhsShape).drop_back(2),
          batch))
    return emitOptionalError(loc, "batch dimensions are not broadcastable");
  if (!lhsVector)
    batch.push_back(lhsShape[lhsShape.size() - 2]);
  if (!rhsVector)
    batch.push_back(rhsShape.back());
  inferred.push_back(RankedTensorType::get(batch, lhs.getElementType()));
  return success();
}

#define GET_OP_CLASSES
#include "dialects/nn/NNOps.cpp.inc"
