//===- OpConverters.cpp - One converter per ONNX op type ------------------===//
//
// The registry at the bottom maps (op type, opset range) to a converter; the
// importer dispatches through it and docs/supported-onnx-ops.md is generated
// from it. Converters translate ONNX attributes (and tensor-valued parameters
// that must be compile-time constants) into nn op attributes; the nn ops infer
// and verify their result types.
//
//===----------------------------------------------------------------------===//
#include "lowering/onnx/OnnxConverter.h"

#include "dialects/nn/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cstdio>
#include <random>

using namespace mlir;
using namespace systolic::onnx;
namespace nn = systolic::nn;
using llvm::SmallVector;
using llvm::StringRef;

namespace {

/// Newest opset the converters were checked against (ONNX 1.23).
constexpr int64_t kNewest = 28;

/// Binds output 0 to `value`; fails when building it failed.
LogicalResult bind(OnnxNode &n, Value value) {
  if (!value)
    return failure();
  n.setResult(0, value);
  return success();
}

/// Normalizes a possibly negative axis against `rank`, or reports it.
FailureOr<int64_t> normalizeAxis(OnnxNode &n, int64_t axis, int64_t rank,
                                 StringRef what = "axis") {
  if (axis < -rank || axis >= rank)
    return n.emitError() << what << " " << axis << " is out of range for rank "
                         << rank;
  return axis < 0 ? axis + rank : axis;
}

RankedTensorType withShape(RankedTensorType type, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, type.getElementType());
}

Value reshape(OnnxNode &n, Value input, ArrayRef<int64_t> shape) {
  auto type = withShape(cast<RankedTensorType>(input.getType()), shape);
  if (type == input.getType())
    return input;
  return n.create1<nn::ReshapeOp>(input, {}, type);
}

/// A rank-0 constant of `elementType` holding `value`.
Value scalarConstant(OnnxNode &n, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  if (isa<FloatType>(elementType))
    return n.constant(DenseElementsAttr::get(
        type, n.builder.getFloatAttr(elementType, value).getValue()));
  return n.constant(DenseElementsAttr::get(
      type, APInt(elementType.getIntOrFloatBitWidth(), int64_t(value),
                  /*isSigned=*/true)));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename OpTy> LogicalResult convertUnary(OnnxNode &n) {
  return bind(n, n.create1<OpTy>(n.input(0)));
}

template <typename OpTy> LogicalResult convertBinary(OnnxNode &n) {
  return bind(n, n.create1<OpTy>({n.input(0), n.input(1)}));
}

/// Max/Min/Sum take any number of inputs; they become a chain.
template <typename OpTy> LogicalResult convertVariadic(OnnxNode &n) {
  Value acc = n.input(0);
  for (unsigned i = 1; acc && i < n.numInputs(); ++i)
    acc = n.create1<OpTy>({acc, n.input(i)});
  return bind(n, acc);
}

LogicalResult convertMean(OnnxNode &n) {
  if (failed(convertVariadic<nn::AddOp>(n)))
    return failure();
  Value sum = n.getResult(0);
  Type elementType = cast<RankedTensorType>(sum.getType()).getElementType();
  return bind(n, n.create1<nn::DivOp>(
                     {sum, scalarConstant(n, elementType, n.numInputs())}));
}

template <nn::ComparePredicate predicate>
LogicalResult convertCompare(OnnxNode &n) {
  return bind(n, n.create1<nn::CompareOp>(
                     {n.input(0), n.input(1)},
                     n.attr("predicate", nn::ComparePredicateAttr::get(
                                             n.builder.getContext(), predicate))));
}

LogicalResult convertWhere(OnnxNode &n) {
  return bind(n,
              n.create1<nn::SelectOp>({n.input(0), n.input(1), n.input(2)}));
}

Value castTo(OnnxNode &n, Value value, Type elementType) {
  if (!value || getElementTypeOrSelf(value.getType()) == elementType)
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  return n.create1<nn::CastOp>(value, {}, type.clone(elementType));
}

LogicalResult convertPow(OnnxNode &n) {
  // nn.pow is floating-point with one element type; ONNX lets the exponent
  // have another type and allows integer bases. Integer powers go through
  // f64 and back, which is how onnxruntime computes them.
  Type baseElement = n.inputType(0).getElementType();
  Type computeElement =
      isa<FloatType>(baseElement) ? baseElement : n.builder.getF64Type();
  Value base = castTo(n, n.input(0), computeElement);
  Value exponent = base ? castTo(n, n.input(1), computeElement) : Value();
  Value power = exponent ? n.create1<nn::PowOp>({base, exponent}) : Value();
  return bind(n, power ? castTo(n, power, baseElement) : Value());
}

LogicalResult convertLeakyRelu(OnnxNode &n) {
  float alpha = n.getFloat("alpha", 0.01f);
  return bind(n, n.create1<nn::LeakyReluOp>(
                     n.input(0), n.attr("alpha", n.builder.getF32FloatAttr(alpha))));
}

LogicalResult convertHardSigmoid(OnnxNode &n) {
  Builder &b = n.builder;
  return bind(n, n.create1<nn::HardSigmoidOp>(
                     n.input(0),
                     {n.attr("alpha", b.getF32FloatAttr(n.getFloat("alpha", 0.2f))),
                      n.attr("beta", b.getF32FloatAttr(n.getFloat("beta", 0.5f)))}));
}

LogicalResult convertElu(OnnxNode &n) {
  return bind(n, n.create1<nn::EluOp>(
                     n.input(0), n.attr("alpha", n.builder.getF32FloatAttr(
                                                     n.getFloat("alpha", 1.0f)))));
}

LogicalResult convertSelu(OnnxNode &n) {
  Builder &b = n.builder;
  SmallVector<NamedAttribute> attrs;
  // Absent attributes keep the op's defaults, which are ONNX's.
  if (n.hasAttr("alpha"))
    attrs.push_back(n.attr("alpha", b.getF32FloatAttr(n.getFloat("alpha", 0))));
  if (n.hasAttr("gamma"))
    attrs.push_back(n.attr("gamma", b.getF32FloatAttr(n.getFloat("gamma", 0))));
  return bind(n, n.create1<nn::SeluOp>(n.input(0), attrs));
}

LogicalResult convertGelu(OnnxNode &n) {
  StringRef approximate = n.getString("approximate", "none");
  nn::GeluApproximation kind;
  if (approximate == "none")
    kind = nn::GeluApproximation::none;
  else if (approximate == "tanh")
    kind = nn::GeluApproximation::tanh;
  else
    return n.unsupportedAttr("approximate", "'" + approximate + "'",
                             "expected 'none' or 'tanh'");
  return bind(n, n.create1<nn::GeluOp>(
                     n.input(0),
                     n.attr("approximate", nn::GeluApproximationAttr::get(
                                               n.builder.getContext(), kind))));
}

LogicalResult convertSoftplus(OnnxNode &n) {
  return convertUnary<nn::SoftplusOp>(n);
}

LogicalResult convertClip(OnnxNode &n) {
  Value input = n.input(0);
  RankedTensorType type = n.inputType(0);
  if (n.opset < 11) {
    SmallVector<NamedAttribute> attrs;
    if (n.hasAttr("min"))
      attrs.push_back(n.attr("min", n.builder.getF32FloatAttr(n.getFloat("min", 0))));
    if (n.hasAttr("max"))
      attrs.push_back(n.attr("max", n.builder.getF32FloatAttr(n.getFloat("max", 0))));
    return bind(n, n.create1<nn::ClipOp>(input, attrs));
  }
  // Constant float bounds give nn.clip; integer tensors or run-time bounds
  // become max/min with the bound tensors (same result, ONNX broadcasting).
  bool constantBounds = true;
  SmallVector<NamedAttribute> attrs;
  for (auto [index, name] : {std::pair<unsigned, StringRef>{1, "min"}, {2, "max"}}) {
    if (!n.hasInput(index))
      continue;
    DenseFPElementsAttr bound;
    if (!matchPattern(n.input(index), m_Constant(&bound)) ||
        bound.getNumElements() != 1) {
      constantBounds = false;
      continue;
    }
    attrs.push_back(n.attr(name, n.builder.getF32FloatAttr(
                                     (*bound.value_begin<APFloat>()).convertToFloat())));
  }
  if (isa<FloatType>(type.getElementType()) && constantBounds)
    return bind(n, n.create1<nn::ClipOp>(input, attrs));
  Value result = input;
  if (n.hasInput(1))
    result = n.create1<nn::MaxOp>({result, n.input(1)});
  if (result && n.hasInput(2))
    result = n.create1<nn::MinOp>({result, n.input(2)});
  return bind(n, result);
}

template <typename OpTy> LogicalResult convertSoftmax(OnnxNode &n) {
  RankedTensorType type = n.inputType(0);
  int64_t rank = type.getRank();
  if (n.opset >= 13) {
    FailureOr<int64_t> axis = normalizeAxis(n, n.getInt("axis", -1), rank);
    if (failed(axis))
      return failure();
    return bind(n, n.create1<OpTy>(n.input(0),
                                   n.attr("axis", n.builder.getI64IntegerAttr(*axis))));
  }
  // Before opset 13 the input is flattened to 2-D at `axis` and normalized
  // over the whole trailing block.
  FailureOr<int64_t> axis = normalizeAxis(n, n.getInt("axis", 1), rank);
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> shape = type.getShape();
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < *axis ? outer : inner) *= shape[i];
  Value flat = reshape(n, n.input(0), {outer, inner});
  Value result = flat ? n.create1<OpTy>(flat, n.attr("axis", n.builder.getI64IntegerAttr(1)))
                      : Value();
  return bind(n, result ? reshape(n, result, shape) : Value());
}

