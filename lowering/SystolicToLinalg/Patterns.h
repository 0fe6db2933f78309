//===- Patterns.h - Per-family systolic to linalg patterns ------*- C++ -*-===//
#ifndef SYSTOLIC_LOWERING_SYSTOLICTOLINALG_PATTERNS_H
#define SYSTOLIC_LOWERING_SYSTOLICTOLINALG_PATTERNS_H

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace systolic::systolic_to_linalg {
/// systolic.quantize and systolic.dequantize.
void populateQuantizePatterns(mlir::RewritePatternSet &patterns);
/// systolic.conv2d, systolic.matmul and systolic.scaled_add.
void populateLayerPatterns(mlir::RewritePatternSet &patterns);
/// systolic.lstm and systolic.gru.
void populateRecurrentPatterns(mlir::RewritePatternSet &patterns);
} // namespace systolic::systolic_to_linalg

#endif // SYSTOLIC_LOWERING_SYSTOLICTOLINALG_PATTERNS_H
