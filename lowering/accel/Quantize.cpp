//===- Quantize.cpp - nn layers -> int8 systolic layers -------------------===//
//
// Walks the graph in program order. Each op the array can run becomes a
// systolic layer op on int8 "twins" of its f32 operands; a twin is created on
// demand (quantize, then NCHW -> NHWC on int8) and reused by every consumer.
// Afterwards every remaining f32 use of a converted value reads a dequantized
// copy, so the ops left on the CPU see exactly the types they had before.
//
//===----------------------------------------------------------------------===//
#include "lowering/accel/Passes.h"

#include "dialects/nn/NNConstantFolding.h"
#include "dialects/nn/NNOps.h"
#include "dialects/systolic/SystolicOps.h"
#include "lowering/accel/AccelConfig.h"
#include "lowering/accel/Activations.h"
#include "lowering/accel/QuantParams.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace systolic::accel {
#define GEN_PASS_DEF_QUANTIZE
#include "lowering/accel/Passes.h.inc"
} // namespace systolic::accel

using namespace mlir;
using namespace systolic;
using namespace systolic::accel;

namespace {

/// How a twin's int8 tensor relates to its f32 value: the same shape, or
/// channels last ([N, C, W] -> [N, 1, W, C], [N, C, H, W] -> [N, H, W, C]).
enum class Layout { Plain, ChannelsLast };

struct Twin {
  Value value;
  AffineQuant quant;
};

/// The activation that follows a layer, as the output path runs it.
struct FusedActivation {
  Operation *op = nullptr; // null: none
  Activation kind = Activation::none;
  std::function<double(double)> fn;
};

std::string describe(Operation *op) {
  std::string text = op->getName().getStringRef().str();
  if (std::string name = nn::getNodeName(op->getLoc()); !name.empty())
    text += " \"" + name + "\"";
  return text;
}

/// The dense f32 value of a constant operand, or null.
DenseElementsAttr constantValue(Value v) {
  if (!v)
    return {};
  auto constant = v.getDefiningOp<arith::ConstantOp>();
  // Large weights are dense_resource blobs; read them as dense.
  DenseElementsAttr dense =
      constant ? nn::getDenseElements(constant.getValue()) : DenseElementsAttr();
  return dense && dense.getElementType().isF32() ? dense : DenseElementsAttr();
}

std::vector<double> toDoubles(DenseElementsAttr attr) {
  std::vector<double> values;
  values.reserve(attr.getNumElements());
  for (float v : attr.getValues<float>())
    values.push_back(v);
  return values;
}

RankedTensorType tensorOf(ArrayRef<int64_t> shape, Type element) {
  return RankedTensorType::get(shape, element);
}

/// One 2-D window of a pooling layer: [h, w] kernel, strides, dilations, and
/// pads [top, left, bottom, right].
struct Window2D {
  SmallVector<int64_t> kernel, strides, pads, dilations;
};

class Quantizer {
public:
  Quantizer(func::FuncOp entry, const HwDescription &hw, bool report)
      : entry(entry), builder(entry.getContext()), hw(hw), report(report) {}

  LogicalResult run();

private:
  // --- Eligibility: an empty string means the op runs on the array. ------
  std::string whyNotConv(nn::ConvOp conv);
  /// Why `what` cannot run when it needs the weight-stationary dataflow and
  /// the configuration lacks it ("" when it has it).
  std::string withoutWeightStationary(StringRef what) const;
  std::string whyNotGemm(nn::GemmOp gemm);
  std::string whyNotMatMul(nn::MatMulOp matmul);
  std::string whyNotAdd(nn::AddOp add);
  std::string whyNotMaxPool(nn::MaxPoolOp pool, bool checkInput = true);
  std::string whyNotGlobalPool(Operation *pool);
  std::string whyNotAvgPool(nn::AvgPoolOp pool, bool checkInput = true);
  /// The checks of an LSTM's or GRU's operands (`kind`: "LSTMs", "GRUs");
  /// `initialNames` names the `initial` states in the reason.
  std::string whyNotRecurrentOperands(StringRef kind, Value x, Value w, Value r, Value b,
                                      ArrayRef<Value> initial, StringRef initialNames);
  std::string whyNotLstm(nn::LSTMOp lstm);
  std::string whyNotGru(nn::GRUOp gru);

  // --- Rewrites -------------------------------------------------------------
  struct OutputPath;
  LogicalResult convertConv(nn::ConvOp conv);
  Value buildConv3D(nn::ConvOp conv, Value input, Value weight, int64_t group,
                    int64_t diagonalBlocks, bool foldTaps, const OutputPath &path,
                    int64_t inputZeroPoint);
  Value foldColumnTaps(Location loc, Value input, int64_t kw, int64_t stride,
                       int64_t dilation, int64_t padLeft, int64_t padRight,
                       int64_t outWidth);
  LogicalResult convertDense(Operation *op, Value input, std::vector<double> weights,
                             int64_t k, int64_t n, std::vector<double> bias);
  LogicalResult convertAdd(nn::AddOp add);
  LogicalResult convertMaxPool(nn::MaxPoolOp pool);
  LogicalResult convertGlobalMaxPool(nn::GlobalMaxPoolOp pool);
  LogicalResult convertGlobalAvgPool(nn::GlobalAvgPoolOp pool);
  LogicalResult convertAvgPool(nn::AvgPoolOp pool);
  LogicalResult convertMaxPooling(Operation *op, Value input, ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations, bool ceilMode);
  Value maxPool2D(Location loc, Value input, const Window2D &window,
                  bool ceilMode, int64_t outH, int64_t outW);
  /// The layer ops with an output path, on the builder's insertion point.
  Value conv2DLayer(Location loc, RankedTensorType type, Value input, Value weight,
                    const Window2D &window, int64_t inputZeroPoint, int64_t group,
                    int64_t diagonalBlocks, const OutputPath &path);
  Value matMulLayer(Location loc, RankedTensorType type, Value lhs, Value rhs,
                    const OutputPath &path);
  /// A recurrent layer's gate weights, quantized per gate column (below).
  struct RecurrentWeights {
    std::vector<int8_t> wx, wh;  ///< [D, I, G], [D, H, G]
    std::vector<int32_t> params; ///< [D, 3, G]: bias, multiplier, shift
    std::vector<double> scale;   ///< [D, G]: each column's accumulator scale
  };
  FailureOr<RecurrentWeights>
  quantizeRecurrentWeights(Operation *op, const AffineQuant &in, const std::vector<double> &w,
                           const std::vector<double> &r, int64_t dirs, int64_t input,
                           int64_t hidden, int64_t gates,
                           llvm::function_ref<double(int64_t, int64_t)> bias,
                           llvm::function_ref<double(int64_t)> tableInputScale);
  /// Records Y (the layer's result) and Y_h (its last step per direction).
  void recordRecurrentResults(Value y, Value yH, Value layer, bool reverse, int64_t dirs,
                              int64_t steps, int64_t batch, int64_t hidden);
  LogicalResult convertLstm(nn::LSTMOp lstm);
  LogicalResult convertGru(nn::GRUOp gru);
  bool reshapesInInt8(nn::ReshapeOp reshape);
  void convertReshape(nn::ReshapeOp reshape);

  FusedActivation fusedActivation(Value result);
  FailureOr<AffineQuant> quantOf(Value v, Operation *user);
  FailureOr<Value> twinOf(Value v, Layout layout, Operation *user);
  /// Output-path operands for real multipliers s_acc[j] / s_target and int32
  /// biases: params [3, N], plus the activation's attributes and table.
  struct OutputPath {
    Value params, lut;
    /// The output zero point the requantization adds (the pre-activation
    /// one when a table follows).
    int64_t zeroPoint = 0;
    Activation activation = Activation::none;
    int64_t clampMax = 127;
    Value finalValue; // the f32 value the layer's result stands for
  };
  FailureOr<OutputPath> buildOutputPath(Operation *layer, Value result,
                                        ArrayRef<double> accScales,
                                        ArrayRef<int64_t> bias);
  void record(Operation *op, StringRef where, std::string why) {
    placements.push_back({describe(op), where.str(), std::move(why)});
  }

