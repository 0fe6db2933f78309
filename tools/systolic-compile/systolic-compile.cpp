//===- systolic-compile.cpp - Ahead-of-time compiler driver ---------------===//
//
// Reads a model (an ONNX file, or nn-dialect MLIR) and compiles it ahead of
// time into an artifact for the runtime, or writes an intermediate form.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNDialect.h"
#include "dialects/systolic/SystolicDialect.h"
#include "lowering/accel/AccelCodegen.h"
#include "lowering/driver/ModelCompiler.h"
#include "lowering/onnx/OnnxImporter.h"
#include "tools/common/ToolSupport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
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
static cl::opt<systolic::EmitKind> emit(
    "emit", cl::desc("What to write (default: the compiled artifact)"),
    cl::init(systolic::EmitKind::Artifact),
    cl::values(
        clEnumValN(systolic::EmitKind::NN, "nn",
                   "the nn dialect after graph-level passes"),
        clEnumValN(systolic::EmitKind::Plan, "plan",
                   "the execution plan: buffers and dispatches"),
        clEnumValN(systolic::EmitKind::Linalg, "linalg",
                   "the dispatches lowered to linalg on tensors"),
        clEnumValN(systolic::EmitKind::LLVM, "llvm",
                   "the CPU code as optimized LLVM IR"),
        clEnumValN(systolic::EmitKind::Asm, "asm", "the CPU code as assembly"),
        clEnumValN(systolic::EmitKind::Artifact, "sysm",
                   "the compiled model artifact (.sysm), needs -o"),
        clEnumValN(systolic::EmitKind::Accel, "accel",
                   "target accel: the accelerator executable as a report "
                   "(DRAM layout, dataflow, MACs, cycle figures)"),
        clEnumValN(systolic::EmitKind::AccelAsm, "accel-asm",
                   "target accel: the report and every accelerator program "
                   "disassembled")),
    cl::cat(category));
static cl::opt<std::string> target(
    "target",
    cl::desc("Where the model runs: cpu, or accel (the Systolic accelerator "
             "runs the quantized layers, the CPU the rest)"),
    cl::init("cpu"), cl::cat(category));
static cl::opt<std::string> accelConfig(
    "accel-config",
    cl::desc("Accelerator configuration for --target=accel: RxC (default "
             "16x16) then optional ,key=value overrides: sp-rows, sp-banks, "
             "acc-rows, acc-banks, queue-depth, dram-bytes, dram-bw (bytes per "
             "cycle), dram-latency, dataflows (ws|os|ws+os)"),
    cl::value_desc("RxC[,key=value...]"), cl::init("16x16"), cl::cat(category));
static cl::opt<std::string> mcpu(
    "mcpu", cl::desc("CPU to generate code for (default: this machine's)"),
    cl::value_desc("name"), cl::cat(category));
static cl::opt<std::string> mattr(
    "mattr", cl::desc("CPU features to add or remove, e.g. +avx2,-avx512f"),
    cl::value_desc("features"), cl::cat(category));
static cl::opt<unsigned> threads(
    "num-threads", cl::desc("Threads each dispatch's outer loop is split over"),
    cl::init(1), cl::cat(category));
static cl::list<std::string> calibrate(
    "calibrate",
    cl::desc("Target accel: one calibration sample, as one .npy file per model "
             "input in signature order (repeatable; one per sample)"),
    cl::value_desc("@x.npy[,@y.npy...]"), cl::cat(category));
static cl::opt<systolic::CalibrationOptions::Observer> calibrationObserver(
    "calibration-observer", cl::desc("How activation ranges are observed"),
    cl::init(systolic::CalibrationOptions::Observer::MinMax),
    cl::values(clEnumValN(systolic::CalibrationOptions::Observer::MinMax,
                          "minmax", "smallest and largest value seen"),
               clEnumValN(systolic::CalibrationOptions::Observer::Percentile,
                          "percentile",
                          "--calibration-percentile of each sample, averaged")),
    cl::cat(category));
static cl::opt<double> calibrationPercentile(
    "calibration-percentile",
    cl::desc("Percentile kept by --calibration-observer=percentile (default 99.99)"),
    cl::init(99.99), cl::cat(category));
static cl::opt<bool> reportPlacement(
    "report-placement",
    cl::desc("Target accel: print where each graph op runs and why (stderr)"),
    cl::cat(category));

static cl::opt<bool> fuseDenseChains(
    "fuse-dense-chains",
    cl::desc("Target accel: run chains of dense layers as one accelerator "
             "program, intermediates on chip, where that saves DRAM traffic "
             "(default on; =false keeps one dispatch per layer)"),
    cl::init(true), cl::cat(category));

