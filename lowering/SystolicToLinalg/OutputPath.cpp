//===- OutputPath.cpp - The accelerator's output path in linalg -----------===//
//
// For accumulator x of output channel j (s = shift[j] & 63):
//   x' = x + bias[j]                                  (wrapping int32)
//   p  = int64(x') * int64(multiplier[j])             (exact in int64)
//   q  = s == 0 ? p : ((p >> (s - 1)) + 1) >> 1       (arithmetic shifts)
//   v  = saturate_int8(q + zero_point)
//   relu: max(v, zp)  relu6: min(max(v, zp), clamp_max)  lut: lut[uint8(v)]
// The shift amount of the first shift is selected to 0 when s == 0 so that no
// shift is ever by a negative amount (poison in arith); the result is then
// discarded by the final select. ((p >> (s-1)) + 1) cannot overflow: |p| <=
// 2^62.
//
//===----------------------------------------------------------------------===//
#include "lowering/SystolicToLinalg/OutputPath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace systolic;
using namespace systolic::systolic_to_linalg;

Value systolic_to_linalg::intConstant(OpBuilder &b, Location loc, Type type,
                                      int64_t value) {
  return arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, value));
}

Value systolic_to_linalg::zeroTensor(OpBuilder &b, Location loc,
                                     ArrayRef<int64_t> shape, Type type) {
  Value empty = tensor::EmptyOp::create(b, loc, shape, type);
  return linalg::FillOp::create(b, loc, intConstant(b, loc, type, 0), empty)
      .getResult(0);
}

Value systolic_to_linalg::saturateToI8(OpBuilder &b, Location loc, Value v) {
  Type type = v.getType();
  Value lowest = intConstant(b, loc, type, -128);
  v = arith::MaxSIOp::create(b, loc, v, lowest);
  Value highest = intConstant(b, loc, type, 127);
  v = arith::MinSIOp::create(b, loc, v, highest);
  return arith::TruncIOp::create(b, loc, b.getI8Type(), v);
}

namespace {
/// Row `row` of params [3, C] as a rank-1 tensor<Cxi32>.
Value paramRow(OpBuilder &b, Location loc, Value params, int64_t row) {
  auto type = cast<RankedTensorType>(params.getType());
  int64_t channels = type.getDimSize(1);
  auto rowType = RankedTensorType::get({channels}, type.getElementType());
  return tensor::ExtractSliceOp::create(
      b, loc, rowType, params,
      ArrayRef<OpFoldResult>{b.getIndexAttr(row), b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(channels)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
}

} // namespace

Value systolic_to_linalg::scalarOutputPath(OpBuilder &b, Location loc, Value acc,
                                           Value bias, Value multiplier,
                                           Value shift, const OutputPath &path) {
  // One statement per op, so that the IR order does not depend on the
  // compiler's order of evaluating arguments.
  Type i64 = b.getI64Type();
  Value biased = arith::AddIOp::create(b, loc, acc, bias); // wraps
  Value wide = arith::ExtSIOp::create(b, loc, i64, biased);
  Value wideMultiplier = arith::ExtSIOp::create(b, loc, i64, multiplier);
  Value product = arith::MulIOp::create(b, loc, wide, wideMultiplier);
  Value mask = intConstant(b, loc, shift.getType(), 63);
  Value s = arith::AndIOp::create(b, loc, shift, mask);
  s = arith::ExtUIOp::create(b, loc, i64, s);
  Value zero = intConstant(b, loc, i64, 0);
  Value one = intConstant(b, loc, i64, 1);
  Value noShift =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, s, zero);
  Value sMinusOne = arith::SubIOp::create(b, loc, s, one);
  Value firstShift = arith::SelectOp::create(b, loc, noShift, zero, sMinusOne);
  Value halved = arith::ShRSIOp::create(b, loc, product, firstShift);
  Value plusHalf = arith::AddIOp::create(b, loc, halved, one);
  Value rounded = arith::ShRSIOp::create(b, loc, plusHalf, one);
  Value q = arith::SelectOp::create(b, loc, noShift, product, rounded);
  Value zp = intConstant(b, loc, i64, path.zeroPoint);
  Value v = arith::AddIOp::create(b, loc, q, zp);
  Value lowest = intConstant(b, loc, i64, -128);
  v = arith::MaxSIOp::create(b, loc, v, lowest);
  Value highest = intConstant(b, loc, i64, 127);
  v = arith::MinSIOp::create(b, loc, v, highest);
  Value clamp;
  switch (path.activation) {
  case accel::Activation::none:
  case accel::Activation::lut:
    break;
  case accel::Activation::relu:
    v = arith::MaxSIOp::create(b, loc, v, zp);
    break;
  case accel::Activation::relu6:
    v = arith::MaxSIOp::create(b, loc, v, zp);
    clamp = intConstant(b, loc, i64, path.clampMax);
    v = arith::MinSIOp::create(b, loc, v, clamp);
    break;
  }
  Value result = arith::TruncIOp::create(b, loc, b.getI8Type(), v);
  if (path.activation == accel::Activation::lut) {
    // The table is indexed by the saturated value read as unsigned.
    Value index =
        arith::IndexCastUIOp::create(b, loc, b.getIndexType(), result);
    result = tensor::ExtractOp::create(b, loc, path.lut, ValueRange{index});
  }
  return result;
}

Value systolic_to_linalg::buildOutputPath(OpBuilder &b, Location loc,
                                          ValueRange inputs,
                                          AccumulatorFn accumulator,
                                          const OutputPath &path,
                                          RankedTensorType resultType) {
  int64_t rank = resultType.getRank();
  MLIRContext *ctx = b.getContext();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap channel =
      AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx), ctx);

  SmallVector<Value> operands(inputs);
  for (int64_t row = 0; row < 3; ++row)
    operands.push_back(paramRow(b, loc, path.params, row));
  SmallVector<AffineMap> maps(inputs.size(), identity);
  maps.append(3, channel);
  maps.push_back(identity);
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  size_t numInputs = inputs.size();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value acc = accumulator(nested, nestedLoc, args.take_front(numInputs));
        Value v =
            scalarOutputPath(nested, nestedLoc, acc, args[numInputs],
                             args[numInputs + 1], args[numInputs + 2], path);
        linalg::YieldOp::create(nested, nestedLoc, v);
      });
  return generic.getResult(0);
}

Value systolic_to_linalg::buildOutputPath(OpBuilder &b, Location loc,
                                          Value accumulators,
                                          const OutputPath &path,
                                          RankedTensorType resultType) {
  return buildOutputPath(
      b, loc, ValueRange{accumulators},
      [](OpBuilder &, Location, ValueRange args) { return args[0]; }, path,
      resultType);
}
