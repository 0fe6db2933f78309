//===- CPUTarget.h - Host target description and object emission -*- C++ -*-===//
//
// From an MLIR module in the LLVM dialect to LLVM IR, assembly, an object
// file and an ELF shared object for a CPU (by default the build machine).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_CPU_CPUTARGET_H
#define SYSTOLIC_LOWERING_CPU_CPUTARGET_H

#include "lowering/cpu/RegisterTile.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace systolic::cpu {

/// Which CPU to generate code for. Empty fields mean the build machine.
struct CPUTargetOptions {
  std::string triple;   // e.g. "x86_64-pc-linux-gnu"
  std::string cpu;      // -mcpu, e.g. "znver3", "skylake-avx512"
  std::string features; // -mattr, e.g. "+avx2,-avx512f"; added to the CPU's
  unsigned optLevel = 3;
};

/// Options of the CPU code generation pipeline (buildCPUCodegenPipeline).
struct CPUCodegenOptions {
  CPUTargetOptions target;
  /// Threads the outermost parallel loop of each op is distributed over
  /// (OpenMP); 1 generates sequential code without a runtime dependency.
  unsigned threads = 1;
};

/// A position-independent TargetMachine for `options`; FP multiply-add
/// contraction is enabled (the vector code relies on FMAs).
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CPUTargetOptions &options);

/// The vector unit of the target (width and register count), for tiling.
llvm::Expected<VectorTarget> getVectorTarget(const CPUTargetOptions &options);

/// Translates `module` (LLVM dialect only) to LLVM IR and optimizes it at
/// `options.optLevel` for the target.
llvm::Expected<std::unique_ptr<llvm::Module>>
emitLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
           const CPUTargetOptions &options);

/// The optimized module as textual LLVM IR, assembly or an ELF object.
llvm::Expected<std::string> emitLLVMIRText(mlir::ModuleOp module,
                                           const CPUTargetOptions &options);
llvm::Expected<std::string> emitAssembly(mlir::ModuleOp module,
                                         const CPUTargetOptions &options);
llvm::Expected<std::string> emitObject(mlir::ModuleOp module,
                                       const CPUTargetOptions &options);

/// Links one relocatable object into an ELF shared object with the system
/// compiler driver (`cc -shared`, run on temporary files). With `openMP` it
/// records a dependency on the LLVM OpenMP runtime (libomp.so.5). Undefined
/// symbols are link errors.
llvm::Expected<std::string> linkSharedObject(llvm::StringRef object,
                                             bool openMP);

} // namespace systolic::cpu

#endif // SYSTOLIC_LOWERING_CPU_CPUTARGET_H
