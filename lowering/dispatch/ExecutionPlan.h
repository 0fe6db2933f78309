//===- ExecutionPlan.h - The runtime's view of an outlined graph -*- C++ -*-===//
//
// After `systolic-outline-dispatches`, the entry function is a sequence of
// calls to dispatch functions. This file reads that sequence as the plan the
// runtime executes: buffers (inputs, outputs, constants, intermediates) and
// dispatches with their buffer bindings (operands first, then results).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_DISPATCH_EXECUTIONPLAN_H
#define SYSTOLIC_LOWERING_DISPATCH_EXECUTIONPLAN_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <string>
#include <vector>

namespace systolic {

struct PlanBuffer {
  enum class Kind { Input, Output, Constant, Intermediate };
  Kind kind;
  /// Signature name for inputs and outputs, empty otherwise.
  std::string name;
  mlir::RankedTensorType type;
  int64_t byteSize;
  /// For constants: their value.
  mlir::ElementsAttr value;
};

struct PlanDispatch {
  /// The dispatch function's symbol (the entry point in the executable).
  std::string symbol;
  /// The graph op it came from (the ONNX node name when known).
  std::string name;
  /// The device kind that runs it: "cpu" or "accel".
  std::string device;
  /// Indices into ExecutionPlan::buffers: operands, then results.
  std::vector<int> bindings;
  /// How many of the bindings are operands (read); the rest are written.
  size_t numOperands;
  /// Floating-point (or integer) operations, for throughput reports.
  int64_t flops;
};

struct ExecutionPlan {
  std::vector<PlanBuffer> buffers;
  std::vector<PlanDispatch> dispatches;
  /// Buffer indices of the signature's inputs and outputs, in order.
  std::vector<int> inputs, outputs;
};

/// Storage size of one element; i1 is stored as one byte, a string as a
/// pointer to its NUL-terminated bytes.
int64_t getElementByteSize(mlir::Type elementType);

/// Reads the plan from an entry function produced by
/// systolic-outline-dispatches. Emits a diagnostic and fails on IR that is
/// not in that form.
mlir::FailureOr<ExecutionPlan> buildExecutionPlan(mlir::func::FuncOp entry);

/// Prints the plan as text, one buffer and one dispatch per line (for
/// `systolic-compile --emit=plan` and tests).
void printExecutionPlan(const ExecutionPlan &plan, llvm::raw_ostream &os);

} // namespace systolic

#endif // SYSTOLIC_LOWERING_DISPATCH_EXECUTIONPLAN_H
