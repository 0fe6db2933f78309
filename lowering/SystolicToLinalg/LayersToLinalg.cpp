//===- LayersToLinalg.cpp - systolic conv2d/matmul/scaled_add to linalg ---===//
//
// The compute layers produce int32 accumulators and then run the output path
// (OutputPath.cpp):
//  * conv2d: tensor.pad (int8 zeros, as the DMA pads), then
//    linalg.conv_2d_nhwc_hwcf (grouped: depthwise_conv_2d_nhwc_hwc or
//    conv_2d_nhwgc_gfhwc) sign-extending the int8 operands into a
//    zero-filled int32 accumulator. The input zero point is not subtracted:
//    its correction is folded into the bias (see SystolicOps.td). Strides of
//    dimensions with one output element become 1, and a single input channel
//    with a column stride > 1 is padded with a zero channel (both exact),
//    because the CPU backend's convolution tiling fails on those shapes.
//  * matmul: linalg.matmul i8 x i8 -> i32.
//  * scaled_add: lhs_weight * lhs + rhs_weight * rhs in int32 inside the
//    output path's generic (no intermediate tensor).
//  * max_pool: tensor.pad with -128 (the identity of int8 max, so padding
//    never wins, as on the accelerator where padded taps are skipped; extra
//    end padding covers ceil_mode windows), then linalg.pooling_nhwc_max
//    (signed) into a -128-filled result.
// int32 adds and multiplies wrap (no overflow flags), as the array does.
//
//===----------------------------------------------------------------------===//
#include "dialects/systolic/SystolicOps.h"
#include "lowering/SystolicToLinalg/OutputPath.h"
#include "lowering/SystolicToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace systolic;
using namespace systolic::systolic_to_linalg;

