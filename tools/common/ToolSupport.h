//===- ToolSupport.h - Shared command-line behaviour of the drivers -*- C++ -*-===//
//
// Every driver answers --help and --version the same way and rejects unknown
// flags with a message naming the flag (llvm::cl's own behaviour, exit 1).
// Options that linked LLVM/MLIR libraries register globally (`--threads`,
// `--debug-pass`, ...) are removed first, so that a user's `--threads=2` is an
// error instead of silently setting something else.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_TOOLS_COMMON_TOOLSUPPORT_H
#define SYSTOLIC_TOOLS_COMMON_TOOLSUPPORT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

namespace systolic {
/// The project version, e.g. "0.1.0".
llvm::StringRef getVersion();

/// Installs the version printer, keeps only the options of `category` (and
/// --help/--version), then parses the command line; exits 1 on an unknown
/// flag or a malformed value.
void parseToolCommandLine(int argc, char **argv, llvm::StringRef toolName,
                          llvm::StringRef overview,
                          llvm::cl::OptionCategory &category);
} // namespace systolic

#endif // SYSTOLIC_TOOLS_COMMON_TOOLSUPPORT_H
