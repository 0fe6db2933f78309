//===- SystolicOps.cpp - Verifiers of the quantized layer ops -------------===//
#include "dialects/systolic/SystolicOps.h"

#include <cmath>

using namespace mlir;
using namespace systolic::accel;

namespace {

LogicalResult verifyAffineParams(Operation *op, double scale, int64_t zeroPoint) {
  if (!(scale > 0) || !std::isfinite(scale))
    return op->emitOpError("scale must be positive and finite, got ") << scale;
  if (zeroPoint < -128 || zeroPoint > 127)
    return op->emitOpError("zero_point must be in [-128, 127], got ")
           << zeroPoint;
  return success();
}

bool inInt8Range(int64_t v) { return v >= -128 && v <= 127; }

/// Checks params [3, channels], the lookup table and the output attributes.
template <typename OpT>
LogicalResult verifyOutputPath(OpT op, int64_t channels) {
  auto params = cast<RankedTensorType>(op.getParams().getType());
  if (params.getRank() != 2 || params.getDimSize(0) != 3 ||
      params.getDimSize(1) != channels)
    return op.emitOpError("params must be [3, ")
           << channels << "] (bias, multiplier, shift per output channel), got "
           << params;
  bool wantsLut = op.getActivation() == Activation::lut;
  if (wantsLut != bool(op.getLut()))
    return op.emitOpError(wantsLut ? "activation lut needs a lut operand"
                                   : "a lut operand needs activation lut");
  if (auto lut = op.getLut()) {
    auto type = cast<RankedTensorType>(lut.getType());
    if (type.getRank() != 1 || type.getDimSize(0) != 256)
      return op.emitOpError("lut must be tensor<256xi8>, got ") << type;
  }
  // I64Attr getters are unsigned; the values are signed.
  int64_t zeroPoint = op.getOutputZeroPoint(), clampMax = op.getClampMax();
  if (!inInt8Range(zeroPoint))
    return op.emitOpError("output_zero_point must be in [-128, 127], got ")
           << zeroPoint;
  if (!inInt8Range(clampMax))
    return op.emitOpError("clamp_max must be in [-128, 127], got ") << clampMax;
  if (op.getActivation() == Activation::relu6 && clampMax < zeroPoint)
    return op.emitOpError("relu6 clamp_max (")
           << clampMax << ") is below the output zero point (" << zeroPoint
           << ")";
  return success();
}

LogicalResult expectResult(Operation *op, ArrayRef<int64_t> expected) {
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  if (result.getShape() != expected) {
    InFlightDiagnostic diag = op->emitOpError("result shape must be [");
    llvm::interleaveComma(expected, diag);
    return diag << "], got " << result;
  }
  return success();
}

} // namespace

LogicalResult QuantizeOp::verify() {
  return verifyAffineParams(*this, getScale().convertToDouble(),
                            getZeroPoint());
}

LogicalResult DequantizeOp::verify() {
  return verifyAffineParams(*this, getScale().convertToDouble(),
                            getZeroPoint());
}

LogicalResult Conv2DOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto weight = cast<RankedTensorType>(getWeight().getType());
  if (input.getRank() != 4)
    return emitOpError("input must be [N, H, W, C], got ") << input;
  if (weight.getRank() != 4)
    return emitOpError("weight must be [KH, KW, C/group, F], got ") << weight;
  int64_t group = static_cast<int64_t>(getGroup());
  if (group < 1)
    return emitOpError("group must be positive, got ") << group;
  if (weight.getDimSize(2) * group != input.getDimSize(3))
    return emitOpError("weight has ")
           << weight.getDimSize(2) << " input channels per group, times group "
           << group << " is not the input's " << input.getDimSize(3);
  if (weight.getDimSize(3) % group != 0)
    return emitOpError("group ") << group << " does not divide the "
                                 << weight.getDimSize(3) << " output channels";
  int64_t blocks = static_cast<int64_t>(getDiagonalBlocks());
  if (blocks < 1 || weight.getDimSize(2) % blocks != 0 ||
      (weight.getDimSize(3) / group) % blocks != 0)
    return emitOpError("diagonal_blocks ")
           << blocks << " must divide the " << weight.getDimSize(2)
           << " input and " << weight.getDimSize(3) / group
           << " output channels of a group";
  ArrayRef<int64_t> strides = getStrides(), dilations = getDilations(),
                    pads = getPads();
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return emitOpError("strides and dilations need 2 entries and pads 4 "
                       "(top, left, bottom, right)");
  for (int64_t v : llvm::concat<const int64_t>(strides, dilations))
    if (v < 1)
      return emitOpError("strides and dilations must be positive, got ") << v;
  for (int64_t p : pads)
    if (p < 0)
      return emitOpError("pads must be non-negative, got ") << p;
  int64_t inputZeroPoint = getInputZeroPoint();
  if (!inInt8Range(inputZeroPoint))
    return emitOpError("input_zero_point must be in [-128, 127], got ")
           << inputZeroPoint;
  if (inputZeroPoint != 0 && llvm::any_of(pads, [](int64_t p) { return p; }))
    return emitOpError("a padded convolution needs input_zero_point 0 (the "
                       "DMA pads with zeros), got ")
           << inputZeroPoint;
  int64_t out[2];
  for (int i = 0; i < 2; ++i) {
    int64_t extent = input.getDimSize(1 + i) + pads[i] + pads[2 + i];
    int64_t window = dilations[i] * (weight.getDimSize(i) - 1) + 1;
    if (window > extent)
      return emitOpError("the dilated kernel (")
             << window << ") is larger than the padded input (" << extent
             << ") in spatial dimension " << i;
    out[i] = (extent - window) / strides[i] + 1;
  }
  if (failed(verifyOutputPath(*this, weight.getDimSize(3))))
    return failure();
  return expectResult(*this, {input.getDimSize(0), out[0], out[1],
                              weight.getDimSize(3)});
}

