//===- ModelCompiler.h - nn module -> artifact ------------------*- C++ -*-===//
//
// The compiler behind systolic-compile: from a module in the nn dialect to
// the artifact the runtime loads, or to any intermediate form on request.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_DRIVER_MODELCOMPILER_H
#define SYSTOLIC_LOWERING_DRIVER_MODELCOMPILER_H

#include "lowering/cpu/CPUTarget.h"
#include "runtime/artifact/AccelExecutable.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <vector>

namespace systolic {

/// The forms systolic-compile can write.
enum class EmitKind {
  NN,       ///< the nn dialect after the graph pipeline
  Plan,     ///< the execution plan: buffers and dispatches, as text
  Linalg,   ///< the dispatches lowered to linalg on tensors
  LLVM,     ///< the CPU executable as optimized LLVM IR
  Asm,      ///< the CPU executable as assembly
  Artifact, ///< the compiled model (.sysm)
  Accel,    ///< the accel executable as a report (layout, dataflow, cycles)
  AccelAsm, ///< the report and every accelerator program disassembled
};

struct CompileOptions {
  /// The target the dispatches are compiled for: "cpu", or "accel" (layer
  /// dispatches on the accelerator, everything else and the accel
  /// dispatches' bit-exact references on the CPU).
  std::string target = "cpu";
  cpu::CPUCodegenOptions cpu;
  /// The accelerator configuration for target "accel" (default 16x16).
  artifact::accel::HwDescription accel;
  /// Producer string recorded in the artifact.
  std::string producer = "systolic-compile";
};

/// Compiles `module` (nn dialect, `@main` entry; modified in place) and
/// writes the form `emit` asks for to `os`. Problems are reported as
/// diagnostics on the module's context (or, for LLVM errors, on `@main`).
mlir::LogicalResult compileModel(mlir::ModuleOp module, EmitKind emit,
                                 const CompileOptions &options,
                                 llvm::raw_ostream &os);

} // namespace systolic

#endif // SYSTOLIC_LOWERING_DRIVER_MODELCOMPILER_H
