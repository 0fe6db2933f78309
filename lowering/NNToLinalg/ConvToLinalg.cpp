//===- ConvToLinalg.cpp - nn convolutions and pooling to linalg -----------===//
//
// Convolutions pad with tensor.pad and accumulate into a destination that
// already holds the bias. group == 1 uses linalg.conv_{1d_ncw_fcw,
// 2d_nchw_fchw, 3d_ncdhw_fcdhw}; depthwise 2-D uses
// linalg.depthwise_conv_2d_nchw_chw, other grouped 2-D convolutions
// linalg.conv_2d_ngchw_gfchw on group-split views, and grouped 1-D/3-D ones a
// linalg.generic of the same form. A transposed convolution is a stride-1
// convolution of the zero-interleaved input with the flipped kernel.
// Pooling uses linalg.pooling_{ncw,nchw}_{max,sum} (a generic for 3-D); the
// average divides by the per-position tap count ONNX prescribes (dilations
// included), and a max pool returning indices is one generic carrying (max,
// flattened input position).
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNOps.h"
#include "lowering/NNToLinalg/Patterns.h"
#include "lowering/NNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace systolic;
using namespace systolic::nn_to_linalg;

namespace {
/// Pads the spatial dims (2...) of an N, C, spatial... tensor.
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> begins, ArrayRef<int64_t> ends,
                 double padValue) {
  SmallVector<int64_t> low{0, 0}, high{0, 0};
  llvm::append_range(low, begins);
  llvm::append_range(high, ends);
  return padTensor(b, loc, input, low, high, padValue);
}

/// The destination of a convolution: the bias broadcast along dim 1, or 0.
Value convInit(OpBuilder &b, Location loc, RankedTensorType type, Value bias) {
  if (!bias)
    return filledTensor(b, loc, type,
                        scalarConstant(b, loc, type.getElementType(), 0));
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
  return linalg::GenericOp::create(
             b, loc, type, bias, emptyTensor(b, loc, type),
             {channel, b.getMultiDimIdentityMap(rank)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [](OpBuilder &nested, Location l, ValueRange args) {
               linalg::YieldOp::create(nested, l, args[0]);
             })
      .getResult(0);
}

template <typename NamedOp>
Value namedConv(OpBuilder &b, Location loc, Value input, Value weight,
                Value init, ArrayRef<int64_t> strides,
                ArrayRef<int64_t> dilations) {
  return NamedOp::create(b, loc, TypeRange{init.getType()},
                         ValueRange{input, weight}, ValueRange{init},
                         b.getI64TensorAttr(strides),
                         b.getI64TensorAttr(dilations))
      .getResult(0);
}

/// A grouped N-D convolution as one generic over group-split views:
/// input [N, G, C/G, in...], weight [G, M/G, C/G, k...], init
/// [N, G, M/G, out...]; loops (n, g, m, out..., c, k...).
Value groupedConvGeneric(OpBuilder &b, Location loc, Value input, Value weight,
                         Value init, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations) {
  MLIRContext *ctx = b.getContext();
  int64_t spatial = strides.size();
  int64_t loops = 4 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr n = dim(0), g = dim(1), m = dim(2), c = dim(3 + spatial);
  SmallVector<AffineExpr> in{n, g, c}, w{g, m, c}, out{n, g, m};
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(3 + i), k = dim(4 + spatial + i);
    in.push_back(o * strides[i] + k * dilations[i]);
    w.push_back(k);
    out.push_back(o);
  }
  SmallVector<utils::IteratorType> iterators(3 + spatial,
                                             utils::IteratorType::parallel);
  iterators.append(1 + spatial, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{input, weight}, init,
             {AffineMap::get(loops, 0, in, ctx),
              AffineMap::get(loops, 0, w, ctx),
              AffineMap::get(loops, 0, out, ctx)},
             iterators,
             [](OpBuilder &nested, Location l, ValueRange args) {
               Value product =
                   arith::MulFOp::create(nested, l, args[0], args[1]);
               linalg::YieldOp::create(
                   nested, l,
                   arith::AddFOp::create(nested, l, args[2], product)
                       .getResult());
             })
      .getResult(0);
}