  func::FuncOp entry;
  OpBuilder builder;
  HwDescription hw;
  bool report;
  llvm::DenseMap<Value, AffineQuant> quants;
  llvm::DenseMap<std::pair<Value, int>, Value> twins;
  /// Converted f32 values and the int8 twin (with its layout) standing for them.
  llvm::MapVector<Value, std::pair<Value, Layout>> produced;
  llvm::DenseSet<Value> needsZeroPointZero;
  SmallVector<Operation *> converted;
  struct Placement {
    std::string op, where, why;
  };
  std::vector<Placement> placements;
};

//===----------------------------------------------------------------------===//
// Eligibility
//===----------------------------------------------------------------------===//

std::string Quantizer::withoutWeightStationary(StringRef what) const {
  if (hw.supportsWeightStationary)
    return "";
  return ("the configuration has no weight-stationary dataflow, and " + what +
          " runs weight-stationary only (--accel-config=...,dataflows=ws+os)")
      .str();
}

std::string Quantizer::whyNotConv(nn::ConvOp conv) {
  if (std::string why = withoutWeightStationary("a convolution (implicit im2col)"); !why.empty())
    return why;
  auto input = cast<RankedTensorType>(conv.getInput().getType());
  if (input.getRank() < 3 || input.getRank() > 5)
    return "only 1-D, 2-D and 3-D convolutions map to the array";
  if (conv.getGroup() != 1 && input.getRank() == 5)
    return "grouped 3-D convolution (group " + std::to_string(conv.getGroup()) +
           ") is not mapped to the array (its frames are stacked along the "
           "channels, which would interleave the groups)";
  if (!constantValue(conv.getWeight()))
    return "its weights are not a constant";
  if (conv.getBias() && !constantValue(conv.getBias()))
    return "its bias is not a constant";
  if (llvm::any_of(conv.getPads(), [](int64_t p) { return p > 7; }))
    return "padding above 7 does not fit the DMA's pad fields";
  return "";
}

/// Output-stationary needs the lhs transposed in DRAM: a run-time lhs of
/// more than one row needs weight-stationary.
std::string lhsNeedsWeightStationary(Value lhs) {
  auto type = cast<RankedTensorType>(lhs.getType());
  return type.getNumElements() / type.getShape().back() > 1 ? "a dense layer with more than one "
                                                              "row of activations"
                                                            : "";
}

std::string Quantizer::whyNotGemm(nn::GemmOp gemm) {
  if (std::string rows = lhsNeedsWeightStationary(gemm.getA()); !rows.empty())
    if (std::string why = withoutWeightStationary(rows); !why.empty())
      return why;
  if (gemm.getTransA())
    return "a transposed activation operand (trans_a) is not mapped";
  if (!constantValue(gemm.getB()))
    return "its weights (b) are not a constant";
  if (Value c = gemm.getC()) {
    auto cType = cast<RankedTensorType>(c.getType());
    int64_t n = cast<RankedTensorType>(gemm.getType()).getDimSize(1);
    if (!constantValue(c))
      return "its bias (c) is not a constant";
    if (cType.getNumElements() != n && cType.getNumElements() != 1)
      return "a bias (c) that is not per output column is not mapped";
  }
  return "";
}

std::string Quantizer::whyNotMatMul(nn::MatMulOp matmul) {
  if (std::string rows = lhsNeedsWeightStationary(matmul.getLhs()); !rows.empty())
    if (std::string why = withoutWeightStationary(rows); !why.empty())
      return why;
  auto lhs = cast<RankedTensorType>(matmul.getLhs().getType());
  auto rhs = cast<RankedTensorType>(matmul.getRhs().getType());
  if (lhs.getRank() != 2 || rhs.getRank() != 2)
    return "only 2-D matrix products map to the array";
  if (!lhs.getElementType().isF32())
    return "only f32 matrix products are quantized";
  if (!constantValue(matmul.getRhs()))
    return "its right operand is not a constant";
  return "";
}

std::string Quantizer::whyNotAdd(nn::AddOp add) {
  if (std::string why = withoutWeightStationary("a residual add (diagonal MATMULs)"); !why.empty())
    return why;
  if (add.getLhs().getType() != add.getRhs().getType() ||
      add.getLhs().getType() != add.getType())
    return "broadcasting adds are not mapped to the array";
  if (!cast<RankedTensorType>(add.getType()).getElementType().isF32())
    return "only f32 adds are quantized";
  if (constantValue(add.getLhs()) || constantValue(add.getRhs()))
    return "adding a constant is left to the CPU";
  if (!produced.count(add.getLhs()) && !produced.count(add.getRhs()))
    return "neither operand comes from the array (a residual add needs one)";
  return "";
}

std::string Quantizer::whyNotMaxPool(nn::MaxPoolOp pool, bool checkInput) {
  auto input = cast<RankedTensorType>(pool.getInput().getType());
  if (input.getRank() < 3 || input.getRank() > 5)
    return "only 1-D, 2-D and 3-D max pooling maps to the array";
  if (!input.getElementType().isF32())
    return "only f32 max pooling is quantized";
  if (pool.getIndices())
    return "its indices result (storage_order) is not computed on the array";
  if (!input.hasStaticShape())
    return "its input shape is not static";
  ArrayRef<int64_t> kernel = pool.getKernelShape(), pads = pool.getPads();
  int64_t spatial = kernel.size();
  for (int64_t i = 0; i < 2 * spatial; ++i)
    if (pads[i] >= kernel[i % spatial])
      return "pad " + std::to_string(pads[i]) +
             " is not smaller than the kernel extent " +
             std::to_string(kernel[i % spatial]);
  if (checkInput && !produced.count(pool.getInput()))
    return "its input is computed on the CPU in f32 (pooling it on the array "
           "would only add a quantize/dequantize round trip)";
  return "";
}

/// Whether `v` is absent or a constant of zeros.
bool absentOrZero(Value v) {
  if (!v)
    return true;
  DenseElementsAttr dense = constantValue(v);
  return dense && llvm::all_of(dense.getValues<float>(), [](float x) { return x == 0; });
}

std::string Quantizer::whyNotRecurrentOperands(StringRef kind, Value x, Value w, Value r,
                                               Value b, ArrayRef<Value> initial,
                                               StringRef initialNames) {
  auto type = cast<RankedTensorType>(x.getType());
  if (!type.getElementType().isF32())
    return ("only f32 " + kind + " are quantized").str();
  if (!type.hasStaticShape())
    return "its input shape is not static";
  if (!constantValue(w) || !constantValue(r))
    return "its weights (W, R) are not constants";
  if (b && !constantValue(b))
    return "its bias (B) is not a constant";
  if (!llvm::all_of(initial, [](Value v) { return absentOrZero(v); }))
    return ("a non-zero initial state (" + initialNames +
            ") is not mapped: the array's recurrence starts from zero")
        .str();
  return "";
}

std::string Quantizer::whyNotLstm(nn::LSTMOp lstm) {
  auto x = cast<RankedTensorType>(lstm.getX().getType());
  if (std::string why = whyNotRecurrentOperands(
          "LSTMs", lstm.getX(), lstm.getW(), lstm.getR(), lstm.getB(),
          {lstm.getInitialH(), lstm.getInitialC()}, "initial_h, initial_c");
      !why.empty())
    return why;
  if (!absentOrZero(lstm.getP()))
    return "peephole connections (P) are not mapped to the array";
  if (lstm.getClip())
    return "clipped gate pre-activations (clip) are not mapped to the array";
  if (!lstm.getYC().use_empty())
    return "its cell-state output Y_c is used; the array keeps the cell state "
           "in int32 on chip and returns only h";
  if (std::string why = withoutWeightStationary("an LSTM (its gate GEMMs)"); !why.empty())
    return why;
  if (std::string why = whyLstmDoesNotFit(hw, x.getDimSize(0), x.getDimSize(1),
                                          x.getDimSize(2),
                                          static_cast<int64_t>(lstm.getHiddenSize()));
      !why.empty())
    return "it does not fit the configuration (" + why + ")";
  return "";
}

std::string Quantizer::whyNotGru(nn::GRUOp gru) {
  auto x = cast<RankedTensorType>(gru.getX().getType());
  if (std::string why =
          whyNotRecurrentOperands("GRUs", gru.getX(), gru.getW(), gru.getR(), gru.getB(),
                                  {gru.getInitialH()}, "initial_h");
      !why.empty())
    return why;
  if (gru.getClip())
    return "clipped gate pre-activations (clip) are not mapped to the array";
  if (std::string why = withoutWeightStationary("a GRU (its gate GEMMs)"); !why.empty())
    return why;
  if (std::string why = whyGruDoesNotFit(hw, x.getDimSize(0), x.getDimSize(1),
                                         x.getDimSize(2),
                                         static_cast<int64_t>(gru.getHiddenSize()));
      !why.empty())
    return "it does not fit the configuration (" + why + ")";
  return "";
}

std::string Quantizer::whyNotGlobalPool(Operation *pool) {
  Value input = pool->getOperand(0);
  auto type = cast<RankedTensorType>(input.getType());
  if (!type.getElementType().isF32())
    return "only f32 pooling is quantized";
  if (!type.hasStaticShape())
    return "its input shape is not static";
  if (type.getRank() < 3 || type.getRank() > 5)
    return "only 1-D, 2-D and 3-D global pooling maps to the array";
  if (!produced.count(input))
    return "its input is computed on the CPU in f32 (pooling it on the array "
           "would only add a quantize/dequantize round trip)";
  return "";
}

std::string Quantizer::whyNotAvgPool(nn::AvgPoolOp pool, bool checkInput) {
  if (std::string why = withoutWeightStationary("average pooling (a depthwise convolution)");
      !why.empty())
    return why;
  auto input = cast<RankedTensorType>(pool.getInput().getType());
  if (!input.getElementType().isF32())
    return "only f32 pooling is quantized";
  if (!input.hasStaticShape())
    return "its input shape is not static";
  if (input.getRank() != 3 && input.getRank() != 4)
    return "only 1-D and 2-D average pooling maps to the array (a 3-D one would "
           "be a grouped 3-D convolution)";
  ArrayRef<int64_t> kernel = pool.getKernelShape(), strides = pool.getStrides(),
                    pads = pool.getPads();
  int64_t spatial = kernel.size();
  bool padded = llvm::any_of(pads, [](int64_t p) { return p != 0; });
  if (padded && !pool.getCountIncludePad())
    return "padded windows without count_include_pad divide by the number of "
           "valid taps, which varies at the borders; the output path has one "
           "divisor per channel";
  if (llvm::any_of(pads, [](int64_t p) { return p > 7; }))
    return "padding above 7 does not fit the DMA's pad fields";
  // ceil_mode windows that reach past the padding count fewer taps.
  auto result = cast<RankedTensorType>(pool.getType());
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t dilation = pool.getDilations() ? (*pool.getDilations())[i] : 1;
    int64_t extent = input.getDimSize(2 + i) + pads[i] + pads[spatial + i] -
                     dilation * (kernel[i] - 1) - 1;
    if (extent / strides[i] + 1 != result.getDimSize(2 + i))
      return "its ceil_mode windows reach past the padding and average fewer "
             "taps; the output path has one divisor per channel";
  }
  if (checkInput && !produced.count(pool.getInput()))
    return "its input is computed on the CPU in f32 (pooling it on the array "
           "would only add a quantize/dequantize round trip)";
  return "";
}

