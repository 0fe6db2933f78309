//===- RecurrentToLinalg.cpp - nn.lstm and nn.gru to linalg + scf ---------===//
//
// The input projection of every time step is one big linalg.matmul
// ([seq * batch, in] x [in, gates * H], bias in the destination) before the
// loop. The loop over time (scf.for, the only scf this conversion emits)
// multiplies the hidden state by the recurrence weights, accumulating onto
// that step's input projection, and computes all gates and the new state in
// one fused linalg.generic over [batch, H]. Weights are transposed once
// (at compile time when constant). Bidirectional layers run two loops.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNOps.h"
#include "lowering/NNToLinalg/Patterns.h"
#include "lowering/NNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace systolic;
using namespace systolic::nn_to_linalg;

namespace {
/// Shapes and options shared by LSTM and GRU.
struct RecurrentLayer {
  int64_t seq, batch, input, hidden, directions, gates;
  nn::RNNDirection direction;
  std::optional<double> clip;
  Type elementType;

  RankedTensorType type(ArrayRef<int64_t> shape) const {
    return RankedTensorType::get(shape, elementType);
  }
  bool reversed(int64_t d) const {
    return direction == nn::RNNDirection::reverse ||
           (direction == nn::RNNDirection::bidirectional && d == 1);
  }
};

/// `value[lo:lo+size]` along `dim`.
Value sliceRange(OpBuilder &b, Location loc, Value value, int64_t dim,
                 int64_t lo, int64_t size) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
  SmallVector<int64_t> sizes(type.getShape());
  offsets[dim] = lo;
  sizes[dim] = size;
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(sizes, type.getElementType()), value,
      ValueRange{}, ValueRange{}, ValueRange{}, offsets, sizes, strides);
}

/// Writes `value` ([batch, H]) at `offsets` of `dest` (leading dims size 1).
Value insertState(OpBuilder &b, Location loc, Value value, Value dest,
                  ArrayRef<OpFoldResult> leading) {
  auto type = cast<RankedTensorType>(value.getType());
  auto destType = cast<RankedTensorType>(dest.getType());
  SmallVector<OpFoldResult> offsets(leading);
  SmallVector<OpFoldResult> sizes(leading.size(), b.getIndexAttr(1));
  for (int64_t size : type.getShape()) {
    offsets.push_back(b.getIndexAttr(0));
    sizes.push_back(b.getIndexAttr(size));
  }
  SmallVector<OpFoldResult> strides(destType.getRank(), b.getIndexAttr(1));
  return tensor::InsertSliceOp::create(b, loc, value, dest, offsets, sizes,
                                       strides);
}

/// ONNX clips the pre-activation of every gate when `clip` is set.
Value clipped(OpBuilder &b, Location loc, const RecurrentLayer &layer,
              Value x) {
  if (!layer.clip)
    return x;
  Value lo = scalarConstant(b, loc, x.getType(), -*layer.clip);
  Value hi = scalarConstant(b, loc, x.getType(), *layer.clip);
  return arith::MinimumFOp::create(
      b, loc, arith::MaximumFOp::create(b, loc, x, lo), hi);
}

/// `bias` ([N]) broadcast to [rows, N], or zeros.
Value biasInit(OpBuilder &b, Location loc, const RecurrentLayer &layer,
               Value bias, int64_t rows, int64_t cols) {
  RankedTensorType type = layer.type({rows, cols});
  if (!bias)
    return filledTensor(b, loc, type,
                        scalarConstant(b, loc, layer.elementType, 0));
  return broadcastTo(b, loc, bias, type);
}

/// x [seq, batch, in] x wT [in, G*H] + bias for every step: [seq, batch, G*H].
Value projectInputs(OpBuilder &b, Location loc, const RecurrentLayer &layer,
                    Value x, Value wT, Value bias) {
  int64_t rows = layer.seq * layer.batch, cols = layer.gates * layer.hidden;
  Value flat = reshape(b, loc, x, layer.type({rows, layer.input}));
  Value projected =
      buildMatmul(b, loc, flat, wT, biasInit(b, loc, layer, bias, rows, cols));
  return reshape(b, loc, projected, layer.type({layer.seq, layer.batch, cols}));
}

