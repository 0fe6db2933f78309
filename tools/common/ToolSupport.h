//===- ToolSupport.h - Shared command-line behaviour of the drivers -*- C++ -*-===//
//
// Every driver answers --help and --version the same way and rejects unknown
// flags with a message naming the flag (llvm::cl's own behaviour, exit 1).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_TOOLS_COMMON_TOOLSUPPORT_H
#define SYSTOLIC_TOOLS_COMMON_TOOLSUPPORT_H

#include "llvm/ADT/StringRef.h"

namespace systolic {
/// The project version, e.g. "0.1.0".
llvm::StringRef getVersion();

/// Installs the version printer and a stack-trace handler, then parses the
/// command line; exits 1 on an unknown flag or a malformed value.
void parseToolCommandLine(int argc, char **argv, llvm::StringRef toolName,
                          llvm::StringRef overview);
} // namespace systolic

#endif // SYSTOLIC_TOOLS_COMMON_TOOLSUPPORT_H