//===----------------------------------------------------------------------===//
// Quantization parameters and twins
//===----------------------------------------------------------------------===//

FailureOr<AffineQuant> Quantizer::quantOf(Value v, Operation *user) {
  if (auto it = quants.find(v); it != quants.end())
    return it->second;
  DenseF64ArrayAttr range;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    range = entry.getArgAttrOfType<DenseF64ArrayAttr>(arg.getArgNumber(),
                                                      kCalibrationAttr);
  } else {
    auto result = cast<OpResult>(v);
    std::string name = kCalibrationAttr.str();
    if (result.getResultNumber() > 0)
      name += "." + std::to_string(result.getResultNumber());
    range = result.getOwner()->getAttrOfType<DenseF64ArrayAttr>(name);
  }
  if (!range || range.size() != 2) {
    InFlightDiagnostic diag = user->emitError()
                              << "cannot quantize " << describe(user)
                              << " for the accelerator: ";
    if (auto arg = dyn_cast<BlockArgument>(v))
      diag << "model input #" << arg.getArgNumber();
    else
      diag << "the result of " << describe(v.getDefiningOp());
    diag << " has no calibration range; compile with "
            "--calibrate=@sample.npy (repeatable) to supply sample inputs";
    return failure();
  }
  AffineQuant quant = chooseActivationQuant(range[0], range[1],
                                            needsZeroPointZero.contains(v));
  quants[v] = quant;
  return quant;
}

FailureOr<Value> Quantizer::twinOf(Value v, Layout layout, Operation *user) {
  if (auto it = twins.find({v, int(layout)}); it != twins.end())
    return it->second;
  FailureOr<AffineQuant> quant = quantOf(v, user);
  if (failed(quant))
    return failure();

  OpBuilder::InsertionGuard guard(builder);
  if (Operation *def = v.getDefiningOp())
    builder.setInsertionPointAfter(def);
  else
    builder.setInsertionPointToStart(&entry.getBody().front());
  Location loc = v.getLoc();
  auto type = cast<RankedTensorType>(v.getType());
  Value twin = QuantizeOp::create(
      builder, loc, tensorOf(type.getShape(), builder.getI8Type()), v,
      builder.getF64FloatAttr(quant->scale), builder.getI64IntegerAttr(quant->zeroPoint));
  if (layout == Layout::ChannelsLast) {
    SmallVector<int64_t> perm = {0};
    for (int64_t d = 2; d < type.getRank(); ++d)
      perm.push_back(d);
    perm.push_back(1);
    twin = nn::TransposeOp::create(builder, loc, twin, perm);
    if (type.getRank() == 3) {
      auto shape = cast<RankedTensorType>(twin.getType()).getShape();
      twin = nn::ReshapeOp::create(
          builder, loc,
          tensorOf({shape[0], 1, shape[1], shape[2]}, builder.getI8Type()), twin);
    }
  }
  twins[{v, int(layout)}] = twin;
  return twin;
}

FusedActivation Quantizer::fusedActivation(Value result) {
  FusedActivation fused;
  if (!result.hasOneUse())
    return fused;
  Operation *user = *result.getUsers().begin();
  std::optional<std::function<double(double)>> fn = unaryActivation(user);
  if (!fn || user->getNumOperands() != 1)
    return fused;
  fused.op = user;
  fused.fn = *fn;
  fused.kind = Activation::lut;
  if (isa<nn::ReluOp>(user))
    fused.kind = Activation::relu;
  if (auto clip = dyn_cast<nn::ClipOp>(user)) {
    std::optional<APFloat> lo = clip.getMin(), hi = clip.getMax();
    if (lo && lo->isZero() && (!hi || !hi->isNegative()))
      fused.kind = hi ? Activation::relu6 : Activation::relu;
  }
  return fused;
}

FailureOr<Quantizer::OutputPath>
Quantizer::buildOutputPath(Operation *layer, Value result,
                           ArrayRef<double> accScales, ArrayRef<int64_t> bias) {
  OutputPath path;
  FusedActivation fused = fusedActivation(result);
  path.finalValue = fused.op ? fused.op->getResult(0) : result;
  path.activation = fused.kind;
  FailureOr<AffineQuant> out = quantOf(path.finalValue, layer);
  if (failed(out))
    return failure();

  // A table is indexed by the requantized pre-activation value.
  AffineQuant target = *out;
  if (fused.kind == Activation::lut) {
    FailureOr<AffineQuant> pre = quantOf(result, layer);
    if (failed(pre))
      return failure();
    target = *pre;
    SmallVector<int8_t> table(256);
    for (int entry = 0; entry < 256; ++entry)
      table[entry] = quantize(fused.fn(dequantize(int8_t(entry), target)), *out);
    auto lutType = tensorOf({256}, builder.getI8Type());
    path.lut = arith::ConstantOp::create(
        builder, layer->getLoc(), lutType,
        DenseElementsAttr::get(lutType, ArrayRef<int8_t>(table)));
  }
  if (fused.kind == Activation::relu6) {
    auto clip = cast<nn::ClipOp>(fused.op);
    path.clampMax = quantize(clip.getMax()->convertToDouble(), *out);
  }

  int64_t n = accScales.size();
  SmallVector<int32_t> params(3 * n);
  for (int64_t j = 0; j < n; ++j) {
    FixedPointMultiplier m;
    if (!toFixedPoint(accScales[j] / target.scale, &m))
      return layer->emitError()
             << "cannot quantize " << describe(layer) << ": output channel " << j
             << " needs a requantization multiplier of "
             << accScales[j] / target.scale
             << ", beyond what the output path represents (< 2^31)";
    params[j] = int32_t(std::clamp<int64_t>(bias[j], INT32_MIN, INT32_MAX));
    params[n + j] = m.multiplier;
    params[2 * n + j] = m.shift;
  }
  auto paramsType = tensorOf({3, n}, builder.getI32Type());
  path.params = arith::ConstantOp::create(
      builder, layer->getLoc(), paramsType,
      DenseElementsAttr::get(paramsType, ArrayRef<int32_t>(params)));
  path.zeroPoint = target.zeroPoint;
  if (fused.op)
    converted.push_back(fused.op);
  return path;
}

/// Per output channel j of a [K, N] int8 weight matrix: the symmetric scale,
/// and the quantized weights.
struct QuantizedWeights {
  std::vector<double> scales;
  std::vector<int8_t> values; // [K, N] row-major
  std::vector<int64_t> columnSums;
};

QuantizedWeights quantizeWeights(ArrayRef<double> weights, int64_t k, int64_t n) {
  QuantizedWeights q;
  q.scales.assign(n, 0.0);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j)
      q.scales[j] = std::max(q.scales[j], std::abs(weights[i * n + j]));
  for (double &s : q.scales)
    s = chooseWeightScale(s);
  q.values.resize(k * n);
  q.columnSums.assign(n, 0);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int8_t v = quantize(weights[i * n + j], {q.scales[j], 0});
      q.values[i * n + j] = v;
      q.columnSums[j] += v;
    }
  return q;
}

/// What one accumulator unit of output channel j is worth (s_in * s_w[j]),
/// and the int32 bias with the input zero point's correction folded in:
/// round(b[j] / scale[j]) - zp_in * sum_k w_q[k][j].
struct AccumulatorParams {
  std::vector<double> scales;
  std::vector<int64_t> bias;
};

AccumulatorParams accumulatorParams(AffineQuant in, const QuantizedWeights &qw,
                                    ArrayRef<double> bias) {
  AccumulatorParams acc;
  for (size_t j = 0; j < qw.scales.size(); ++j) {
    acc.scales.push_back(in.scale * qw.scales[j]);
    acc.bias.push_back(int64_t(saturateToInt32(bias[j] / acc.scales.back())) -
                       in.zeroPoint * qw.columnSums[j]);
  }
  return acc;
}

/// How many consecutive groups of a grouped convolution with `perGroup`
/// input channels run as one group on an array of `rows` rows: the largest
/// divisor of `groups` whose merged input channels still fit one reduction
/// tile. The kernel library runs every group as its own GEMM, loading
/// `perGroup` bytes per pixel and tap and filling only `Fg` array columns;
/// merged groups share those loads and columns (a depthwise convolution on a
/// 16x16 array becomes groups of 16 channels with diagonal weight tiles).
int64_t groupsToMerge(int64_t groups, int64_t perGroup, int64_t rows) {
  int64_t best = 1;
  for (int64_t m = 1; m <= groups && m * perGroup <= rows; ++m)
    if (groups % m == 0)
      best = m;
  return best;
}

/// [taps * Cg, F] weights of `groups` groups as [taps * Cg * merge, F] weights
/// of groups / merge groups: block-diagonal, zero where an output channel
/// meets an input channel of another original group.
std::vector<double> mergeGroups(ArrayRef<double> weights, int64_t taps, int64_t perGroup,
                                int64_t outChannels, int64_t groups, int64_t merge) {
  const int64_t perGroupOut = outChannels / groups, merged = perGroup * merge;
  std::vector<double> out(taps * merged * outChannels, 0.0);
  for (int64_t o = 0; o < outChannels; ++o) {
    int64_t within = (o / perGroupOut) % merge; // position in the merged group
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t ci = 0; ci < perGroup; ++ci)
        out[(t * merged + within * perGroup + ci) * outChannels + o] =
            weights[(t * perGroup + ci) * outChannels + o];
  }
  return out;
}

