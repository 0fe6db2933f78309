//===- ShapeToLinalg.cpp - nn data-movement ops to tensor/linalg ----------===//
//
// Reshapes are tensor.expand_shape/collapse_shape (views, no copies),
// transposes linalg.transpose (folded for constants), expand linalg.broadcast,
// concat a chain of tensor.insert_slice into one destination, positive-step
// slices tensor.extract_slice, constant pads tensor.pad. Gathers, negative-step
// slices and reflect/edge pads read through computed indices (tensor.extract
// inside a linalg.generic).
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNOps.h"
#include "lowering/NNToLinalg/Patterns.h"
#include "lowering/NNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace systolic;
using namespace systolic::nn_to_linalg;

namespace {
struct ReshapeLowering : OpConversionPattern<nn::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshape(rewriter, op.getLoc(), adaptor.getInput(),
                                   signlessTensorType(op.getType())));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<nn::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, transpose(rewriter, op.getLoc(), adaptor.getInput(), op.getPerm()));
    return success();
  }
};

struct ExpandLowering : OpConversionPattern<nn::ExpandOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       broadcastTo(rewriter, op.getLoc(), adaptor.getInput(),
                                   signlessTensorType(op.getType())));
    return success();
  }
};

/// nn.shape normally folds away; if one survives, its value is still known.
struct ShapeLowering : OpConversionPattern<nn::ShapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = signlessTensorType(op.getType());
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(adaptor.getInput().getType()).getShape();
    int64_t rank = shape.size();
    auto clampDim = [&](int64_t dim) {
      return std::clamp<int64_t>(dim < 0 ? dim + rank : dim, 0, rank);
    };
    int64_t start = clampDim(static_cast<int64_t>(op.getStart()));
    int64_t end =
        op.getEnd() ? clampDim(static_cast<int64_t>(*op.getEnd())) : rank;
    SmallVector<int64_t> dims(shape.begin() + start,
                              shape.begin() + std::max(start, end));
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, resultType, DenseIntElementsAttr::get(resultType, dims));
    return success();
  }
};

/// Inserts every input at its offset along the axis of one destination.
struct ConcatLowering : OpConversionPattern<nn::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = signlessTensorType(op.getType());
    int64_t rank = resultType.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    axis = normalizeAxes(axis, rank).front();
    Value result = emptyTensor(rewriter, loc, resultType);
    int64_t offset = 0;
    for (Value input : adaptor.getInputs()) {
      auto type = cast<RankedTensorType>(input.getType());
      SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
      offsets[axis] = offset;
      offset += type.getDimSize(axis);
      if (type.getDimSize(axis) == 0)
        continue;
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, ValueRange{}, ValueRange{},
          ValueRange{}, offsets, type.getShape(), strides);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SliceLowering : OpConversionPattern<nn::SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = signlessTensorType(op.getType());
    SmallVector<nn::SliceDimension> dims = op.getSliceDimensions();
    bool reversed = llvm::any_of(
        dims, [](const nn::SliceDimension &d) { return d.step < 0; });
    if (!reversed) {
      SmallVector<int64_t> offsets, sizes, strides;
      for (const nn::SliceDimension &d : dims) {
        offsets.push_back(d.start);
        sizes.push_back(d.size);
        strides.push_back(d.step);
      }
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, resultType, adaptor.getInput(), ValueRange{}, ValueRange{},
          ValueRange{}, offsets, sizes, strides);
      return success();
    }
    // Negative steps: result[i] = input[start + step * i] per dim, an affine
    // read map (extract_slice strides must be positive).
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> exprs;
    for (auto [i, d] : llvm::enumerate(dims))
      exprs.push_back(getAffineConstantExpr(d.start, ctx) +
                      getAffineDimExpr(i, ctx) * d.step);
    int64_t rank = resultType.getRank();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, adaptor.getInput(),
        emptyTensor(rewriter, loc, resultType),
        {AffineMap::get(rank, 0, exprs, ctx),
         rewriter.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, args[0]);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// A parallel generic over the result shape whose body reads
/// `source[index(b, loc, resultIndices...)]`; `extraInputs` (with their maps)
/// are passed to the body after the result indices.
Value buildIndexedRead(OpBuilder &b, Location loc, Value source,
                       RankedTensorType resultType, ValueRange extraInputs,
                       ArrayRef<AffineMap> extraMaps,
                       llvm::function_ref<SmallVector<Value>(
                           OpBuilder &, Location, ValueRange, ValueRange)>
                           sourceIndices) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps(extraMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, extraInputs, emptyTensor(b, loc, resultType), maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nested, Location l, ValueRange args) {
        SmallVector<Value> indices;
        for (int64_t i = 0; i < rank; ++i)
          indices.push_back(linalg::IndexOp::create(nested, l, i));
        SmallVector<Value> at =
            sourceIndices(nested, l, indices, args.drop_back());
        Value value = tensor::ExtractOp::create(nested, l, source, at);
        linalg::YieldOp::create(nested, l, value);
      });
  return generic.getResult(0);
}

