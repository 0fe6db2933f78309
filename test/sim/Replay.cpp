// systolic-difftest-replay: regenerates one random differential-test case
// (size, seed, case index) and prints its program and both models' results,
// to debug a failure reported by the difftest.
#include "RandomPrograms.h"
#include "isa/Assembler.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace systolic;

int main(int argc, char** argv) {
  unsigned size = 0;
  unsigned long long seed = 0, index = 0;
  if (argc != 4 || std::sscanf(argv[1], "%u", &size) != 1 || std::sscanf(argv[2], "%llu", &seed) != 1 ||
      std::sscanf(argv[3], "%llu", &index) != 1) {
    std::fprintf(stderr, "usage: systolic-difftest-replay <size> <seed> <case>\n");
    return 1;
  }
  HwConfig cfg;
  cfg.rows = cfg.cols = size;
  cfg.dramBytes = 4 << 20;
  cfg.dramLatency = 20;
  cfg.dramBytesPerCycle = size;
  std::unique_ptr<Accelerator> models[2];
  for (int m = 0; m < 2; ++m) {
    Status s = createAccelerator(m ? "rtl" : "golden", cfg, {}, &models[m]);
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.error.c_str()), 1;
  }
  std::mt19937_64 rng(seed);
  for (unsigned long long i = 0; i <= index; ++i) {
    RandomCase c = randomCase(cfg, rng);
    RunResult r[2];
    for (int m = 0; m < 2; ++m) {
      for (auto& [addr, bytes] : c.dramInit) models[m]->writeDram(addr, bytes.data(), bytes.size());
      models[m]->run(c.program, &r[m]);
    }
    if (i < index) continue;
    std::printf("case %llu: %s\n%s", i, c.description.c_str(), disassemble(c.program).c_str());
    for (unsigned k = 0; k < kNumCounters; ++k)
      std::printf("%-22s golden %10llu  rtl %10llu%s\n", counterName(k), (unsigned long long)r[0].counters[k],
                  (unsigned long long)r[1].counters[k],
                  isEventCounter(k) && r[0].counters[k] != r[1].counters[k] ? "  <-- differs" : "");
    std::printf("golden: %s\nrtl: %s\n", r[0].message.c_str(), r[1].message.c_str());
    std::vector<uint8_t> out[2];
    for (int m = 0; m < 2; ++m) {
      out[m].resize(c.outBytes);
      models[m]->readDram(c.outAddr, out[m].data(), c.outBytes);
    }
    int shown = 0;
    for (size_t b = 0; b < c.outBytes && shown < 20; ++b)
      if (out[0][b] != out[1][b])
        std::printf("byte %zu: golden %d rtl %d\n", b, int8_t(out[0][b]), int8_t(out[1][b])), ++shown;
  }
  return 0;
}
