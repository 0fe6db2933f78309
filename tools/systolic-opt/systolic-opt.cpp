//===- systolic-opt.cpp - mlir-opt with the Systolic dialects and passes --===//
#include "dialects/nn/NNDialect.h"
#include "dialects/nn/Transforms/Passes.h"
#include "dialects/systolic/SystolicDialect.h"
#include "lowering/NNToLinalg/Passes.h"
#include "lowering/accel/Passes.h"
#include "lowering/Pipelines.h"
#include "lowering/SystolicToLinalg/Passes.h"
#include "lowering/cpu/Passes.h"
#include "lowering/dispatch/Passes.h"
#include "tools/common/ToolSupport.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  systolic::nn::registerNNTransformsPasses();
  systolic::registerNNToLinalgPasses();
  systolic::registerSystolicToLinalgPasses();
  systolic::registerPipelines();
  systolic::cpu::registerCPUCodegenPasses();
  systolic::registerDispatchPasses();
  systolic::accel::registerAccelPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<systolic::nn::NNDialect, systolic::accel::SystolicDialect>();

  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "Systolic " << systolic::getVersion() << "\n";
  });
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Systolic optimizer driver\n", registry));
}
