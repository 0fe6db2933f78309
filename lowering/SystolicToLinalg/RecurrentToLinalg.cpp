//===- RecurrentToLinalg.cpp - systolic.lstm/gru to linalg + scf ----------===//
//
// The bit-exact CPU references of the accelerator's LSTM and GRU
// (SystolicOps.td): per direction, the int32 input projections of all steps
// are one linalg.matmul; an scf.for over time multiplies h by wh and runs
// every gate's output path and table and the state update in one
// linalg.generic over [batch, H] (the GRU without linear_before_reset first
// forms r * h in a generic of its own, the left operand of the n gate's
// recurrent matmul). The generics read the loop-carried states as their outs,
// so they are updated in place.
//
//===----------------------------------------------------------------------===//
#include "dialects/systolic/SystolicOps.h"
#include "lowering/NNToLinalg/Utils.h"
#include "lowering/SystolicToLinalg/OutputPath.h"
#include "lowering/SystolicToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace systolic;
using namespace systolic::systolic_to_linalg;
using nn_to_linalg::sliceOuter;

namespace {


/// The step of a recurrence: from the time index, the step's input
/// projections ([batch, gates] int32) and the loop-carried states (h first,
/// [batch, hidden] int8), the new states.
using StepFn = function_ref<SmallVector<Value>(OpBuilder &, Location, Value,
                                               Value, ValueRange)>;

/// Direction d of a recurrent layer over x [steps, batch, input]: one
/// linalg.matmul of every step's x by wx ([input, gates]), then an scf.for
/// over time in the direction's order running `step` and inserting each new
/// h into y [steps, D, batch, hidden] at [time, d]. Returns the new y.
Value buildDirection(OpBuilder &b, Location loc, Value x, Value wx, int64_t gates,
                     bool reverse, int64_t d, SmallVector<Value> states, Value y,
                     StepFn step) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto yType = cast<RankedTensorType>(y.getType());
  const int64_t steps = xType.getDimSize(0), batch = xType.getDimSize(1),
                input = xType.getDimSize(2), hidden = yType.getDimSize(3);
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  Value flatX = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({steps * batch, input}, i8), x,
      ArrayRef<ReassociationIndices>{{0, 1}, {2}});
  Value projected =
      linalg::MatmulOp::create(
          b, loc, TypeRange{RankedTensorType::get({steps * batch, gates}, i32)},
          ValueRange{flatX, wx},
          ValueRange{zeroTensor(b, loc, {steps * batch, gates}, i32)})
          .getResult(0);
  projected = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({steps, batch, gates}, i32), projected,
      ArrayRef<ReassociationIndices>{{0, 1}, {2}});
  Value lb = arith::ConstantIndexOp::create(b, loc, 0);
  Value ub = arith::ConstantIndexOp::create(b, loc, steps);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  states.push_back(y);
  auto loop = scf::ForOp::create(
      b, loc, lb, ub, one, states,
      [&](OpBuilder &nb, Location l, Value t, ValueRange carried) {
        Value time = t;
        if (reverse) {
          Value last = arith::ConstantIndexOp::create(nb, l, steps - 1);
          time = arith::SubIOp::create(nb, l, last, t);
        }
        SmallVector<Value> next = step(nb, l, time, sliceOuter(nb, l, projected, time),
                                       carried.drop_back());
        SmallVector<OpFoldResult> offsets{time, nb.getIndexAttr(d), nb.getIndexAttr(0),
                                          nb.getIndexAttr(0)};
        SmallVector<OpFoldResult> sizes{nb.getIndexAttr(1), nb.getIndexAttr(1),
                                        nb.getIndexAttr(batch), nb.getIndexAttr(hidden)};
        SmallVector<OpFoldResult> strides(4, nb.getIndexAttr(1));
        next.push_back(tensor::InsertSliceOp::create(nb, l, next[0], carried.back(),
                                                     offsets, sizes, strides));
        scf::YieldOp::create(nb, l, next);
      });
  return loop.getResults().back();
}

