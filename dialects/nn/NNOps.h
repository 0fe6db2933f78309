//===- NNOps.h - nn dialect operations --------------------------*- C++ -*-===//
#ifndef SYSTOLIC_DIALECTS_NN_NNOPS_H
#define SYSTOLIC_DIALECTS_NN_NNOPS_H

#include "dialects/nn/NNDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/nn/NNOpsEnums.h.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/nn/NNAttrs.h.inc"

namespace systolic::nn {

/// Result type of a NumPy-broadcasting binary op; the element type is the lhs'.
llvm::LogicalResult
inferBroadcastResultType(std::optional<mlir::Location> loc, mlir::Type lhs,
                         mlir::Type rhs,
                         llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Result type of a reduction over `axes` (empty: all axes).
llvm::LogicalResult
inferReductionResultType(std::optional<mlir::Location> loc, mlir::Type input,
                         llvm::ArrayRef<int64_t> axes, bool keepDims,
                         llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Checks that every axis is within [-rank, rank) and appears once.
llvm::LogicalResult verifyReductionAxes(mlir::Operation *op, mlir::Type input,
                                        llvm::ArrayRef<int64_t> axes);

/// A loss is a scalar unless reduction is `none`, which keeps the input shape.
llvm::LogicalResult
inferLossResultType(mlir::Type prediction, LossReduction reduction,
                    llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Result type of argmax/argmin: i64, `axis` removed or kept as size 1.
llvm::LogicalResult
inferArgReductionResultType(std::optional<mlir::Location> loc, mlir::Type input,
                            int64_t axis, bool keepDims,
                            llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Result type of a global pool: [N, C, spatial...] -> [N, C, 1...].
llvm::LogicalResult
inferGlobalPoolResultType(std::optional<mlir::Location> loc, mlir::Type input,
                          llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Checks that a single `axis` is within [-rank, rank).
llvm::LogicalResult verifyAxis(mlir::Operation *op, mlir::Type input,
                               int64_t axis);

/// `axis` in [0, rank), or nullopt when it is outside [-rank, rank).
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// True when `from` broadcasts to `to` without changing `to` (ONNX
/// unidirectional broadcasting: aligned from the back, each dim equal or 1).
bool isUnidirectionallyBroadcastable(llvm::ArrayRef<int64_t> from,
                                     llvm::ArrayRef<int64_t> to);

/// One input dimension of an nn.slice after ONNX clamping: the result takes
/// `size` elements starting at `start`, `step` apart.
struct SliceDimension {
  int64_t start;
  int64_t step;
  int64_t size;
};
/// True for the float8 formats (ONNX FLOAT8E4M3FN, FLOAT8E4M3FNUZ,
/// FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT8E8M0), which nn.cast's `saturate`
/// applies to.
bool isFloat8(mlir::Type type);
/// True for the element types no op computes with (float8, float4, 4- and
/// 2-bit integers): only nn.cast and nn.reshape take them.
bool isStorageOnlyType(mlir::Type type);

/// The ONNX node name the importer recorded in `loc` (a NameLoc, possibly
/// inside a FusedLoc), or "" when there is none.
std::string getNodeName(mlir::Location loc);

} // namespace systolic::nn

#include "dialects/nn/NNInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/nn/NNOps.h.inc"

#endif // SYSTOLIC_DIALECTS_NN_NNOPS_H