LogicalResult MatMulOp::verify() {
  auto lhs = cast<RankedTensorType>(getLhs().getType());
  auto rhs = cast<RankedTensorType>(getRhs().getType());
  if (lhs.getRank() != 2 || rhs.getRank() != 2)
    return emitOpError("operands must be matrices, got ")
           << lhs << " and " << rhs;
  if (lhs.getDimSize(1) != rhs.getDimSize(0))
    return emitOpError("reduction sizes differ: lhs has ")
           << lhs.getDimSize(1) << " columns, rhs has " << rhs.getDimSize(0)
           << " rows";
  if (failed(verifyOutputPath(*this, rhs.getDimSize(1))))
    return failure();
  return expectResult(*this, {lhs.getDimSize(0), rhs.getDimSize(1)});
}

LogicalResult ScaledAddOp::verify() {
  auto lhs = cast<RankedTensorType>(getLhs().getType());
  if (lhs != getRhs().getType())
    return emitOpError("operands must have the same type, got ")
           << lhs << " and " << getRhs().getType();
  if (lhs.getRank() < 1)
    return emitOpError("operands need a channel (last) dimension");
  for (int64_t w : {int64_t(getLhsWeight()), int64_t(getRhsWeight())})
    if (!inInt8Range(w))
      return emitOpError("operand weights are int8, got ") << w;
  if (failed(verifyOutputPath(*this, lhs.getShape().back())))
    return failure();
  return expectResult(*this, lhs.getShape());
}

int64_t systolic::accel::maxPoolOutputSize(int64_t size, int64_t kernel,
                                            int64_t stride, int64_t padBegin,
                                            int64_t padEnd, int64_t dilation,
                                            bool ceilMode) {
  int64_t span = size + padBegin + padEnd - (dilation * (kernel - 1) + 1);
  if (span < 0)
    return 0;
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // A ceil_mode window must start inside the input or the leading padding.
  if (ceilMode && (out - 1) * stride >= size + padBegin)
    --out;
  return out;
}

LogicalResult MaxPoolOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  if (input.getRank() != 4)
    return emitOpError("input must be [N, H, W, C], got ") << input;
  ArrayRef<int64_t> kernel = getKernelShape(), strides = getStrides(),
                    pads = getPads(), dilations = getDilations();
  if (kernel.size() != 2)
    return emitOpError("kernel_shape needs 2 entries (h, w), got ")
           << kernel.size();
  if (strides.size() != 2)
    return emitOpError("strides needs 2 entries (h, w), got ")
           << strides.size();
  if (dilations.size() != 2)
    return emitOpError("dilations needs 2 entries (h, w), got ")
           << dilations.size();
  if (pads.size() != 4)
    return emitOpError("pads needs 4 entries (top, left, bottom, right), got ")
           << pads.size();
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] < 1)
      return emitOpError("kernel_shape must be positive, got ") << kernel[i];
    if (strides[i] < 1)
      return emitOpError("strides must be positive, got ") << strides[i];
    if (dilations[i] < 1)
      return emitOpError("dilations must be positive, got ") << dilations[i];
  }
  for (int i = 0; i < 4; ++i) {
    if (pads[i] < 0)
      return emitOpError("pads must be non-negative, got ") << pads[i];
    if (pads[i] >= kernel[i % 2])
      return emitOpError("pad ")
             << pads[i] << " must be smaller than the kernel extent "
             << kernel[i % 2] << " in spatial dimension " << i % 2;
  }
  int64_t out[2];
  for (int i = 0; i < 2; ++i) {
    if (input.isDynamicDim(1 + i))
      return emitOpError("spatial dimensions must be static, got ") << input;
    out[i] = maxPoolOutputSize(input.getDimSize(1 + i), kernel[i], strides[i],
                               pads[i], pads[2 + i], dilations[i],
                               getCeilMode());
    if (out[i] < 1)
      return emitOpError("the dilated kernel (")
             << dilations[i] * (kernel[i] - 1) + 1
             << ") is larger than the padded input ("
             << input.getDimSize(1 + i) + pads[i] + pads[2 + i]
             << ") in spatial dimension " << i;
  }
  return expectResult(*this, {input.getDimSize(0), out[0], out[1],
                              input.getDimSize(3)});
}