/// An ONNX convolution of an already padded input.
Value convolve(OpBuilder &b, Location loc, Value input, Value weight,
               Value bias, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> dilations, int64_t group,
               RankedTensorType resultType) {
  Value init = convInit(b, loc, resultType, bias);
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t spatial = strides.size();
  if (group == 1) {
    if (spatial == 1)
      return namedConv<linalg::Conv1DNcwFcwOp>(b, loc, input, weight, init,
                                               strides, dilations);
    if (spatial == 2)
      return namedConv<linalg::Conv2DNchwFchwOp>(b, loc, input, weight, init,
                                                 strides, dilations);
    return namedConv<linalg::Conv3DNcdhwFcdhwOp>(b, loc, input, weight, init,
                                                 strides, dilations);
  }
  int64_t channels = inputType.getDimSize(1);
  int64_t outChannels = weightType.getDimSize(0);
  ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
  if (spatial == 2 && weightType.getDimSize(1) == 1 && outChannels == group) {
    // Depthwise, multiplier 1: the weight is [C, 1, kh, kw] -> [C, kh, kw].
    Value filter =
        reshape(b, loc, weight,
                withShape(weightType, {channels, kernel[0], kernel[1]}));
    return namedConv<linalg::DepthwiseConv2DNchwChwOp>(
        b, loc, input, filter, init, strides, dilations);
  }
  // Split channels into groups: all views, no copies.
  auto split = [&](Value value, int64_t dim, int64_t groups) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[dim] /= groups;
    shape.insert(shape.begin() + dim, groups);
    return reshape(b, loc, value, withShape(type, shape));
  };
  Value groupedInput = split(input, 1, group);
  Value groupedWeight = split(weight, 0, group);
  Value groupedInit = split(init, 1, group);
  Value result = spatial == 2
                     ? namedConv<linalg::Conv2DNgchwGfchwOp>(
                           b, loc, groupedInput, groupedWeight, groupedInit,
                           strides, dilations)
                     : groupedConvGeneric(b, loc, groupedInput, groupedWeight,
                                          groupedInit, strides, dilations);
  return reshape(b, loc, result, resultType);
}

struct ConvLowering : OpConversionPattern<nn::ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = signlessTensorType(op.getType());
    ArrayRef<int64_t> pads = op.getPads();
    int64_t spatial = op.getStrides().size();
    // Half-precision convolutions accumulate in f32 and round once (as ONNX
    // Runtime does): summing hundreds of f16 products in f16 drifts by
    // several ulp.
    Type element = resultType.getElementType();
    bool widen = element.isF16() || element.isBF16();
    auto convert = [&](Value v, Type to) -> Value {
      if (!v)
        return v;
      auto type = cast<RankedTensorType>(v.getType());
      return buildElementwise(
          rewriter, loc, RankedTensorType::get(type.getShape(), to), v,
          [&](OpBuilder &b, Location l, ValueRange args) {
            return convertScalar(b, l, args[0], to);
          });
    };
    Type f32 = rewriter.getF32Type();
    Value input = widen ? convert(adaptor.getInput(), f32) : adaptor.getInput();
    input = padSpatial(rewriter, loc, input, pads.take_front(spatial),
                       pads.drop_front(spatial), 0.0);
    Value weight = widen ? convert(adaptor.getWeight(), f32) : adaptor.getWeight();
    Value bias = widen ? convert(adaptor.getBias(), f32) : adaptor.getBias();
    Value result = convolve(
        rewriter, loc, input, weight, bias, op.getStrides(), op.getDilations(),
        static_cast<int64_t>(op.getGroup()),
        widen ? RankedTensorType::get(resultType.getShape(), f32) : resultType);
    rewriter.replaceOp(op, widen ? convert(result, element) : result);
    return success();
  }
};

