//===- LstmToLinalg.cpp - systolic.lstm to linalg + scf -------------------===//
//
// The bit-exact CPU reference of the accelerator's LSTM (SystolicOps.td):
// per direction, the int32 input projections of all steps are one
// linalg.matmul; an scf.for over time accumulates h x wh onto the step's
// projection and runs every gate's output path and table, the int32 cell
// update and h's output path in one linalg.generic over [batch, H]. The
// generic reads the loop-carried h and c as its outs, so they are updated in
// place.
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


struct LstmLowering : OpConversionPattern<accel::LstmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(accel::LstmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(op.getX().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    const int64_t steps = xType.getDimSize(0), batch = xType.getDimSize(1),
                  input = xType.getDimSize(2);
    const int64_t directions = resultType.getDimSize(1),
                  hidden = resultType.getDimSize(3), gates = 4 * hidden;
    const int64_t cellShift = static_cast<int64_t>(op.getCellShift());
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();

    Value flatX = tensor::CollapseShapeOp::create(
        rewriter, loc, RankedTensorType::get({steps * batch, input}, i8),
        adaptor.getX(), ArrayRef<ReassociationIndices>{{0, 1}, {2}});
    Value y = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), i8);
    for (int64_t d = 0; d < directions; ++d) {
      OpFoldResult dir = rewriter.getIndexAttr(d);
      Value wx = sliceOuter(rewriter, loc, adaptor.getWx(), dir);
      Value wh = sliceOuter(rewriter, loc, adaptor.getWh(), dir);
      Value params = sliceOuter(rewriter, loc, adaptor.getParams(), dir);
      Value projected =
          linalg::MatmulOp::create(
              rewriter, loc,
              TypeRange{RankedTensorType::get({steps * batch, gates}, i32)},
              ValueRange{flatX, wx},
              ValueRange{zeroTensor(rewriter, loc, {steps * batch, gates}, i32)})
              .getResult(0);
      projected = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({steps, batch, gates}, i32),
          projected, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
      const bool reverse = op.getReverse() || d == 1;

      Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value ub = arith::ConstantIndexOp::create(rewriter, loc, steps);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      SmallVector<Value> init{zeroTensor(rewriter, loc, {batch, hidden}, i8),
                              zeroTensor(rewriter, loc, {batch, hidden}, i32), y};
      auto loop = scf::ForOp::create(
          rewriter, loc, lb, ub, one, init,
          [&](OpBuilder &b, Location l, Value t, ValueRange state) {
            Value time = t;
            if (reverse) {
              Value last = arith::ConstantIndexOp::create(b, l, steps - 1);
              time = arith::SubIOp::create(b, l, last, t);
            }
            Value acc =
                linalg::MatmulOp::create(
                    b, l, TypeRange{RankedTensorType::get({batch, gates}, i32)},
                    ValueRange{state[0], wh},
                    ValueRange{sliceOuter(b, l, projected, time)})
                    .getResult(0);
            auto [h, c] = buildStep(b, l, acc, params, adaptor.getSigmoid(),
                                    adaptor.getTanh(), state[0], state[1],
                                    hidden, cellShift);
            SmallVector<OpFoldResult> offsets{time, b.getIndexAttr(d),
                                              b.getIndexAttr(0), b.getIndexAttr(0)};
            SmallVector<OpFoldResult> sizes{b.getIndexAttr(1), b.getIndexAttr(1),
                                            b.getIndexAttr(batch),
                                            b.getIndexAttr(hidden)};
            SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
            Value yNext = tensor::InsertSliceOp::create(b, l, h, state[2],
                                                        offsets, sizes, strides);
            scf::YieldOp::create(b, l, ValueRange{h, c, yNext});
          });
      y = loop.getResult(2);
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

} // namespace

void systolic_to_linalg::populateLstmPatterns(RewritePatternSet &patterns) {
  patterns.add<LstmLowering>(patterns.getContext());
}
