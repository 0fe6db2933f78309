// Text form of Systolic programs: one instruction per line,
//   mnemonic key=value ... [pop_prev] [pop_next] [push_prev] [push_next]
// '#' or ';' starts a comment. See docs/isa.md for the keys of each mnemonic.
#pragma once

#include "isa/Isa.h"

#include <string>

namespace systolic {

// Parses `text`; on failure the status names the line and the problem.
Status assemble(const std::string& text, Program* out);
// One canonical line (no newline) for an instruction; illegal opcodes are
// printed as a `.word` directive that assemble() also accepts.
std::string disassemble(const Word& w);
std::string disassemble(const Program& p);

}  // namespace systolic
