//===- NNConvOps.cpp - Convolution, GEMM, pooling, normalization ----------===//
//
// Shape inference for the windowed ops. Each inference also validates the
// operands and attributes, so a bad model is rejected with one message that
// names the offending dimension or attribute.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace systolic::nn;

namespace {
/// Window attributes of conv/pool ops, all per spatial dimension except
/// `pads` (begins then ends). An empty `dilations` means all ones.
struct Window {
  ArrayRef<int64_t> kernel, strides, dilations, pads;
};
} // namespace

/// Checks rank 3-5 input ([N, C, spatial...]) and the attribute lengths and
/// ranges of `window` for it; returns the spatial rank.
static FailureOr<int64_t> verifyWindow(std::optional<Location> loc,
                                       RankedTensorType input,
                                       const Window &window,
                                       bool hasDilations) {
  int64_t rank = input.getRank();
  if (rank < 3 || rank > 5)
    return emitOptionalError(loc, "input must be [N, C, spatial...] with 1 to "
                             "3 spatial dimensions, got ", input);
  int64_t spatial = rank - 2;
  auto checkLength = [&](StringRef name, ArrayRef<int64_t> values,
                         int64_t expected) -> LogicalResult {
    if (static_cast<int64_t>(values.size()) != expected)
      return emitOptionalError(loc, "'", name, "' has ", values.size(),
                               " entries but the input has ", spatial,
                               " spatial dimensions (expected ", expected,
                               ")");
    return success();
  };
  if (failed(checkLength("kernel_shape", window.kernel, spatial)) ||
      failed(checkLength("strides", window.strides, spatial)) ||
      (hasDilations &&
       failed(checkLength("dilations", window.dilations, spatial))) ||
      failed(checkLength("pads", window.pads, 2 * spatial)))
    return failure();
  for (int64_t i = 0; i < spatial; ++i) {
    if (window.kernel[i] < 1)
      return emitOptionalError(loc, "kernel size ", window.kernel[i],
                               " in spatial dimension ", i,
                               " must be positive");
    if (window.strides[i] < 1)
      return emitOptionalError(loc, "stride ", window.strides[i],
                               " in spatial dimension ", i,
                               " must be positive");
    if (hasDilations && window.dilations[i] < 1)
      return emitOptionalError(loc, "dilation ", window.dilations[i],
                               " in spatial dimension ", i,
                               " must be positive");
    if (window.pads[i] < 0 || window.pads[i + spatial] < 0)
      return emitOptionalError(loc, "pads [", window.pads,
                               "] must be non-negative");
  }
  return spatial;
}

/// Output size of a sliding window along one dimension; fails when the
/// (dilated) window does not fit into the padded input even once.
static FailureOr<int64_t> windowOutputSize(std::optional<Location> loc,
                                           const Window &window, int64_t dim,
                                           int64_t inputSize, bool ceilMode) {
  int64_t spatial = window.kernel.size();
  int64_t dilation = window.dilations.empty() ? 1 : window.dilations[dim];
  int64_t padBegin = window.pads[dim], padEnd = window.pads[dim + spatial];
  int64_t extent = dilation * (window.kernel[dim] - 1) + 1;
  int64_t padded = inputSize + padBegin + padEnd;
  if (padded < extent)
    return emitOptionalError(loc, "window extent ", extent,
                             " (kernel ", window.kernel[dim], ", dilation ",
                             dilation, ") exceeds the padded input size ",
                             padded, " in spatial dimension ", dim);
  int64_t stride = window.strides[dim];
  int64_t output = (padded - extent) / stride + 1;
  // ceil_mode adds a partial last window unless it would start in the end
  // padding (PyTorch and onnxruntime drop that one).
  if (ceilMode && (padded - extent) % stride != 0 &&
      output * stride < inputSize + padBegin)
    ++output;
  return output;
}

/// The element types of all `values` must equal `expected`.
static LogicalResult verifyElementTypes(std::optional<Location> loc,
                                        Type expected,
                                        ArrayRef<std::pair<StringRef, Value>>
                                            values) {
  for (auto [name, value] : values)
    if (value && getElementTypeOrSelf(value.getType()) != expected)
      return emitOptionalError(loc, name, " element type ",
                               getElementTypeOrSelf(value.getType()),
                               " differs from the input's ", expected);
  return success();
}

/// Optional bias of conv/conv_transpose: [M].
static LogicalResult verifyBias(std::optional<Location> loc, Value bias,
                                int64_t channels) {
  if (!bias)
    return success();
  auto type = cast<RankedTensorType>(bias.getType());
  if (type.getRank() != 1 || type.getDimSize(0) != channels)
    return emitOptionalError(loc, "bias ", type, " must be [M] = [", channels,
                             "] (one value per output channel)");
  return success();
}

