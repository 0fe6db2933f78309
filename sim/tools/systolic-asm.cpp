// systolic-asm: assemble Systolic text programs into 16-byte binary words,
// disassemble binaries back to text, and check programs against a config.
#include "isa/Assembler.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

using namespace systolic;

static const char* kUsage =
    "usage: systolic-asm [options] <input>\n"
    "  Assembles a text program (one instruction per line, see docs/isa.md)\n"
    "  into a binary image of 16-byte little-endian instructions.\n"
    "options:\n"
    "  -o <file>          output file (default: standard output)\n"
    "  -d, --disassemble  input is a binary image; print it as text\n"
    "  --check=RxC        also check every instruction against the default\n"
    "                     configuration with an R x C array (e.g. 16x16)\n"
    "  --help             show this help\n"
    "  --version          show the version\n";

static int fail(const std::string& msg) {
  std::fprintf(stderr, "systolic-asm: error: %s\n", msg.c_str());
  return 1;
}

int main(int argc, char** argv) {
  std::string input, output, checkSize;
  bool disasm = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--version") {
      std::puts("systolic-asm 0.1.0 (Systolic ISA v1)");
      return 0;
    } else if (a == "-d" || a == "--disassemble") {
      disasm = true;
    } else if (a == "-o") {
      if (++i >= argc) return fail("-o needs a file name");
      output = argv[i];
    } else if (a.rfind("--check=", 0) == 0) {
      checkSize = a.substr(8);
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return fail("unknown option '" + a + "' (see --help)");
    } else if (input.empty()) {
      input = a;
    } else {
      return fail("more than one input file ('" + input + "' and '" + a + "')");
    }
  }
  if (input.empty()) return fail("no input file (see --help)");

  std::ifstream in(input == "-" ? "/dev/stdin" : input, std::ios::binary);
  if (!in) return fail("cannot open '" + input + "': " + std::strerror(errno));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  Program program;
  Status s = disasm ? fromBytes(std::vector<uint8_t>(data.begin(), data.end()), &program)
                    : assemble(data, &program);
  if (!s.ok()) return fail(input + ": " + s.error);

  if (!checkSize.empty()) {
    HwConfig cfg;
    unsigned r = 0, c = 0;
    char tail = 0;
    if (std::sscanf(checkSize.c_str(), "%ux%u%c", &r, &c, &tail) != 2)
      return fail("--check expects RxC, e.g. --check=16x16, not '" + checkSize + "'");
    cfg.rows = r, cfg.cols = c;
    Status v = cfg.validate();
    if (!v.ok()) return fail(v.error);
    for (size_t i = 0; i < program.size(); ++i) {
      Check chk = check(program[i], cfg, i);
      if (chk.code != ErrorCode::Ok) return fail(input + ": " + chk.message);
    }
  }

  std::string out;
  if (disasm) {
    out = disassemble(program);
  } else {
    std::vector<uint8_t> bytes = toBytes(program);
    out.assign(bytes.begin(), bytes.end());
  }
  if (output.empty()) {
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    std::ofstream o(output, std::ios::binary);
    if (!o || !o.write(out.data(), out.size())) return fail("cannot write '" + output + "'");
  }
  return 0;
}
