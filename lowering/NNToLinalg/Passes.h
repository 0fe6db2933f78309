//===- Passes.h - nn to linalg conversion -----------------------*- C++ -*-===//
#ifndef SYSTOLIC_LOWERING_NNTOLINALG_PASSES_H
#define SYSTOLIC_LOWERING_NNTOLINALG_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
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
#include "lowering/NNToLinalg/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowering/NNToLinalg/Passes.h.inc"

/// Adds the patterns that lower every nn op to linalg/tensor/arith/math/scf.
void populateNNToLinalgPatterns(mlir::RewritePatternSet &patterns);
} // namespace systolic

#endif // SYSTOLIC_LOWERING_NNTOLINALG_PASSES_H
