//===- NNShapeOps.cpp - Shape and data-movement ops -----------------------===//
#include "dialects/nn/NNOps.h"

#include "mlir/Dialect/Traits.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace systolic::nn;

//===----------------------------------------------------------------------===//
// ReshapeOp / ExpandOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getType());
  if (input.getElementType() != result.getElementType())
    return emitOpError() << "result element type " << result.getElementType()
                         << " differs from the input's "
                         << input.getElementType();
  if (input.getNumElements() != result.getNumElements())
    return emitOpError() << "cannot reshape " << input << " ("
                         << input.getNumElements() << " elements) to "
                         << result << " (" << result.getNumElements()
                         << " elements)";
  return success();
}

bool systolic::nn::isFloat8(Type type) {
  return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
             Float8E5M2FNUZType, Float8E8M0FNUType>(type);
}

bool systolic::nn::isStorageOnlyType(Type type) {
  if (auto integer = dyn_cast<IntegerType>(type))
    return integer.getWidth() == 2 || integer.getWidth() == 4;
  return isFloat8(type) || isa<Float4E2M1FNType>(type);
}

LogicalResult CastOp::verify() {
  Type to = getType().getElementType();
  if (!getSaturate() && !isFloat8(to))
    return emitOpError() << "saturate = false applies only to float8 results "
                            "(f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, "
                            "f8E8M0FNU), not "
                         << to << "; drop the attribute";
  if (getRoundMode() && !isa<Float8E8M0FNUType>(to))
    return emitOpError() << "round_mode applies only to f8E8M0FNU results, not "
                         << to << "; drop the attribute";
  return success();
}

LogicalResult ExpandOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getType());
  if (input.getElementType() != result.getElementType())
    return emitOpError() << "result element type " << result.getElementType()
                         << " differs from the input's "
                         << input.getElementType();
  if (!isUnidirectionallyBroadcastable(input.getShape(), result.getShape()))
    return emitOpError() << "input " << input << " does not broadcast to "
                         << result;
  return success();
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(perm.size()) != rank)
    return emitOptionalError(loc, "perm has ", perm.size(),
                             " entries but the input has rank ", rank);
  SmallVector<bool> seen(rank, false);
  SmallVector<int64_t> shape;
  for (int64_t dim : perm) {
    if (dim < 0 || dim >= rank || seen[dim])
      return emitOptionalError(loc, "perm [", perm, "] is not a permutation "
                               "of [0, ", rank, ")");
    seen[dim] = true;
    shape.push_back(input.getDimSize(dim));
  }
  inferred.push_back(input.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "needs at least one input");
  auto first = cast<RankedTensorType>(inputs.front().getType());
  int64_t rank = first.getRank();
  int64_t requested = adaptor.getAxis();
  std::optional<int64_t> axis = normalizeAxis(requested, rank);
  if (!axis)
    return emitOptionalError(loc, "axis ", requested,
                             " is out of range for rank-", rank,
                             " inputs (expected in [", -rank, ", ", rank,
                             "))");
  SmallVector<int64_t> shape(first.getShape());
  shape[*axis] = 0;
  for (auto [index, value] : llvm::enumerate(inputs)) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getElementType() != first.getElementType())
      return emitOptionalError(loc, "input ", index, " element type ",
                               type.getElementType(), " differs from input "
                               "0's ", first.getElementType());
    if (type.getRank() != rank)
      return emitOptionalError(loc, "input ", index, " has rank ",
                               type.getRank(), " but input 0 has rank ", rank);
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && type.getDimSize(d) != first.getDimSize(d))
        return emitOptionalError(loc, "input ", index, " ", type,
                                 " differs from input 0 ", first,
                                 " in dimension ", d,
                                 " (only the concat axis may differ)");
    shape[*axis] += type.getDimSize(*axis);
  }
  inferred.push_back(first.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

/// Clamps one ONNX slice (start, end, step) to a dimension of size `dim`.
static SliceDimension clampSlice(int64_t dim, int64_t start, int64_t end,
                                 int64_t step) {
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
  }
  // Unsigned arithmetic: |step| may be 2^63 (step = INT64_MIN).
  uint64_t distance = step > 0 ? end - start : start - end;
  uint64_t magnitude = step > 0 ? static_cast<uint64_t>(step)
                                : -static_cast<uint64_t>(step);
  int64_t size = (step > 0 ? end > start : start > end)
                     ? static_cast<int64_t>((distance - 1) / magnitude + 1)
                     : 0;
  return {size == 0 ? 0 : start, step, size};
}