namespace {

/// int32 accumulators of an NHWC convolution of the padded `input`:
/// linalg.conv_2d_nhwc_hwcf, or for groups linalg.depthwise_conv_2d_nhwc_hwc
/// (one input and one output channel per group) or
/// linalg.conv_2d_nhwgc_gfhwc on group-split views.
Value convolve(OpBuilder &b, Location loc, Value input, Value weight,
               ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
               int64_t group, RankedTensorType resultType) {
  Value init = zeroTensor(b, loc, resultType.getShape(), b.getI32Type());
  auto stridesAttr = b.getI64TensorAttr(strides);
  auto dilationsAttr = b.getI64TensorAttr(dilations);
  if (group == 1)
    return linalg::Conv2DNhwcHwcfOp::create(b, loc, TypeRange{init.getType()},
                                            ValueRange{input, weight},
                                            ValueRange{init}, stridesAttr,
                                            dilationsAttr)
        .getResult(0);
  auto weightType = cast<RankedTensorType>(weight.getType()); // [KH, KW, C/G, F]
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t kh = weightType.getDimSize(0), kw = weightType.getDimSize(1),
          perGroupIn = weightType.getDimSize(2),
          perGroupOut = weightType.getDimSize(3) / group;
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  if (perGroupIn == 1 && perGroupOut == 1) {
    Value depthwise = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({kh, kw, group}, i8), weight,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
    return linalg::DepthwiseConv2DNhwcHwcOp::create(
               b, loc, TypeRange{init.getType()}, ValueRange{input, depthwise},
               ValueRange{init}, stridesAttr, dilationsAttr)
        .getResult(0);
  }
  SmallVector<int64_t> inShape(inputType.getShape());
  inShape.back() = group;
  inShape.push_back(perGroupIn);
  Value groupedInput = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(inShape, i8), input,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  Value split = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({kh, kw, perGroupIn, group, perGroupOut}, i8),
      weight, ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  Value filter = linalg::TransposeOp::create(
                     b, loc, split,
                     tensor::EmptyOp::create(
                         b, loc, ArrayRef<int64_t>{group, perGroupOut, kh, kw, perGroupIn}, i8),
                     ArrayRef<int64_t>{3, 4, 0, 1, 2})
                     .getResult()[0];
  SmallVector<int64_t> outShape(resultType.getShape());
  outShape.back() = group;
  outShape.push_back(perGroupOut);
  Value groupedInit = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(outShape, i32), init,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  Value acc = linalg::Conv2DNhwgcGfhwcOp::create(
                  b, loc, TypeRange{groupedInit.getType()},
                  ValueRange{groupedInput, filter}, ValueRange{groupedInit},
                  stridesAttr, dilationsAttr)
                  .getResult(0);
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get(resultType.getShape(), i32), acc,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
}

struct Conv2DLowering : OpConversionPattern<accel::Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(accel::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(adaptor.getWeight().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> strides(op.getStrides());
    ArrayRef<int64_t> dilations = op.getDilations(), pads = op.getPads();
    MLIRContext *ctx = rewriter.getContext();
    Value weight = adaptor.getWeight();

    // Two exact rewrites that keep the convolution away from shapes the CPU
    // backend's convolution tiling (lowering/cpu, tiles rewritten as matmuls
    // on rank-reduced strided slices) fails on: a stride along a dimension
    // with a single output element is irrelevant, so it becomes 1; and one
    // input channel with a column stride > 1 gets a second, zero channel
    // (in both input and weight), which adds only zero products.
    for (int i = 0; i < 2; ++i)
      if (resultType.getDimSize(1 + i) == 1)
        strides[i] = 1;
    int64_t extraChannels =
        inputType.getDimSize(3) == 1 && strides[1] > 1 ? 1 : 0;
    Value zero8;
    auto zero = [&] {
      if (!zero8)
        zero8 = intConstant(rewriter, loc, rewriter.getI8Type(), 0);
      return zero8;
    };
    if (extraChannels) {
      SmallVector<int64_t> shape(weightType.getShape());
      shape[2] += extraChannels;
      SmallVector<int64_t> none(4, 0), channel{0, 0, extraChannels, 0};
      weight = tensor::PadOp::create(
          rewriter, loc,
          RankedTensorType::get(shape, weightType.getElementType()), weight,
          getAsIndexOpFoldResult(ctx, none),
          getAsIndexOpFoldResult(ctx, channel), zero());
    }

    // Zero padding, then only the rows/columns the windows read (the padded
    // extent may exceed the last window when the stride does not divide it).
    SmallVector<int64_t> low{0, pads[0], pads[1], 0};
    SmallVector<int64_t> high{0, pads[2], pads[3], extraChannels};
    SmallVector<int64_t> padded(inputType.getShape());
    for (int i = 0; i < 4; ++i)
      padded[i] += low[i] + high[i];
    if (llvm::any_of(low, [](int64_t p) { return p != 0; }) ||
        llvm::any_of(high, [](int64_t p) { return p != 0; })) {
      input = tensor::PadOp::create(
          rewriter, loc,
          RankedTensorType::get(padded, inputType.getElementType()), input,
          getAsIndexOpFoldResult(ctx, low), getAsIndexOpFoldResult(ctx, high),
          zero());
    }
    SmallVector<int64_t> used(padded);
    for (int i = 0; i < 2; ++i)
      used[1 + i] = (resultType.getDimSize(1 + i) - 1) * strides[i] +
                    (weightType.getDimSize(i) - 1) * dilations[i] + 1;
    if (used != padded) {
      SmallVector<int64_t> zeros(4, 0), ones(4, 1);
      input = tensor::ExtractSliceOp::create(
          rewriter, loc,
          RankedTensorType::get(used, inputType.getElementType()), input,
          getAsIndexOpFoldResult(ctx, zeros), getAsIndexOpFoldResult(ctx, used),
          getAsIndexOpFoldResult(ctx, ones));
    }

    Value acc = convolve(rewriter, loc, input, weight, strides, dilations,
                         static_cast<int64_t>(op.getGroup()), resultType);
    OutputPath path = OutputPath::of(op);
    path.params = adaptor.getParams();
    path.lut = adaptor.getLut();
    rewriter.replaceOp(op,
                       buildOutputPath(rewriter, loc, acc, path, resultType));
    return success();
  }
};

struct MatMulLowering : OpConversionPattern<accel::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(accel::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value init = zeroTensor(rewriter, loc, resultType.getShape(), rewriter.getI32Type());
    Value acc =
        linalg::MatmulOp::create(rewriter, loc, TypeRange{init.getType()},
                                 ValueRange{adaptor.getLhs(), adaptor.getRhs()},
                                 ValueRange{init})
            .getResult(0);
    OutputPath path = OutputPath::of(op);
    path.params = adaptor.getParams();
    path.lut = adaptor.getLut();
    rewriter.replaceOp(op,
                       buildOutputPath(rewriter, loc, acc, path, resultType));
    return success();
  }
};