/// h x wh ([batch, hidden] int8 by [hidden, n] int8) onto `init` (int32).
Value recurrentMatmul(OpBuilder &b, Location loc, Value h, Value wh, Value init) {
  return linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                  ValueRange{h, wh}, ValueRange{init})
      .getResult(0);
}

struct LstmLowering : OpConversionPattern<accel::LstmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(accel::LstmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(op.getX().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    const int64_t batch = xType.getDimSize(1);
    const int64_t directions = resultType.getDimSize(1),
                  hidden = resultType.getDimSize(3), gates = 4 * hidden;
    const int64_t cellShift = static_cast<int64_t>(op.getCellShift());
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();

    Value y = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), i8);
    for (int64_t d = 0; d < directions; ++d) {
      OpFoldResult dir = rewriter.getIndexAttr(d);
      Value wx = sliceOuter(rewriter, loc, adaptor.getWx(), dir);
      Value wh = sliceOuter(rewriter, loc, adaptor.getWh(), dir);
      Value params = sliceOuter(rewriter, loc, adaptor.getParams(), dir);
      SmallVector<Value> init{zeroTensor(rewriter, loc, {batch, hidden}, i8),
                              zeroTensor(rewriter, loc, {batch, hidden}, i32)};
      y = buildDirection(
          rewriter, loc, adaptor.getX(), wx, gates, op.getReverse() || d == 1, d, init, y,
          [&](OpBuilder &b, Location l, Value, Value projected, ValueRange state) {
            Value acc = recurrentMatmul(b, l, state[0], wh, projected);
            auto [h, c] = buildStep(b, l, acc, params, adaptor.getSigmoid(),
                                    adaptor.getTanh(), state[0], state[1],
                                    hidden, cellShift);
            return SmallVector<Value>{h, c};
          });
    }
    rewriter.replaceOp(op, y);
    return success();
  }

  /// One step over [batch, H]: (h, c) from the accumulators [batch, 4H].
  static std::pair<Value, Value> buildStep(OpBuilder &b, Location loc, Value acc,
                                           Value params, Value sigmoid,
                                           Value tanh, Value h, Value c,
                                           int64_t hidden, int64_t cellShift) {
    MLIRContext *ctx = b.getContext();
    AffineExpr batchDim = getAffineDimExpr(0, ctx), unit = getAffineDimExpr(1, ctx);
    SmallVector<Value> operands;
    SmallVector<AffineMap> maps;
    // Gate views ([batch, 4, H] and [3, 4, H]): the loop range of the units
    // comes from the states, not from a [batch, 4H] operand.
    Type i32 = b.getI32Type();
    auto accType = cast<RankedTensorType>(acc.getType());
    Value gatesAcc = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({accType.getDimSize(0), 4, hidden}, i32), acc,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}});
    Value gateParams = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({3, 4, hidden}, i32), params,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}});
    // acc of gate g, then bias/multiplier/shift of gate g, for g = i, o, f, c.
    for (int64_t g = 0; g < 4; ++g) {
      AffineExpr gate = getAffineConstantExpr(g, ctx);
      operands.push_back(gatesAcc);
      maps.push_back(AffineMap::get(2, 0, {batchDim, gate, unit}, ctx));
      for (int64_t row = 0; row < 3; ++row) {
        operands.push_back(gateParams);
        maps.push_back(AffineMap::get(
            2, 0, {getAffineConstantExpr(row, ctx), gate, unit}, ctx));
      }
    }
    AffineMap state = AffineMap::getMultiDimIdentityMap(2, ctx);
    maps.append(2, state);
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{h.getType(), c.getType()}, operands, ValueRange{h, c},
        maps, SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Type i32 = nb.getI32Type(), i64 = nb.getI64Type();
          OutputPath table;
          table.activation = accel::Activation::lut;
          SmallVector<Value> gate;
          for (int64_t g = 0; g < 4; ++g) {
            table.lut = g == 3 ? tanh : sigmoid;
            ValueRange in = args.slice(4 * g, 4);
            Value q = scalarOutputPath(nb, l, in[0], in[1], in[2], in[3], table);
            gate.push_back(arith::ExtSIOp::create(nb, l, i32, q));
          }
          Value cOld = args[17];
          // c = ((f * c) >> 7) + i * g, the vector unit's int32 mul and add.
          Value f64 = arith::ExtSIOp::create(nb, l, i64, gate[2]);
          Value c64 = arith::ExtSIOp::create(nb, l, i64, cOld);
          Value fc = arith::MulIOp::create(nb, l, f64, c64);
          Value seven = intConstant(nb, l, i64, 7);
          fc = arith::ShRSIOp::create(nb, l, fc, seven);
          fc = arith::TruncIOp::create(nb, l, i32, fc);
          Value ig = arith::MulIOp::create(nb, l, gate[0], gate[3]);
          Value cNew = arith::AddIOp::create(nb, l, fc, ig);
          Value zero = intConstant(nb, l, i32, 0);
          Value unitMultiplier = intConstant(nb, l, i32, 1);
          table.lut = tanh;
          Value th = scalarOutputPath(nb, l, cNew, zero, unitMultiplier,
                                      intConstant(nb, l, i32, cellShift), table);
          Value th32 = arith::ExtSIOp::create(nb, l, i32, th);
          Value oth = arith::MulIOp::create(nb, l, gate[1], th32);
          OutputPath plain;
          Value hNew = scalarOutputPath(nb, l, oth, zero, unitMultiplier,
                                        intConstant(nb, l, i32, 7), plain);
          linalg::YieldOp::create(nb, l, ValueRange{hNew, cNew});
        });
    return {generic.getResult(0), generic.getResult(1)};
  }
};