LogicalResult convertPRelu(OnnxNode &n) {
  return bind(n, n.create1<nn::PReluOp>({n.input(0), n.input(1)}));
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// Reduce* ops: axes are an attribute before `axesInputSince` and an optional
/// input from then on; `noop_with_empty_axes` turns "no axes" into identity.
template <typename OpTy, int64_t axesInputSince>
LogicalResult convertReduce(OnnxNode &n) {
  SmallVector<int64_t> axes;
  if (n.opset >= axesInputSince) {
    if (n.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> values = n.getConstantInts(1, "axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
  } else if (auto values = n.getInts("axes")) {
    axes = *values;
  }
  if (axes.empty() && n.getInt("noop_with_empty_axes", 0))
    return bind(n, n.input(0));
  bool keepdims = n.getInt("keepdims", 1) != 0;
  return bind(n, n.create1<OpTy>(
                     n.input(0), {n.attr("axes", n.builder.getDenseI64ArrayAttr(axes)),
                                  n.attr("keepdims", n.builder.getBoolAttr(keepdims))}));
}

template <typename OpTy> LogicalResult convertArgReduce(OnnxNode &n) {
  Builder &b = n.builder;
  return bind(n, n.create1<OpTy>(
                     n.input(0),
                     {n.attr("axis", b.getI64IntegerAttr(n.getInt("axis", 0))),
                      n.attr("keepdims", b.getBoolAttr(n.getInt("keepdims", 1))),
                      n.attr("select_last_index",
                             b.getBoolAttr(n.getInt("select_last_index", 0)))}));
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

FailureOr<nn::LossReduction> getReduction(OnnxNode &n) {
  StringRef reduction = n.getString("reduction", "mean");
  if (reduction == "none")
    return nn::LossReduction::none;
  if (reduction == "mean")
    return nn::LossReduction::mean;
  if (reduction == "sum")
    return nn::LossReduction::sum;
  return n.unsupportedAttr("reduction", "'" + reduction + "'",
                           "expected 'none', 'mean' or 'sum'");
}

SmallVector<NamedAttribute> lossAttributes(OnnxNode &n,
                                           nn::LossReduction reduction) {
  SmallVector<NamedAttribute> attrs{n.attr(
      "reduction", nn::LossReductionAttr::get(n.builder.getContext(), reduction))};
  if (n.hasAttr("ignore_index"))
    attrs.push_back(n.attr("ignore_index", n.builder.getI64IntegerAttr(
                                               n.getInt("ignore_index", 0))));
  return attrs;
}

SmallVector<Value> lossOperands(OnnxNode &n) {
  SmallVector<Value> operands{n.input(0), n.input(1)};
  if (n.hasInput(2))
    operands.push_back(n.input(2));
  return operands;
}

LogicalResult convertSoftmaxCrossEntropy(OnnxNode &n) {
  FailureOr<nn::LossReduction> reduction = getReduction(n);
  if (failed(reduction))
    return failure();
  SmallVector<Value> results = n.create<nn::SoftmaxCrossEntropyOp>(
      lossOperands(n), lossAttributes(n, *reduction), {}, 2);
  if (results.empty())
    return failure();
  n.setResult(0, results[0]);
  n.setResult(1, results[1]);
  return success();
}

LogicalResult convertNLLLoss(OnnxNode &n) {
  FailureOr<nn::LossReduction> reduction = getReduction(n);
  if (failed(reduction))
    return failure();
  return bind(n, n.create1<nn::NLLLossOp>(lossOperands(n),
                                          lossAttributes(n, *reduction)));
}

//===----------------------------------------------------------------------===//
// Convolution, pooling, normalization, linear algebra
//===----------------------------------------------------------------------===//

/// Spatial window parameters shared by Conv, ConvTranspose and pooling.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads;
};

/// Reads strides/dilations/pads (defaults 1, 1, 0) for `spatial` dims and
/// resolves `auto_pad` against the input's spatial sizes.
FailureOr<Window> getWindow(OnnxNode &n, ArrayRef<int64_t> inputSpatial,
                            ArrayRef<int64_t> kernel) {
  size_t spatial = kernel.size();
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = n.getInts("strides").value_or(SmallVector<int64_t>(spatial, 1));
  w.dilations = n.getInts("dilations").value_or(SmallVector<int64_t>(spatial, 1));
  w.pads = n.getInts("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
  if (w.strides.size() != spatial || w.dilations.size() != spatial ||
      w.pads.size() != 2 * spatial)
    return n.emitError() << "strides, dilations and pads must have " << spatial
                         << ", " << spatial << " and " << 2 * spatial
                         << " entries";
  StringRef autoPad = n.getString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET")
    return w;
  if (autoPad == "VALID") {
    w.pads.assign(2 * spatial, 0);
    return w;
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return n.unsupportedAttr("auto_pad", "'" + autoPad + "'");
  // SAME: the output has ceil(in / stride) elements; the odd padding element
  // goes at the end (SAME_UPPER) or the beginning (SAME_LOWER).
  for (size_t i = 0; i < spatial; ++i) {
    int64_t out = (inputSpatial[i] + w.strides[i] - 1) / w.strides[i];
    int64_t total = std::max<int64_t>(
        0, (out - 1) * w.strides[i] + (w.kernel[i] - 1) * w.dilations[i] + 1 -
               inputSpatial[i]);
    int64_t small = total / 2, large = total - small;
    w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
    w.pads[i + spatial] = autoPad == "SAME_UPPER" ? large : small;
  }
  return w;
}

/// The kernel from the weight shape, checked against `kernel_shape`.
FailureOr<SmallVector<int64_t>> convKernel(OnnxNode &n) {
  RankedTensorType input = n.inputType(0), weight = n.inputType(1);
  if (input.getRank() < 3 || weight.getRank() != input.getRank())
    return n.emitError() << "expects input and weight of the same rank >= 3, "
                            "got "
                         << input << " and " << weight;
  SmallVector<int64_t> kernel(weight.getShape().drop_front(2));
  if (auto given = n.getInts("kernel_shape"))
    if (ArrayRef<int64_t>(*given) != ArrayRef<int64_t>(kernel))
      return n.emitError() << "kernel_shape does not match the weight shape "
                           << weight;
  return kernel;
}

SmallVector<Value> convOperands(OnnxNode &n) {
  SmallVector<Value> operands{n.input(0), n.input(1)};
  if (n.hasInput(2))
    operands.push_back(n.input(2));
  return operands;
}

LogicalResult convertConv(OnnxNode &n) {
  FailureOr<SmallVector<int64_t>> kernel = convKernel(n);
  if (failed(kernel))
    return failure();
  FailureOr<Window> w =
      getWindow(n, n.inputType(0).getShape().drop_front(2), *kernel);
  if (failed(w))
    return failure();
  Builder &b = n.builder;
  return bind(n, n.create1<nn::ConvOp>(
                     convOperands(n),
                     {n.attr("strides", b.getDenseI64ArrayAttr(w->strides)),
                      n.attr("dilations", b.getDenseI64ArrayAttr(w->dilations)),
                      n.attr("pads", b.getDenseI64ArrayAttr(w->pads)),
                      n.attr("group", b.getI64IntegerAttr(n.getInt("group", 1)))}));
}

LogicalResult convertConvTranspose(OnnxNode &n) {
  FailureOr<SmallVector<int64_t>> kernel = convKernel(n);
  if (failed(kernel))
    return failure();
  size_t spatial = kernel->size();
  ArrayRef<int64_t> in = n.inputType(0).getShape().drop_front(2);
  // auto_pad for ConvTranspose is resolved from the output shape below, not
  // like Conv's.
  Window w;
  w.strides = n.getInts("strides").value_or(SmallVector<int64_t>(spatial, 1));
  w.dilations = n.getInts("dilations").value_or(SmallVector<int64_t>(spatial, 1));
  w.pads = n.getInts("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
  SmallVector<int64_t> outputPadding =
      n.getInts("output_padding").value_or(SmallVector<int64_t>(spatial, 0));
  if (w.strides.size() != spatial || w.dilations.size() != spatial ||
      w.pads.size() != 2 * spatial || outputPadding.size() != spatial)
    return n.emitError() << "strides, dilations, output_padding and pads must "
                            "have one entry per spatial dimension (pads: two)";
  StringRef autoPad = n.getString("auto_pad", "NOTSET");
  std::optional<SmallVector<int64_t>> outputShape = n.getInts("output_shape");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return n.unsupportedAttr("auto_pad", "'" + autoPad + "'");
  if (autoPad == "VALID")
    w.pads.assign(2 * spatial, 0);
  if (!outputShape && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")) {
    outputShape.emplace();
    for (size_t i = 0; i < spatial; ++i)
      outputShape->push_back(in[i] * w.strides[i]);
  }
  if (outputShape) {
    // output_shape may include N and C; only the spatial part matters.
    ArrayRef<int64_t> out(*outputShape);
    if (out.size() == spatial + 2)
      out = out.drop_front(2);
    if (out.size() != spatial)
      return n.unsupportedAttr("output_shape", "of " + Twine(out.size()) +
                                                   " entries",
                               "expected one per spatial dimension");
    for (size_t i = 0; i < spatial; ++i) {
      int64_t total = w.strides[i] * (in[i] - 1) + outputPadding[i] +
                      ((*kernel)[i] - 1) * w.dilations[i] + 1 - out[i];
      if (total < 0) {
        // A larger output than the full result: ONNX puts the extra
        // elements at the end (floor division makes the end pad negative),
        // which is what output_padding does.
        if (autoPad == "SAME_UPPER")
          return n.unsupportedAttr("output_shape", Twine(out[i]),
                                   "larger than the full transposed "
                                   "convolution with auto_pad SAME_UPPER");
        outputPadding[i] -= total;
        w.pads[i] = w.pads[i + spatial] = 0;
        continue;
      }
      int64_t small = total / 2, large = total - small;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      w.pads[i + spatial] = autoPad == "SAME_UPPER" ? large : small;
    }
  }
  Builder &b = n.builder;
  return bind(n, n.create1<nn::ConvTransposeOp>(
                     convOperands(n),
                     {n.attr("strides", b.getDenseI64ArrayAttr(w.strides)),
                      n.attr("dilations", b.getDenseI64ArrayAttr(w.dilations)),
                      n.attr("pads", b.getDenseI64ArrayAttr(w.pads)),
                      n.attr("output_padding", b.getDenseI64ArrayAttr(outputPadding)),
                      n.attr("group", b.getI64IntegerAttr(n.getInt("group", 1)))}));
}

FailureOr<Window> poolWindow(OnnxNode &n) {
  std::optional<SmallVector<int64_t>> kernel = n.getInts("kernel_shape");
  if (!kernel)
    return n.emitError() << "missing required attribute 'kernel_shape'";
  RankedTensorType input = n.inputType(0);
  if (input.getRank() != int64_t(kernel->size()) + 2)
    return n.emitError() << "kernel_shape has " << kernel->size()
                         << " entries for input " << input;
  return getWindow(n, input.getShape().drop_front(2), *kernel);
}

LogicalResult convertMaxPool(OnnxNode &n) {
  // storage_order only says how the Indices output flattens the input.
  int64_t order = n.getInt("storage_order", 0);
  if (order != 0 && order != 1)
    return n.unsupportedAttr("storage_order", Twine(order),
                             "expected 0 (row-major) or 1 (column-major)");
  FailureOr<Window> w = poolWindow(n);
  if (failed(w))
    return failure();
  Builder &b = n.builder;
  bool withIndices = n.hasOutput(1);
  SmallVector<NamedAttribute> attrs{
      n.attr("kernel_shape", b.getDenseI64ArrayAttr(w->kernel)),
      n.attr("strides", b.getDenseI64ArrayAttr(w->strides)),
      n.attr("pads", b.getDenseI64ArrayAttr(w->pads)),
      n.attr("dilations", b.getDenseI64ArrayAttr(w->dilations)),
      n.attr("ceil_mode", b.getBoolAttr(n.getInt("ceil_mode", 0)))};
  if (withIndices)
    attrs.push_back(n.attr("storage_order", b.getI64IntegerAttr(order)));
  SmallVector<Value> results =
      n.create<nn::MaxPoolOp>(n.input(0), attrs, {}, withIndices ? 2 : 1);
  if (results.empty())
    return failure();
  for (auto [i, value] : llvm::enumerate(results))
    n.setResult(i, value);
  return success();
}

LogicalResult convertAveragePool(OnnxNode &n) {
  FailureOr<Window> w = poolWindow(n);
  if (failed(w))
    return failure();
  Builder &b = n.builder;
  SmallVector<NamedAttribute> attrs{
      n.attr("kernel_shape", b.getDenseI64ArrayAttr(w->kernel)),
      n.attr("strides", b.getDenseI64ArrayAttr(w->strides)),
      n.attr("pads", b.getDenseI64ArrayAttr(w->pads)),
      n.attr("ceil_mode", b.getBoolAttr(n.getInt("ceil_mode", 0))),
      n.attr("count_include_pad",
             b.getBoolAttr(n.getInt("count_include_pad", 0)))};
  // All-ones dilations are left implicit (nn.avg_pool's default).
  if (llvm::any_of(w->dilations, [](int64_t d) { return d != 1; }))
    attrs.push_back(n.attr("dilations", b.getDenseI64ArrayAttr(w->dilations)));
  return bind(n, n.create1<nn::AvgPoolOp>(n.input(0), attrs));
}

/// Training-mode BatchNormalization (opset 14+): normalizes with the batch's
/// own statistics (mean and population variance over every axis but 1) and
/// also returns the updated running statistics
/// `running = input * momentum + batch * (1 - momentum)`.
LogicalResult convertBatchNormTraining(OnnxNode &n) {
  RankedTensorType type = n.inputType(0);
  int64_t rank = type.getRank();
  if (rank < 2)
    return n.emitError() << "expects an input [N, C, ...], got " << type;
  Builder &b = n.builder;
  SmallVector<int64_t> axes{0};
  for (int64_t i = 2; i < rank; ++i)
    axes.push_back(i);
  SmallVector<NamedAttribute> reduce{
      n.attr("axes", b.getDenseI64ArrayAttr(axes)),
      n.attr("keepdims", b.getBoolAttr(true))};
  Value x = n.input(0);
  Value meanKept = n.create1<nn::ReduceMeanOp>(x, reduce);
  if (!meanKept)
    return failure();
  Value centered = n.create1<nn::SubOp>({x, meanKept});
  Value squares =
      centered ? n.create1<nn::MulOp>({centered, centered}) : Value();
  Value varKept =
      squares ? n.create1<nn::ReduceMeanOp>(squares, reduce) : Value();
  if (!varKept)
    return failure();
  int64_t channels = type.getDimSize(1);
  Value mean = reshape(n, meanKept, {channels});
  Value var = reshape(n, varKept, {channels});
  Value y = n.create1<nn::BatchNormOp>(
      {x, n.input(1), n.input(2), mean, var},
      n.attr("epsilon", b.getF32FloatAttr(n.getFloat("epsilon", 1e-5f))));
  if (!y)
    return failure();
  n.setResult(0, y);
  float momentum = n.getFloat("momentum", 0.9f);
  for (unsigned i = 1; i <= 2; ++i) {
    if (!n.hasOutput(i))
      continue;
    Value running = n.input(2 + i), batch = i == 1 ? mean : var;
    Type elementType = getElementTypeOrSelf(running.getType());
    if (elementType != getElementTypeOrSelf(batch.getType()))
      return n.emitError() << "running statistics of type " << elementType
                           << " differ from the input's element type";
    Value kept = n.create1<nn::MulOp>(
        {running, scalarConstant(n, elementType, momentum)});
    Value added = n.create1<nn::MulOp>(
        {batch, scalarConstant(n, elementType, 1.0 - double(momentum))});
    Value updated =
        kept && added ? n.create1<nn::AddOp>({kept, added}) : Value();
    if (!updated)
      return failure();
    n.setResult(i, updated);
  }
  return success();
}

LogicalResult convertBatchNorm(OnnxNode &n) {
  if (int64_t training = n.getInt("training_mode", 0)) {
    // training_mode exists from opset 14, where the outputs are
    // (Y, running_mean, running_var).
    if (n.opset < 14)
      return n.unsupportedAttr("training_mode", Twine(training),
                               "an attribute of opset 14 and later");
    return convertBatchNormTraining(n);
  }
  if (n.getInt("spatial", 1) != 1)
    return n.unsupportedAttr("spatial", "0");
  for (unsigned i = 1; i < n.numOutputs(); ++i)
    if (n.hasOutput(i))
      return n.emitError() << "training outputs (running mean/variance) are "
                              "not supported";
  return bind(n, n.create1<nn::BatchNormOp>(
                     {n.input(0), n.input(1), n.input(2), n.input(3), n.input(4)},
                     n.attr("epsilon", n.builder.getF32FloatAttr(
                                           n.getFloat("epsilon", 1e-5f)))));
}

LogicalResult convertGemm(OnnxNode &n) {
  Builder &b = n.builder;
  SmallVector<Value> operands{n.input(0), n.input(1)};
  if (n.hasInput(2))
    operands.push_back(n.input(2));
  return bind(n, n.create1<nn::GemmOp>(
                     operands,
                     {n.attr("trans_a", b.getBoolAttr(n.getInt("transA", 0))),
                      n.attr("trans_b", b.getBoolAttr(n.getInt("transB", 0))),
                      n.attr("alpha", b.getF32FloatAttr(n.getFloat("alpha", 1.0f))),
                      n.attr("beta", b.getF32FloatAttr(n.getFloat("beta", 1.0f)))}));
}

/// Attributes LSTM and GRU share; only ONNX's default activations and
/// layout 0 have nn counterparts.
FailureOr<SmallVector<NamedAttribute>>
recurrentAttributes(OnnxNode &n, ArrayRef<StringRef> defaultActivations) {
  Builder &b = n.builder;
  if (n.hasInput(4)) {
    // Full-length sequences are the only ones nn.lstm/nn.gru process.
    int64_t layout = n.getInt("layout", 0);
    int64_t seqLength = n.inputType(0).getDimSize(layout == 0 ? 0 : 1);
    ElementsAttr lengths;
    if (!matchPattern(n.input(4), m_Constant(&lengths)) ||
        !llvm::all_of(lengths.getValues<APInt>(), [&](const APInt &length) {
          return length.getSExtValue() == seqLength;
        }))
      return n.emitError() << "input 'sequence_lens' must be a constant "
                              "equal to the sequence length "
                           << seqLength << " for every batch entry";
  }
  StringRef directionName = n.getString("direction", "forward");
  std::optional<nn::RNNDirection> direction =
      nn::symbolizeRNNDirection(directionName);
  if (!direction)
    return n.unsupportedAttr("direction", "'" + directionName + "'");
  if (auto activations = n.hasAttr("activations")
                             ? std::optional(n.proto.getAttribute("activations")->strings)
                             : std::nullopt) {
    size_t dirs = *direction == nn::RNNDirection::bidirectional ? 2 : 1;
    bool defaults = activations->size() == dirs * defaultActivations.size();
    for (size_t i = 0; defaults && i < activations->size(); ++i)
      defaults = (*activations)[i] ==
                 defaultActivations[i % defaultActivations.size()];
    if (!defaults) {
      std::string list;
      for (StringRef a : *activations)
        list += (list.empty() ? "" : ", ") + a.str();
      return n.unsupportedAttr("activations", "[" + list + "]",
                               "only the defaults are supported");
    }
  }
  if (n.hasAttr("activation_alpha") || n.hasAttr("activation_beta"))
    return n.unsupportedAttr("activation_alpha/activation_beta", "(set)",
                             "only the default activations are supported");
  std::optional<int64_t> hidden =
      n.hasAttr("hidden_size") ? std::optional(n.getInt("hidden_size", 0))
                               : std::nullopt;
  if (!hidden) {
    // hidden_size is optional in ONNX; R is [dirs, gates * H, H].
    hidden = n.inputType(2).getRank() == 3 ? n.inputType(2).getDimSize(2) : 0;
  }
  SmallVector<NamedAttribute> attrs{
      n.attr("hidden_size", b.getI64IntegerAttr(*hidden)),
      n.attr("direction", nn::RNNDirectionAttr::get(b.getContext(), *direction))};
  if (n.hasAttr("clip"))
    attrs.push_back(n.attr("clip", b.getF32FloatAttr(n.getFloat("clip", 0))));
  return attrs;
}

Value transpose(OnnxNode &n, Value value, ArrayRef<int64_t> perm) {
  if (!value)
    return value;
  return n.create1<nn::TransposeOp>(
      value, n.attr("perm", n.builder.getDenseI64ArrayAttr(perm)));
}

/// Builds nn.lstm/nn.gru from inputs X, W, R and the optional inputs
/// `optionalInputs`. With ONNX layout 1 (batch first), X, the initial states
/// and the results are transposed to and from nn's sequence-first layout.
template <typename OpTy>
LogicalResult convertRecurrent(OnnxNode &n, ArrayRef<StringRef> activations,
                               ArrayRef<unsigned> optionalInputs,
                               unsigned numResults,
                               SmallVector<NamedAttribute> extraAttrs) {
  FailureOr<SmallVector<NamedAttribute>> attrs =
      recurrentAttributes(n, activations);
  if (failed(attrs))
    return failure();
  int64_t layout = n.getInt("layout", 0);
  if (layout != 0 && layout != 1)
    return n.unsupportedAttr("layout", Twine(layout), "expected 0 or 1");
  // [batch, seq, in] -> [seq, batch, in]; [batch, dirs, H] -> [dirs, batch, H].
  auto toSequenceFirst = [&](Value v) {
    return layout ? transpose(n, v, {1, 0, 2}) : v;
  };
  SmallVector<Value> operands{toSequenceFirst(n.input(0)), n.input(1),
                              n.input(2)};
  SmallVector<int32_t> segments{1, 1, 1};
  for (unsigned i : optionalInputs) {
    segments.push_back(n.hasInput(i) ? 1 : 0);
    if (n.hasInput(i))
      operands.push_back(i == 5 || i == 6 ? toSequenceFirst(n.input(i))
                                          : n.input(i));
  }
  if (llvm::is_contained(operands, Value()))
    return failure();
  attrs->append(extraAttrs.begin(), extraAttrs.end());
  attrs->push_back(n.attr("operandSegmentSizes",
                          n.builder.getDenseI32ArrayAttr(segments)));
  SmallVector<Value> results = n.create<OpTy>(operands, *attrs, {}, numResults);
  if (results.empty())
    return failure();
  // Y: [seq, dirs, batch, H] -> [batch, seq, dirs, H]; states as above.
  for (unsigned i = 0; i < numResults; ++i) {
    Value result = results[i];
    if (layout && n.hasOutput(i))
      result = i == 0 ? transpose(n, result, {2, 0, 1, 3})
                      : transpose(n, result, {1, 0, 2});
    if (!result)
      return failure();
    n.setResult(i, result);
  }
  return success();
}

LogicalResult convertLSTM(OnnxNode &n) {
  if (n.getInt("input_forget", 0))
    return n.unsupportedAttr("input_forget", "1");
  return convertRecurrent<nn::LSTMOp>(n, {"Sigmoid", "Tanh", "Tanh"},
                                      {3, 5, 6, 7}, 3, {});
}

LogicalResult convertGRU(OnnxNode &n) {
  return convertRecurrent<nn::GRUOp>(
      n, {"Sigmoid", "Tanh"}, {3, 5}, 2,
      {n.attr("linear_before_reset",
              n.builder.getBoolAttr(n.getInt("linear_before_reset", 0)))});
}

//===----------------------------------------------------------------------===//
// Shapes and data movement
//===----------------------------------------------------------------------===//

LogicalResult convertIdentity(OnnxNode &n) { return bind(n, n.input(0)); }

/// Training-mode Dropout's keep mask as ONNX's reference draws it:
/// numpy's legacy generator seeded with `seed` (MT19937, init_genrand) gives
/// uniform doubles u = ((a >> 5) * 2^26 + (b >> 6)) / 2^53 from successive
/// 32-bit outputs a, b, one per element in row-major order, and an element is
/// kept when u >= ratio.
std::vector<bool> dropoutKeepMask(uint32_t seed, int64_t elements, double ratio) {
  std::mt19937 generator(seed);
  std::vector<bool> keep(elements);
  for (int64_t i = 0; i < elements; ++i) {
    uint64_t a = generator() >> 5, b = generator() >> 6;
    double u = (double(a) * 67108864.0 + double(b)) / 9007199254740992.0;
    keep[i] = u >= ratio;
  }
  return keep;
}

LogicalResult convertDropout(OnnxNode &n) {
  // Inference: Dropout is the identity; its mask is all true. So is training
  // with ratio 0 (every element kept, scaled by 1 / (1 - 0)). Training with
  // another ratio keeps the elements of a mask drawn at compile time from the
  // node's `seed`, and scales them by 1 / (1 - ratio).
  RankedTensorType type = n.inputType(0);
  auto maskType = RankedTensorType::get(type.getShape(), n.builder.getI1Type());
  if (n.opset >= 12 && n.hasInput(2)) {
    FailureOr<SmallVector<int64_t>> training =
        n.getConstantInts(2, "training_mode");
    if (failed(training))
      return failure();
    if (llvm::any_of(*training, [](int64_t v) { return v != 0; })) {
      double ratio = 0.5;
      if (n.hasInput(1)) {
        FailureOr<double> given = n.getConstantScalar(1, "ratio");
        if (failed(given))
          return failure();
        ratio = *given;
      }
      if (ratio < 0 || ratio >= 1) {
        char text[32];
        std::snprintf(text, sizeof(text), "%g", ratio);
        return n.emitError() << "ratio " << text << " is outside [0, 1)";
      }
      if (ratio != 0) {
        if (!n.hasAttr("seed"))
          return n.emitError()
                 << "training_mode = true needs a 'seed' attribute: the "
                    "dropout mask is drawn at compile time (set seed, or "
                    "export the model in inference mode)";
        if (!type.hasStaticShape())
          return n.emitError() << "training_mode = true needs a static input "
                                  "shape to draw the dropout mask, got "
                               << type;
        std::vector<bool> keep = dropoutKeepMask(
            uint32_t(n.getInt("seed", 0)), type.getNumElements(), ratio);
        // The reference computes mask * x * (1 / (1 - ratio)) in x's type.
        llvm::APFloat scale(1.0 / (1.0 - ratio));
        bool lost;
        scale.convert(cast<FloatType>(type.getElementType()).getFloatSemantics(),
                      llvm::APFloat::rmNearestTiesToEven, &lost);
        llvm::APFloat zero = llvm::APFloat::getZero(scale.getSemantics());
        SmallVector<llvm::APFloat> factors;
        SmallVector<bool> mask;
        for (bool k : keep) {
          factors.push_back(k ? scale : zero);
          mask.push_back(k);
        }
        Value factor = n.constant(DenseElementsAttr::get(type, factors));
        n.setResult(0, n.create1<nn::MulOp>({n.input(0), factor}));
        if (n.hasOutput(1))
          n.setResult(1, n.constant(DenseElementsAttr::get(maskType, ArrayRef<bool>(mask))));
        return success();
      }
    }
  }
  n.setResult(0, n.input(0));
  if (n.hasOutput(1))
    n.setResult(1, n.constant(DenseElementsAttr::get(maskType, true)));
  return success();
}

LogicalResult convertFlatten(OnnxNode &n) {
  RankedTensorType type = n.inputType(0);
  int64_t rank = type.getRank();
  int64_t axis = n.getInt("axis", 1);
  // Flatten's axis ranges over [-rank, rank].
  if (axis < -rank || axis > rank)
    return n.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= type.getDimSize(i);
  return bind(n, reshape(n, n.input(0), {outer, inner}));
}

LogicalResult convertReshape(OnnxNode &n) {
  RankedTensorType type = n.inputType(0);
  FailureOr<SmallVector<int64_t>> requested = n.getConstantInts(1, "shape");
  if (failed(requested))
    return failure();
  bool allowZero = n.getInt("allowzero", 0) != 0;
  SmallVector<int64_t> shape;
  int64_t known = 1, inferIndex = -1;
  for (auto [i, dim] : llvm::enumerate(*requested)) {
    if (dim == 0 && !allowZero) {
      if (int64_t(i) >= type.getRank())
        return n.emitError() << "shape entry " << i
                             << " is 0 (copy), but the input has rank "
                             << type.getRank();
      dim = type.getDimSize(i);
    }
    if (dim == -1) {
      if (inferIndex >= 0)
        return n.emitError() << "shape has more than one -1 entry";
      inferIndex = i;
    } else if (dim < 0) {
      return n.emitError() << "shape entry " << i << " is " << dim;
    } else {
      known *= dim;
    }
    shape.push_back(dim);
  }
  if (inferIndex >= 0) {
    if (known == 0 || type.getNumElements() % known != 0)
      return n.emitError() << "cannot infer the -1 entry: " << type
                           << " does not split into blocks of " << known;
    shape[inferIndex] = type.getNumElements() / known;
  }
  return bind(n, reshape(n, n.input(0), shape));
}

/// Squeeze/Unsqueeze axes: an attribute before opset 13, an input after.
FailureOr<std::optional<SmallVector<int64_t>>> getSqueezeAxes(OnnxNode &n) {
  if (n.opset < 13)
    return n.getInts("axes");
  if (!n.hasInput(1))
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> axes = n.getConstantInts(1, "axes");
  if (failed(axes))
    return failure();
  return std::optional<SmallVector<int64_t>>(*axes);
}

LogicalResult convertSqueeze(OnnxNode &n) {
  RankedTensorType type = n.inputType(0);
  auto axes = getSqueezeAxes(n);
  if (failed(axes))
    return failure();
  SmallVector<bool> drop(type.getRank(), false);
  if (!*axes) {
    for (int64_t i = 0; i < type.getRank(); ++i)
      drop[i] = type.getDimSize(i) == 1;
  }
  for (int64_t axis : axes->value_or(SmallVector<int64_t>())) {
    FailureOr<int64_t> a = normalizeAxis(n, axis, type.getRank());
    if (failed(a))
      return failure();
    if (type.getDimSize(*a) != 1)
      return n.emitError() << "cannot squeeze dimension " << *a << " of size "
                           << type.getDimSize(*a);
    drop[*a] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!drop[i])
      shape.push_back(type.getDimSize(i));
  return bind(n, reshape(n, n.input(0), shape));
}

LogicalResult convertUnsqueeze(OnnxNode &n) {
  RankedTensorType type = n.inputType(0);
  auto axes = getSqueezeAxes(n);
  if (failed(axes))
    return failure();
  if (!*axes)
    return n.emitError() << "missing axes";
  int64_t rank = type.getRank() + (*axes)->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : **axes) {
    FailureOr<int64_t> a = normalizeAxis(n, axis, rank);
    if (failed(a))
      return failure();
    if (inserted[*a])
      return n.emitError() << "axis " << axis << " appears more than once";
    inserted[*a] = true;
  }
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> dims = type.getShape();
  for (int64_t i = 0; i < rank; ++i) {
    if (inserted[i]) {
      shape.push_back(1);
    } else {
      shape.push_back(dims.front());
      dims = dims.drop_front();
    }
  }
  return bind(n, reshape(n, n.input(0), shape));
}

LogicalResult convertExpand(OnnxNode &n) {
  RankedTensorType type = n.inputType(0);
  FailureOr<SmallVector<int64_t>> requested = n.getConstantInts(1, "shape");
  if (failed(requested))
    return failure();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(type.getShape(), *requested, shape))
    return n.emitError() << type << " cannot be expanded to shape ["
                         << llvm::make_range(requested->begin(), requested->end())
                         << "]";
  auto resultType = withShape(type, shape);
  if (resultType == type)
    return bind(n, n.input(0));
  return bind(n, n.create1<nn::ExpandOp>(n.input(0), {}, resultType));
}

LogicalResult convertTranspose(OnnxNode &n) {
  int64_t rank = n.inputType(0).getRank();
  SmallVector<int64_t> perm;
  if (auto given = n.getInts("perm"))
    perm = *given;
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  return bind(n, n.create1<nn::TransposeOp>(
                     n.input(0), n.attr("perm", n.builder.getDenseI64ArrayAttr(perm))));
}

LogicalResult convertConcat(OnnxNode &n) {
  if (!n.hasAttr("axis"))
    return n.emitError() << "missing required attribute 'axis'";
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < n.numInputs(); ++i)
    inputs.push_back(n.input(i));
  return bind(n, n.create1<nn::ConcatOp>(
                     inputs, n.attr("axis", n.builder.getI64IntegerAttr(
                                                n.getInt("axis", 0)))));
}

LogicalResult convertSlice(OnnxNode &n) {
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.opset < 10) {
    starts = n.getInts("starts").value_or(SmallVector<int64_t>());
    ends = n.getInts("ends").value_or(SmallVector<int64_t>());
    if (auto given = n.getInts("axes"))
      axes = *given;
  } else {
    auto read = [&](unsigned i, StringRef what, SmallVector<int64_t> &out) {
      if (!n.hasInput(i))
        return success();
      FailureOr<SmallVector<int64_t>> values = n.getConstantInts(i, what);
      if (failed(values))
        return failure();
      out = *values;
      return success();
    };
    if (failed(read(1, "starts", starts)) || failed(read(2, "ends", ends)) ||
        failed(read(3, "axes", axes)) || failed(read(4, "steps", steps)))
      return failure();
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  Builder &b = n.builder;
  return bind(n, n.create1<nn::SliceOp>(
                     n.input(0), {n.attr("starts", b.getDenseI64ArrayAttr(starts)),
                                  n.attr("ends", b.getDenseI64ArrayAttr(ends)),
                                  n.attr("axes", b.getDenseI64ArrayAttr(axes)),
                                  n.attr("steps", b.getDenseI64ArrayAttr(steps))}));
}

LogicalResult convertGather(OnnxNode &n) {
  return bind(n, n.create1<nn::GatherOp>(
                     {n.input(0), n.input(1)},
                     n.attr("axis", n.builder.getI64IntegerAttr(n.getInt("axis", 0)))));
}

/// Slice of `input` along one axis.
Value sliceAxis(OnnxNode &n, Value input, int64_t axis, int64_t start,
                int64_t end) {
  Builder &b = n.builder;
  return n.create1<nn::SliceOp>(
      input, {n.attr("starts", b.getDenseI64ArrayAttr({start})),
              n.attr("ends", b.getDenseI64ArrayAttr({end})),
              n.attr("axes", b.getDenseI64ArrayAttr({axis})),
              n.attr("steps", b.getDenseI64ArrayAttr({1}))});
}

/// Pad mode "wrap" (opset 19): the border comes from the opposite side, so
/// it is the input's tail, the input and its head, concatenated per axis.
LogicalResult wrapPad(OnnxNode &n, ArrayRef<int64_t> pads) {
  Value result = n.input(0);
  int64_t rank = n.inputType(0).getRank();
  for (int64_t axis = 0; axis < rank && result; ++axis) {
    int64_t dim = cast<RankedTensorType>(result.getType()).getDimSize(axis);
    int64_t before = pads[axis], after = pads[axis + rank];
    if (before < 0 || after < 0 || before > dim || after > dim)
      return n.unsupportedAttr("pads", Twine(before) + ", " + Twine(after),
                               "mode 'wrap' needs pads in [0, " + Twine(dim) +
                                   "] on axis " + Twine(axis));
    if (!before && !after)
      continue;
    SmallVector<Value> parts;
    if (before)
      parts.push_back(sliceAxis(n, result, axis, dim - before, dim));
    parts.push_back(result);
    if (after)
      parts.push_back(sliceAxis(n, result, axis, 0, after));
    if (llvm::is_contained(parts, Value()))
      return failure();
    result = n.create1<nn::ConcatOp>(
        parts, n.attr("axis", n.builder.getI64IntegerAttr(axis)));
  }
  return bind(n, result);
}

LogicalResult convertPad(OnnxNode &n) {
  int64_t rank = n.inputType(0).getRank();
  StringRef modeName = n.getString("mode", "constant");
  std::optional<nn::PadMode> mode = nn::symbolizePadMode(modeName);
  if (!mode && modeName != "wrap")
    return n.unsupportedAttr("mode", "'" + modeName + "'",
                             "expected 'constant', 'reflect', 'edge' or "
                             "'wrap'");
  SmallVector<int64_t> pads;
  double value = 0;
  if (n.opset < 11) {
    pads = n.getInts("pads").value_or(SmallVector<int64_t>());
    value = n.getFloat("value", 0.0f);
  } else {
    FailureOr<SmallVector<int64_t>> given = n.getConstantInts(1, "pads");
    if (failed(given))
      return failure();
    pads = *given;
    if (n.hasInput(2)) {
      FailureOr<double> constant = n.getConstantScalar(2, "constant_value");
      if (failed(constant))
        return failure();
      value = *constant;
    }
    if (n.hasInput(3)) {
      // Pads for the listed axes only; the others get none.
      FailureOr<SmallVector<int64_t>> axes = n.getConstantInts(3, "axes");
      if (failed(axes))
        return failure();
      if (pads.size() != 2 * axes->size())
        return n.emitError() << "pads has " << pads.size() << " entries for "
                             << axes->size() << " axes";
      SmallVector<int64_t> full(2 * rank, 0);
      for (auto [i, axis] : llvm::enumerate(*axes)) {
        FailureOr<int64_t> a = normalizeAxis(n, axis, rank);
        if (failed(a))
          return failure();
        full[*a] = pads[i];
        full[*a + rank] = pads[i + axes->size()];
      }
      pads = full;
    }
  }
  if (pads.size() != size_t(2 * rank))
    return n.emitError() << "pads has " << pads.size() << " entries for rank "
                         << rank;
  if (!mode)
    return wrapPad(n, pads);
  Builder &b = n.builder;
  return bind(n, n.create1<nn::PadOp>(
                     n.input(0),
                     {n.attr("pads", b.getDenseI64ArrayAttr(pads)),
                      n.attr("mode", nn::PadModeAttr::get(b.getContext(), *mode)),
                      n.attr("value", b.getF32FloatAttr(value))}));
}

LogicalResult convertShape(OnnxNode &n) {
  SmallVector<NamedAttribute> attrs{
      n.attr("start", n.builder.getI64IntegerAttr(n.getInt("start", 0)))};
  if (n.hasAttr("end"))
    attrs.push_back(n.attr("end", n.builder.getI64IntegerAttr(n.getInt("end", 0))));
  return bind(n, n.create1<nn::ShapeOp>(n.input(0), attrs));
}

/// Cast and CastLike: converts input 0 to `elementType`. As in ONNX,
/// `saturate` only matters for float8 results and `round_mode` only for
/// FLOAT8E8M0; other casts ignore them.
LogicalResult castElements(OnnxNode &n, Type elementType) {
  RankedTensorType type = n.inputType(0);
  if (type.getElementType() == elementType)
    return bind(n, n.input(0));
  SmallVector<NamedAttribute> attrs;
  if (nn::isFloat8(elementType) && n.getInt("saturate", 1) == 0)
    attrs.push_back(n.attr("saturate", n.builder.getBoolAttr(false)));
  if (isa<Float8E8M0FNUType>(elementType)) {
    StringRef mode = n.getString("round_mode", "up");
    std::optional<nn::RoundMode> roundMode = nn::symbolizeRoundMode(mode);
    if (!roundMode)
      return n.unsupportedAttr("round_mode", "'" + mode + "'",
                               "ONNX defines up, down and nearest");
    if (*roundMode != nn::RoundMode::up)
      attrs.push_back(n.attr("round_mode", nn::RoundModeAttr::get(
                                               n.builder.getContext(), *roundMode)));
  }
  return bind(n, n.create1<nn::CastOp>(n.input(0), attrs,
                                       type.clone(elementType)));
}

LogicalResult convertCast(OnnxNode &n) {
  int64_t to = n.getInt("to", 0);
  Type elementType = getElementType(n.builder.getContext(), to);
  if (!elementType)
    return n.unsupportedAttr("to", dataTypeName(to),
                             "no nn element type for this ONNX type");
  return castElements(n, elementType);
}

LogicalResult convertCastLike(OnnxNode &n) {
  return castElements(n, n.inputType(1).getElementType());
}

LogicalResult convertConstant(OnnxNode &n) {
  Builder &b = n.builder;
  if (n.hasAttr("value")) {
    FailureOr<ElementsAttr> value = n.getTensor("value");
    if (failed(value) || !*value)
      return failure();
    return bind(n, n.constant(cast<TypedAttr>(*value)));
  }
  if (n.hasAttr("value_float"))
    return bind(n, n.constant(DenseElementsAttr::get(
                       RankedTensorType::get({}, b.getF32Type()),
                       n.getFloat("value_float", 0))));
  if (n.hasAttr("value_int"))
    return bind(n, n.constant(DenseElementsAttr::get(
                       RankedTensorType::get({}, b.getI64Type()),
                       n.getInt("value_int", 0))));
  if (auto floats = n.getFloats("value_floats"))
    return bind(n, n.constant(DenseElementsAttr::get(
                       RankedTensorType::get({int64_t(floats->size())}, b.getF32Type()),
                       ArrayRef<float>(*floats))));
  if (auto ints = n.getInts("value_ints"))
    return bind(n, n.constant(DenseElementsAttr::get(
                       RankedTensorType::get({int64_t(ints->size())}, b.getI64Type()),
                       ArrayRef<int64_t>(*ints))));
  for (StringRef name : {"sparse_value", "value_string", "value_strings"})
    if (n.hasAttr(name))
      return n.unsupportedAttr(name, "(set)",
                               "sparse and string constants have no nn form");
  return n.emitError() << "has no value attribute";
}

LogicalResult convertConstantOfShape(OnnxNode &n) {
  FailureOr<SmallVector<int64_t>> shape = n.getConstantInts(0, "shape");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return n.emitError() << "shape has a negative entry";
  FailureOr<ElementsAttr> value = n.getTensor("value");
  if (failed(value))
    return failure();
  Type f32 = n.builder.getF32Type();
  if (!*value)
    return bind(n, n.constant(DenseElementsAttr::get(
                       RankedTensorType::get(*shape, f32), 0.0f)));
  auto dense = dyn_cast<DenseElementsAttr>(*value);
  if (!dense || dense.getNumElements() != 1)
    return n.unsupportedAttr("value", "with other than one element");
  auto type = RankedTensorType::get(*shape, dense.getElementType());
  return bind(n, n.constant(DenseElementsAttr::get(
                     type, *dense.value_begin<Attribute>())));
}

LogicalResult convertRange(OnnxNode &n) {
  // There is no nn.range: Range with constant operands is itself a constant.
  Type elementType = n.inputType(0).getElementType();
  FailureOr<double> start = n.getConstantScalar(0, "start");
  if (failed(start))
    return failure();
  FailureOr<double> limit = n.getConstantScalar(1, "limit");
  if (failed(limit))
    return failure();
  FailureOr<double> delta = n.getConstantScalar(2, "delta");
  if (failed(delta))
    return failure();
  if (*delta == 0)
    return n.emitError() << "delta is 0";
  int64_t count = std::max<int64_t>(0, std::ceil((*limit - *start) / *delta));
  auto type = RankedTensorType::get({count}, elementType);
  if (isa<FloatType>(elementType)) {
    SmallVector<APFloat> values;
    for (int64_t i = 0; i < count; ++i) {
      APFloat v(*start + i * *delta);
      bool lost;
      v.convert(cast<FloatType>(elementType).getFloatSemantics(),
                APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v);
    }
    return bind(n, n.constant(DenseElementsAttr::get(type, values)));
  }
  SmallVector<APInt> values;
  unsigned width = elementType.getIntOrFloatBitWidth();
  for (int64_t i = 0; i < count; ++i)
    values.push_back(APInt(width, int64_t(*start) + i * int64_t(*delta), true));
  return bind(n, n.constant(DenseElementsAttr::get(type, values)));
}

//===----------------------------------------------------------------------===//
// The registry
//===----------------------------------------------------------------------===//

const OpConverter kConverters[] = {
    {"Abs", 6, kNewest, convertUnary<nn::AbsOp>, ""},
    {"Add", 7, kNewest, convertBinary<nn::AddOp>, ""},
    {"And", 7, kNewest, convertBinary<nn::AndOp>, ""},
    {"ArgMax", 11, kNewest, convertArgReduce<nn::ArgMaxOp>, ""},
    {"ArgMin", 11, kNewest, convertArgReduce<nn::ArgMinOp>, ""},
    {"AveragePool", 11, kNewest, convertAveragePool, ""},
    {"BatchNormalization", 9, kNewest, convertBatchNorm,
     "spatial = 1; training_mode (opset 14+) normalizes with the batch "
     "statistics and returns the updated running mean/variance"},
    {"Cast", 13, kNewest, convertCast,
     "no string or complex types; float8/float4/bfloat16 and 4/2-bit "
     "integers with saturate and round_mode"},
    {"CastLike", 15, kNewest, convertCastLike, "as Cast"},
    {"Clip", 6, kNewest, convertClip,
     "run-time or integer bounds become nn.max/nn.min"},
    {"Concat", 11, kNewest, convertConcat, ""},
    {"Constant", 12, kNewest, convertConstant,
     "no sparse or string values"},
    {"ConstantOfShape", 9, kNewest, convertConstantOfShape,
     "shape must be a compile-time constant"},
    {"Conv", 11, kNewest, convertConv, "1-3 spatial dimensions"},
    {"ConvTranspose", 11, kNewest, convertConvTranspose,
     "1-3 spatial dimensions; output_shape must not exceed the full size"},
    {"Div", 7, kNewest, convertBinary<nn::DivOp>, ""},
    {"Dropout", 7, kNewest, convertDropout,
     "inference: identity, mask all true; training_mode: the mask ONNX's reference draws "
     "from `seed` (required), drawn at compile time (static shapes)"},
    {"Elu", 6, kNewest, convertElu, ""},
    {"Equal", 11, kNewest, convertCompare<nn::ComparePredicate::eq>, "",
     /*acceptsStrings=*/true},
    {"Erf", 9, kNewest, convertUnary<nn::ErfOp>, ""},
    {"Exp", 6, kNewest, convertUnary<nn::ExpOp>, ""},
    {"Expand", 8, kNewest, convertExpand,
     "shape must be a compile-time constant"},
    {"Flatten", 11, kNewest, convertFlatten, ""},
    {"GRU", 7, kNewest, convertGRU,
     "default activations; sequence_lens only if all full length"},
    {"Gather", 11, kNewest, convertGather, ""},
    {"Gelu", 20, kNewest, convertGelu, ""},
    {"Gemm", 11, kNewest, convertGemm, ""},
    {"GlobalAveragePool", 1, kNewest, convertUnary<nn::GlobalAvgPoolOp>, ""},
    {"GlobalMaxPool", 1, kNewest, convertUnary<nn::GlobalMaxPoolOp>, ""},
    {"Greater", 9, kNewest, convertCompare<nn::ComparePredicate::gt>, ""},
    {"GreaterOrEqual", 12, kNewest, convertCompare<nn::ComparePredicate::ge>, ""},
    {"HardSigmoid", 6, kNewest, convertHardSigmoid, ""},
    {"Identity", 1, kNewest, convertIdentity,
     "tensors only (no sequences or optionals)",
     /*acceptsStrings=*/true},
    {"LSTM", 7, kNewest, convertLSTM,
     "default activations, input_forget 0; sequence_lens only if all full "
     "length"},
    {"LeakyRelu", 6, kNewest, convertLeakyRelu, ""},
    {"Less", 9, kNewest, convertCompare<nn::ComparePredicate::lt>, ""},
    {"LessOrEqual", 12, kNewest, convertCompare<nn::ComparePredicate::le>, ""},
    {"Log", 6, kNewest, convertUnary<nn::LogOp>, ""},
    {"LogSoftmax", 11, kNewest, convertSoftmax<nn::LogSoftmaxOp>,
     "before opset 13: flattened at axis"},
    {"MatMul", 9, kNewest, convertBinary<nn::MatMulOp>, ""},
    {"Max", 8, kNewest, convertVariadic<nn::MaxOp>, ""},
    {"MaxPool", 11, kNewest, convertMaxPool, ""},
    {"Mean", 8, kNewest, convertMean, ""},
    {"Min", 8, kNewest, convertVariadic<nn::MinOp>, ""},
    {"Mul", 7, kNewest, convertBinary<nn::MulOp>, ""},
    {"Neg", 6, kNewest, convertUnary<nn::NegOp>, ""},
    {"NegativeLogLikelihoodLoss", 12, kNewest, convertNLLLoss, ""},
    {"Not", 1, kNewest, convertUnary<nn::NotOp>, ""},
    {"Or", 7, kNewest, convertBinary<nn::OrOp>, ""},
    {"PRelu", 9, kNewest, convertPRelu, ""},
    {"Pad", 11, kNewest, convertPad,
     "pads/constant_value/axes must be compile-time constants; 'wrap' "
     "pads at most the dimension"},
    {"Pow", 7, kNewest, convertPow, "integer powers are computed in f64"},
    {"Range", 11, kNewest, convertRange,
     "start/limit/delta must be compile-time constants"},
    {"Reciprocal", 6, kNewest, convertUnary<nn::ReciprocalOp>, ""},
    {"ReduceL1", 11, kNewest, convertReduce<nn::ReduceL1Op, 18>,
     "axes must be a compile-time constant"},
    {"ReduceL2", 11, kNewest, convertReduce<nn::ReduceL2Op, 18>,
     "axes must be a compile-time constant"},
    {"ReduceMax", 11, kNewest, convertReduce<nn::ReduceMaxOp, 18>,
     "axes must be a compile-time constant"},
    {"ReduceMean", 11, kNewest, convertReduce<nn::ReduceMeanOp, 18>,
     "axes must be a compile-time constant"},
    {"ReduceMin", 11, kNewest, convertReduce<nn::ReduceMinOp, 18>,
     "axes must be a compile-time constant"},
    {"ReduceProd", 11, kNewest, convertReduce<nn::ReduceProdOp, 18>,
     "axes must be a compile-time constant"},
    {"ReduceSum", 11, kNewest, convertReduce<nn::ReduceSumOp, 13>,
     "axes must be a compile-time constant"},
    {"ReduceSumSquare", 11, kNewest, convertReduce<nn::ReduceSumSquareOp, 18>,
     "axes must be a compile-time constant"},
    {"Relu", 6, kNewest, convertUnary<nn::ReluOp>, ""},
    {"Reshape", 5, kNewest, convertReshape,
     "shape must be a compile-time constant"},
    {"Selu", 6, kNewest, convertSelu, ""},
    {"Shape", 1, kNewest, convertShape, ""},
    {"Sigmoid", 6, kNewest, convertUnary<nn::SigmoidOp>, ""},
    {"Sign", 9, kNewest, convertUnary<nn::SignOp>, ""},
    {"Slice", 1, kNewest, convertSlice,
     "starts/ends/axes/steps must be compile-time constants"},
    {"Softmax", 11, kNewest, convertSoftmax<nn::SoftmaxOp>,
     "before opset 13: flattened at axis"},
    {"SoftmaxCrossEntropyLoss", 12, kNewest, convertSoftmaxCrossEntropy, ""},
    {"Softplus", 1, kNewest, convertSoftplus, ""},
    {"Sqrt", 6, kNewest, convertUnary<nn::SqrtOp>, ""},
    {"Squeeze", 11, kNewest, convertSqueeze,
     "axes must be a compile-time constant"},
    {"Sub", 7, kNewest, convertBinary<nn::SubOp>, ""},
    {"Sum", 8, kNewest, convertVariadic<nn::AddOp>, ""},
    {"Tanh", 6, kNewest, convertUnary<nn::TanhOp>, ""},
    {"Transpose", 1, kNewest, convertTranspose, ""},
    {"Unsqueeze", 11, kNewest, convertUnsqueeze,
     "axes must be a compile-time constant"},
    {"Where", 9, kNewest, convertWhere, ""},
};

} // namespace

ArrayRef<OpConverter> systolic::onnx::getOpConverters() { return kConverters; }