struct ScaledAddLowering : OpConversionPattern<accel::ScaledAddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(accel::ScaledAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t lhsWeight = static_cast<int64_t>(op.getLhsWeight());
    int64_t rhsWeight = static_cast<int64_t>(op.getRhsWeight());
    OutputPath path = OutputPath::of(op);
    path.params = adaptor.getParams();
    path.lut = adaptor.getLut();
    Value result = buildOutputPath(
        rewriter, loc, ValueRange{adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange args) {
          // One statement per op: the IR order does not depend on the
          // compiler's order of evaluating arguments.
          Type i32 = b.getI32Type();
          Value lhs = arith::ExtSIOp::create(b, l, i32, args[0]);
          Value lhsScale = intConstant(b, l, i32, lhsWeight);
          lhs = arith::MulIOp::create(b, l, lhs, lhsScale);
          Value rhs = arith::ExtSIOp::create(b, l, i32, args[1]);
          Value rhsScale = intConstant(b, l, i32, rhsWeight);
          rhs = arith::MulIOp::create(b, l, rhs, rhsScale);
          return arith::AddIOp::create(b, l, lhs, rhs);
        },
        path, resultType);
    rewriter.replaceOp(op, result);
    return success();
  }
};
struct MaxPoolLowering : OpConversionPattern<accel::MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(accel::MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type i8 = rewriter.getI8Type();
    ArrayRef<int64_t> kernel = op.getKernelShape(), pads = op.getPads(),
                      dilations = op.getDilations();
    SmallVector<int64_t> strides(op.getStrides());
    for (int i = 0; i < 2; ++i)
      if (resultType.getDimSize(1 + i) == 1)
        strides[i] = 1;
    Value lowest = intConstant(rewriter, loc, i8, -128);
    // Pad so that every window fits (ceil_mode windows may reach past the
    // end padding), then keep only the extent the windows read.
    SmallVector<int64_t> low{0, pads[0], pads[1], 0}, high{0, 0, 0, 0};
    SmallVector<int64_t> used(inputType.getShape());
    for (int i = 0; i < 2; ++i) {
      used[1 + i] = (resultType.getDimSize(1 + i) - 1) * strides[i] +
                    (kernel[i] - 1) * dilations[i] + 1;
      high[1 + i] = std::max<int64_t>(
          pads[2 + i], used[1 + i] - inputType.getDimSize(1 + i) - pads[i]);
    }
    SmallVector<int64_t> padded(inputType.getShape());
    for (int i = 0; i < 4; ++i)
      padded[i] += low[i] + high[i];
    if (padded != SmallVector<int64_t>(inputType.getShape()))
      input = tensor::PadOp::create(
          rewriter, loc, RankedTensorType::get(padded, i8), input,
          getAsIndexOpFoldResult(ctx, low), getAsIndexOpFoldResult(ctx, high),
          lowest);
    if (used != padded) {
      SmallVector<int64_t> zeros(4, 0), ones(4, 1);
      input = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get(used, i8), input,
          getAsIndexOpFoldResult(ctx, zeros), getAsIndexOpFoldResult(ctx, used),
          getAsIndexOpFoldResult(ctx, ones));
    }
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), i8);
    Value init = linalg::FillOp::create(rewriter, loc, lowest, empty).getResult(0);
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, i8);
    Value result =
        linalg::PoolingNhwcMaxOp::create(
            rewriter, loc, TypeRange{resultType}, ValueRange{input, window},
            ValueRange{init}, rewriter.getI64TensorAttr(strides),
            rewriter.getI64TensorAttr(dilations))
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void systolic_to_linalg::populateLayerPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, MatMulLowering, ScaledAddLowering,
               MaxPoolLowering>(
      patterns.getContext());
}