static cl::opt<bool> reportQuantizationError(
    "report-quantization-error",
    cl::desc("Target accel: print each output's error against the f32 model on "
             "the calibration samples (stderr)"),
    cl::cat(category));

/// Parses the --calibrate values into samples of file names.
static bool parseCalibration(systolic::CalibrationOptions &calibration) {
  for (const std::string &sample : calibrate) {
    std::vector<std::string> files;
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(sample).split(parts, ',');
    for (llvm::StringRef part : parts) {
      if (!part.consume_front("@") || part.empty()) {
        llvm::errs() << "systolic-compile: error: --calibrate expects @file.npy "
                        "(comma-separated, one per model input), got '"
                     << sample << "'\n";
        return false;
      }
      files.push_back(part.str());
    }
    calibration.samples.push_back(std::move(files));
  }
  if (!(calibrationPercentile > 50 && calibrationPercentile <= 100)) {
    llvm::errs() << "systolic-compile: error: --calibration-percentile must be in "
                    "(50, 100], got "
                 << calibrationPercentile << "\n";
    return false;
  }
  calibration.observer = calibrationObserver;
  calibration.percentile = calibrationPercentile;
  return true;
}

static int compile() {
  mlir::MLIRContext context;
  // Diagnostics name the ONNX node; dumping the op's IR would only add noise.
  context.printOpOnDiagnostic(false);
  context.loadDialect<systolic::nn::NNDialect, systolic::accel::SystolicDialect,
                      mlir::func::FuncDialect>();

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
  if (importOnly) {
    auto output = mlir::openOutputFile(outputFile, &error);
    if (!output) {
      llvm::errs() << "systolic-compile: error: " << error << "\n";
      return 1;
    }
    module->print(output->os());
    output->keep();
    return 0;
  }

  systolic::CompileOptions options;
  options.target = target;
  if (accelConfig.getNumOccurrences() && target != "accel") {
    llvm::errs() << "systolic-compile: error: --accel-config needs --target=accel\n";
    return 1;
  }
  llvm::Expected<systolic::artifact::accel::HwDescription> hw =
      systolic::accel::parseAccelConfig(accelConfig);
  if (!hw) {
    llvm::errs() << "systolic-compile: error: " << toString(hw.takeError()) << "\n";
    return 1;
  }
  options.accel = *hw;
  if ((calibrate.getNumOccurrences() || reportPlacement) && target != "accel") {
    llvm::errs() << "systolic-compile: error: --calibrate and --report-placement "
                    "need --target=accel\n";
    return 1;
  }
  if (!parseCalibration(options.calibration))
    return 1;
  options.reportPlacement = reportPlacement;
  options.fuseDenseChains = fuseDenseChains;
  if (reportQuantizationError && calibrate.empty()) {
    llvm::errs() << "systolic-compile: error: --report-quantization-error needs "
                    "--calibrate samples to measure on\n";
    return 1;
  }
  options.reportQuantizationError = reportQuantizationError;
  options.cpu.target.cpu = mcpu;
  options.cpu.target.features = mattr;
  options.cpu.threads = threads;
  options.producer = ("systolic-compile " + systolic::getVersion()).str();
  // Compile into memory first: a failed compile leaves an existing output
  // file untouched.
  std::string result;
  llvm::raw_string_ostream resultStream(result);
  if (mlir::failed(systolic::compileModel(*module, emit, options, resultStream)))
    return 1;

  auto output = mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "systolic-compile: error: " << error << "\n";
    return 1;
  }
  output->os() << result;
  output->keep();
  return 0;
}

int main(int argc, char **argv) {
  systolic::parseToolCommandLine(argc, argv, "systolic-compile",
                                 "Systolic ahead-of-time compiler\n", category);
  if (listOnnxOps) {
    systolic::onnx::printSupportedOnnxOps(llvm::outs());
    return 0;
  }
  if (inputFile.empty()) {
    llvm::errs() << "systolic-compile: error: no input model given\n";
    return 1;
  }
  if (!importOnly && emit == systolic::EmitKind::Artifact && outputFile == "-") {
    llvm::errs() << "systolic-compile: error: the artifact is a binary file; "
                    "name it with -o model.sysm (or choose a text form with "
                    "--emit=nn|plan|linalg|llvm|asm|accel|accel-asm)\n";
    return 1;
  }
  if (threads == 0) {
    llvm::errs() << "systolic-compile: error: --num-threads must be at least 1\n";
    return 1;
  }
  return compile();
}