//===----------------------------------------------------------------------===//
// ConvOp
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto weight = cast<RankedTensorType>(adaptor.getWeight().getType());
  if (failed(verifyElementTypes(loc, input.getElementType(),
                                {{"weight", adaptor.getWeight()},
                                 {"bias", adaptor.getBias()}})))
    return failure();
  if (weight.getRank() != input.getRank())
    return emitOptionalError(loc, "weight ", weight, " must have the input's "
                             "rank ", input.getRank(), " ([M, C/group, k...])");
  Window window{weight.getShape().drop_front(2), adaptor.getStrides(),
                adaptor.getDilations(), adaptor.getPads()};
  FailureOr<int64_t> spatial = verifyWindow(loc, input, window, true);
  if (failed(spatial))
    return failure();
  int64_t group = adaptor.getGroup();
  int64_t channels = input.getDimSize(1), outChannels = weight.getDimSize(0);
  if (group < 1)
    return emitOptionalError(loc, "group ", group, " must be positive");
  if (channels % group != 0 || weight.getDimSize(1) * group != channels)
    return emitOptionalError(loc, "input has ", channels, " channels but the "
                             "weight expects ", weight.getDimSize(1),
                             " per group x ", group, " groups");
  if (outChannels % group != 0)
    return emitOptionalError(loc, "output channels ", outChannels,
                             " are not divisible by group ", group);
  if (failed(verifyBias(loc, adaptor.getBias(), outChannels)))
    return failure();
  SmallVector<int64_t> shape{input.getDimSize(0), outChannels};
  for (int64_t i = 0; i < *spatial; ++i) {
    FailureOr<int64_t> size =
        windowOutputSize(loc, window, i, input.getDimSize(i + 2), false);
    if (failed(size))
      return failure();
    shape.push_back(*size);
  }
  inferred.push_back(input.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// ConvTransposeOp
//===----------------------------------------------------------------------===//

LogicalResult ConvTransposeOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto weight = cast<RankedTensorType>(adaptor.getWeight().getType());
  if (failed(verifyElementTypes(loc, input.getElementType(),
                                {{"weight", adaptor.getWeight()},
                                 {"bias", adaptor.getBias()}})))
    return failure();
  if (weight.getRank() != input.getRank())
    return emitOptionalError(loc, "weight ", weight, " must have the input's "
                             "rank ", input.getRank(), " ([C, M/group, k...])");
  Window window{weight.getShape().drop_front(2), adaptor.getStrides(),
                adaptor.getDilations(), adaptor.getPads()};
  FailureOr<int64_t> spatial = verifyWindow(loc, input, window, true);
  if (failed(spatial))
    return failure();
  ArrayRef<int64_t> outputPadding = adaptor.getOutputPadding();
  if (static_cast<int64_t>(outputPadding.size()) != *spatial)
    return emitOptionalError(loc, "'output_padding' has ",
                             outputPadding.size(), " entries but the input "
                             "has ", *spatial, " spatial dimensions");
  int64_t group = adaptor.getGroup();
  int64_t channels = input.getDimSize(1);
  if (group < 1)
    return emitOptionalError(loc, "group ", group, " must be positive");
  if (weight.getDimSize(0) != channels)
    return emitOptionalError(loc, "input has ", channels, " channels but the "
                             "weight ", weight, " expects ",
                             weight.getDimSize(0));
  if (channels % group != 0)
    return emitOptionalError(loc, "input channels ", channels,
                             " are not divisible by group ", group);
  int64_t outChannels = weight.getDimSize(1) * group;
  if (failed(verifyBias(loc, adaptor.getBias(), outChannels)))
    return failure();
  SmallVector<int64_t> shape{input.getDimSize(0), outChannels};
  for (int64_t i = 0; i < *spatial; ++i) {
    int64_t stride = window.strides[i], dilation = window.dilations[i];
    if (outputPadding[i] < 0 ||
        outputPadding[i] >= std::max(stride, dilation))
      return emitOptionalError(loc, "output_padding ", outputPadding[i],
                               " in spatial dimension ", i,
                               " must be in [0, max(stride, dilation)) = [0, ",
                               std::max(stride, dilation), ")");
    int64_t size = stride * (input.getDimSize(i + 2) - 1) + outputPadding[i] +
                   dilation * (window.kernel[i] - 1) + 1 - window.pads[i] -
                   window.pads[i + *spatial];
    if (size < 1)
      return emitOptionalError(loc, "pads [", window.pads, "] leave no output "
                               "in spatial dimension ", i);
    shape.push_back(size);
  }
  inferred.push_back(input.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto a = cast<RankedTensorType>(adaptor.getA().getType());
  auto b = cast<RankedTensorType>(adaptor.getB().getType());
  if (failed(verifyElementTypes(loc, a.getElementType(),
                                {{"b", adaptor.getB()}, {"c", adaptor.getC()}})))
    return failure();
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "a and b must be matrices, got ", a, " and ",
                             b);
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t k = a.getDimSize(adaptor.getTransA() ? 0 : 1);
  int64_t bk = b.getDimSize(adaptor.getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  if (k != bk)
    return emitOptionalError(loc, "contraction sizes differ: op(a) has K = ", k,
                             ", op(b) has K = ", bk);
  if (Value c = adaptor.getC()) {
    auto cType = cast<RankedTensorType>(c.getType());
    if (!isUnidirectionallyBroadcastable(cType.getShape(), {m, n}))
      return emitOptionalError(loc, "c ", cType, " does not broadcast to the "
                               "result [", m, ", ", n, "]");
  }
  inferred.push_back(a.clone({m, n}));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

static LogicalResult inferPoolResultType(std::optional<Location> loc,
                                         Type inputType, const Window &window,
                                         bool hasDilations, bool ceilMode,
                                         SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(inputType);
  FailureOr<int64_t> spatial = verifyWindow(loc, input, window, hasDilations);
  if (failed(spatial))
    return failure();
  SmallVector<int64_t> shape(input.getShape().take_front(2));
  for (int64_t i = 0; i < *spatial; ++i) {
    // A window entirely inside the padding has no input element to pool.
    if (window.pads[i] >= window.kernel[i] ||
        window.pads[i + *spatial] >= window.kernel[i])
      return emitOptionalError(loc, "pads [", window.pads, "] must be smaller "
                               "than the kernel size ", window.kernel[i],
                               " in spatial dimension ", i);
    FailureOr<int64_t> size =
        windowOutputSize(loc, window, i, input.getDimSize(i + 2), ceilMode);
    if (failed(size))
      return failure();
    shape.push_back(*size);
  }
  inferred.push_back(input.clone(shape));
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  Window window{adaptor.getKernelShape(), adaptor.getStrides(),
                adaptor.getDilations(), adaptor.getPads()};
  if (failed(inferPoolResultType(loc, adaptor.getInput().getType(), window,
                                 true, adaptor.getCeilMode(), inferred)))
    return failure();
  std::optional<int64_t> order = adaptor.getStorageOrder();
  if (!order)
    return success();
  if (*order != 0 && *order != 1)
    return emitOptionalError(loc, "storage_order ", *order,
                             " must be 0 (row-major) or 1 (column-major)");
  // The indices have the result's shape.
  auto result = cast<RankedTensorType>(inferred.front());
  inferred.push_back(result.clone(IntegerType::get(context, 64)));
  return success();
}

namespace {
/// Unused indices are not computed: the op without them.
struct DropUnusedMaxPoolIndices : OpRewritePattern<MaxPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPoolOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getIndices() || !op.getIndices().use_empty())
      return failure();
    auto pool = MaxPoolOp::create(
        rewriter, op.getLoc(), op.getResult().getType(), /*indices=*/Type(),
        op.getInput(), op.getKernelShapeAttr(), op.getStridesAttr(),
        op.getPadsAttr(), op.getDilationsAttr(), op.getCeilModeAttr(),
        /*storage_order=*/IntegerAttr());
    rewriter.replaceAllUsesWith(op.getResult(), pool.getResult());
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

void MaxPoolOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<DropUnusedMaxPoolIndices>(context);
}

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  std::optional<ArrayRef<int64_t>> dilations = adaptor.getDilations();
  Window window{adaptor.getKernelShape(), adaptor.getStrides(),
                dilations.value_or(ArrayRef<int64_t>()), adaptor.getPads()};
  return inferPoolResultType(loc, adaptor.getInput().getType(), window,
                             dilations.has_value(), adaptor.getCeilMode(),
                             inferred);
}