/// out[o] = sum_k in[i] * w[k] over o = i * s + k * d - pad_begin: the
/// input is interleaved with s - 1 zeros and padded by d * (k - 1) - pad
/// (plus output_padding at the end), then convolved at stride 1 with the
/// kernel flipped and its channel dims swapped per group. Negative effective
/// pads crop the result instead.
struct ConvTransposeLowering : OpConversionPattern<nn::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = signlessTensorType(op.getType());
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(weight.getType());
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    ArrayRef<int64_t> pads = op.getPads();
    ArrayRef<int64_t> outputPadding = op.getOutputPadding();
    int64_t spatial = strides.size();
    int64_t group = static_cast<int64_t>(op.getGroup());
    int64_t channels = inputType.getDimSize(1);
    int64_t outPerGroup = weightType.getDimSize(1);
    ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
    Type elementType = resultType.getElementType();
    Value zero = scalarConstant(rewriter, loc, elementType, 0);

    // Zero-interleave and pad in one strided insert into a zero tensor.
    SmallVector<int64_t> shape{inputType.getDimSize(0), channels};
    SmallVector<int64_t> offsets{0, 0}, strides4{1, 1};
    SmallVector<int64_t> crop(spatial), convOut(spatial);
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t span = dilations[i] * (kernel[i] - 1);
      int64_t low = span - pads[i];
      int64_t high = span - pads[spatial + i] + outputPadding[i];
      int64_t dilatedIn = (inputType.getDimSize(2 + i) - 1) * strides[i] + 1;
      shape.push_back(dilatedIn + std::max<int64_t>(low, 0) +
                      std::max<int64_t>(high, 0));
      offsets.push_back(std::max<int64_t>(low, 0));
      strides4.push_back(strides[i]);
      crop[i] = std::max<int64_t>(low, 0) - low;
      convOut[i] = shape.back() - span;
    }
    auto paddedType = RankedTensorType::get(shape, elementType);
    Value padded = tensor::InsertSliceOp::create(
        rewriter, loc, input, filledTensor(rewriter, loc, paddedType, zero),
        ValueRange{}, ValueRange{}, ValueRange{}, offsets, inputType.getShape(),
        strides4);

    // weight [C, M/G, k...] -> [G, C/G, M/G, k...] -> [G, M/G, C/G, k...]
    // (kernel reversed) -> [M, C/G, k...].
    SmallVector<int64_t> groupedShape{group, channels / group, outPerGroup};
    llvm::append_range(groupedShape, kernel);
    Value grouped =
        reshape(rewriter, loc, weight, withShape(weightType, groupedShape));
    SmallVector<int64_t> perm{0, 2, 1}, reversed;
    for (int64_t i = 0; i < spatial; ++i) {
      perm.push_back(3 + i);
      reversed.push_back(3 + i);
    }
    Value flipped = transposeAndReverse(rewriter, loc, grouped, perm, reversed);
    SmallVector<int64_t> convWeightShape{group * outPerGroup, channels / group};
    llvm::append_range(convWeightShape, kernel);
    Value convWeight =
        reshape(rewriter, loc, flipped, withShape(weightType, convWeightShape));

    SmallVector<int64_t> ones(spatial, 1);
    SmallVector<int64_t> fullShape{resultType.getDimSize(0),
                                   resultType.getDimSize(1)};
    llvm::append_range(fullShape, convOut);
    bool cropped = llvm::any_of(crop, [](int64_t c) { return c != 0; }) ||
                   fullShape != resultType.getShape();
    Value result =
        convolve(rewriter, loc, padded, convWeight, adaptor.getBias(), ones,
                 dilations, group, withShape(resultType, fullShape));
    if (cropped) {
      SmallVector<int64_t> sliceOffsets{0, 0};
      llvm::append_range(sliceOffsets, crop);
      SmallVector<int64_t> unit(resultType.getRank(), 1);
      result = tensor::ExtractSliceOp::create(
          rewriter, loc, resultType, result, ValueRange{}, ValueRange{},
          ValueRange{}, sliceOffsets, resultType.getShape(), unit);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Pads so that every output window (ceil_mode included) lies inside the
/// padded input; the extra end padding never contributes (pad value).
Value padForPooling(OpBuilder &b, Location loc, Value input,
                    RankedTensorType resultType, ArrayRef<int64_t> kernel,
                    ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                    ArrayRef<int64_t> pads, double padValue) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t spatial = kernel.size();
  SmallVector<int64_t> begins(pads.take_front(spatial));
  SmallVector<int64_t> ends(pads.drop_front(spatial));
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t needed = (resultType.getDimSize(2 + i) - 1) * strides[i] +
                     dilations[i] * (kernel[i] - 1) + 1;
    int64_t have = inputType.getDimSize(2 + i) + begins[i] + ends[i];
    ends[i] += std::max<int64_t>(needed - have, 0);
  }
  return padSpatial(b, loc, input, begins, ends, padValue);
}

