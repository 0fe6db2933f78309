//===- systolic-compile.cpp - Ahead-of-time compiler driver ---------------===//
//
// Reads a model, runs the graph-level pipeline and writes the requested form.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNDialect.h"
#include "lowering/Pipelines.h"
#include "tools/common/ToolSupport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

static cl::OptionCategory category("systolic-compile options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' for stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(category));
enum class EmitKind { NN };
static cl::opt<EmitKind> emit(
    "emit", cl::desc("What to write"), cl::init(EmitKind::NN),
    cl::values(clEnumValN(EmitKind::NN, "nn",
                          "the nn dialect after graph-level passes")),
    cl::cat(category));

static int compile() {
  mlir::MLIRContext context;
  context.loadDialect<systolic::nn::NNDialect, mlir::func::FuncDialect>();

  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  std::string error;
  auto input = mlir::openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << "systolic-compile: error: cannot read '" << inputFile
                 << "': " << error << "\n";
    return 1;
  }
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  mlir::PassManager pm(&context);
  systolic::buildNNGraphPipeline(pm);
  if (mlir::failed(pm.run(*module)))
    return 1;

  auto output = mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "systolic-compile: error: " << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->keep();
  return 0;
}

int main(int argc, char **argv) {
  cl::HideUnrelatedOptions(category);
  systolic::parseToolCommandLine(argc, argv, "systolic-compile",
                                 "Systolic ahead-of-time compiler\n");
  return compile();
}
