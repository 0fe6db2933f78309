//===- CPUTarget.cpp - Host target description and object emission -------===//
#include "lowering/cpu/CPUTarget.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace systolic::cpu;

namespace {
llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// "+a,-b,..." for the build machine's features.
std::string hostFeatures() {
  std::string features;
  for (const auto &feature : llvm::sys::getHostCPUFeatures()) {
    if (!features.empty())
      features += ',';
    features += (feature.second ? "+" : "-") + feature.first().str();
  }
  return features;
}

/// Removes a temporary file when it goes out of scope.
struct TempFile {
  llvm::SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

llvm::Expected<std::string>
emitWithCodeGen(mlir::ModuleOp module, const CPUTargetOptions &options,
                llvm::CodeGenFileType kind) {
  llvm::LLVMContext llvmContext;
  auto llvmModule = emitLLVMIR(module, llvmContext, options);
  if (!llvmModule)
    return llvmModule.takeError();
  auto machine = createTargetMachine(options);
  if (!machine)
    return machine.takeError();
  llvm::SmallString<0> out;
  llvm::raw_svector_ostream stream(out);
  llvm::legacy::PassManager codegen;
  if ((*machine)->addPassesToEmitFile(codegen, stream, nullptr, kind))
    return makeError("the target cannot emit this file type");
  codegen.run(**llvmModule);
  return std::string(out.str());
}
} // namespace

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
systolic::cpu::createTargetMachine(const CPUTargetOptions &options) {
  // Registering a target appends to LLVM's global target list without a
  // lock; passes run on several threads at once, so register exactly once.
  static const bool registered = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)registered;
  llvm::Triple triple(options.triple.empty()
                          ? llvm::sys::getDefaultTargetTriple()
                          : options.triple);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return makeError("unknown target triple '" + triple.str() + "': " + error);
  bool host = options.cpu.empty();
  std::string cpu = host ? llvm::sys::getHostCPUName().str() : options.cpu;
  std::string features = host ? hostFeatures() : std::string();
  if (!options.features.empty())
    features += (features.empty() ? "" : ",") + options.features;

  llvm::TargetOptions targetOptions;
  targetOptions.AllowFPOpFusion = llvm::FPOpFusion::Fast;
  llvm::CodeGenOptLevel level =
      options.optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
      : options.optLevel == 2 ? llvm::CodeGenOptLevel::Default
      : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
                              : llvm::CodeGenOptLevel::None;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, targetOptions, llvm::Reloc::PIC_, std::nullopt,
      level));
  if (!machine)
    return makeError("cannot create a target machine for '" + triple.str() +
                     "', cpu '" + cpu + "'");
  const llvm::MCSubtargetInfo *subtarget = machine->getMCSubtargetInfo();
  if (!host && !subtarget->isCPUStringValid(cpu))
    return makeError("unknown CPU '" + cpu + "' for '" + triple.str() + "'");
  return std::move(machine);
}

llvm::Expected<VectorTarget>
systolic::cpu::getVectorTarget(const CPUTargetOptions &options) {
  auto machine = createTargetMachine(options);
  if (!machine)
    return machine.takeError();
  const llvm::MCSubtargetInfo *subtarget = (*machine)->getMCSubtargetInfo();
  VectorTarget target;
  if (!(*machine)->getTargetTriple().isX86()) {
    target.vectorBits = 128;
    target.numVectorRegisters = 32;
  } else if (subtarget->checkFeatures("+avx512f")) {
    target.vectorBits = 512;
    target.numVectorRegisters = 32;
  } else if (subtarget->checkFeatures("+avx")) {
    target.vectorBits = 256;
    target.numVectorRegisters = 16;
  } else {
    target.vectorBits = 128;
    target.numVectorRegisters = 16;
  }
  return target;
}