/// The loops of a pooling generic over [N, C, out..., window...]: the
/// padded input read at out * stride + window * dilation, the window
/// operand (shape only), the output; the window dims reduce.
struct PoolLoops {
  AffineMap input, window, output;
  SmallVector<utils::IteratorType> iterators;
};

PoolLoops poolLoops(MLIRContext *ctx, int64_t spatial, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> dilations) {
  int64_t loops = 2 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> in{dim(0), dim(1)}, win, out{dim(0), dim(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(2 + i), k = dim(2 + spatial + i);
    in.push_back(o * strides[i] + k * dilations[i]);
    win.push_back(k);
    out.push_back(o);
  }
  SmallVector<utils::IteratorType> iterators(2 + spatial,
                                             utils::IteratorType::parallel);
  iterators.append(spatial, utils::IteratorType::reduction);
  return {AffineMap::get(loops, 0, in, ctx), AffineMap::get(loops, 0, win, ctx),
          AffineMap::get(loops, 0, out, ctx), std::move(iterators)};
}

/// Max or sum pooling of a padded input into a destination filled with init.
Value pool(OpBuilder &b, Location loc, Value padded, RankedTensorType type,
           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
           ArrayRef<int64_t> dilations, bool isMax, bool isUnsigned = false) {
  Type elementType = type.getElementType();
  Value init = filledTensor(b, loc, type,
                            isMax ? lowestValue(b, loc, elementType, isUnsigned)
                                  : scalarConstant(b, loc, elementType, 0));
  // The named ops take the window shape as a shape-only operand.
  Value window = tensor::EmptyOp::create(b, loc, kernel, elementType);
  int64_t spatial = kernel.size();
  auto named = [&](auto tag) {
    using NamedOp = decltype(tag);
    return NamedOp::create(b, loc, TypeRange{type}, ValueRange{padded, window},
                           ValueRange{init}, b.getI64TensorAttr(strides),
                           b.getI64TensorAttr(dilations))
        .getResult(0);
  };
  // The named max ops compare integers as signed; unsigned ones (and 3-D,
  // which has no channels-first named op upstream) take the same loops as a
  // generic.
  if (spatial == 1 && !isUnsigned)
    return isMax ? named(linalg::PoolingNcwMaxOp{})
                 : named(linalg::PoolingNcwSumOp{});
  if (spatial == 2 && !isUnsigned)
    return isMax ? named(linalg::PoolingNchwMaxOp{})
                 : named(linalg::PoolingNchwSumOp{});
  PoolLoops pl = poolLoops(b.getContext(), spatial, strides, dilations);
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{padded, window}, init,
             {pl.input, pl.window, pl.output}, pl.iterators,
             [&](OpBuilder &nested, Location l, ValueRange args) {
               Value combined =
                   isMax ? createMax(nested, l, args[2], args[0], isUnsigned)
                         : createAdd(nested, l, args[2], args[0]);
               linalg::YieldOp::create(nested, l, combined);
             })
      .getResult(0);
}

