//===- CPUCompiler.cpp - linalg on tensors -> CPU shared object -----------===//
#include "lowering/cpu/CPUCompiler.h"

#include "lowering/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"

using namespace systolic::cpu;

void systolic::cpu::registerCPUCodegenDialects(mlir::DialectRegistry &registry) {
  // The pipeline crosses most of upstream: linalg/tensor/vector/scf/memref,
  // bufferization and tiling interface models, OpenMP and the LLVM dialect.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerOpenMPDialectTranslation(registry);
}

mlir::LogicalResult
systolic::cpu::lowerToLLVMDialect(mlir::ModuleOp module,
                                  const CPUCodegenOptions &options) {
  mlir::PassManager pm(module->getContext());
  systolic::buildCPUCodegenPipeline(pm, options);
  return pm.run(module);
}

llvm::Expected<CPUExecutable>
systolic::cpu::compileToSharedObject(mlir::ModuleOp module,
                                     const CPUCodegenOptions &options) {
  CPUExecutable executable;
  for (auto func : module.getOps<mlir::func::FuncOp>())
    if (func.isPublic() && !func.isDeclaration())
      executable.entryPoints.push_back(func.getSymName().str());

  // Collect the pipeline's diagnostics into the error, so that callers get
  // one message with the location of the offending op.
  std::string diagnostics;
  {
    mlir::ScopedDiagnosticHandler handler(
        module->getContext(), [&](mlir::Diagnostic &diagnostic) {
          llvm::raw_string_ostream os(diagnostics);
          os << diagnostic.getLocation() << ": " << diagnostic << "\n";
          return mlir::success();
        });
    if (mlir::failed(lowerToLLVMDialect(module, options)))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "CPU code generation failed:\n" + diagnostics);
  }
  // omp.* ops become calls into the OpenMP runtime at translation.
  module.walk([&](mlir::Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "omp") {
      executable.usesOpenMP = true;
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  auto object = emitObject(module, options.target);
  if (!object)
    return object.takeError();
  auto shared = linkSharedObject(*object, executable.usesOpenMP);
  if (!shared)
    return shared.takeError();
  executable.sharedObject = std::move(*shared);
  return executable;
}
