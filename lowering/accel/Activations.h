//===- Activations.h - Elementwise activations as functions -----*- C++ -*-===//
//
// The f32 semantics of the nn dialect's unary activations, so the quantizer
// can fuse any of them into the output path as a 256-entry lookup table.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ACCEL_ACTIVATIONS_H
#define SYSTOLIC_LOWERING_ACCEL_ACTIVATIONS_H

#include "mlir/IR/Operation.h"

#include <functional>
#include <optional>

namespace systolic::accel {

/// The function an elementwise unary nn op computes, or nothing if `op` is
/// not one (or has an operand besides its input).
std::optional<std::function<double(double)>> unaryActivation(mlir::Operation *op);

} // namespace systolic::accel

#endif // SYSTOLIC_LOWERING_ACCEL_ACTIVATIONS_H