/// Max pooling that also returns, per output element, the flattened input
/// position of its max (ONNX MaxPool's Indices): one reduction generic over
/// [N, C, out..., window...] carrying (best value, its index). A strictly
/// greater value replaces the best, so of equal values the first in
/// row-major window order stays; the -inf padding never wins.
Value poolWithIndices(OpBuilder &b, Location loc, Value padded,
                      RankedTensorType type, RankedTensorType indicesType,
                      ArrayRef<int64_t> inputShape, ArrayRef<int64_t> kernel,
                      ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                      ArrayRef<int64_t> pads, bool columnMajor,
                      bool isUnsigned, Value &indices) {
  MLIRContext *ctx = b.getContext();
  Type elementType = type.getElementType();
  Type i64 = indicesType.getElementType();
  int64_t spatial = kernel.size();
  PoolLoops pl = poolLoops(ctx, spatial, strides, dilations);
  Value values = filledTensor(b, loc, type,
                              lowestValue(b, loc, elementType, isUnsigned));
  Value positions =
      filledTensor(b, loc, indicesType, scalarConstant(b, loc, i64, 0));
  Value window = tensor::EmptyOp::create(b, loc, kernel, elementType);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type, indicesType}, ValueRange{padded, window},
      ValueRange{values, positions},
      {pl.input, pl.window, pl.output, pl.output}, pl.iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = args[0], best = args[2], bestIndex = args[3];
        Value better =
            isa<FloatType>(elementType)
                ? arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, x,
                                        best)
                      .getResult()
                : arith::CmpIOp::create(nb, l,
                                        isUnsigned ? arith::CmpIPredicate::ugt
                                                   : arith::CmpIPredicate::sgt,
                                        x, best)
                      .getResult();
        auto constant = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(nb, l, v);
        };
        auto index = [&](int64_t d) -> Value {
          return linalg::IndexOp::create(nb, l, d);
        };
        auto mul = [&](Value a, int64_t c) -> Value {
          return c == 1 ? a : arith::MulIOp::create(nb, l, a, constant(c));
        };
        auto add = [&](Value a, Value c) -> Value {
          return arith::AddIOp::create(nb, l, a, c);
        };
        // The input position along each spatial dim.
        SmallVector<Value> position;
        for (int64_t i = 0; i < spatial; ++i) {
          Value p = add(mul(index(2 + i), strides[i]),
                        mul(index(2 + spatial + i), dilations[i]));
          position.push_back(
              pads[i] ? arith::SubIOp::create(nb, l, p, constant(pads[i]))
                            .getResult()
                      : p);
        }
        // N and C row-major, then the spatial dims in storage order.
        int64_t planeSize = 1;
        for (int64_t i = 0; i < spatial; ++i)
          planeSize *= inputShape[2 + i];
        Value flat =
            mul(add(mul(index(0), inputShape[1]), index(1)), planeSize);
        Value within;
        for (int64_t j = 0; j < spatial; ++j) {
          int64_t i = columnMajor ? spatial - 1 - j : j;
          within = within ? add(mul(within, inputShape[2 + i]), position[i])
                          : position[i];
        }
        flat = add(flat, within);
        Value flat64 = arith::IndexCastOp::create(nb, l, i64, flat);
        linalg::YieldOp::create(
            nb, l,
            ValueRange{
                arith::SelectOp::create(nb, l, better, x, best),
                arith::SelectOp::create(nb, l, better, flat64, bestIndex)});
      });
  indices = generic.getResult(1);
  return generic.getResult(0);
}

struct MaxPoolLowering : OpConversionPattern<nn::MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = signlessTensorType(op.getResult().getType());
    bool isUnsigned = isUnsignedElements(op.getResult().getType());
    // Padding never wins: -inf, or the integer type's lowest value.
    Type elementType = type.getElementType();
    double lowest = -std::numeric_limits<double>::infinity();
    if (!isa<FloatType>(elementType))
      lowest = isUnsigned ? 0.0
                          : -std::ldexp(1.0, elementType.getIntOrFloatBitWidth() - 1);
    Value padded = padForPooling(rewriter, loc, adaptor.getInput(), type,
                                 op.getKernelShape(), op.getStrides(),
                                 op.getDilations(), op.getPads(), lowest);
    if (!op.getIndices()) {
      rewriter.replaceOp(op, pool(rewriter, loc, padded, type,
                                  op.getKernelShape(), op.getStrides(),
                                  op.getDilations(), /*isMax=*/true,
                                  isUnsigned));
      return success();
    }
    Value indices;
    Value values = poolWithIndices(
        rewriter, loc, padded, type,
        signlessTensorType(op.getIndices().getType()),
        cast<RankedTensorType>(adaptor.getInput().getType()).getShape(),
        op.getKernelShape(), op.getStrides(), op.getDilations(), op.getPads(),
        op.getStorageOrder().value_or(0) == 1, isUnsigned, indices);
    rewriter.replaceOp(op, {values, indices});
    return success();
  }
};

