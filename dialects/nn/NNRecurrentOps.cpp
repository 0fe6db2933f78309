//===- NNRecurrentOps.cpp - LSTM and GRU ----------------------------------===//
#include "dialects/nn/NNOps.h"

using namespace mlir;
using namespace systolic::nn;

namespace {
/// Operands and attributes common to the ONNX recurrent layers.
struct RecurrentOperands {
  int64_t gates; // 4 for LSTM, 3 for GRU
  Value x, w, r, b, initialH, initialC, peepholes;
  int64_t hiddenSize;
  RNNDirection direction;
  std::optional<APFloat> clip;
};
} // namespace

/// Validates the operand shapes of an ONNX LSTM/GRU (layout 0) and pushes
/// y [seq, dirs, batch, H] and `numStates` state results [dirs, batch, H].
static LogicalResult inferRecurrentTypes(std::optional<Location> loc,
                                         const RecurrentOperands &ops,
                                         int64_t numStates,
                                         SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(ops.x.getType());
  Type element = x.getElementType();
  int64_t hidden = ops.hiddenSize;
  if (hidden < 1)
    return emitOptionalError(loc, "hidden_size ", hidden, " must be positive");
  if (ops.clip && !(ops.clip->convertToFloat() > 0.0f))
    return emitOptionalError(loc, "clip must be positive, got ",
                             ops.clip->convertToFloat());
  if (x.getRank() != 3)
    return emitOptionalError(loc, "x must be [seq, batch, input], got ", x);
  int64_t seq = x.getDimSize(0), batch = x.getDimSize(1),
          inputSize = x.getDimSize(2);
  int64_t dirs = ops.direction == RNNDirection::bidirectional ? 2 : 1;
  int64_t gateRows = ops.gates * hidden;
  auto check = [&](StringRef name, Value value, ArrayRef<int64_t> expected,
                   StringRef layout) -> LogicalResult {
    if (!value)
      return success();
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getElementType() != element)
      return emitOptionalError(loc, name, " element type ",
                               type.getElementType(), " differs from x's ",
                               element);
    if (type.getShape() != expected)
      return emitOptionalError(loc, name, " ", type, " must be ", layout,
                               " = [", expected, "]");
    return success();
  };
  if (failed(check("w", ops.w, {dirs, gateRows, inputSize},
                   "[dirs, gates*hidden_size, input]")) ||
      failed(check("r", ops.r, {dirs, gateRows, hidden},
                   "[dirs, gates*hidden_size, hidden_size]")) ||
      failed(check("b", ops.b, {dirs, 2 * gateRows},
                   "[dirs, 2*gates*hidden_size]")) ||
      failed(check("initial_h", ops.initialH, {dirs, batch, hidden},
                   "[dirs, batch, hidden_size]")) ||
      failed(check("initial_c", ops.initialC, {dirs, batch, hidden},
                   "[dirs, batch, hidden_size]")) ||
      failed(check("p", ops.peepholes, {dirs, 3 * hidden},
                   "[dirs, 3*hidden_size]")))
    return failure();
  inferred.push_back(RankedTensorType::get({seq, dirs, batch, hidden}, element));
  for (int64_t i = 0; i < numStates; ++i)
    inferred.push_back(RankedTensorType::get({dirs, batch, hidden}, element));
  return success();
}

LogicalResult LSTMOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RecurrentOperands ops{4,
                        adaptor.getX(),
                        adaptor.getW(),
                        adaptor.getR(),
                        adaptor.getB(),
                        adaptor.getInitialH(),
                        adaptor.getInitialC(),
                        adaptor.getP(),
                        static_cast<int64_t>(adaptor.getHiddenSize()),
                        adaptor.getDirection(),
                        adaptor.getClip()};
  return inferRecurrentTypes(loc, ops, /*numStates=*/2, inferred);
}

LogicalResult GRUOp::inferReturnTypes(MLIRContext *context,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  RecurrentOperands ops{3,
                        adaptor.getX(),
                        adaptor.getW(),
                        adaptor.getR(),
                        adaptor.getB(),
                        adaptor.getInitialH(),
                        Value(),
                        Value(),
                        static_cast<int64_t>(adaptor.getHiddenSize()),
                        adaptor.getDirection(),
                        adaptor.getClip()};
  return inferRecurrentTypes(loc, ops, /*numStates=*/1, inferred);
}