/// Whether a convolution with `channels` input channels and `kw` column taps
/// uses the array's rows much better with the taps folded into the channels:
/// the kernel library reduces over one tap's channels per K tile, so 3
/// channels fill 3 of 16 rows, while 7 folded taps fill 21 of 32.
bool foldsColumnTaps(int64_t channels, int64_t kw, int64_t rows) {
  if (kw < 2)
    return false;
  auto used = [&](int64_t k) { return double(k) / double(rows * ((k + rows - 1) / rows)); };
  return used(kw * channels) > 1.25 * used(channels);
}

//===----------------------------------------------------------------------===//
// Rewrites
//===----------------------------------------------------------------------===//

LogicalResult Quantizer::convertConv(nn::ConvOp conv) {
  auto inputType = cast<RankedTensorType>(conv.getInput().getType());
  auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
  int64_t spatial = inputType.getRank() - 2;
  int64_t f = weightType.getDimSize(0), c = weightType.getDimSize(1);
  // Kernel extents as [KD, KH, KW], 1 where the convolution has fewer axes.
  int64_t kernel[3] = {1, 1, 1};
  for (int64_t i = 0; i < spatial; ++i)
    kernel[3 - spatial + i] = weightType.getDimSize(2 + i);
  auto [kd, kh, kw] = kernel;
  int64_t k = kd * kh * kw * c;

  // [F, C, k...] -> K x F with K ordered (kh, kw, kd, c): a 3-D convolution
  // runs as 2-D convolutions whose input channels are KD frames of C.
  std::vector<double> source = toDoubles(constantValue(conv.getWeight()));
  std::vector<double> weights(k * f);
  for (int64_t o = 0; o < f; ++o)
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t z = 0; z < kd; ++z)
        for (int64_t y = 0; y < kh; ++y)
          for (int64_t x = 0; x < kw; ++x)
            weights[(((y * kw + x) * kd + z) * c + ci) * f + o] =
                source[(((o * c + ci) * kd + z) * kh + y) * kw + x];
  int64_t group = static_cast<int64_t>(conv.getGroup());
  const int64_t merge = groupsToMerge(group, c, hw.rows);
  if (merge > 1) {
    weights = mergeGroups(weights, kd * kh * kw, c, f, group, merge);
    c *= merge;
    k *= merge;
    group /= merge;
  }
  QuantizedWeights qw = quantizeWeights(weights, k, f);

  FailureOr<Value> input = twinOf(conv.getInput(), Layout::ChannelsLast, conv);
  if (failed(input))
    return failure();
  AffineQuant in = quants.at(conv.getInput());
  std::vector<double> bias(f, 0.0);
  if (conv.getBias())
    bias = toDoubles(constantValue(conv.getBias()));
  AccumulatorParams acc = accumulatorParams(in, qw, bias);

  builder.setInsertionPoint(conv);
  FailureOr<OutputPath> path = buildOutputPath(conv, conv.getResult(), acc.scales, acc.bias);
  if (failed(path))
    return failure();
  // Folded column taps see one [KH, 1, KW*C, F] kernel: the same bytes, K
  // still ordered (kh, kw, c).
  // A 3-D convolution's stacked frames (KD * C channels) fold the same way;
  // K stays ordered (kh, kw, kd, c).
  const bool foldTaps = group == 1 && foldsColumnTaps(kd * c, kw, hw.rows);
  auto weightI8 = foldTaps ? tensorOf({kh, 1, kw * kd * c, f}, builder.getI8Type())
                           : tensorOf({kh, kw, kd * c, f}, builder.getI8Type());
  Value weight = arith::ConstantOp::create(
      builder, conv.getLoc(), weightI8,
      DenseElementsAttr::get(weightI8, ArrayRef<int8_t>(qw.values)));
  Value layer = buildConv3D(conv, *input, weight, group, merge, foldTaps, *path, in.zeroPoint);
  produced[path->finalValue] = {layer, Layout::ChannelsLast};
  twins[{path->finalValue, int(Layout::ChannelsLast)}] = layer;
  converted.push_back(conv);
  return success();
}

Value Quantizer::conv2DLayer(Location loc, RankedTensorType type, Value input, Value weight,
                             const Window2D &window, int64_t inputZeroPoint,
                             int64_t group, int64_t diagonalBlocks,
                             const OutputPath &path) {
  return Conv2DOp::create(
      builder, loc, type, input, weight, builder.getDenseI64ArrayAttr(window.strides),
      builder.getDenseI64ArrayAttr(window.pads), builder.getDenseI64ArrayAttr(window.dilations),
      builder.getI64IntegerAttr(inputZeroPoint), builder.getI64IntegerAttr(group),
      builder.getI64IntegerAttr(diagonalBlocks), path.params, path.lut,
      builder.getI64IntegerAttr(path.zeroPoint),
      ActivationAttr::get(builder.getContext(), path.activation),
      builder.getI64IntegerAttr(path.clampMax));
}

Value Quantizer::matMulLayer(Location loc, RankedTensorType type, Value lhs, Value rhs,
                             const OutputPath &path) {
  return MatMulOp::create(builder, loc, type, lhs, rhs, path.params, path.lut,
                          builder.getI64IntegerAttr(path.zeroPoint),
                          ActivationAttr::get(builder.getContext(), path.activation),
                          builder.getI64IntegerAttr(path.clampMax));
}

/// The systolic.conv2d ops of `conv` on the channels-last twin `input`: one
/// for a 1-D or 2-D convolution, one per output frame for a 3-D one (its
/// input is the KD frames the output frame reads, concatenated along the
/// channels, with zero frames for the depth padding).
/// The input of a convolution whose `kw` column taps are folded into the
/// channels (the host side of the im2col that TPU-style stems use): pad the
/// columns, then for every tap the strided columns it reads, concatenated
/// along the channels: [N, H, W, C] -> [N, H, OW, KW*C]. The array then runs a
/// [KH, 1] kernel with column stride 1 and no column padding.
Value Quantizer::foldColumnTaps(Location loc, Value input, int64_t kw, int64_t stride,
                                int64_t dilation, int64_t padLeft, int64_t padRight,
                                int64_t outWidth) {
  Value padded = input;
  if (padLeft || padRight)
    padded = nn::PadOp::create(builder, loc, input,
                               builder.getDenseI64ArrayAttr({0, 0, padLeft, 0, 0, 0, padRight, 0}),
                               nn::PadModeAttr::get(builder.getContext(), nn::PadMode::constant),
                               builder.getF32FloatAttr(0));
  SmallVector<Value> taps;
  for (int64_t x = 0; x < kw; ++x) {
    int64_t start = x * dilation;
    taps.push_back(nn::SliceOp::create(builder, loc, padded,
                                       builder.getDenseI64ArrayAttr({start}),
                                       builder.getDenseI64ArrayAttr({start + (outWidth - 1) * stride + 1}),
                                       builder.getDenseI64ArrayAttr({2}),
                                       builder.getDenseI64ArrayAttr({stride})));
  }
  return nn::ConcatOp::create(builder, loc, taps, 3);
}

Value Quantizer::buildConv3D(nn::ConvOp conv, Value input, Value weight, int64_t group,
                             int64_t diagonalBlocks, bool foldTaps, const OutputPath &path,
                             int64_t inputZeroPoint) {
  Location loc = conv.getLoc();
  auto resultF32 = cast<RankedTensorType>(conv.getType());
  int64_t spatial = resultF32.getRank() - 2;
  // Strides, dilations and pads as 3-D [d, h, w] lists.
  auto as3D = [&](ArrayRef<int64_t> values, int64_t fill) {
    SmallVector<int64_t> out(3 - spatial, fill);
    out.append(values.begin(), values.end());
    return out;
  };
  SmallVector<int64_t> strides = as3D(conv.getStrides(), 1);
  SmallVector<int64_t> dilations = as3D(conv.getDilations(), 1);
  ArrayRef<int64_t> pads = conv.getPads();
  SmallVector<int64_t> begin = as3D(pads.take_front(spatial), 0);
  SmallVector<int64_t> end = as3D(pads.drop_front(spatial), 0);
  SmallVector<int64_t> out = as3D(resultF32.getShape().drop_front(2), 1);
  int64_t n = resultF32.getDimSize(0), f = resultF32.getDimSize(1);
  int64_t kd = cast<RankedTensorType>(conv.getWeight().getType()).getRank() == 5
                   ? cast<RankedTensorType>(conv.getWeight().getType()).getDimSize(2)
                   : 1;
  Type i8 = builder.getI8Type();
  auto conv2d = [&](Value frames, Location at) {
    Window2D window{{}, {strides[1], strides[2]}, {begin[1], begin[2], end[1], end[2]},
                    {dilations[1], dilations[2]}};
    return conv2DLayer(at, tensorOf({n, out[1], out[2], f}, i8), frames, weight, window,
                       inputZeroPoint, group, diagonalBlocks, path);
  };
  // With folded column taps, every 2-D convolution reads its input's taps
  // folded into the channels, with column stride 1 and no column padding.
  const int64_t kw = cast<RankedTensorType>(conv.getWeight().getType()).getShape().back();
  const int64_t columnStride = strides[2], columnDilation = dilations[2],
                padLeft = begin[2], padRight = end[2];
  if (foldTaps) {
    strides[2] = dilations[2] = 1;
    begin[2] = end[2] = 0;
  }
  auto planeInput = [&](Value frames) {
    return foldTaps ? foldColumnTaps(loc, frames, kw, columnStride, columnDilation, padLeft,
                                     padRight, out[2])
                    : frames;
  };
  if (spatial < 3)
    return conv2d(planeInput(input), loc);

  auto inputType = cast<RankedTensorType>(input.getType()); // [N, D, H, W, C]
  int64_t depth = inputType.getDimSize(1);
  SmallVector<int64_t> frameShape = {n, inputType.getDimSize(2), inputType.getDimSize(3),
                                     inputType.getDimSize(4)};
  Value zeroFrame;
  SmallVector<Value> outputs;
  for (int64_t od = 0; od < out[0]; ++od) {
    SmallVector<Value> frames;
    for (int64_t z = 0; z < kd; ++z) {
      int64_t d = od * strides[0] + z * dilations[0] - begin[0];
      if (d < 0 || d >= depth) {
        if (!zeroFrame)
          zeroFrame = arith::ConstantOp::create(
              builder, loc, DenseElementsAttr::get(tensorOf(frameShape, i8),
                                                   builder.getI8IntegerAttr(0)));
        frames.push_back(zeroFrame);
        continue;
      }
      Value slice = nn::SliceOp::create(builder, loc, input,
                                        builder.getDenseI64ArrayAttr({d}),
                                        builder.getDenseI64ArrayAttr({d + 1}),
                                        builder.getDenseI64ArrayAttr({1}),
                                        builder.getDenseI64ArrayAttr({1}));
      frames.push_back(nn::ReshapeOp::create(builder, loc, tensorOf(frameShape, i8), slice));
    }
    Value stacked = frames.size() == 1
                        ? frames.front()
                        : nn::ConcatOp::create(builder, loc, frames, 3).getResult();
    // Each frame's layer is named after the node and the frame it computes.
    std::string name = nn::getNodeName(loc);
    Value frame = conv2d(
        planeInput(stacked), NameLoc::get(builder.getStringAttr(
                                  (name.empty() ? "conv3d" : name) + "#" + std::to_string(od)),
                              loc));
    outputs.push_back(nn::ReshapeOp::create(
        builder, loc, tensorOf({n, 1, out[1], out[2], f}, i8), frame));
  }
  return outputs.size() == 1 ? outputs.front()
                             : nn::ConcatOp::create(builder, loc, outputs, 1).getResult();
}

