#include "isa/Assembler.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

namespace systolic {
namespace {

struct FlagSpec {
  const char* name;
  bool Instr::*member;
};
const FlagSpec kFlags[] = {{"pop_prev", &Instr::popPrev},
                           {"pop_next", &Instr::popNext},
                           {"push_prev", &Instr::pushPrev},
                           {"push_next", &Instr::pushNext}};

bool parseInt(const std::string& s, int64_t* v) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long r = std::strtoll(s.c_str(), &end, 0);
  if (errno || *end) return false;
  *v = r;
  return true;
}

bool parseU64(const std::string& s, uint64_t* v) {
  if (s.empty() || s[0] == '-') return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long r = std::strtoull(s.c_str(), &end, 0);
  if (errno || *end) return false;
  *v = r;
  return true;
}

Status parseLine(const std::string& line, Word* out) {
  std::istringstream is(line);
  std::string mnemonic;
  is >> mnemonic;
  if (mnemonic == ".word") {
    std::string lo, hi, extra;
    if (!(is >> lo >> hi) || (is >> extra) || !parseU64(lo, &out->w[0]) || !parseU64(hi, &out->w[1]))
      return Status::failure(".word needs exactly two 64-bit values (low, high)");
    return Status::success();
  }
  Instr in;
  unsigned op = 0;
  while (op < kNumOpcodes && mnemonic != opcodeName(static_cast<Opcode>(op))) ++op;
  if (op == kNumOpcodes)
    return Status::failure("unknown mnemonic '" + mnemonic +
                           "' (expected load, store, matmul, output, vector, lutload or .word)");
  in.op = static_cast<Opcode>(op);
  std::set<std::string> seen;
  std::string tok;
  while (is >> tok) {
    size_t eq = tok.find('=');
    std::string key = tok.substr(0, eq);
    if (!seen.insert(key).second) return Status::failure("'" + key + "' given twice");
    if (eq == std::string::npos) {
      const FlagSpec* flag = nullptr;
      for (const FlagSpec& f : kFlags)
        if (key == f.name) flag = &f;
      if (!flag) return Status::failure("unknown flag '" + key + "' for " + mnemonic);
      in.*flag->member = true;
      continue;
    }
    std::string value = tok.substr(eq + 1);
    const FieldSpec* field = nullptr;
    for (const FieldSpec& f : fieldsOf(in.op))
      if (key == f.name) field = &f;
    if (!field) return Status::failure("unknown field '" + key + "' for " + mnemonic);
    int64_t v = -1;
    if (field->enumNames) {
      for (int e = 0; field->enumNames[e]; ++e)
        if (value == field->enumNames[e]) v = e;
      if (v < 0 && parseInt(value, &v)) {
        // Numeric values are accepted so that illegal encodings can be written.
      } else if (v < 0) {
        std::string choices;
        for (int e = 0; field->enumNames[e]; ++e) choices += std::string(e ? ", " : "") + field->enumNames[e];
        return Status::failure("field '" + key + "' has value '" + value + "'; expected one of " + choices);
      }
    } else if (!parseInt(value, &v)) {
      return Status::failure("field '" + key + "' has non-numeric value '" + value + "'");
    }
    in.*field->member = v;
  }
  return encode(in, out);
}

}  // namespace

Status assemble(const std::string& text, Program* out) {
  out->clear();
  std::istringstream is(text);
  std::string line;
  for (int lineNo = 1; std::getline(is, line); ++lineNo) {
    size_t comment = line.find_first_of("#;");
    if (comment != std::string::npos) line.resize(comment);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Word w;
    Status s = parseLine(line, &w);
    if (!s.ok()) return Status::failure("line " + std::to_string(lineNo) + ": " + s.error);
    out->push_back(w);
  }
  return Status::success();
}

std::string disassemble(const Word& w) {
  Instr in;
  Word back;
  // Words with unknown opcodes or stray reserved bits do not round-trip
  // through the field syntax, so keep them as raw data.
  if (!decode(w, &in).ok() || !encode(in, &back).ok() || !(back == w)) {
    std::ostringstream os;
    os << ".word 0x" << std::hex << w.w[0] << " 0x" << w.w[1];
    return os.str();
  }
  std::ostringstream os;
  os << opcodeName(in.op);
  for (const FieldSpec& f : fieldsOf(in.op)) {
    int64_t v = in.*f.member;
    os << " " << f.name << "=";
    int64_t numNames = 0;
    while (f.enumNames && f.enumNames[numNames]) ++numNames;
    if (v >= 0 && v < numNames) os << f.enumNames[v];
    else if (!std::strcmp(f.name, "dram")) os << "0x" << std::hex << v << std::dec;
    else os << v;
  }
  for (const FlagSpec& f : kFlags)
    if (in.*f.member) os << " " << f.name;
  return os.str();
}

std::string disassemble(const Program& p) {
  std::string out;
  for (const Word& w : p) out += disassemble(w) + "\n";
  return out;
}

}  // namespace systolic
