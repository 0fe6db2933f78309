//===- Passes.h - Partitioning the graph into dispatches --------*- C++ -*-===//
#ifndef SYSTOLIC_LOWERING_DISPATCH_PASSES_H
#define SYSTOLIC_LOWERING_DISPATCH_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace systolic {
#define GEN_PASS_DECL
#include "lowering/dispatch/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowering/dispatch/Passes.h.inc"

/// The attribute that marks a function as a dispatch and names the graph op
/// (the ONNX node, when there is one) it was outlined from.
inline constexpr llvm::StringLiteral kDispatchNameAttr = "systolic.dispatch";
/// The device kind that runs a dispatch ("accel"); absent means "cpu".
inline constexpr llvm::StringLiteral kDispatchDeviceAttr = "systolic.device";
/// On an accel dispatch, what systolic-fuse-dense-chains did with it: the
/// layers it fused, or why it was not fused with its producer.
inline constexpr llvm::StringLiteral kFusionAttr = "systolic.fusion";
/// On a fused dispatch: the names of the dispatches it merged, in order.
inline constexpr llvm::StringLiteral kFusedLayersAttr = "systolic.fused_layers";
} // namespace systolic

#endif // SYSTOLIC_LOWERING_DISPATCH_PASSES_H