LogicalResult systolic::nn::inferGlobalPoolResultType(
    std::optional<Location> loc, Type inputType,
    SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(inputType);
  if (input.getRank() < 3)
    return emitOptionalError(loc, "input must be [N, C, spatial...] with at "
                             "least one spatial dimension, got ", input);
  SmallVector<int64_t> shape(input.getRank(), 1);
  shape[0] = input.getDimSize(0);
  shape[1] = input.getDimSize(1);
  inferred.push_back(input.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormOp
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  if (input.getRank() < 2)
    return emitOptionalError(loc, "input must be [N, C, ...], got ", input);
  int64_t channels = input.getDimSize(1);
  std::pair<StringRef, Value> params[] = {{"scale", adaptor.getScale()},
                                          {"bias", adaptor.getBias()},
                                          {"mean", adaptor.getMean()},
                                          {"var", adaptor.getVar()}};
  if (failed(verifyElementTypes(loc, input.getElementType(), params)))
    return failure();
  for (auto [name, value] : params) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getRank() != 1 || type.getDimSize(0) != channels)
      return emitOptionalError(loc, name, " ", type, " must be [C] = [",
                               channels, "]");
  }
  if (!(adaptor.getEpsilon().convertToFloat() >= 0.0f))
    return emitOptionalError(loc, "epsilon must be non-negative");
  inferred.push_back(input);
  return success();
}
