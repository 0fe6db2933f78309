//===- ToolSupport.cpp - Shared command-line behaviour of the drivers -----===//
#include "tools/common/ToolSupport.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

llvm::StringRef systolic::getVersion() { return SYSTOLIC_VERSION; }

void systolic::parseToolCommandLine(int argc, char **argv,
                                    llvm::StringRef toolName,
                                    llvm::StringRef overview) {
  std::string name = toolName.str();
  llvm::cl::SetVersionPrinter([name](llvm::raw_ostream &os) {
    os << name << " (Systolic) " << getVersion() << "\n"
       << "  built with LLVM/MLIR " << LLVM_VERSION_STRING << "\n";
  });
  llvm::cl::ParseCommandLineOptions(argc, argv, overview);
}