/// A parallel generic over [batch, H] whose inputs are [batch, G, H] gate
/// views (each read once per gate), [G', H] per-gate vectors, or [batch, H]
/// states, and which writes into `outs` ([batch, H] each). `body` gets the
/// input scalars in that order (all gate reads of the first input, then the
/// next input's, ...) followed by the current `outs` elements, and yields
/// one value per out. Passing the loop-carried states as `outs` updates them
/// in place (each element is read before it is overwritten), which keeps the
/// loop's bufferization free of copies.
SmallVector<Value> buildGateGeneric(
    OpBuilder &b, Location loc, ArrayRef<std::pair<Value, int64_t>> inputs,
    ValueRange outs,
    llvm::function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>
        body) {
  MLIRContext *ctx = b.getContext();
  AffineExpr batch = getAffineDimExpr(0, ctx), unit = getAffineDimExpr(1, ctx);
  AffineMap state = AffineMap::getMultiDimIdentityMap(2, ctx);
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
  for (auto [value, gateCount] : inputs) {
    int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
    if (gateCount == 0) { // a [batch, H] state
      operands.push_back(value);
      maps.push_back(state);
      continue;
    }
    for (int64_t g = 0; g < gateCount; ++g) {
      AffineExpr gate = getAffineConstantExpr(g, ctx);
      operands.push_back(value);
      maps.push_back(rank == 3 ? AffineMap::get(2, 0, {batch, gate, unit}, ctx)
                               : AffineMap::get(2, 0, {gate, unit}, ctx));
    }
  }
  maps.append(outs.size(), state);
  auto generic = linalg::GenericOp::create(
      b, loc, outs.getTypes(), operands, outs, maps,
      SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
      [&](OpBuilder &nested, Location l, ValueRange args) {
        linalg::YieldOp::create(nested, l, body(nested, l, args));
      });
  return SmallVector<Value>(generic.getResults());
}

/// Weights and states of one direction.
struct DirectionInputs {
  Value xw;     // [seq, batch, G*H] input projections with biases
  Value rT;     // [H, G*H]
  Value rBias;  // [G*H] or null (GRU keeps the recurrence bias apart)
  Value peep;   // [3, H] or null (LSTM)
  Value h0, c0; // [batch, H]
};

/// Runs the loop over time; `step` maps (gate pre-activations of the
/// input, h, c) to the new (h, c) (c unused by GRU). Returns y (with this
/// direction's slices written), the last h and the last c.
std::tuple<Value, Value, Value>
runDirection(OpBuilder &b, Location loc, const RecurrentLayer &layer, int64_t d,
             const DirectionInputs &in, Value y,
             llvm::function_ref<std::pair<Value, Value>(OpBuilder &, Location,
                                                        Value, Value, Value)>
                 step) {
  Value lb = arith::ConstantIndexOp::create(b, loc, 0);
  Value ub = arith::ConstantIndexOp::create(b, loc, layer.seq);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  // Loop-carried: h, c (LSTM only), y.
  bool hasCell = static_cast<bool>(in.c0);
  SmallVector<Value> init{in.h0};
  if (hasCell)
    init.push_back(in.c0);
  init.push_back(y);
  auto loop = scf::ForOp::create(
      b, loc, lb, ub, one, init,
      [&](OpBuilder &nested, Location l, Value t, ValueRange state) {
        Value time = t;
        if (layer.reversed(d)) {
          Value last = arith::ConstantIndexOp::create(nested, l, layer.seq - 1);
          time = arith::SubIOp::create(nested, l, last, t);
        }
        Value xwT = sliceOuter(nested, l, in.xw, time);
        auto [h, c] =
            step(nested, l, xwT, state[0], hasCell ? state[1] : Value());
        Value yNext = insertState(nested, l, h, state.back(),
                                  {time, nested.getIndexAttr(d)});
        SmallVector<Value> yielded{h};
        if (hasCell)
          yielded.push_back(c);
        yielded.push_back(yNext);
        scf::YieldOp::create(nested, l, yielded);
      });
  return {loop.getResults().back(), loop.getResult(0),
          hasCell ? loop.getResult(1) : Value()};
}