/// The operands of a linalg.generic over [batch, H] and their indexing maps.
struct GenericOperands {
  SmallVector<Value> values;
  SmallVector<AffineMap> maps;
  void add(Value v, ArrayRef<AffineExpr> exprs) {
    values.push_back(v);
    maps.push_back(AffineMap::get(2, 0, exprs, v.getContext()));
  }
};

struct GruLowering : OpConversionPattern<accel::GruOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(accel::GruOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    const int64_t batch = resultType.getDimSize(2),
                  directions = resultType.getDimSize(1),
                  hidden = resultType.getDimSize(3), gates = 3 * hidden;
    const bool linearBeforeReset = op.getLinearBeforeReset();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    Value y = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), i8);
    for (int64_t d = 0; d < directions; ++d) {
      OpFoldResult dir = rewriter.getIndexAttr(d);
      Value wx = sliceOuter(rewriter, loc, adaptor.getWx(), dir);
      Value wh = sliceOuter(rewriter, loc, adaptor.getWh(), dir);
      Value params = sliceOuter(rewriter, loc, adaptor.getParams(), dir);
      Value hBias = linearBeforeReset ? sliceOuter(rewriter, loc, adaptor.getHBias(), dir)
                                      : Value();
      // Without linear_before_reset: the n gate's recurrent weights,
      // wh[:, 2H:3H], the right operand of (r * h) x wh_n.
      Value whN = linearBeforeReset
                      ? Value()
                      : tensor::ExtractSliceOp::create(
                            rewriter, loc, RankedTensorType::get({hidden, hidden}, i8), wh,
                            ValueRange{}, ValueRange{}, ValueRange{},
                            rewriter.getDenseI64ArrayAttr({0, 2 * hidden}),
                            rewriter.getDenseI64ArrayAttr({hidden, hidden}),
                            rewriter.getDenseI64ArrayAttr({1, 1}))
                            .getResult();
      y = buildDirection(
          rewriter, loc, adaptor.getX(), wx, gates, op.getReverse() || d == 1, d,
          {zeroTensor(rewriter, loc, {batch, hidden}, i8)}, y,
          [&](OpBuilder &b, Location l, Value, Value projected, ValueRange state) {
            Value h = state[0];
            Value acc = recurrentMatmul(b, l, h, wh, zeroTensor(b, l, {batch, gates}, i32));
            Value recurrentN;  // without linear_before_reset: (r * h) x wh_n
            if (!linearBeforeReset) {
              Value rh = buildResetProduct(b, l, projected, acc, params,
                                           adaptor.getSigmoid(), h, hidden);
              recurrentN = recurrentMatmul(b, l, rh, whN,
                                           zeroTensor(b, l, {batch, hidden}, i32));
            }
            return SmallVector<Value>{buildStep(b, l, projected, acc, params, hBias,
                                                recurrentN, adaptor.getSigmoid(),
                                                adaptor.getTanh(), h, hidden)};
          });
    }
    rewriter.replaceOp(op, y);
    return success();
  }

  /// [batch, 3, H] and [3, 3, H] views of the accumulators and parameters.
  static Value gateView(OpBuilder &b, Location loc, Value v, int64_t hidden) {
    auto type = cast<RankedTensorType>(v.getType());
    return tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({type.getDimSize(0), 3, hidden}, type.getElementType()),
        v, ArrayRef<ReassociationIndices>{{0}, {1, 2}});
  }

  /// Adds gate g's projection, recurrent accumulator and output parameters
  /// (5 operands) to `ops`.
  static void addGate(GenericOperands &ops, Value projected, Value acc, Value params,
                      int64_t g) {
    MLIRContext *ctx = projected.getContext();
    AffineExpr batchDim = getAffineDimExpr(0, ctx), unit = getAffineDimExpr(1, ctx),
               gate = getAffineConstantExpr(g, ctx);
    ops.add(projected, {batchDim, gate, unit});
    ops.add(acc, {batchDim, gate, unit});
    for (int64_t row = 0; row < 3; ++row)
      ops.add(params, {getAffineConstantExpr(row, ctx), gate, unit});
  }

  /// A gate's table value (i32) from its 5 scalar operands (addGate).
  static Value gateValue(OpBuilder &b, Location l, ValueRange in, Value table,
                         Value preOverride = Value()) {
    OutputPath path;
    path.activation = accel::Activation::lut;
    path.lut = table;
    Value pre = preOverride ? preOverride : arith::AddIOp::create(b, l, in[0], in[1]);
    Value q = scalarOutputPath(b, l, pre, in[2], in[3], in[4], path);
    return arith::ExtSIOp::create(b, l, b.getI32Type(), q);
  }

  /// requant(a * b, 0, 1, 7) of two i32 values (the output path of h and r*h).
  static Value shiftedProduct(OpBuilder &b, Location l, Value a, Value c) {
    Type i32 = b.getI32Type();
    Value product = arith::MulIOp::create(b, l, a, c);
    return scalarOutputPath(b, l, product, intConstant(b, l, i32, 0),
                            intConstant(b, l, i32, 1), intConstant(b, l, i32, 7),
                            OutputPath());
  }

  /// rh = requant(r * h, 0, 1, 7) over [batch, H], int8.
  static Value buildResetProduct(OpBuilder &b, Location loc, Value projected, Value acc,
                                 Value params, Value sigmoid, Value h, int64_t hidden) {
    GenericOperands ops;
    addGate(ops, gateView(b, loc, projected, hidden), gateView(b, loc, acc, hidden),
            gateView(b, loc, params, hidden), 1);
    ops.add(h, {getAffineDimExpr(0, b.getContext()), getAffineDimExpr(1, b.getContext())});
    ops.maps.push_back(ops.maps.back());
    auto hType = cast<RankedTensorType>(h.getType());
    Value init = tensor::EmptyOp::create(b, loc, hType.getShape(), b.getI8Type());
    return linalg::GenericOp::create(
               b, loc, TypeRange{hType}, ops.values, ValueRange{init}, ops.maps,
               SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Value r = gateValue(nb, l, args.slice(0, 5), sigmoid);
                 Value h32 = arith::ExtSIOp::create(nb, l, nb.getI32Type(), args[5]);
                 linalg::YieldOp::create(nb, l, shiftedProduct(nb, l, r, h32));
               })
        .getResult(0);
  }

  /// One step over [batch, H]: the new h from the step's projections and
  /// recurrent accumulators ([batch, 3H] int32) and, for the n gate, hBias
  /// ([H], linear_before_reset) or recurrentN ((r * h) x wh_n, [batch, H]).
  static Value buildStep(OpBuilder &b, Location loc, Value projected, Value acc,
                         Value params, Value hBias, Value recurrentN, Value sigmoid,
                         Value tanh, Value h, int64_t hidden) {
    MLIRContext *ctx = b.getContext();
    AffineExpr batchDim = getAffineDimExpr(0, ctx), unit = getAffineDimExpr(1, ctx);
    Value projectedGates = gateView(b, loc, projected, hidden),
          accGates = gateView(b, loc, acc, hidden), paramGates = gateView(b, loc, params, hidden);
    GenericOperands ops;
    for (int64_t g = 0; g < 3; ++g) addGate(ops, projectedGates, accGates, paramGates, g);
    if (hBias) ops.add(hBias, {unit});
    else ops.add(recurrentN, {batchDim, unit});
    ops.maps.push_back(AffineMap::getMultiDimIdentityMap(2, ctx));  // h
    return linalg::GenericOp::create(
               b, loc, TypeRange{h.getType()}, ops.values, ValueRange{h}, ops.maps,
               SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Type i32 = nb.getI32Type(), i64 = nb.getI64Type();
                 Value z = gateValue(nb, l, args.slice(0, 5), sigmoid);
                 Value r = gateValue(nb, l, args.slice(5, 5), sigmoid);
                 ValueRange n = args.slice(10, 5);
                 Value recurrent;
                 if (hBias) {
                   // (r * (h x wh_n + hBias)) >> 7, the vector unit's int32 mul
                   Value sum = arith::AddIOp::create(nb, l, n[1], args[15]);
                   Value product = arith::MulIOp::create(
                       nb, l, arith::ExtSIOp::create(nb, l, i64, sum),
                       arith::ExtSIOp::create(nb, l, i64, r));
                   product = arith::ShRSIOp::create(nb, l, product, intConstant(nb, l, i64, 7));
                   recurrent = arith::TruncIOp::create(nb, l, i32, product);
                 } else {
                   recurrent = args[15];
                 }
                 Value pre = arith::AddIOp::create(nb, l, n[0], recurrent);
                 Value nValue = gateValue(nb, l, n, tanh, pre);
                 // h = requant(128 n + z (h - n), 0, 1, 7)
                 Value hOld = arith::ExtSIOp::create(nb, l, i32, args[16]);
                 Value diff = arith::SubIOp::create(nb, l, hOld, nValue);
                 Value zDiff = arith::MulIOp::create(nb, l, z, diff);
                 Value scaledN = arith::MulIOp::create(nb, l, nValue, intConstant(nb, l, i32, 128));
                 Value sum = arith::AddIOp::create(nb, l, scaledN, zDiff);
                 Value hNew = scalarOutputPath(nb, l, sum, intConstant(nb, l, i32, 0),
                                               intConstant(nb, l, i32, 1),
                                               intConstant(nb, l, i32, 7), OutputPath());
                 linalg::YieldOp::create(nb, l, hNew);
               })
        .getResult(0);
  }
};

} // namespace

void systolic_to_linalg::populateRecurrentPatterns(RewritePatternSet &patterns) {
  patterns.add<LstmLowering, GruLowering>(patterns.getContext());
}