llvm::Expected<std::unique_ptr<llvm::Module>>
systolic::cpu::emitLLVMIR(mlir::ModuleOp module,
                          llvm::LLVMContext &llvmContext,
                          const CPUTargetOptions &options) {
  mlir::DialectRegistry registry;
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerOpenMPDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);

  std::string diagnostics;
  std::unique_ptr<llvm::Module> llvmModule;
  {
    mlir::ScopedDiagnosticHandler handler(
        module->getContext(), [&](mlir::Diagnostic &diagnostic) {
          llvm::raw_string_ostream os(diagnostics);
          os << "\n" << diagnostic.getLocation() << ": " << diagnostic;
          return mlir::success();
        });
    llvmModule =
        mlir::translateModuleToLLVMIR(module, llvmContext, "systolic_cpu");
  }
  if (!llvmModule)
    return makeError("translation to LLVM IR failed:" + diagnostics);
  auto machine = createTargetMachine(options);
  if (!machine)
    return machine.takeError();
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  auto optimize = mlir::makeOptimizingTransformer(options.optLevel,
                                                  /*sizeLevel=*/0,
                                                  machine->get());
  if (llvm::Error error = optimize(llvmModule.get()))
    return std::move(error);
  return std::move(llvmModule);
}

llvm::Expected<std::string>
systolic::cpu::emitLLVMIRText(mlir::ModuleOp module,
                              const CPUTargetOptions &options) {
  llvm::LLVMContext llvmContext;
  auto llvmModule = emitLLVMIR(module, llvmContext, options);
  if (!llvmModule)
    return llvmModule.takeError();
  std::string text;
  llvm::raw_string_ostream stream(text);
  (*llvmModule)->print(stream, nullptr);
  return text;
}

llvm::Expected<std::string>
systolic::cpu::emitAssembly(mlir::ModuleOp module,
                            const CPUTargetOptions &options) {
  return emitWithCodeGen(module, options, llvm::CodeGenFileType::AssemblyFile);
}

llvm::Expected<std::string>
systolic::cpu::emitObject(mlir::ModuleOp module,
                          const CPUTargetOptions &options) {
  return emitWithCodeGen(module, options, llvm::CodeGenFileType::ObjectFile);
}

llvm::Expected<std::string>
systolic::cpu::linkSharedObject(llvm::StringRef object, bool openMP) {
  llvm::ErrorOr<std::string> driver = llvm::sys::findProgramByName("cc");
  if (!driver)
    return makeError("cannot link the CPU executable: no 'cc' on PATH");
  TempFile objectFile, sharedFile, logFile;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "systolic-cpu", "o", fd, objectFile.path))
    return makeError("cannot create a temporary object file: " + ec.message());
  {
    llvm::raw_fd_ostream stream(fd, /*shouldClose=*/true);
    stream << object;
  }
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "systolic-cpu", "so", sharedFile.path))
    return makeError("cannot create a temporary file: " + ec.message());
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "systolic-cpu-link", "log", logFile.path))
    return makeError("cannot create a temporary file: " + ec.message());

  llvm::SmallVector<llvm::StringRef> args = {
      *driver, "-shared", "-Wl,-z,defs", "-Wl,--as-needed", "-o",
      sharedFile.path, objectFile.path};
  if (openMP)
    args.push_back("-l:libomp.so.5");
  args.append({"-lm", "-lc"});
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logFile.path,
                                                logFile.path};
  std::string error;
  int status = llvm::sys::ExecuteAndWait(*driver, args, std::nullopt,
                                         redirects, 0, 0, &error);
  if (status != 0) {
    auto log = llvm::MemoryBuffer::getFile(logFile.path);
    return makeError("linking the CPU executable failed" +
                     (error.empty() ? "" : ": " + error) +
                     (log ? "\n" + (*log)->getBuffer().str() : ""));
  }
  auto shared = llvm::MemoryBuffer::getFile(sharedFile.path);
  if (!shared)
    return makeError("cannot read the linked shared object: " +
                     shared.getError().message());
  return (*shared)->getBuffer().str();
}
