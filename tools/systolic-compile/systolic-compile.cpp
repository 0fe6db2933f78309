//===- systolic-compile.cpp - Ahead-of-time compiler driver ---------------===//
//
// Reads a model (an ONNX file, or nn-dialect MLIR), runs the graph-level
// pipeline and writes the requested form.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNDialect.h"
#include "lowering/Pipelines.h"
#include "lowering/onnx/OnnxImporter.h"
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
                                      cl::cat(category));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Static shape of an ONNX graph input with dynamic dimensions "
             "(repeatable), e.g. input.1:1x3x224x224"),
    cl::value_desc("name:shape"), cl::cat(category));
static cl::opt<int64_t> batchSize(
    "batch-size",
    cl::desc("Size of the leading dynamic (batch) dimension of ONNX inputs"),
    cl::value_desc("n"), cl::init(0), cl::cat(category));
static cl::opt<bool> importOnly(
    "import-only",
    cl::desc("Write the nn dialect as imported, before any pass"),
    cl::cat(category));
static cl::opt<bool> listOnnxOps(
    "list-onnx-ops",
    cl::desc("Print the supported ONNX ops as a Markdown table and exit"),
    cl::cat(category));
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
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (systolic::onnx::looksLikeOnnx(inputFile, input->getBuffer())) {
    systolic::onnx::ImportOptions options;
    for (const std::string &spec : inputShapes)
      if (llvm::Error err =
              systolic::onnx::parseInputShapeOption(spec, options)) {
        llvm::errs() << "systolic-compile: error: " << toString(std::move(err))
                     << "\n";
        return 1;
      }
    if (batchSize.getNumOccurrences()) {
      if (batchSize <= 0) {
        llvm::errs() << "systolic-compile: error: --batch-size must be "
                        "positive, got "
                     << batchSize << "\n";
        return 1;
      }
      options.batchSize = batchSize;
    }
    module = systolic::onnx::importOnnxFile(inputFile, &context, options);
  } else {
    sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
    module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  }
  if (!module)
    return 1;

  if (!importOnly) {
    mlir::PassManager pm(&context);
    systolic::buildNNGraphPipeline(pm);
    if (mlir::failed(pm.run(*module)))
      return 1;
  }

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
  if (listOnnxOps) {
    systolic::onnx::printSupportedOnnxOps(llvm::outs());
    return 0;
  }
  if (inputFile.empty()) {
    llvm::errs() << "systolic-compile: error: no input model given\n";
    return 1;
  }
  return compile();
}
