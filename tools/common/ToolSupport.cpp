//===- ToolSupport.cpp - Shared command-line behaviour of the drivers -----===//
#include "tools/common/ToolSupport.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

llvm::StringRef systolic::getVersion() { return SYSTOLIC_VERSION; }

void systolic::parseToolCommandLine(int argc, char **argv,
                                    llvm::StringRef toolName,
                                    llvm::StringRef overview,
                                    llvm::cl::OptionCategory &category) {
  // HideUnrelatedOptions leaves visible exactly the tool's own options and
  // the generic ones (--help, --version); everything it hid is some
  // library's global option and is removed, so the parser rejects it.
  llvm::cl::HideUnrelatedOptions(category);
  llvm::SmallVector<llvm::cl::Option *> foreign;
  for (auto &entry : llvm::cl::getRegisteredOptions())
    if (entry.second->getOptionHiddenFlag() == llvm::cl::ReallyHidden)
      foreign.push_back(entry.second);
  for (llvm::cl::Option *option : foreign)
    option->removeArgument();
  std::string name = toolName.str();
  llvm::cl::SetVersionPrinter([name](llvm::raw_ostream &os) {
    os << name << " (Systolic) " << getVersion() << "\n"
       << "  built with LLVM/MLIR " << LLVM_VERSION_STRING << "\n";
  });
  llvm::cl::ParseCommandLineOptions(argc, argv, overview);
}
