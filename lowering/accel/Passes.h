//===- Passes.h - Accelerator backend passes --------------------*- C++ -*-===//
#ifndef SYSTOLIC_LOWERING_ACCEL_PASSES_H
#define SYSTOLIC_LOWERING_ACCEL_PASSES_H

#include "dialects/nn/NNDialect.h"
#include "dialects/systolic/SystolicDialect.h"
#include "mlir/Pass/Pass.h"

namespace systolic::accel {
#define GEN_PASS_DECL
#include "lowering/accel/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowering/accel/Passes.h.inc"

/// The attribute holding a value's calibrated range, array<f64: min, max>, on
/// its defining op (one entry per result: `systolic.calibration` for result
/// 0, `systolic.calibration.N` for result N) or as an argument attribute.
inline constexpr llvm::StringLiteral kCalibrationAttr = "systolic.calibration";
} // namespace systolic::accel

#endif // SYSTOLIC_LOWERING_ACCEL_PASSES_H
