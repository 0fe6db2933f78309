//===- Utils.h - Builders shared by the nn to linalg patterns ---*- C++ -*-===//
//
// Small IR builders every op family needs: destination tensors, broadcasting
// elementwise generics, reductions, reshapes and constant-folding transposes.
// All shapes are static (the nn dialect guarantees it; the pass checks it).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_NNTOLINALG_UTILS_H
#define SYSTOLIC_LOWERING_NNTOLINALG_UTILS_H

#include "dialects/nn/NNOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace systolic::nn_to_linalg {

/// Computes one scalar from the scalars of the operands (block arguments of a
/// linalg.generic body, in operand order).
using ScalarFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// An arith constant of scalar type `type` (float or integer) holding `value`.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// `tensor.empty` of `type`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type);

/// `tensor.empty` of `type` filled with the scalar `value` by `linalg.fill`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::Value value);

/// The indexing map that reads an operand of `operandShape` from the
/// iteration space `resultShape` under NumPy (right-aligned) broadcasting:
/// missing leading dims are dropped, stretched size-1 dims read index 0.
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// A parallel `linalg.generic` producing `resultType` from `inputs`, each
/// broadcast to the result shape through its indexing map (no copies).
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, ScalarFn body);

/// A `linalg.generic` reducing `inputs` over `axes` (sorted, in [0, rank))
/// into a tensor without those axes, starting from the scalar `init`. The
/// first input has the full shape; others have either the full shape or the
/// reduced one (then they are read once per output element, e.g. a max to
/// subtract). `body` receives the input elements followed by the accumulator
/// and returns the new accumulator.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::ValueRange inputs,
                           llvm::ArrayRef<int64_t> axes, mlir::Value init,
                           ScalarFn body);

/// `type` with another shape (same element type).
mlir::RankedTensorType withShape(mlir::RankedTensorType type,
                                 llvm::ArrayRef<int64_t> shape);

/// `linalg.matmul` of lhs [M, K] and rhs [K, N] accumulating into `init`
/// [M, N].
mlir::Value buildMatmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                        mlir::Value rhs, mlir::Value init);

/// The logistic sigmoid 1 / (1 + exp(-x)) of a float scalar: exp overflows
/// to +inf for very negative x, giving the correct limit 0 rather than NaN.
mlir::Value createSigmoid(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value x);

/// Reshapes a static tensor to `type` (same element count) with
/// `tensor.expand_shape`/`tensor.collapse_shape`; returns `value` unchanged
/// when the types already match.
mlir::Value reshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                    mlir::RankedTensorType type);

/// Broadcasts `value` to `type` under NumPy rules with `linalg.broadcast`
/// (stretched size-1 dims are first collapsed away); returns `value` when it
/// already has that shape.
mlir::Value broadcastTo(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, mlir::RankedTensorType type);

/// `value[index]` along dim 0 (rank-reducing), as a view.
mlir::Value sliceOuter(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                       mlir::OpFoldResult index);

/// Permutes the dims of `value` (result dim i is input dim perm[i]). Dense
/// constants are transposed at compile time; anything else gets a
/// `linalg.transpose`.
mlir::Value transpose(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      llvm::ArrayRef<int64_t> perm);

/// Permutes the dims of `value` like `transpose` and also reverses the result
/// dims listed in `reversed` (a convolution kernel flip). Dense constants are
/// rearranged at compile time, anything else reads through a linalg.generic.
mlir::Value transposeAndReverse(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value value, llvm::ArrayRef<int64_t> perm,
                                llvm::ArrayRef<int64_t> reversed);

/// `tensor.pad` of `value` by `low`/`high` elements per dim with `padValue`
/// (converted to the element type; -inf works for floats); returns `value`
/// when nothing is padded.
mlir::Value padTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                      double padValue);

/// Numerically stable softmax (or log_softmax) of `x` along `axis`: with
/// m = max(x) and s = sum(exp(x - m)), softmax = exp(x - m) / s and
/// log_softmax = x - m - log(s). Three generics, nothing materialized but m
/// and s.
mlir::Value buildSoftmax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         int64_t axis, bool log);

/// nn tensors may hold unsigned integers (ONNX's UINT types); arith works on
/// signless ones. The lowering gives every linalg value the signless type and
/// takes signedness from the nn op's types where it matters. Storage-only
/// types (float8, float4, 4/2-bit integers) become i8, one element per byte
/// with the value in the low bits (docs/artifact-format.md): LLVM has no
/// arithmetic for them and would pack vectors of 4/2-bit values, and only
/// nn.cast (castElement) interprets the bits. Strings become i64 handles:
/// the address of each element's NUL-terminated UTF-8 bytes, as the runtime
/// binds string tensors (docs/runtime.md).
mlir::Type signless(mlir::Type type);
mlir::RankedTensorType signlessTensorType(mlir::Type type);
bool isUnsignedElements(mlir::Type type);

/// The C library's strcmp, which compares string handles (see signless()).
constexpr llvm::StringLiteral kStrcmp = "strcmp";

/// ONNX axes (negative counts from the back) as sorted axes in [0, rank); an
/// empty list means every axis.
llvm::SmallVector<int64_t> normalizeAxes(llvm::ArrayRef<int64_t> axes,
                                         int64_t rank);

/// Scalar arithmetic dispatching on the element type: float ops for floats,
/// integer ops for integers (signed unless `isUnsigned`).
mlir::Value createAdd(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y);
mlir::Value createSub(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y);
mlir::Value createMul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y);
/// `isUnsigned`: the nn element type is unsigned (the scalars themselves are
/// signless, as arith needs).
mlir::Value createDiv(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y, bool isUnsigned = false);
/// Max/min propagate NaN for floats, as ONNX Max/Min do.
mlir::Value createMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y, bool isUnsigned = false);
mlir::Value createMin(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y, bool isUnsigned = false);
mlir::Value createAbs(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      bool isUnsigned = false);

/// Converts a signless scalar `x` whose nn element type is `nnFrom` (default:
/// its own type) to the nn element type `nnTo` (float<->float, int<->int,
/// float<->int; signed unless the nn type is unsigned; i1 as unsigned). The
/// result is signless.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                          mlir::Type nnTo, mlir::Type nnFrom = {});

/// The lowest/highest value of a scalar type (-inf/+inf for floats), the
/// identities of max/min reductions.
mlir::Value lowestValue(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Type type, bool isUnsigned = false);
mlir::Value highestValue(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type, bool isUnsigned = false);

/// nn.cast of one scalar: `x` holds the signless (storage) form of an
/// `nnFrom` value; the result the signless (storage) form of `nnTo`.
/// float8/float4/bfloat16 conversions are done with integer operations
/// (CastToLinalg.cpp), following ONNX Cast's rounding and `saturate` /
/// `roundMode` rules; the rest is convertScalar.
mlir::Value castElement(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        mlir::Type nnFrom, mlir::Type nnTo, bool saturate,
                        nn::RoundMode roundMode);

} // namespace systolic::nn_to_linalg

#endif // SYSTOLIC_LOWERING_NNTOLINALG_UTILS_H