FailureOr<SmallVector<SliceDimension>> SliceOp::computeSliceDimensions(
    std::optional<Location> loc, RankedTensorType input,
    ArrayRef<int64_t> starts, ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
    ArrayRef<int64_t> steps) {
  if (starts.size() != ends.size() || starts.size() != axes.size() ||
      starts.size() != steps.size())
    return emitOptionalError(loc, "starts, ends, axes and steps must have the "
                             "same length, got ", starts.size(), ", ",
                             ends.size(), ", ", axes.size(), " and ",
                             steps.size());
  int64_t rank = input.getRank();
  SmallVector<SliceDimension> dims;
  for (int64_t d = 0; d < rank; ++d)
    dims.push_back({0, 1, input.getDimSize(d)});
  SmallVector<bool> seen(rank, false);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    std::optional<int64_t> dim = normalizeAxis(axis, rank);
    if (!dim)
      return emitOptionalError(loc, "axis ", axis, " is out of range for a "
                               "rank-", rank, " input (expected in [", -rank,
                               ", ", rank, "))");
    if (seen[*dim])
      return emitOptionalError(loc, "axis ", axis, " appears more than once");
    seen[*dim] = true;
    if (steps[i] == 0)
      return emitOptionalError(loc, "step for axis ", axis, " is zero");
    dims[*dim] = clampSlice(input.getDimSize(*dim), starts[i], ends[i],
                            steps[i]);
  }
  return dims;
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  FailureOr<SmallVector<SliceDimension>> dims = computeSliceDimensions(
      loc, input, adaptor.getStarts(), adaptor.getEnds(), adaptor.getAxes(),
      adaptor.getSteps());
  if (failed(dims))
    return failure();
  SmallVector<int64_t> shape;
  for (const SliceDimension &dim : *dims)
    shape.push_back(dim.size);
  inferred.push_back(input.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// GatherOp
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto data = cast<RankedTensorType>(adaptor.getData().getType());
  auto indices = cast<RankedTensorType>(adaptor.getIndices().getType());
  int64_t rank = data.getRank();
  if (rank == 0)
    return emitOptionalError(loc, "data must have rank >= 1");
  int64_t requested = adaptor.getAxis();
  std::optional<int64_t> axis = normalizeAxis(requested, rank);
  if (!axis)
    return emitOptionalError(loc, "axis ", requested,
                             " is out of range for a rank-", rank,
                             " input (expected in [", -rank, ", ", rank,
                             "))");
  SmallVector<int64_t> shape(data.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*axis + 1));
  inferred.push_back(data.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// PadOp
//===----------------------------------------------------------------------===//

LogicalResult PadOp::inferReturnTypes(MLIRContext *context,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> pads = adaptor.getPads();
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return emitOptionalError(loc, "pads has ", pads.size(),
                             " entries but a rank-", rank, " input needs ",
                             2 * rank, " (all begins, then all ends)");
  PadMode mode = adaptor.getMode();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = input.getDimSize(d), begin = pads[d], end = pads[d + rank];
    int64_t size = dim + begin + end;
    if (size < 0)
      return emitOptionalError(loc, "pads ", begin, " and ", end,
                               " crop dimension ", d, " of size ", dim,
                               " below zero");
    bool grows = begin > 0 || end > 0;
    if (mode == PadMode::reflect && (begin >= dim || end >= dim))
      return emitOptionalError(loc, "reflect pads ", begin, " and ", end,
                               " must be smaller than dimension ", d,
                               " of size ", dim);
    if (mode == PadMode::edge && grows && dim == 0)
      return emitOptionalError(loc, "edge padding of the empty dimension ", d);
    shape.push_back(size);
  }
  inferred.push_back(input.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// ShapeOp
//===----------------------------------------------------------------------===//

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  int64_t rank = cast<RankedTensorType>(adaptor.getInput().getType()).getRank();
  auto clampDim = [rank](int64_t dim) {
    return std::clamp<int64_t>(dim < 0 ? dim + rank : dim, 0, rank);
  };
  int64_t start = clampDim(adaptor.getStart());
  std::optional<uint64_t> end = adaptor.getEnd();
  int64_t stop = end ? clampDim(static_cast<int64_t>(*end)) : rank;
  inferred.push_back(RankedTensorType::get({std::max<int64_t>(stop - start, 0)},
                                           IntegerType::get(context, 64)));
  return success();
}
