//===- OutputPath.h - The accelerator's output path in linalg ---*- C++ -*-===//
//
// Shared by the conv2d, matmul and scaled_add lowerings: one linalg.generic
// that takes int32 accumulators to int8 exactly as the hardware's output
// path does (docs/isa.md, OUTPUT; sim/golden/Arith.h `requantize`).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_SYSTOLICTOLINALG_OUTPUTPATH_H
#define SYSTOLIC_LOWERING_SYSTOLICTOLINALG_OUTPUTPATH_H

#include "dialects/systolic/SystolicOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace systolic::systolic_to_linalg {

/// The output path's attributes and per-channel operands.
struct OutputPath {
  mlir::Value params; ///< tensor<3xCxi32>: bias, multiplier, shift rows
  mlir::Value lut;    ///< tensor<256xi8> when activation is lut, else null
  int64_t zeroPoint = 0;
  int64_t clampMax = 127;
  accel::Activation activation = accel::Activation::none;

  template <typename OpT> static OutputPath of(OpT op) {
    OutputPath path;
    path.params = op.getParams();
    path.lut = op.getLut();
    // I64Attr getters return the value as uint64_t; it is signed.
    path.zeroPoint = static_cast<int64_t>(op.getOutputZeroPoint());
    path.clampMax = static_cast<int64_t>(op.getClampMax());
    path.activation = op.getActivation();
    return path;
  }
};

/// Computes the int32 accumulator of one element from the scalar block
/// arguments of `inputs` (in order).
using AccumulatorFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// Builds `result = output_path(acc(inputs))` as one linalg.generic over the
/// shape of `resultType` (int8). Every input is indexed with the identity
/// map; the channel is the innermost dimension.
mlir::Value buildOutputPath(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::ValueRange inputs, AccumulatorFn accumulator,
                            const OutputPath &path,
                            mlir::RankedTensorType resultType);

/// The same for a tensor of int32 accumulators.
mlir::Value buildOutputPath(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value accumulators, const OutputPath &path,
                            mlir::RankedTensorType resultType);

/// The output path of one int32 accumulator `acc` with the i32 scalars
/// `bias`, `multiplier` and `shift`, inside a generic's body: the int8 value.
mlir::Value scalarOutputPath(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value acc, mlir::Value bias,
                             mlir::Value multiplier, mlir::Value shift,
                             const OutputPath &path);

/// Scalar helpers shared by the lowerings.
mlir::Value intConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                        int64_t value);
/// A zero-filled tensor of `shape` and integer element type `type`.
mlir::Value zeroTensor(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::ArrayRef<int64_t> shape, mlir::Type type);
/// Clamps the integer `v` to [-128, 127] and truncates it to i8.
mlir::Value saturateToI8(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);

} // namespace systolic::systolic_to_linalg

#endif // SYSTOLIC_LOWERING_SYSTOLICTOLINALG_OUTPUTPATH_H
