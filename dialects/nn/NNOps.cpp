//===- NNOps.cpp - nn dialect operations ----------------------------------===//
#include "dialects/nn/NNOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace systolic::nn;

#include "dialects/nn/NNInterfaces.cpp.inc"
#include "dialects/nn/NNOpsEnums.cpp.inc"

std::optional<int64_t> systolic::nn::normalizeAxis(int64_t axis,
                                                   int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

bool systolic::nn::isUnidirectionallyBroadcastable(ArrayRef<int64_t> from,
                                                   ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  for (auto [f, t] : llvm::zip(llvm::reverse(from), llvm::reverse(to)))
    if (f != t && f != 1)
      return false;
  return true;
}

LogicalResult systolic::nn::verifyAxis(Operation *op, Type input,
                                       int64_t axis) {
  int64_t rank = cast<RankedTensorType>(input).getRank();
  if (!normalizeAxis(axis, rank))
    return op->emitOpError() << "axis " << axis << " is out of range for a "
                             << "rank-" << rank << " input (expected in ["
                             << -rank << ", " << rank << "))";
  return success();
}

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

LogicalResult systolic::nn::inferArgReductionResultType(
    std::optional<Location> loc, Type input, int64_t axis, bool keepDims,
    SmallVectorImpl<Type> &inferred) {
  auto inputType = cast<RankedTensorType>(input);
  int64_t rank = inputType.getRank();
  std::optional<int64_t> reduced = normalizeAxis(axis, rank);
  if (!reduced)
    return emitOptionalError(loc, "axis ", axis, " is out of range for a rank-",
                             rank, " input (expected in [", -rank, ", ", rank,
                             "))");
  SmallVector<int64_t> shape(inputType.getShape());
  if (keepDims)
    shape[*reduced] = 1;
  else
    shape.erase(shape.begin() + *reduced);
  inferred.push_back(
      RankedTensorType::get(shape, IntegerType::get(input.getContext(), 64)));
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise ops with extra operands or attributes.
//===----------------------------------------------------------------------===//

LogicalResult PReluOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto slope = cast<RankedTensorType>(adaptor.getSlope().getType());
  if (input.getElementType() != slope.getElementType())
    return emitOptionalError(loc, "slope element type ",
                             slope.getElementType(),
                             " differs from the input's ",
                             input.getElementType());
  if (!isUnidirectionallyBroadcastable(slope.getShape(), input.getShape()))
    return emitOptionalError(loc, "slope ", slope,
                             " does not broadcast to the input ", input);
  inferred.push_back(input);
  return success();
}

LogicalResult CompareOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  SmallVector<Type, 1> broadcast;
  if (failed(inferBroadcastResultType(loc, adaptor.getLhs().getType(),
                                      adaptor.getRhs().getType(), broadcast)))
    return failure();
  inferred.push_back(cast<RankedTensorType>(broadcast.front())
                         .clone(IntegerType::get(context, 1)));
  return success();
}

LogicalResult CompareOp::verify() {
  bool lhsString = isa<StringType>(getElementTypeOrSelf(getLhs().getType()));
  bool rhsString = isa<StringType>(getElementTypeOrSelf(getRhs().getType()));
  if (lhsString != rhsString)
    return emitOpError("compares a string tensor with a number tensor; both "
                       "operands must be strings or both numbers");
  if (lhsString && getPredicate() != ComparePredicate::eq)
    return emitOpError("strings compare for equality only, not '")
           << stringifyComparePredicate(getPredicate()) << "'";
  return success();
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto condition = cast<RankedTensorType>(adaptor.getCondition().getType());
  SmallVector<Type, 1> values;
  if (failed(inferBroadcastResultType(loc, adaptor.getTrueValue().getType(),
                                      adaptor.getFalseValue().getType(),
                                      values)))
    return failure();
  auto valueType = cast<RankedTensorType>(values.front());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(condition.getShape(),
                                          valueType.getShape(), shape))
    return emitOptionalError(loc, "condition shape ", condition,
                             " does not broadcast with the value shape ",
                             valueType);
  inferred.push_back(valueType.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// Losses and distances.
//===----------------------------------------------------------------------===//

LogicalResult HuberLossOp::verify() {
  if (!(getDelta().convertToFloat() > 0.0f))
    return emitOpError() << "delta must be positive, got "
                         << getDelta().convertToFloat();
  return success();
}

/// Shared by softmax_cross_entropy and nll_loss: `input` [N, C, d...],
/// `labels` [N, d...], optional `weights` [C]. Pushes the loss type.
static LogicalResult inferClassLossType(std::optional<Location> loc,
                                        Type inputType, Type labelsType,
                                        Value weights, LossReduction reduction,
                                        SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(inputType);
  auto labels = cast<RankedTensorType>(labelsType);
  if (input.getRank() < 2)
    return emitOptionalError(loc, "input must be [N, C, d...] (rank >= 2), "
                             "got ", input);
  SmallVector<int64_t> expected{input.getDimSize(0)};
  llvm::append_range(expected, input.getShape().drop_front(2));
  if (labels.getShape() != ArrayRef<int64_t>(expected))
    return emitOptionalError(loc, "labels ", labels, " must have shape [N, d...] "
                             "of input ", input, " (class dimension 1 "
                             "removed)");
  if (weights) {
    auto weightType = cast<RankedTensorType>(weights.getType());
    if (weightType.getRank() != 1 ||
        weightType.getDimSize(0) != input.getDimSize(1) ||
        weightType.getElementType() != input.getElementType())
      return emitOptionalError(loc, "weights ", weightType, " must be [C] = [",
                               input.getDimSize(1), "] of ",
                               input.getElementType());
  }
  if (reduction == LossReduction::none)
    inferred.push_back(labels.clone(input.getElementType()));
  else
    inferred.push_back(RankedTensorType::get({}, input.getElementType()));
  return success();
}

LogicalResult SoftmaxCrossEntropyOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  if (failed(inferClassLossType(loc, adaptor.getScores().getType(),
                                adaptor.getLabels().getType(),
                                adaptor.getWeights(), adaptor.getReduction(),
                                inferred)))
    return failure();
  inferred.push_back(adaptor.getScores().getType());
  return success();
}

LogicalResult NLLLossOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferClassLossType(loc, adaptor.getInput().getType(),
                            adaptor.getLabels().getType(), adaptor.getWeights(),
                            adaptor.getReduction(), inferred);
}

LogicalResult ManhattanDistanceOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  auto y = cast<RankedTensorType>(adaptor.getY().getType());
  if (x.getElementType() != y.getElementType())
    return emitOptionalError(loc, "operand element types differ: ",
                             x.getElementType(), " vs ", y.getElementType());
  if (x.getRank() < 2 || y.getRank() < 2)
    return emitOptionalError(loc, "operands must be [..., N, D] and "
                             "[..., M, D] (rank >= 2), got ", x, " and ", y);
  if (x.getShape().back() != y.getShape().back())
    return emitOptionalError(loc, "vector lengths differ: x has D = ",
                             x.getShape().back(), ", y has D = ",
                             y.getShape().back());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(x.getShape().drop_back(2),
                                          y.getShape().drop_back(2), shape))
    return emitOptionalError(loc, "batch dimensions of ", x, " and ", y,
                             " are not broadcastable");
  shape.push_back(x.getShape()[x.getRank() - 2]);
  shape.push_back(y.getShape()[y.getRank() - 2]);
  inferred.push_back(x.clone(shape));
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

std::string systolic::nn::getNodeName(Location loc) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string name = getNodeName(inner); !name.empty())
        return name;
  return "";
}