LogicalResult Quantizer::convertDense(Operation *op, Value input,
                                      std::vector<double> weights, int64_t k,
                                      int64_t n, std::vector<double> bias) {
  QuantizedWeights qw = quantizeWeights(weights, k, n);
  FailureOr<Value> lhs = twinOf(input, Layout::Plain, op);
  if (failed(lhs))
    return failure();
  AffineQuant in = quants.at(input);
  AccumulatorParams acc = accumulatorParams(in, qw, bias);
  builder.setInsertionPoint(op);
  FailureOr<OutputPath> path = buildOutputPath(op, op->getResult(0), acc.scales, acc.bias);
  if (failed(path))
    return failure();
  auto weightType = tensorOf({k, n}, builder.getI8Type());
  Value rhs = arith::ConstantOp::create(
      builder, op->getLoc(), weightType,
      DenseElementsAttr::get(weightType, ArrayRef<int8_t>(qw.values)));
  auto resultType = tensorOf(cast<RankedTensorType>(op->getResult(0).getType()).getShape(),
                             builder.getI8Type());
  Value layer = matMulLayer(op->getLoc(), resultType, *lhs, rhs, *path);
  produced[path->finalValue] = {layer, Layout::Plain};
  twins[{path->finalValue, int(Layout::Plain)}] = layer;
  converted.push_back(op);
  return success();
}

LogicalResult Quantizer::convertAdd(nn::AddOp add) {
  // Work in the layout of an operand the array produced, so no transpose is
  // needed between the layers.
  Layout layout = Layout::Plain;
  for (Value operand : {add.getLhs(), add.getRhs()})
    if (auto it = produced.find(operand); it != produced.end())
      layout = it->second.second;
  FailureOr<Value> lhs = twinOf(add.getLhs(), layout, add);
  FailureOr<Value> rhs = twinOf(add.getRhs(), layout, add);
  if (failed(lhs) || failed(rhs))
    return failure();
  AffineQuant a = quants.at(add.getLhs()), b = quants.at(add.getRhs());
  // acc = wa*qa + wb*qb with int8 weights proportional to the scales; one
  // accumulator unit is worth largest/127.
  double largest = std::max(a.scale, b.scale);
  int64_t wa = std::llround(127 * a.scale / largest);
  int64_t wb = std::llround(127 * b.scale / largest);
  auto lhsType = cast<RankedTensorType>((*lhs).getType());
  int64_t channels = lhsType.getShape().back();
  std::vector<double> accScales(channels, largest / 127);
  std::vector<int64_t> bias(channels, -(wa * a.zeroPoint + wb * b.zeroPoint));

  builder.setInsertionPoint(add);
  FailureOr<OutputPath> path = buildOutputPath(add, add.getResult(), accScales, bias);
  if (failed(path))
    return failure();
  Value layer = ScaledAddOp::create(
      builder, add.getLoc(), lhsType, *lhs, *rhs, builder.getI64IntegerAttr(wa),
      builder.getI64IntegerAttr(wb), path->params, path->lut,
      builder.getI64IntegerAttr(path->zeroPoint),
      ActivationAttr::get(builder.getContext(), path->activation),
      builder.getI64IntegerAttr(path->clampMax));
  produced[path->finalValue] = {layer, layout};
  twins[{path->finalValue, int(layout)}] = layer;
  converted.push_back(add);
  return success();
}

Value Quantizer::maxPool2D(Location loc, Value input, const Window2D &w,
                           bool ceilMode, int64_t outH, int64_t outW) {
  auto type = cast<RankedTensorType>(input.getType()); // [N, H, W, C]
  return MaxPoolOp::create(
      builder, loc,
      tensorOf({type.getDimSize(0), outH, outW, type.getDimSize(3)}, builder.getI8Type()),
      input, builder.getDenseI64ArrayAttr(w.kernel), builder.getDenseI64ArrayAttr(w.strides),
      builder.getDenseI64ArrayAttr(w.pads), builder.getDenseI64ArrayAttr(w.dilations),
      builder.getBoolAttr(ceilMode));
}

/// Max pooling of the channels-last twin of `op`'s input, with ONNX-ordered
/// per-axis attributes (pads: all begins, then all ends). 1-D pooling runs as
/// 2-D over [N, 1, W, C]; 3-D pooling as a 2-D pooling of every frame
/// ([N*D, H, W, C]) followed by a 2-D pooling over (D, H*W) with a (KD, 1)
/// window: max is separable.
LogicalResult Quantizer::convertMaxPooling(Operation *op, Value input,
                                           ArrayRef<int64_t> kernel,
                                           ArrayRef<int64_t> strides,
                                           ArrayRef<int64_t> pads,
                                           ArrayRef<int64_t> dilations, bool ceilMode) {
  FailureOr<Value> twin = twinOf(input, Layout::ChannelsLast, op);
  if (failed(twin))
    return failure();
  Value result = op->getResult(0);
  // max commutes with the monotone affine mapping: the result has the
  // input's scale and zero point (its own calibration range is not used).
  quants[result] = quants.at(input);
  auto resultF32 = cast<RankedTensorType>(result.getType());
  const int64_t spatial = kernel.size();
  const int64_t n = resultF32.getDimSize(0), c = resultF32.getDimSize(1);
  ArrayRef<int64_t> out = resultF32.getShape().drop_front(2);
  builder.setInsertionPoint(op);
  Location loc = op->getLoc();
  Type i8 = builder.getI8Type();
  // The (H, W) window: the last two axes, or (1, W) for 1-D.
  auto lastTwo = [&](ArrayRef<int64_t> v, int64_t fill) {
    return spatial == 1 ? SmallVector<int64_t>{fill, v[0]}
                        : SmallVector<int64_t>{v[spatial - 2], v[spatial - 1]};
  };
  ArrayRef<int64_t> begin = pads.take_front(spatial), end = pads.drop_front(spatial);
  SmallVector<int64_t> padBegin = lastTwo(begin, 0), padEnd = lastTwo(end, 0);
  Window2D plane{lastTwo(kernel, 1), lastTwo(strides, 1),
                 {padBegin[0], padBegin[1], padEnd[0], padEnd[1]}, lastTwo(dilations, 1)};
  SmallVector<int64_t> outPlane = lastTwo(out, 1);
  Value layer;
  if (spatial < 3) {
    layer = maxPool2D(loc, *twin, plane, ceilMode, outPlane[0], outPlane[1]);
  } else {
    auto twinType = cast<RankedTensorType>((*twin).getType()); // [N, D, H, W, C]
    int64_t d = twinType.getDimSize(1);
    Value frames = nn::ReshapeOp::create(
        builder, loc,
        tensorOf({n * d, twinType.getDimSize(2), twinType.getDimSize(3), c}, i8), *twin);
    Value pooled = maxPool2D(loc, frames, plane, ceilMode, outPlane[0], outPlane[1]);
    Value columns = nn::ReshapeOp::create(
        builder, loc, tensorOf({n, d, outPlane[0] * outPlane[1], c}, i8), pooled);
    Window2D depth{{kernel[0], 1}, {strides[0], 1}, {begin[0], 0, end[0], 0},
                   {dilations[0], 1}};
    Value both = maxPool2D(loc, columns, depth, ceilMode, out[0], outPlane[0] * outPlane[1]);
    layer = nn::ReshapeOp::create(builder, loc,
                                  tensorOf({n, out[0], outPlane[0], outPlane[1], c}, i8), both);
  }
  produced[result] = {layer, Layout::ChannelsLast};
  twins[{result, int(Layout::ChannelsLast)}] = layer;
  converted.push_back(op);
  return success();
}

LogicalResult Quantizer::convertMaxPool(nn::MaxPoolOp pool) {
  return convertMaxPooling(pool, pool.getInput(), pool.getKernelShape(), pool.getStrides(),
                           pool.getPads(), pool.getDilations(), pool.getCeilMode());
}

