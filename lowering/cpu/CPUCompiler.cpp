//===- CPUCompiler.cpp - linalg on tensors -> CPU shared object -----------===//
#include "lowering/cpu/CPUCompiler.h"

#include "lowering/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"

#include <atomic>
#include <mutex>
#include <optional>

using namespace systolic::cpu;

namespace {
/// Remembers the first pass that failed and on which op, so that a failure
/// no pass explained still gets a diagnostic naming them.
class FailedPassRecorder : public mlir::PassInstrumentation {
public:
  struct Failure {
    std::string pass;
    std::string op;
    mlir::Location loc;
  };

  void runAfterPassFailed(mlir::Pass *pass, mlir::Operation *op) override {
    std::lock_guard<std::mutex> lock(mutex);
    if (first)
      return;
    std::string opName = op->getName().getStringRef().str();
    if (auto symbol = op->getAttrOfType<mlir::StringAttr>(
            mlir::SymbolTable::getSymbolAttrName()))
      opName += " @" + symbol.str();
    first = Failure{pass->getArgument().empty() ? pass->getName().str()
                                                : pass->getArgument().str(),
                    opName, op->getLoc()};
  }

  std::optional<Failure> failure() {
    std::lock_guard<std::mutex> lock(mutex);
    return first;
  }

private:
  std::mutex mutex;
  std::optional<Failure> first;
};
} // namespace

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
  mlir::MLIRContext *ctx = module->getContext();
  mlir::PassManager pm(ctx);
  systolic::buildCPUCodegenPipeline(pm, options);
  auto recorder = std::make_unique<FailedPassRecorder>();
  FailedPassRecorder *failures = recorder.get();
  pm.addInstrumentation(std::move(recorder));

  // Counts the errors the passes report (passing each on to the caller's
  // handlers): a pass that fails without one must not leave the caller with
  // an empty message.
  std::atomic<unsigned> errors{0};
  mlir::LogicalResult result = mlir::failure();
  {
    mlir::ScopedDiagnosticHandler counter(
        ctx, [&](mlir::Diagnostic &diagnostic) {
          if (diagnostic.getSeverity() == mlir::DiagnosticSeverity::Error)
            ++errors;
          return mlir::failure(); // not handled: on to the next handler
        });
    result = pm.run(module);
  }
  if (mlir::succeeded(result) || errors > 0)
    return result;
  if (std::optional<FailedPassRecorder::Failure> failure = failures->failure())
    mlir::emitError(failure->loc)
        << "pass '" << failure->pass << "' failed on '" << failure->op
        << "' without a diagnostic";
  else
    mlir::emitError(module.getLoc())
        << "the CPU code generation pipeline failed without a diagnostic";
  return result;
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