/// result[o..., j..., i...] = data[o..., indices[j...], i...]; negative
/// indices count from the back. Out-of-range indices (invalid in ONNX) are
/// clamped so that a bad input can never read outside the tensor.
struct GatherLowering : OpConversionPattern<nn::GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    auto resultType = signlessTensorType(op.getType());
    int64_t axis = static_cast<int64_t>(op.getAxis());
    axis = normalizeAxes(axis, dataType.getRank()).front();
    int64_t indicesRank = indicesType.getRank();
    int64_t axisSize = dataType.getDimSize(axis);
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < indicesRank; ++i)
      indexExprs.push_back(getAffineDimExpr(axis + i, ctx));
    AffineMap indicesMap =
        AffineMap::get(resultType.getRank(), 0, indexExprs, ctx);
    Value result = buildIndexedRead(
        rewriter, loc, data, resultType, indices, indicesMap,
        [&](OpBuilder &b, Location l, ValueRange outIndices, ValueRange extra) {
          Value index =
              arith::IndexCastOp::create(b, l, b.getIndexType(), extra[0]);
          Value size = arith::ConstantIndexOp::create(b, l, axisSize);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value last = arith::ConstantIndexOp::create(b, l, axisSize - 1);
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, index, zero);
          Value wrapped = arith::AddIOp::create(b, l, index, size);
          index = arith::SelectOp::create(b, l, negative, wrapped, index);
          index = arith::MaxSIOp::create(b, l, index, zero);
          index = arith::MinSIOp::create(b, l, index, last);
          SmallVector<Value> at(outIndices.take_front(axis));
          at.push_back(index);
          llvm::append_range(at, outIndices.drop_front(axis + indicesRank));
          return at;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct PadLowering : OpConversionPattern<nn::PadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = signlessTensorType(op.getType());
    int64_t rank = inputType.getRank();
    ArrayRef<int64_t> pads = op.getPads();

    if (op.getMode() != nn::PadMode::constant) {
      bool edge = op.getMode() == nn::PadMode::edge;
      Value result = buildIndexedRead(
          rewriter, loc, input, resultType, {}, {},
          [&](OpBuilder &b, Location l, ValueRange outIndices, ValueRange) {
            SmallVector<Value> at;
            for (int64_t d = 0; d < rank; ++d) {
              int64_t size = inputType.getDimSize(d);
              Value zero = arith::ConstantIndexOp::create(b, l, 0);
              Value last = arith::ConstantIndexOp::create(b, l, size - 1);
              Value begin = arith::ConstantIndexOp::create(b, l, pads[d]);
              Value i = arith::SubIOp::create(b, l, outIndices[d], begin);
              if (edge) {
                i = arith::MaxSIOp::create(b, l, i, zero);
                at.push_back(arith::MinSIOp::create(b, l, i, last));
                continue;
              }
              // Mirror without repeating the edge: -i below 0, 2 last - i
              // beyond the end (pads are smaller than the dim).
              Value below = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::slt, i, zero);
              Value mirrored = arith::SubIOp::create(b, l, zero, i);
              i = arith::SelectOp::create(b, l, below, mirrored, i);
              Value beyond = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::sgt, i, last);
              Value twiceLast =
                  arith::ConstantIndexOp::create(b, l, 2 * (size - 1));
              Value reflected = arith::SubIOp::create(b, l, twiceLast, i);
              at.push_back(arith::SelectOp::create(b, l, beyond, reflected, i));
            }
            return at;
          });
      rewriter.replaceOp(op, result);
      return success();
    }

    // Negative pads crop first; the rest is an ordinary tensor.pad.
    SmallVector<int64_t> offsets(rank), sizes(rank), strides(rank, 1);
    SmallVector<int64_t> low(rank), high(rank);
    bool crops = false;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t begin = pads[d], end = pads[rank + d];
      crops |= begin < 0 || end < 0;
      offsets[d] = std::max<int64_t>(-begin, 0);
      sizes[d] =
          inputType.getDimSize(d) - offsets[d] - std::max<int64_t>(-end, 0);
      low[d] = std::max<int64_t>(begin, 0);
      high[d] = std::max<int64_t>(end, 0);
    }
    if (crops)
      input = tensor::ExtractSliceOp::create(
          rewriter, loc,
          RankedTensorType::get(sizes, inputType.getElementType()), input,
          ValueRange{}, ValueRange{}, ValueRange{}, offsets, sizes, strides);
    rewriter.replaceOp(op, padTensor(rewriter, loc, input, low, high,
                                     op.getValue().convertToDouble()));
    return success();
  }
};
} // namespace

void nn_to_linalg::populateShapePatterns(RewritePatternSet &patterns) {
  patterns
      .add<ReshapeLowering, TransposeLowering, ExpandLowering, ShapeLowering,
           ConcatLowering, SliceLowering, GatherLowering, PadLowering>(
          patterns.getContext());
}