LogicalResult Quantizer::convertGlobalMaxPool(nn::GlobalMaxPoolOp pool) {
  ArrayRef<int64_t> spatial =
      cast<RankedTensorType>(pool.getInput().getType()).getShape().drop_front(2);
  SmallVector<int64_t> ones(spatial.size(), 1), zeros(2 * spatial.size(), 0);
  return convertMaxPooling(pool, pool.getInput(), spatial, ones, zeros, ones,
                           /*ceilMode=*/false);
}

/// The mean over P pixels as a matrix product on the array: a [N, N*P]
/// block-diagonal matrix of ones times the pixels of the channels-last twin
/// ([N*P, C]); the output path subtracts P times the input zero point and
/// divides by P.
LogicalResult Quantizer::convertGlobalAvgPool(nn::GlobalAvgPoolOp pool) {
  FailureOr<Value> twin = twinOf(pool.getInput(), Layout::ChannelsLast, pool);
  if (failed(twin))
    return failure();
  AffineQuant in = quants.at(pool.getInput());
  auto inputType = cast<RankedTensorType>(pool.getInput().getType());
  const int64_t n = inputType.getDimSize(0), c = inputType.getDimSize(1);
  const int64_t pixels = inputType.getNumElements() / (n * c);
  std::vector<double> accScales(c, in.scale / double(pixels));
  std::vector<int64_t> bias(c, -pixels * in.zeroPoint);
  builder.setInsertionPoint(pool);
  Location loc = pool.getLoc();
  Type i8 = builder.getI8Type();
  FailureOr<OutputPath> path = buildOutputPath(pool, pool.getResult(), accScales, bias);
  if (failed(path))
    return failure();
  std::vector<int8_t> ones(n * n * pixels, 0);
  for (int64_t i = 0; i < n; ++i)
    std::fill_n(ones.begin() + i * n * pixels + i * pixels, pixels, int8_t(1));
  auto onesType = tensorOf({n, n * pixels}, i8);
  Value lhs = arith::ConstantOp::create(
      builder, loc, onesType, DenseElementsAttr::get(onesType, ArrayRef<int8_t>(ones)));
  Value rhs = nn::ReshapeOp::create(builder, loc, tensorOf({n * pixels, c}, i8), *twin);
  Value sums = matMulLayer(loc, tensorOf({n, c}, i8), lhs, rhs, *path);
  // [N, C] is the channels-last twin of [N, C, 1, ...] (rank-3 twins keep
  // their unit height).
  SmallVector<int64_t> shape(std::max<int64_t>(inputType.getRank() - 2, 2) + 2, 1);
  shape.front() = n;
  shape.back() = c;
  Value layer = nn::ReshapeOp::create(builder, loc, tensorOf(shape, i8), sums);
  produced[path->finalValue] = {layer, Layout::ChannelsLast};
  twins[{path->finalValue, int(Layout::ChannelsLast)}] = layer;
  converted.push_back(pool);
  return success();
}

/// A reshape of a value the array produced keeps its bytes when the twin is
/// plain, or channels-last with unit spatial dimensions ([N, 1, 1, C] holds
/// the bytes of [N, C, 1, 1]).
bool Quantizer::reshapesInInt8(nn::ReshapeOp reshape) {
  auto it = produced.find(reshape.getInput());
  if (it == produced.end())
    return false;
  auto type = cast<RankedTensorType>(reshape.getInput().getType());
  if (!type.hasStaticShape() || !cast<RankedTensorType>(reshape.getType()).hasStaticShape())
    return false;
  return it->second.second == Layout::Plain ||
         llvm::all_of(type.getShape().drop_front(2), [](int64_t d) { return d == 1; });
}

void Quantizer::convertReshape(nn::ReshapeOp reshape) {
  Value input = reshape.getInput(), result = reshape.getResult();
  auto shape = cast<RankedTensorType>(result.getType()).getShape();
  builder.setInsertionPoint(reshape);
  Value twin = nn::ReshapeOp::create(builder, reshape.getLoc(),
                                     tensorOf(shape, builder.getI8Type()),
                                     produced.lookup(input).first);
  quants[result] = quants.at(input);
  produced[result] = {twin, Layout::Plain};
  twins[{result, int(Layout::Plain)}] = twin;
  converted.push_back(reshape);
}

/// Average pooling as a depthwise convolution with a window of ones (its
/// groups merged like a convolution's, see groupsToMerge); the output path subtracts the window's zero points and divides by
/// the window size (every window has the same size: see whyNotAvgPool).
LogicalResult Quantizer::convertAvgPool(nn::AvgPoolOp pool) {
  FailureOr<Value> twin = twinOf(pool.getInput(), Layout::ChannelsLast, pool);
  if (failed(twin))
    return failure();
  AffineQuant in = quants.at(pool.getInput());
  auto resultF32 = cast<RankedTensorType>(pool.getType());
  const int64_t spatial = pool.getKernelShape().size();
  const int64_t n = resultF32.getDimSize(0), c = resultF32.getDimSize(1);
  SmallVector<int64_t> dilations(spatial, 1);
  if (pool.getDilations())
    dilations.assign(pool.getDilations()->begin(), pool.getDilations()->end());
  // 1-D pooling runs as 2-D over [N, 1, W, C].
  auto as2D = [&](ArrayRef<int64_t> v, int64_t fill) {
    return spatial == 1 ? SmallVector<int64_t>{fill, v[0]} : SmallVector<int64_t>(v);
  };
  SmallVector<int64_t> kernel = as2D(pool.getKernelShape(), 1);
  ArrayRef<int64_t> p = pool.getPads();
  SmallVector<int64_t> pads =
      spatial == 1 ? SmallVector<int64_t>{0, p[0], 0, p[1]} : SmallVector<int64_t>(p);
  const int64_t taps = kernel[0] * kernel[1];
  std::vector<double> accScales(c, in.scale / double(taps));
  std::vector<int64_t> bias(c, -taps * in.zeroPoint);
  builder.setInsertionPoint(pool);
  FailureOr<OutputPath> path = buildOutputPath(pool, pool.getResult(), accScales, bias);
  if (failed(path))
    return failure();
  Location loc = pool.getLoc();
  Type i8 = builder.getI8Type();
  const int64_t merge = groupsToMerge(c, 1, hw.rows);
  std::vector<double> window =
      mergeGroups(std::vector<double>(taps * c, 1.0), taps, 1, c, c, merge);
  auto weightType = tensorOf({kernel[0], kernel[1], merge, c}, i8);
  Value ones = arith::ConstantOp::create(
      builder, loc,
      DenseElementsAttr::get(weightType,
                             ArrayRef<int8_t>(std::vector<int8_t>(window.begin(), window.end()))));
  int64_t oh = spatial == 1 ? 1 : resultF32.getDimSize(2);
  int64_t ow = resultF32.getDimSize(resultF32.getRank() - 1);
  Window2D geometry{kernel, as2D(pool.getStrides(), 1), pads, as2D(dilations, 1)};
  Value layer = conv2DLayer(loc, tensorOf({n, oh, ow, c}, i8), *twin, ones, geometry,
                            in.zeroPoint, c / merge, merge, *path);
  produced[path->finalValue] = {layer, Layout::ChannelsLast};
  twins[{path->finalValue, int(Layout::ChannelsLast)}] = layer;
  converted.push_back(pool);
  return success();
}

/// The activation tables of the array's recurrent layers: int8 inputs at
/// 1/16 (sigmoid) and 1/32 (tanh) per unit, where both functions have
/// saturated to within half an output step at the ends; outputs at 1/128,
/// the scale of h.
constexpr double kSigmoidTableInputScale = 1.0 / 16, kTanhTableInputScale = 1.0 / 32;
constexpr double kRecurrentStateScale = 1.0 / 128;
/// c is kept at 1/16384 (i * g of two 1/128 values): 2^9 units per tanh
/// table input unit.
constexpr int64_t kLstmCellShift = 9;

template <typename T>
Value denseConstant(OpBuilder &builder, Location loc, ArrayRef<int64_t> shape,
                    ArrayRef<T> values, Type element) {
  auto type = RankedTensorType::get(shape, element);
  return arith::ConstantOp::create(builder, loc, type, DenseElementsAttr::get(type, values));
}

/// The sigmoid and tanh tables as [256] int8 constants.
std::pair<Value, Value> activationTables(OpBuilder &builder, Location loc) {
  auto table = [&](double inputScale, double (*fn)(double)) {
    SmallVector<int8_t> entries(256);
    for (int e = 0; e < 256; ++e)
      entries[e] = quantize(fn(int8_t(e) * inputScale), {kRecurrentStateScale, 0});
    return denseConstant(builder, loc, {256}, ArrayRef<int8_t>(entries), builder.getI8Type());
  };
  return {table(kSigmoidTableInputScale, [](double v) { return 1 / (1 + std::exp(-v)); }),
          table(kTanhTableInputScale, [](double v) { return std::tanh(v); })};
}