Value stateOrZero(OpBuilder &b, Location loc, const RecurrentLayer &layer,
                  Value states, int64_t d) {
  if (states)
    return sliceOuter(b, loc, states, b.getIndexAttr(d));
  return filledTensor(b, loc, layer.type({layer.batch, layer.hidden}),
                      scalarConstant(b, loc, layer.elementType, 0));
}

template <typename OpTy>
RecurrentLayer describe(OpTy op, Value x, int64_t gates) {
  auto xType = cast<RankedTensorType>(x.getType());
  RecurrentLayer layer;
  layer.seq = xType.getDimSize(0);
  layer.batch = xType.getDimSize(1);
  layer.input = xType.getDimSize(2);
  layer.hidden = static_cast<int64_t>(op.getHiddenSize());
  layer.direction = op.getDirection();
  layer.directions = layer.direction == nn::RNNDirection::bidirectional ? 2 : 1;
  layer.gates = gates;
  if (std::optional<APFloat> clip = op.getClip())
    layer.clip = clip->convertToDouble();
  layer.elementType = xType.getElementType();
  return layer;
}

struct LSTMLowering : OpConversionPattern<nn::LSTMOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::LSTMOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RecurrentLayer layer = describe(op, adaptor.getX(), 4);
    int64_t H = layer.hidden;
    Value wT = transpose(rewriter, loc, adaptor.getW(), {0, 2, 1});
    Value rT = transpose(rewriter, loc, adaptor.getR(), {0, 2, 1});
    Value y =
        emptyTensor(rewriter, loc, signlessTensorType(op.getY().getType()));
    Value yh = emptyTensor(rewriter, loc,
                           signlessTensorType(op.getYH().getType()));
    Value yc = emptyTensor(rewriter, loc,
                           signlessTensorType(op.getYC().getType()));
    for (int64_t d = 0; d < layer.directions; ++d) {
      OpFoldResult dir = rewriter.getIndexAttr(d);
      Value bias;
      if (Value b = adaptor.getB()) {
        // Wb + Rb, added once into the input projection.
        Value both = reshape(rewriter, loc, sliceOuter(rewriter, loc, b, dir),
                             layer.type({2, 4 * H}));
        bias = buildReduction(
            rewriter, loc, both, {0},
            scalarConstant(rewriter, loc, layer.elementType, 0),
            [](OpBuilder &nb, Location l, ValueRange args) -> Value {
              return arith::AddFOp::create(nb, l, args[1], args[0]);
            });
      }
      DirectionInputs in;
      in.xw = projectInputs(rewriter, loc, layer, adaptor.getX(),
                            sliceOuter(rewriter, loc, wT, dir), bias);
      in.rT = sliceOuter(rewriter, loc, rT, dir);
      if (Value p = adaptor.getP())
        in.peep = reshape(rewriter, loc, sliceOuter(rewriter, loc, p, dir),
                          layer.type({3, H}));
      in.h0 = stateOrZero(rewriter, loc, layer, adaptor.getInitialH(), d);
      in.c0 = stateOrZero(rewriter, loc, layer, adaptor.getInitialC(), d);
      auto step = [&](OpBuilder &b, Location l, Value xwT, Value h,
                      Value c) -> std::pair<Value, Value> {
        Value gates = reshape(b, l, buildMatmul(b, l, h, in.rT, xwT),
                              layer.type({layer.batch, 4, H}));
        SmallVector<std::pair<Value, int64_t>> inputs{{gates, 4}};
        if (in.peep)
          inputs.push_back({in.peep, 3});
        // h and c are updated in place; c is read through its out element.
        SmallVector<Value> next = buildGateGeneric(
            b, l, inputs, {h, c},
            [&](OpBuilder &nb, Location nl, ValueRange s) {
              // Gate order i, o, f, c; peepholes i, o, f; then h, c.
              Value gi = s[0], go = s[1], gf = s[2], gc = s[3];
              Value cPrev = s.back();
              if (in.peep) {
                gi = arith::AddFOp::create(
                    nb, nl, gi, arith::MulFOp::create(nb, nl, s[4], cPrev));
                gf = arith::AddFOp::create(
                    nb, nl, gf, arith::MulFOp::create(nb, nl, s[6], cPrev));
              }
              Value i = createSigmoid(nb, nl, clipped(nb, nl, layer, gi));
              Value f = createSigmoid(nb, nl, clipped(nb, nl, layer, gf));
              Value g =
                  math::TanhOp::create(nb, nl, clipped(nb, nl, layer, gc));
              Value keep = arith::MulFOp::create(nb, nl, f, cPrev);
              Value write = arith::MulFOp::create(nb, nl, i, g);
              Value cNext = arith::AddFOp::create(nb, nl, keep, write);
              if (in.peep)
                go = arith::AddFOp::create(
                    nb, nl, go, arith::MulFOp::create(nb, nl, s[5], cNext));
              Value o = createSigmoid(nb, nl, clipped(nb, nl, layer, go));
              Value hNext = arith::MulFOp::create(
                  nb, nl, o, math::TanhOp::create(nb, nl, cNext));
              return SmallVector<Value>{hNext, cNext};
            });
        return {next[0], next[1]};
      };
      auto [yNext, hLast, cLast] =
          runDirection(rewriter, loc, layer, d, in, y, step);
      y = yNext;
      yh = insertState(rewriter, loc, hLast, yh, {dir});
      yc = insertState(rewriter, loc, cLast, yc, {dir});
    }
    rewriter.replaceOp(op, {y, yh, yc});
    return success();
  }
};