/// The shapes LSTM and GRU share, for `gates` gates of H columns (G = 4 or
/// 3): x [T, B, I], wx [D, I, GH], wh [D, H, GH], params [D, 3, GH], both
/// tables [256], result [T, D, B, H], and `reverse` for one direction only.
/// Sets the directions D and the hidden size H.
template <typename OpT>
LogicalResult verifyRecurrentShapes(OpT op, int64_t gates, StringRef gatesWord,
                                    int64_t &d, int64_t &h) {
  auto x = cast<RankedTensorType>(op.getX().getType());
  auto wx = cast<RankedTensorType>(op.getWx().getType());
  auto wh = cast<RankedTensorType>(op.getWh().getType());
  auto params = cast<RankedTensorType>(op.getParams().getType());
  auto result = cast<RankedTensorType>(op.getType());
  const std::string gh = std::to_string(gates) + "H";
  if (x.getRank() != 3)
    return op.emitOpError("x must be [T, B, I], got ") << x;
  if (wx.getRank() != 3 || wh.getRank() != 3 || params.getRank() != 3)
    return op.emitOpError("wx, wh and params must be [D, I, ")
           << gh << "], [D, H, " << gh << "] and [D, 3, " << gh << "], got " << wx
           << ", " << wh << " and " << params;
  int64_t t = x.getDimSize(0), b = x.getDimSize(1), i = x.getDimSize(2);
  int64_t columns = wx.getDimSize(2);
  d = wx.getDimSize(0);
  if (d != 1 && d != 2)
    return op.emitOpError("the number of directions D must be 1 or 2, got ") << d;
  if (columns % gates != 0 || columns == 0)
    return op.emitOpError("wx's last dimension must be ")
           << gh << " (" << gatesWord << " gates), got " << columns;
  h = columns / gates;
  if (wx.getDimSize(1) != i)
    return op.emitOpError("wx has ") << wx.getDimSize(1) << " input rows, x has "
                                     << i << " input features";
  if (wh.getShape() != ArrayRef<int64_t>{d, h, columns})
    return op.emitOpError("wh must be [D, H, ")
           << gh << "] = [" << d << ", " << h << ", " << columns << "], got " << wh;
  if (params.getShape() != ArrayRef<int64_t>{d, 3, columns})
    return op.emitOpError("params must be [D, 3, ")
           << gh << "] = [" << d << ", 3, " << columns << "], got " << params;
  for (Value table : {op.getSigmoid(), op.getTanh()})
    if (cast<RankedTensorType>(table.getType()).getShape() != ArrayRef<int64_t>{256})
      return op.emitOpError("the sigmoid and tanh tables must be [256], got ")
             << table.getType();
  if (result.getShape() != ArrayRef<int64_t>{t, d, b, h})
    return op.emitOpError("result must be [T, D, B, H] = [")
           << t << ", " << d << ", " << b << ", " << h << "], got " << result;
  if (op.getReverse() && d == 2)
    return op.emitOpError("'reverse' applies to a single direction; a "
                          "bidirectional layer (D = 2) runs direction 1 backward");
  return success();
}

LogicalResult LstmOp::verify() {
  int64_t d, h;
  if (failed(verifyRecurrentShapes(*this, 4, "four", d, h)))
    return failure();
  int64_t shift = static_cast<int64_t>(getCellShift());
  if (shift < 0 || shift > 63)
    return emitOpError("cell_shift must be in [0, 63], got ") << shift;
  return success();
}

LogicalResult GruOp::verify() {
  int64_t d, h;
  if (failed(verifyRecurrentShapes(*this, 3, "three", d, h)))
    return failure();
  if (getLinearBeforeReset() != static_cast<bool>(getHBias()))
    return emitOpError(getLinearBeforeReset()
                           ? "linear_before_reset needs h_bias, the n gate's "
                             "recurrent bias"
                           : "h_bias applies only with linear_before_reset (without "
                             "it the n gate's recurrent bias is part of params)");
  if (Value bias = getHBias())
    if (cast<RankedTensorType>(bias.getType()).getShape() != ArrayRef<int64_t>{d, h})
      return emitOpError("h_bias must be [D, H] = [")
             << d << ", " << h << "], got " << bias.getType();
  return success();
}

#define GET_OP_CLASSES
#include "dialects/systolic/SystolicOps.cpp.inc"