// Per gate column j one accumulator scale S[j] shared by both products: x's
// weights (w: [D, G, I]) are quantized at S/s_x, h's (r: [D, G, H]) at S/s_h,
// so x*wx and h*wh sum in the same units; the larger of the two ranges sets
// S. The output path takes S to the column's table input scale and adds
// bias(d, j) (real units) less x's zero-point correction.
FailureOr<Quantizer::RecurrentWeights> Quantizer::quantizeRecurrentWeights(
    Operation *op, const AffineQuant &in, const std::vector<double> &w,
    const std::vector<double> &r, int64_t dirs, int64_t input, int64_t hidden,
    int64_t gates, llvm::function_ref<double(int64_t, int64_t)> bias,
    llvm::function_ref<double(int64_t)> tableInputScale) {
  RecurrentWeights q;
  q.wx.resize(dirs * input * gates);
  q.wh.resize(dirs * hidden * gates);
  q.params.resize(dirs * 3 * gates);
  q.scale.resize(dirs * gates);
  for (int64_t d = 0; d < dirs; ++d)
    for (int64_t j = 0; j < gates; ++j) {
      auto wAt = [&](int64_t i) { return w[(d * gates + j) * input + i]; };
      auto rAt = [&](int64_t k) { return r[(d * gates + j) * hidden + k]; };
      double wMax = 0, rMax = 0;
      for (int64_t i = 0; i < input; ++i)
        wMax = std::max(wMax, std::abs(wAt(i)));
      for (int64_t k = 0; k < hidden; ++k)
        rMax = std::max(rMax, std::abs(rAt(k)));
      double scale = std::max(in.scale * wMax, kRecurrentStateScale * rMax) / 127;
      if (scale == 0)
        scale = in.scale / 127; // an all-zero column: any scale works
      q.scale[d * gates + j] = scale;
      int64_t columnSum = 0;
      for (int64_t i = 0; i < input; ++i) {
        int8_t v = quantize(wAt(i) * in.scale / scale, {1.0, 0});
        q.wx[(d * input + i) * gates + j] = v;
        columnSum += v;
      }
      for (int64_t k = 0; k < hidden; ++k)
        q.wh[(d * hidden + k) * gates + j] =
            quantize(rAt(k) * kRecurrentStateScale / scale, {1.0, 0});
      double target = tableInputScale(j);
      FixedPointMultiplier m;
      if (!toFixedPoint(scale / target, &m))
        return op->emitError() << "cannot quantize " << describe(op) << ": gate column "
                               << j << " needs a requantization multiplier of "
                               << scale / target
                               << ", beyond what the output path represents (< 2^31)";
      q.params[(d * 3 + 0) * gates + j] = int32_t(std::clamp<int64_t>(
          int64_t(saturateToInt32(bias(d, j) / scale)) - in.zeroPoint * columnSum,
          INT32_MIN, INT32_MAX));
      q.params[(d * 3 + 1) * gates + j] = m.multiplier;
      q.params[(d * 3 + 2) * gates + j] = m.shift;
    }
  return q;
}

void Quantizer::recordRecurrentResults(Value y, Value yH, Value layer, bool reverse,
                                       int64_t dirs, int64_t steps, int64_t batch,
                                       int64_t hidden) {
  AffineQuant state{kRecurrentStateScale, 0};
  quants[y] = state;
  produced[y] = {layer, Layout::Plain};
  twins[{y, int(Layout::Plain)}] = layer;
  if (yH.use_empty())
    return;
  // Y_h is Y's last step of each direction (step 0 for a backward one).
  Location loc = layer.getLoc();
  Type i8 = builder.getI8Type();
  SmallVector<Value> last;
  for (int64_t d = 0; d < dirs; ++d) {
    int64_t t = (reverse || d == 1) ? 0 : steps - 1;
    Value slice = nn::SliceOp::create(
        builder, loc, layer, builder.getDenseI64ArrayAttr({t, d}),
        builder.getDenseI64ArrayAttr({t + 1, d + 1}),
        builder.getDenseI64ArrayAttr({0, 1}), builder.getDenseI64ArrayAttr({1, 1}));
    last.push_back(nn::ReshapeOp::create(builder, loc,
                                         tensorOf({1, batch, hidden}, i8), slice));
  }
  Value last0 = last.size() == 1 ? last.front()
                                 : nn::ConcatOp::create(builder, loc, last, 0).getResult();
  quants[yH] = state;
  produced[yH] = {last0, Layout::Plain};
  twins[{yH, int(Layout::Plain)}] = last0;
}

LogicalResult Quantizer::convertLstm(nn::LSTMOp lstm) {
  auto xType = cast<RankedTensorType>(lstm.getX().getType());
  auto wType = cast<RankedTensorType>(lstm.getW().getType());
  const int64_t steps = xType.getDimSize(0), batch = xType.getDimSize(1),
                input = xType.getDimSize(2);
  const int64_t dirs = wType.getDimSize(0),
                hidden = static_cast<int64_t>(lstm.getHiddenSize()),
                gates = 4 * hidden;
  FailureOr<Value> x = twinOf(lstm.getX(), Layout::Plain, lstm);
  if (failed(x))
    return failure();
  std::vector<double> b(dirs * 2 * gates, 0.0); // [D, 8H]
  if (lstm.getB())
    b = toDoubles(constantValue(lstm.getB()));
  FailureOr<RecurrentWeights> q = quantizeRecurrentWeights(
      lstm, quants.at(lstm.getX()), toDoubles(constantValue(lstm.getW())),
      toDoubles(constantValue(lstm.getR())), dirs, input, hidden, gates,
      [&](int64_t d, int64_t j) { return b[d * 2 * gates + j] + b[d * 2 * gates + gates + j]; },
      [&](int64_t j) { return j >= 3 * hidden ? kTanhTableInputScale : kSigmoidTableInputScale; });
  if (failed(q))
    return failure();

  builder.setInsertionPoint(lstm);
  Location loc = lstm.getLoc();
  Type i8 = builder.getI8Type(), i32 = builder.getI32Type();
  auto tables = activationTables(builder, loc);
  bool reverse = lstm.getDirection() == nn::RNNDirection::reverse;
  Value layer = LstmOp::create(
      builder, loc, tensorOf({steps, dirs, batch, hidden}, i8), *x,
      denseConstant(builder, loc, {dirs, input, gates}, ArrayRef<int8_t>(q->wx), i8),
      denseConstant(builder, loc, {dirs, hidden, gates}, ArrayRef<int8_t>(q->wh), i8),
      denseConstant(builder, loc, {dirs, 3, gates}, ArrayRef<int32_t>(q->params), i32),
      tables.first, tables.second,
      builder.getI64IntegerAttr(kLstmCellShift),
      reverse ? builder.getUnitAttr() : UnitAttr());
  recordRecurrentResults(lstm.getY(), lstm.getYH(), layer, reverse, dirs, steps, batch, hidden);
  converted.push_back(lstm);
  return success();
}