/// Sum pooling, then a division by the number of taps each window counts:
/// per dim, the taps o * s - pad_begin + j * d (j < k) that lie inside the
/// input, or with count_include_pad inside the input and its explicit pads
/// (never in the extra end padding of a ceil_mode window); the count of a
/// window is the product of its per-dim counts.
struct AvgPoolLowering : OpConversionPattern<nn::AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::AvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = signlessTensorType(op.getType());
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    Type elementType = type.getElementType();
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides();
    ArrayRef<int64_t> pads = op.getPads();
    int64_t spatial = kernel.size();
    SmallVector<int64_t> dilations(
        op.getDilations().value_or(ArrayRef<int64_t>()));
    if (dilations.empty())
      dilations.assign(spatial, 1);
    Value padded = padForPooling(rewriter, loc, adaptor.getInput(), type,
                                 kernel, strides, dilations, pads, 0.0);
    Value sum = pool(rewriter, loc, padded, type, kernel, strides, dilations,
                     /*isMax=*/false);

    SmallVector<SmallVector<double>> counts(spatial);
    bool uniform = true;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = inputType.getDimSize(2 + i);
      int64_t low = op.getCountIncludePad() ? -pads[i] : 0;
      int64_t high = op.getCountIncludePad() ? in + pads[spatial + i] : in;
      for (int64_t o = 0; o < type.getDimSize(2 + i); ++o) {
        int64_t start = o * strides[i] - pads[i], count = 0;
        for (int64_t j = 0; j < kernel[i]; ++j) {
          int64_t tap = start + j * dilations[i];
          count += tap >= low && tap < high;
        }
        counts[i].push_back(static_cast<double>(count));
        uniform &= counts[i].back() == counts[i].front();
      }
    }
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    SmallVector<Value> inputs{sum};
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank)};
    double uniformCount = 1;
    if (uniform) {
      for (const SmallVector<double> &c : counts)
        uniformCount *= c.front();
    } else {
      for (int64_t i = 0; i < spatial; ++i) {
        auto countType =
            RankedTensorType::get({(int64_t)counts[i].size()}, elementType);
        SmallVector<Attribute> values;
        for (double c : counts[i])
          values.push_back(rewriter.getFloatAttr(elementType, c));
        inputs.push_back(arith::ConstantOp::create(
            rewriter, loc, DenseElementsAttr::get(countType, values)));
        maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(2 + i, ctx)));
      }
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, inputs, emptyTensor(rewriter, loc, type), maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value count = uniform
                            ? scalarConstant(b, l, elementType, uniformCount)
                            : args[1];
          for (int64_t i = 1; !uniform && i < spatial; ++i)
            count = arith::MulFOp::create(b, l, count, args[1 + i]);
          linalg::YieldOp::create(
              b, l, arith::DivFOp::create(b, l, args[0], count).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// y = x * a + c per channel with a = scale / sqrt(var + eps) and
/// c = bias - mean * a computed once on the [C] vectors.
struct BatchNormLowering : OpConversionPattern<nn::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = signlessTensorType(op.getType());
    auto channelType = cast<RankedTensorType>(adaptor.getScale().getType());
    double epsilon = op.getEpsilon().convertToDouble();
    Value scaleAndShift[2];
    for (int which = 0; which < 2; ++which)
      scaleAndShift[which] = buildElementwise(
          rewriter, loc, channelType,
          {adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
           adaptor.getVar()},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            Value eps = scalarConstant(b, l, args[3].getType(), epsilon);
            Value variance = arith::AddFOp::create(b, l, args[3], eps);
            Value stddev = math::SqrtOp::create(b, l, variance);
            Value a = arith::DivFOp::create(b, l, args[0], stddev);
            if (which == 0)
              return a;
            Value meanA = arith::MulFOp::create(b, l, args[2], a);
            return arith::SubFOp::create(b, l, args[1], meanA);
          });
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type,
        ValueRange{adaptor.getInput(), scaleAndShift[0], scaleAndShift[1]},
        emptyTensor(rewriter, loc, type),
        {identity, channel, channel, identity},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange args) {
          Value scaled = arith::MulFOp::create(b, l, args[0], args[1]);
          linalg::YieldOp::create(
              b, l, arith::AddFOp::create(b, l, scaled, args[2]).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};
} // namespace

void nn_to_linalg::populateConvPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvLowering, ConvTransposeLowering, MaxPoolLowering,
               AvgPoolLowering, BatchNormLowering>(patterns.getContext());
}
