//===- systolic-run.cpp - Runtime driver -----------------------------------===//
//
// Entry point of the runtime driver; the artifact loader and devices it uses
// arrive with the runtime (runtime/). Until then it only validates its flags.
//
//===----------------------------------------------------------------------===//
#include "tools/common/ToolSupport.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::OptionCategory category("systolic-run options");
static cl::opt<std::string> modulePath("module", cl::desc("Compiled artifact (.sysm)"),
                                       cl::value_desc("file"), cl::Required,
                                       cl::cat(category));

int main(int argc, char **argv) {
  cl::HideUnrelatedOptions(category);
  systolic::parseToolCommandLine(argc, argv, "systolic-run",
                                 "Systolic runtime driver\n");
  llvm::errs() << "systolic-run: error: cannot load '" << modulePath
               << "': this build has no artifact loader (the runtime is not "
                  "built yet)\n";
  return 1;
}
