//===- Patterns.h - Per-family nn to linalg patterns ------------*- C++ -*-===//
//
// Each op family lives in its own file and adds its patterns here; the pass in
// NNToLinalg.cpp collects them all.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_NNTOLINALG_PATTERNS_H
#define SYSTOLIC_LOWERING_NNTOLINALG_PATTERNS_H

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace systolic::nn_to_linalg {
void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateReductionPatterns(mlir::RewritePatternSet &patterns);
void populateMatMulPatterns(mlir::RewritePatternSet &patterns);
void populateLossPatterns(mlir::RewritePatternSet &patterns);
void populateShapePatterns(mlir::RewritePatternSet &patterns);
void populateConvPatterns(mlir::RewritePatternSet &patterns);
void populateRecurrentPatterns(mlir::RewritePatternSet &patterns);
} // namespace systolic::nn_to_linalg

#endif // SYSTOLIC_LOWERING_NNTOLINALG_PATTERNS_H
