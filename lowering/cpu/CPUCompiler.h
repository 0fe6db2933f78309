//===- CPUCompiler.h - linalg on tensors -> CPU shared object ---*- C++ -*-===//
#ifndef SYSTOLIC_LOWERING_CPU_CPUCOMPILER_H
#define SYSTOLIC_LOWERING_CPU_CPUCOMPILER_H

#include "lowering/cpu/CPUTarget.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace systolic::cpu {

/// Registers the dialects and interface implementations (bufferization,
/// tiling, LLVM translation) that the CPU pipeline needs on its input and
/// along the way.
void registerCPUCodegenDialects(mlir::DialectRegistry &registry);

/// A compiled CPU executable: an ELF shared object following the CPU
/// executable ABI, and its entry points (in the module's function order).
struct CPUExecutable {
  std::string sharedObject;
  std::vector<std::string> entryPoints;
  /// Whether the object depends on the OpenMP runtime (libomp.so.5).
  bool usesOpenMP = false;
};

/// Runs buildCPUCodegenPipeline on `module` (functions on tensors with
/// linalg/tensor/arith/math ops and static shapes), leaving it in the LLVM
/// dialect. Errors are reported as diagnostics on the module's context.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       const CPUCodegenOptions &options);

/// Compiles `module` (modified in place) into a shared object: each public
/// function `f` becomes `extern "C" void f(void **bindings)`, bindings being
/// its arguments, then its results, as dense row-major buffers.
llvm::Expected<CPUExecutable>
compileToSharedObject(mlir::ModuleOp module, const CPUCodegenOptions &options);

} // namespace systolic::cpu

#endif // SYSTOLIC_LOWERING_CPU_CPUCOMPILER_H
