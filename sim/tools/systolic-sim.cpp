// systolic-sim: run a Systolic program on the golden model or the Verilated
// RTL with DRAM images loaded from files, then print the counters and
// optionally dump DRAM regions.
#include "Accelerator.h"
#include "isa/Assembler.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace systolic;

static const char* kUsage =
    "usage: systolic-sim [options] <program>\n"
    "  Runs a program (text if it ends in .s or .asm, else a binary image from\n"
    "  systolic-asm) and prints the performance counters.\n"
    "options:\n"
    "  --model=golden|rtl     accelerator model (default golden)\n"
    "  --size=RxC             array size (default 16x16)\n"
    "  --dram-size=BYTES      modelled DRAM size (default 67108864)\n"
    "  --bandwidth=B          DRAM bytes per cycle (default 16)\n"
    "  --latency=CYCLES       DRAM read latency (default 64)\n"
    "  --load=FILE@ADDR       copy FILE into DRAM at ADDR before running (repeatable)\n"
    "  --dump=ADDR:LEN:FILE   write LEN DRAM bytes at ADDR to FILE after running\n"
    "  --fst=FILE             RTL only: dump an FST waveform\n"
    "  --help, --version\n"
    "Numbers accept 0x prefixes. Exit status: 0 on success, 1 on any error.\n";

static int fail(const std::string& msg) {
  std::fprintf(stderr, "systolic-sim: error: %s\n", msg.c_str());
  return 1;
}

static bool parseNum(const std::string& s, uint64_t* v) {
  if (s.empty() || s[0] == '-') return false;
  errno = 0;
  char* end = nullptr;
  *v = std::strtoull(s.c_str(), &end, 0);
  return !errno && !*end;
}

static bool readFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

int main(int argc, char** argv) {
  HwConfig cfg;
  AcceleratorOptions opts;
  std::string model = "golden", programPath;
  std::vector<std::pair<std::string, uint64_t>> loads;
  struct Dump { uint64_t addr, len; std::string file; };
  std::vector<Dump> dumps;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* key) -> const char* {
      size_t n = std::strlen(key);
      return a.compare(0, n, key) == 0 ? a.c_str() + n : nullptr;
    };
    uint64_t v = 0;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--version") {
      std::puts("systolic-sim 0.1.0 (Systolic ISA v1)");
      return 0;
    } else if (const char* s = value("--model=")) {
      model = s;
    } else if (const char* s = value("--size=")) {
      unsigned r = 0, c = 0;
      char tail = 0;
      if (std::sscanf(s, "%ux%u%c", &r, &c, &tail) != 2) return fail("--size expects RxC, not '" + std::string(s) + "'");
      cfg.rows = r, cfg.cols = c;
    } else if (const char* s = value("--dram-size=")) {
      if (!parseNum(s, &v)) return fail("bad --dram-size '" + std::string(s) + "'");
      cfg.dramBytes = v;
    } else if (const char* s = value("--bandwidth=")) {
      char* end = nullptr;
      cfg.dramBytesPerCycle = std::strtod(s, &end);
      if (*end || end == s) return fail("bad --bandwidth '" + std::string(s) + "'");
    } else if (const char* s = value("--latency=")) {
      if (!parseNum(s, &v) || v > 100000) return fail("bad --latency '" + std::string(s) + "'");
      cfg.dramLatency = uint32_t(v);
    } else if (const char* s = value("--load=")) {
      std::string arg = s;
      size_t at = arg.rfind('@');
      if (at == std::string::npos || !parseNum(arg.substr(at + 1), &v))
        return fail("--load expects FILE@ADDR, not '" + arg + "'");
      loads.emplace_back(arg.substr(0, at), v);
    } else if (const char* s = value("--dump=")) {
      std::string arg = s;
      size_t c1 = arg.find(':'), c2 = c1 == std::string::npos ? c1 : arg.find(':', c1 + 1);
      Dump d;
      if (c2 == std::string::npos || !parseNum(arg.substr(0, c1), &d.addr) ||
          !parseNum(arg.substr(c1 + 1, c2 - c1 - 1), &d.len) || c2 + 1 >= arg.size())
        return fail("--dump expects ADDR:LEN:FILE, not '" + arg + "'");
      d.file = arg.substr(c2 + 1);
      dumps.push_back(d);
    } else if (const char* s = value("--fst=")) {
      opts.fstPath = s;
    } else if (!a.empty() && a[0] == '-') {
      return fail("unknown option '" + a + "' (see --help)");
    } else if (programPath.empty()) {
      programPath = a;
    } else {
      return fail("more than one program ('" + programPath + "' and '" + a + "')");
    }
  }
  if (programPath.empty()) return fail("no program given (see --help)");
  if (!opts.fstPath.empty() && model != "rtl") return fail("--fst needs --model=rtl");

  std::string text;
  if (!readFile(programPath, &text)) return fail("cannot read '" + programPath + "': " + std::strerror(errno));
  Program program;
  bool isText = programPath.size() > 2 && (programPath.rfind(".s") == programPath.size() - 2 ||
                                           programPath.rfind(".asm") == programPath.size() - 4);
  Status s = isText ? assemble(text, &program)
                    : fromBytes(std::vector<uint8_t>(text.begin(), text.end()), &program);
  if (!s.ok()) return fail(programPath + ": " + s.error);

  std::unique_ptr<Accelerator> accel;
  s = createAccelerator(model, cfg, opts, &accel);
  if (!s.ok()) return fail(s.error);
  for (auto& [file, addr] : loads) {
    std::string bytes;
    if (!readFile(file, &bytes)) return fail("cannot read '" + file + "': " + std::strerror(errno));
    s = accel->writeDram(addr, bytes.data(), bytes.size());
    if (!s.ok()) return fail("--load " + file + ": " + s.error);
  }
  RunResult result;
  s = accel->run(program, &result);
  for (unsigned c = 0; c < kNumCounters; ++c)
    std::printf("%-22s %llu\n", counterName(c), static_cast<unsigned long long>(result.counters[c]));
  if (!s.ok()) return fail(s.error);
  for (const Dump& d : dumps) {
    std::vector<char> bytes(d.len);
    s = accel->readDram(d.addr, bytes.data(), bytes.size());
    if (!s.ok()) return fail("--dump: " + s.error);
    std::ofstream o(d.file, std::ios::binary);
    if (!o || !o.write(bytes.data(), bytes.size())) return fail("cannot write '" + d.file + "'");
  }
  return 0;
}