struct GRULowering : OpConversionPattern<nn::GRUOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::GRUOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RecurrentLayer layer = describe(op, adaptor.getX(), 3);
    int64_t H = layer.hidden, B = layer.batch;
    bool linearBeforeReset = op.getLinearBeforeReset();
    Value wT = transpose(rewriter, loc, adaptor.getW(), {0, 2, 1});
    Value rT = transpose(rewriter, loc, adaptor.getR(), {0, 2, 1});
    Value y =
        emptyTensor(rewriter, loc, signlessTensorType(op.getY().getType()));
    Value yh = emptyTensor(rewriter, loc,
                           signlessTensorType(op.getYH().getType()));
    for (int64_t d = 0; d < layer.directions; ++d) {
      OpFoldResult dir = rewriter.getIndexAttr(d);
      Value wBias, rBias;
      if (Value b = adaptor.getB()) {
        Value both = sliceOuter(rewriter, loc, b, dir);
        wBias = sliceRange(rewriter, loc, both, 0, 0, 3 * H);
        rBias = sliceRange(rewriter, loc, both, 0, 3 * H, 3 * H);
      }
      DirectionInputs in;
      in.xw = projectInputs(rewriter, loc, layer, adaptor.getX(),
                            sliceOuter(rewriter, loc, wT, dir), wBias);
      in.rT = sliceOuter(rewriter, loc, rT, dir);
      in.rBias = rBias;
      in.h0 = stateOrZero(rewriter, loc, layer, adaptor.getInitialH(), d);
      auto biasSlice = [&](OpBuilder &b, Location l, int64_t lo, int64_t n) {
        Value bias = in.rBias ? sliceRange(b, l, in.rBias, 0, lo, n) : Value();
        return biasInit(b, l, layer, bias, B, n);
      };
      auto step = [&](OpBuilder &b, Location l, Value xwT, Value h,
                      Value) -> std::pair<Value, Value> {
        Value xGates = reshape(b, l, xwT, layer.type({B, 3, H}));
        // Gate order z, r, h.
        auto update = [&](OpBuilder &nb, Location nl, Value xz, Value hz,
                          Value candidate, Value hPrev) {
          Value z = createSigmoid(
              nb, nl,
              clipped(nb, nl, layer, arith::AddFOp::create(nb, nl, xz, hz)));
          Value one = scalarConstant(nb, nl, z.getType(), 1);
          Value keepNew = arith::MulFOp::create(
              nb, nl, arith::SubFOp::create(nb, nl, one, z), candidate);
          Value keepOld = arith::MulFOp::create(nb, nl, z, hPrev);
          return arith::AddFOp::create(nb, nl, keepNew, keepOld).getResult();
        };
        if (linearBeforeReset) {
          // n = tanh(xn + r * (h Rh^T + Rbh)): one matmul for all gates.
          Value hGates = reshape(
              b, l, buildMatmul(b, l, h, in.rT, biasSlice(b, l, 0, 3 * H)),
              layer.type({B, 3, H}));
          Value next = buildGateGeneric(
              b, l, {{xGates, 3}, {hGates, 3}}, h,
              [&](OpBuilder &nb, Location nl, ValueRange s) {
                Value r = createSigmoid(
                    nb, nl,
                    clipped(nb, nl, layer,
                            arith::AddFOp::create(nb, nl, s[1], s[4])));
                Value gated = arith::MulFOp::create(nb, nl, r, s[5]);
                Value n = math::TanhOp::create(
                    nb, nl,
                    clipped(nb, nl, layer,
                            arith::AddFOp::create(nb, nl, s[2], gated)));
                return SmallVector<Value>{update(nb, nl, s[0], s[3], n, s[6])};
              })[0];
          return {next, Value()};
        }
        // n = tanh(xn + (r * h) Rh^T + Rbh): the reset gate applies before
        // the recurrence matmul of the candidate.
        Value rTzr = sliceRange(b, l, in.rT, 1, 0, 2 * H);
        Value rTh = sliceRange(b, l, in.rT, 1, 2 * H, H);
        Value hZR =
            reshape(b, l, buildMatmul(b, l, h, rTzr, biasSlice(b, l, 0, 2 * H)),
                    layer.type({B, 2, H}));
        Value resetH = buildGateGeneric(
            b, l, {{xGates, 3}, {hZR, 2}, {h, 0}},
            emptyTensor(b, l, layer.type({B, H})),
            [&](OpBuilder &nb, Location nl, ValueRange s) {
              Value r = createSigmoid(
                  nb, nl,
                  clipped(nb, nl, layer,
                          arith::AddFOp::create(nb, nl, s[1], s[4])));
              return SmallVector<Value>{
                  arith::MulFOp::create(nb, nl, r, s[5]).getResult()};
            })[0];
        Value hN = buildMatmul(b, l, resetH, rTh, biasSlice(b, l, 2 * H, H));
        Value next = buildGateGeneric(
            b, l, {{xGates, 3}, {hZR, 2}, {hN, 0}}, h,
            [&](OpBuilder &nb, Location nl, ValueRange s) {
              Value n = math::TanhOp::create(
                  nb, nl,
                  clipped(nb, nl, layer,
                          arith::AddFOp::create(nb, nl, s[2], s[5])));
              return SmallVector<Value>{update(nb, nl, s[0], s[3], n, s[6])};
            })[0];
        return {next, Value()};
      };
      Value hLast;
      std::tie(y, hLast, std::ignore) =
          runDirection(rewriter, loc, layer, d, in, y, step);
      yh = insertState(rewriter, loc, hLast, yh, {dir});
    }
    rewriter.replaceOp(op, {y, yh});
    return success();
  }
};
} // namespace

void nn_to_linalg::populateRecurrentPatterns(RewritePatternSet &patterns) {
  patterns.add<LSTMLowering, GRULowering>(patterns.getContext());
}