// The GRU's gates as the LSTM's (z, r: sigmoid; n: tanh). The n gate's
// recurrent bias Rb_n is inside r * (...) with linear_before_reset: it is
// quantized at the column's accumulator scale into h_bias; otherwise it adds
// to the output path's bias like every other bias.
LogicalResult Quantizer::convertGru(nn::GRUOp gru) {
  auto xType = cast<RankedTensorType>(gru.getX().getType());
  auto wType = cast<RankedTensorType>(gru.getW().getType());
  const int64_t steps = xType.getDimSize(0), batch = xType.getDimSize(1),
                input = xType.getDimSize(2);
  const int64_t dirs = wType.getDimSize(0),
                hidden = static_cast<int64_t>(gru.getHiddenSize()), gates = 3 * hidden;
  const bool linearBeforeReset = gru.getLinearBeforeReset();
  FailureOr<Value> x = twinOf(gru.getX(), Layout::Plain, gru);
  if (failed(x))
    return failure();
  std::vector<double> b(dirs * 2 * gates, 0.0); // [D, 6H]: Wb then Rb
  if (gru.getB())
    b = toDoubles(constantValue(gru.getB()));
  auto recurrentBias = [&](int64_t d, int64_t j) { return b[d * 2 * gates + gates + j]; };
  FailureOr<RecurrentWeights> q = quantizeRecurrentWeights(
      gru, quants.at(gru.getX()), toDoubles(constantValue(gru.getW())),
      toDoubles(constantValue(gru.getR())), dirs, input, hidden, gates,
      [&](int64_t d, int64_t j) {
        bool gated = linearBeforeReset && j >= 2 * hidden;
        return b[d * 2 * gates + j] + (gated ? 0.0 : recurrentBias(d, j));
      },
      [&](int64_t j) { return j >= 2 * hidden ? kTanhTableInputScale : kSigmoidTableInputScale; });
  if (failed(q))
    return failure();

  builder.setInsertionPoint(gru);
  Location loc = gru.getLoc();
  Type i8 = builder.getI8Type(), i32 = builder.getI32Type();
  Value hBias;
  if (linearBeforeReset) {
    std::vector<int32_t> bias(dirs * hidden);
    for (int64_t d = 0; d < dirs; ++d)
      for (int64_t j = 0; j < hidden; ++j) {
        const int64_t column = 2 * hidden + j;
        bias[d * hidden + j] =
            saturateToInt32(recurrentBias(d, column) / q->scale[d * gates + column]);
      }
    hBias = denseConstant(builder, loc, {dirs, hidden}, ArrayRef<int32_t>(bias), i32);
  }
  auto tables = activationTables(builder, loc);
  bool reverse = gru.getDirection() == nn::RNNDirection::reverse;
  Value layer = GruOp::create(
      builder, loc, tensorOf({steps, dirs, batch, hidden}, i8), *x,
      denseConstant(builder, loc, {dirs, input, gates}, ArrayRef<int8_t>(q->wx), i8),
      denseConstant(builder, loc, {dirs, hidden, gates}, ArrayRef<int8_t>(q->wh), i8),
      denseConstant(builder, loc, {dirs, 3, gates}, ArrayRef<int32_t>(q->params), i32),
      tables.first, tables.second,
      hBias, linearBeforeReset ? builder.getUnitAttr() : UnitAttr(),
      reverse ? builder.getUnitAttr() : UnitAttr());
  recordRecurrentResults(gru.getY(), gru.getYH(), layer, reverse, dirs, steps, batch, hidden);
  converted.push_back(gru);
  return success();
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

LogicalResult Quantizer::run() {
  Block &body = entry.getBody().front();
  // Tensors read by a zero-padded convolution (or average pooling, which
  // runs as one) need zero point 0.
  auto padded = [](ArrayRef<int64_t> pads) {
    return llvm::any_of(pads, [](int64_t p) { return p != 0; });
  };
  for (Operation &op : body) {
    if (auto conv = dyn_cast<nn::ConvOp>(op))
      if (whyNotConv(conv).empty() && padded(conv.getPads()))
        needsZeroPointZero.insert(conv.getInput());
    if (auto pool = dyn_cast<nn::AvgPoolOp>(op))
      if (whyNotAvgPool(pool, /*checkInput=*/false).empty() && padded(pool.getPads()))
        needsZeroPointZero.insert(pool.getInput());
  }
  // A max pool's result shares its input's quantization: propagate the need
  // backwards through chains of pools.
  for (Operation &op : llvm::reverse(body))
    if (auto pool = dyn_cast<nn::MaxPoolOp>(op))
      if (needsZeroPointZero.contains(pool.getResult()) &&
          whyNotMaxPool(pool, /*checkInput=*/false).empty())
        needsZeroPointZero.insert(pool.getInput());

  llvm::DenseMap<Operation *, Operation *> fusedInto;
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
    if (!isa<nn::NNDialect>(op.getDialect()))
      continue;
    if (auto layer = fusedInto.lookup(&op)) {
      record(&op, "accel", "fused into " + describe(layer));
      continue;
    }
    if (auto reshape = dyn_cast<nn::ReshapeOp>(op); reshape && reshapesInInt8(reshape)) {
      convertReshape(reshape);
      record(&op, "cpu",
             "reshapes the array's int8 result (no dequantize/quantize round trip)");
      continue;
    }
    std::string why;
    LogicalResult converted = success();
    bool onArray = true;
    size_t before = this->converted.size();
    if (auto conv = dyn_cast<nn::ConvOp>(op)) {
      why = whyNotConv(conv);
      onArray = why.empty();
      if (onArray)
        converted = convertConv(conv);
    } else if (auto gemm = dyn_cast<nn::GemmOp>(op)) {
      why = whyNotGemm(gemm);
      onArray = why.empty();
      if (onArray) {
        auto bType = cast<RankedTensorType>(gemm.getB().getType());
        std::vector<double> b = toDoubles(constantValue(gemm.getB()));
        int64_t k = bType.getDimSize(gemm.getTransB() ? 1 : 0);
        int64_t n = bType.getDimSize(gemm.getTransB() ? 0 : 1);
        double alpha = gemm.getAlpha().convertToDouble();
        std::vector<double> weights(k * n);
        for (int64_t i = 0; i < k; ++i)
          for (int64_t j = 0; j < n; ++j)
            weights[i * n + j] = alpha * (gemm.getTransB() ? b[j * k + i] : b[i * n + j]);
        std::vector<double> bias(n, 0.0);
        if (Value c = gemm.getC()) {
          std::vector<double> cv = toDoubles(constantValue(c));
          double beta = gemm.getBeta().convertToDouble();
          for (int64_t j = 0; j < n; ++j)
            bias[j] = beta * cv[cv.size() == 1 ? 0 : j];
        }
        converted = convertDense(gemm, gemm.getA(), weights, k, n, bias);
      }
    } else if (auto matmul = dyn_cast<nn::MatMulOp>(op)) {
      why = whyNotMatMul(matmul);
      onArray = why.empty();
      if (onArray) {
        auto rhsType = cast<RankedTensorType>(matmul.getRhs().getType());
        converted = convertDense(matmul, matmul.getLhs(),
                                 toDoubles(constantValue(matmul.getRhs())),
                                 rhsType.getDimSize(0), rhsType.getDimSize(1),
                                 std::vector<double>(rhsType.getDimSize(1), 0.0));
      }
    } else if (auto add = dyn_cast<nn::AddOp>(op)) {
      why = whyNotAdd(add);
      onArray = why.empty();
      if (onArray)
        converted = convertAdd(add);
    } else if (auto pool = dyn_cast<nn::MaxPoolOp>(op)) {
      why = whyNotMaxPool(pool);
      onArray = why.empty();
      if (onArray)
        converted = convertMaxPool(pool);
    } else if (auto pool = dyn_cast<nn::AvgPoolOp>(op)) {
      why = whyNotAvgPool(pool);
      onArray = why.empty();
      if (onArray)
        converted = convertAvgPool(pool);
    } else if (isa<nn::GlobalAvgPoolOp, nn::GlobalMaxPoolOp>(op)) {
      why = whyNotGlobalPool(&op);
      onArray = why.empty();
      if (onArray)
        converted = isa<nn::GlobalAvgPoolOp>(op)
                        ? convertGlobalAvgPool(cast<nn::GlobalAvgPoolOp>(op))
                        : convertGlobalMaxPool(cast<nn::GlobalMaxPoolOp>(op));
    } else if (auto lstm = dyn_cast<nn::LSTMOp>(op)) {
      why = whyNotLstm(lstm);
      onArray = why.empty();
      if (onArray)
        converted = convertLstm(lstm);
    } else if (auto gru = dyn_cast<nn::GRUOp>(op)) {
      why = whyNotGru(gru);
      onArray = why.empty();
      if (onArray)
        converted = convertGru(gru);
    } else {
      onArray = false;
      why = "no accelerator mapping for " + op.getName().getStringRef().str();
    }
    if (failed(converted))
      return failure();
    if (!onArray) {
      record(&op, "cpu", why);
      continue;
    }
    std::string what = "systolic." + op.getName().stripDialect().str();
    if (isa<nn::ConvOp>(op))
      what = "systolic.conv2d";
    else if (isa<nn::GemmOp, nn::MatMulOp>(op))
      what = "systolic.matmul";
    else if (isa<nn::AddOp>(op))
      what = "systolic.scaled_add";
    else if (isa<nn::GlobalAvgPoolOp>(op))
      what = "systolic.matmul (a row of ones times the pixels)";
    else if (isa<nn::AvgPoolOp>(op))
      what = "systolic.conv2d (depthwise, a window of ones)";
    else if (isa<nn::GlobalMaxPoolOp>(op))
      what = "systolic.max_pool";
    else if (auto pool = dyn_cast<nn::MaxPoolOp>(op);
             pool && pool.getKernelShape().size() == 3)
      what = "systolic.max_pool x2 (each frame, then across frames)";
    if (this->converted.size() > before + 1) {
      Operation *activation = this->converted[before];
      fusedInto[activation] = &op;
      what += ", " + activation->getName().stripDialect().str() + " fused";
    }
    record(&op, "accel", what);
  }

  // The CPU side keeps reading f32: give every remaining use of a converted
  // value a dequantized copy, placed right after the layer.
  for (auto &[value, twinAndLayout] : produced) {
    auto [twin, layout] = twinAndLayout;
    bool usedOutside = llvm::any_of(value.getUses(), [&](OpOperand &use) {
      return !llvm::is_contained(converted, use.getOwner());
    });
    if (!usedOutside)
      continue;
    builder.setInsertionPointAfter(twin.getDefiningOp());
    Location loc = value.getLoc();
    auto type = cast<RankedTensorType>(value.getType());
    Value plain = twin;
    if (layout == Layout::ChannelsLast) {
      if (type.getRank() == 3) {
        auto shape = cast<RankedTensorType>(twin.getType()).getShape();
        plain = nn::ReshapeOp::create(
            builder, loc, tensorOf({shape[0], shape[2], shape[3]}, builder.getI8Type()),
            plain);
      }
      SmallVector<int64_t> perm = {0, type.getRank() - 1};
      for (int64_t d = 1; d < type.getRank() - 1; ++d)
        perm.push_back(d);
      plain = nn::TransposeOp::create(builder, loc, plain, perm);
    }
    AffineQuant quant = quants.at(value);
    Value dequantized = DequantizeOp::create(
        builder, loc, type, plain, builder.getF64FloatAttr(quant.scale),
        builder.getI64IntegerAttr(quant.zeroPoint));
    value.replaceUsesWithIf(dequantized, [&](OpOperand &use) {
      return !llvm::is_contained(converted, use.getOwner());
    });
  }
  // The f32 weights of converted layers are dead now.
  llvm::SetVector<Operation *> constants;
  for (Operation *op : converted)
    for (Value operand : op->getOperands())
      if (auto constant = operand.getDefiningOp<arith::ConstantOp>())
        constants.insert(constant);
  for (Operation *op : llvm::reverse(converted)) {
    op->dropAllUses();
    op->erase();
  }
  for (Operation *constant : constants)
    if (constant->use_empty())
      constant->erase();

  if (report) {
    llvm::raw_ostream &os = llvm::errs();
    unsigned onAccel = llvm::count_if(
        placements, [](const Placement &p) { return p.where == "accel"; });
    os << "placement of @" << entry.getSymName() << ": " << onAccel
       << " ops on accel, " << placements.size() - onAccel << " on cpu\n";
    for (const Placement &p : placements)
      os << "  " << p.where << "  " << p.op << ": " << p.why << "\n";
  }
  return success();
}

struct QuantizePass : systolic::accel::impl::QuantizeBase<QuantizePass> {
  using Base::Base;
  void runOnOperation() override {
    auto entry = getOperation().lookupSymbol<func::FuncOp>(entryName);
    if (!entry || entry.isExternal()) {
      getOperation().emitError() << "no entry function '@" << entryName << "' to quantize";
      return signalPassFailure();
    }
    llvm::Expected<HwDescription> hw = parseAccelConfig(accelConfig);
    if (!hw) {
      getOperation().emitError() << llvm::toString(hw.takeError());
      return signalPassFailure();
    }
    if (failed(Quantizer(entry, *hw, reportPlacement).run()))
      signalPassFailure();
  }
};

} // namespace
