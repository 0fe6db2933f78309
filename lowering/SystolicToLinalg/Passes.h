//===- Passes.h - systolic layer ops to linalg ------------------*- C++ -*-===//
#ifndef SYSTOLIC_LOWERING_SYSTOLICTOLINALG_PASSES_H
#define SYSTOLIC_LOWERING_SYSTOLICTOLINALG_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace systolic {
#define GEN_PASS_DECL
#include "lowering/SystolicToLinalg/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowering/SystolicToLinalg/Passes.h.inc"

/// Adds the patterns lowering every systolic layer op (quantize, dequantize,
/// conv2d, matmul, scaled_add) to linalg/tensor/arith/math.
void populateSystolicToLinalgPatterns(mlir::RewritePatternSet &patterns);
} // namespace systolic

#endif // SYSTOLIC_LOWERING_SYSTOLICTOLINALG_PASSES_H
