// Random-program differential test: every program runs on the golden model
// and on the Verilated RTL; DRAM outputs, event counters and error reports
// must agree bit for bit. Environment overrides (used by
// scripts/difftest-long.sh): SYSTOLIC_DIFFTEST_CASES (fixed-seed programs),
// SYSTOLIC_DIFFTEST_SEED and SYSTOLIC_DIFFTEST_RANDOM_CASES (random sample),
// SYSTOLIC_DIFFTEST_ILLEGAL_CASES (corrupted programs).
#include "RandomPrograms.h"
#include "golden/Golden.h"
#include "isa/Assembler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

using namespace systolic;

namespace {

uint64_t envOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 0) : fallback;
}

HwConfig configFor(unsigned size) {
  HwConfig cfg;
  cfg.rows = cfg.cols = size;
  cfg.dramBytes = 4 << 20;
  cfg.dramLatency = 20;
  cfg.dramBytesPerCycle = size;  // one scratchpad row per cycle
  return cfg;
}

std::unique_ptr<Accelerator> make(const std::string& kind, const HwConfig& cfg) {
  std::unique_ptr<Accelerator> a;
  Status s = createAccelerator(kind, cfg, {}, &a);
  EXPECT_TRUE(s.ok()) << s.error;
  return a;
}

// Runs `cases` programs from `makeCase` (random from `seed`) on persistent
// golden and RTL instances (so on-chip state carries over too): outputs and
// event counters must agree; stops at the first mismatch.
void runCases(unsigned size, uint64_t seed, uint64_t cases,
              RandomCase (*makeCase)(const HwConfig&, std::mt19937_64&)) {
  HwConfig cfg = configFor(size);
  auto golden = make("golden", cfg), rtl = make("rtl", cfg);
  ASSERT_TRUE(golden && rtl);
  std::mt19937_64 rng(seed);
  uint64_t ran = 0;
  for (uint64_t i = 0; i < cases; ++i) {
    RandomCase c = makeCase(cfg, rng);
    ASSERT_FALSE(c.program.empty()) << c.description;
    for (auto& [addr, bytes] : c.dramInit) {
      ASSERT_TRUE(golden->writeDram(addr, bytes.data(), bytes.size()).ok());
      ASSERT_TRUE(rtl->writeDram(addr, bytes.data(), bytes.size()).ok());
    }
    RunResult g, r;
    Status gs = golden->run(c.program, &g);
    Status rs = rtl->run(c.program, &r);
    std::string where = "size " + std::to_string(size) + " seed " + std::to_string(seed) +
                        " case " + std::to_string(i) + ": " + c.description;
    ASSERT_TRUE(gs.ok()) << where << ": golden: " << gs.error;
    ASSERT_TRUE(rs.ok()) << where << ": rtl: " << rs.error;
    std::vector<uint8_t> go(c.outBytes), ro(c.outBytes);
    ASSERT_TRUE(golden->readDram(c.outAddr, go.data(), go.size()).ok());
    ASSERT_TRUE(rtl->readDram(c.outAddr, ro.data(), ro.size()).ok());
    for (size_t b = 0; b < go.size(); ++b)
      ASSERT_EQ(int(go[b]), int(ro[b])) << where << ": output byte " << b << " differs";
    for (unsigned k = 0; k < kNumCounters; ++k)
      if (isEventCounter(k))
        ASSERT_EQ(g.counters[k], r.counters[k]) << where << ": counter " << counterName(k);
    ++ran;
  }
  EXPECT_EQ(ran, cases);
}

// Random legal programs (every kind of instruction mix and layer).
void runLegal(unsigned size, uint64_t seed, uint64_t cases) {
  runCases(size, seed, cases, randomCase);
}

// Corrupted programs: both models must report the same error and index.
void runIllegal(unsigned size, uint64_t seed, uint64_t cases) {
  HwConfig cfg = configFor(size);
  std::mt19937_64 rng(seed);
  uint64_t faults = 0;
  for (uint64_t i = 0; i < cases; ++i) {
    auto golden = make("golden", cfg), rtl = make("rtl", cfg);
    RandomCase c = randomCase(cfg, rng);
    corruptProgram(&c.program, rng);
    for (auto& [addr, bytes] : c.dramInit) {
      golden->writeDram(addr, bytes.data(), bytes.size());
      rtl->writeDram(addr, bytes.data(), bytes.size());
    }
    RunResult g, r;
    golden->run(c.program, &g);
    rtl->run(c.program, &r);
    if (g.ok()) continue;  // the corruption produced another legal program
    ++faults;
    std::string where = "size " + std::to_string(size) + " seed " + std::to_string(seed) +
                        " case " + std::to_string(i) + ": " + c.description + ": " + g.message;
    ASSERT_EQ(errorCodeName(g.error), std::string(errorCodeName(r.error))) << where << " / rtl: " << r.message;
    ASSERT_EQ(g.errorIndex, r.errorIndex) << where;
  }
  EXPECT_GT(faults, cases / 4) << "too few corruptions produced errors";
}

class DiffTest : public ::testing::TestWithParam<unsigned> {};

TEST_P(DiffTest, FixedSeedLegalPrograms) {
  runLegal(GetParam(), 1234 + GetParam(), envOr("SYSTOLIC_DIFFTEST_CASES", 1000));
}

TEST_P(DiffTest, RandomSeedLegalPrograms) {
  uint64_t seed = envOr("SYSTOLIC_DIFFTEST_SEED", std::random_device{}());
  std::printf("difftest random seed %llu (rerun with SYSTOLIC_DIFFTEST_SEED=%llu)\n",
              (unsigned long long)seed, (unsigned long long)seed);
  runLegal(GetParam(), seed, envOr("SYSTOLIC_DIFFTEST_RANDOM_CASES", 40));
}

TEST_P(DiffTest, MaxPoolLayers) { runCases(GetParam(), 4321 + GetParam(), 40, maxPoolCase); }

TEST_P(DiffTest, DenseChains) { runCases(GetParam(), 6321 + GetParam(), 40, denseChainCase); }

TEST_P(DiffTest, LstmLayers) { runCases(GetParam(), 5321 + GetParam(), 12, lstmCase); }
TEST_P(DiffTest, GruLayers) { runCases(GetParam(), 6421 + GetParam(), 12, gruCase); }

// An LSTM whose weights (4 x 64 x 128 bytes) do not fit the 4x4
// configuration's scratchpad streams them every step.
LstmLayer streamedLstm() {
  LstmLayer L;
  L.steps = 2, L.batch = 2, L.input = 64, L.hidden = 64;
  return L;
}

TEST(DiffTestLayers, LstmStreamedWeights4x4) {
  ASSERT_EQ(lstmFeed(configFor(4), streamedLstm()), RecurrentFeed::Streamed);
  runCases(4, 77, 1, [](const HwConfig& c, std::mt19937_64& rng) {
    return lstmCaseFor(c, streamedLstm(), rng);
  });
}

// Dense chains whose blocks are taller than one DMA transfer (255 lines), so
// block loads and stores split, over several blocks (later blocks reuse the
// resident input rows and the intermediate buffers).
DenseChain tallDenseChain(int64_t m) {
  DenseChain shape;
  shape.m = m, shape.k = 40;
  shape.layers = {{40, Activation::Relu}, {30, Activation::Lut}, {20, Activation::None}};
  return shape;
}

TEST(DiffTestLayers, DenseChainTallBlocks16x16) {
  for (int64_t m : {700, 1200}) {
    DenseChainTiling tiling;
    ASSERT_TRUE(planDenseChain(configFor(16), tallDenseChain(m), &tiling).ok());
    EXPECT_GT(tiling.blockRows, 255);
    EXPECT_GT(tiling.blocks, 1);
  }
  runCases(16, 78, 1, [](const HwConfig& c, std::mt19937_64& rng) {
    return denseChainCaseFor(c, tallDenseChain(700), rng);
  });
  runCases(16, 79, 1, [](const HwConfig& c, std::mt19937_64& rng) {
    return denseChainCaseFor(c, tallDenseChain(1200), rng);
  });
}

// A GRU whose weights (3 x 80 x 160 bytes) do not fit the 4x4
// configuration's scratchpad streams them every step; both n-gate forms.
GruLayer streamedGru(bool linearBeforeReset) {
  GruLayer L;
  L.steps = 2, L.batch = 2, L.input = 80, L.hidden = 80;
  L.linearBeforeReset = linearBeforeReset;
  return L;
}

TEST(DiffTestLayers, GruStreamedWeights4x4) {
  ASSERT_EQ(gruFeed(configFor(4), streamedGru(true)), RecurrentFeed::Streamed);
  runCases(4, 80, 1, [](const HwConfig& c, std::mt19937_64& rng) {
    return gruCaseFor(c, streamedGru(true), rng);
  });
  runCases(4, 81, 1, [](const HwConfig& c, std::mt19937_64& rng) {
    return gruCaseFor(c, streamedGru(false), rng);
  });
}

// A ResNet stem pooling layer (112x112x64, 3x3, stride 2, pad 1) on the
// 16x16 RTL and golden model: bit-identical outputs and event counters; prints
// both cycle counts and the vector unit's ideal (one row per valid tap and
// channel tile per cycle).
TEST(DiffTestLayers, MaxPoolResNetStem16x16) {
  HwConfig cfg = configFor(16);
  cfg.dramBytes = 8 << 20;
  auto golden = make("golden", cfg), rtl = make("rtl", cfg);
  ASSERT_TRUE(golden && rtl);
  MaxPoolLayer L;
  L.height = L.width = 112, L.channels = 64, L.kernelH = L.kernelW = 3;
  L.strideH = L.strideW = 2, L.padTop = L.padLeft = L.padBottom = L.padRight = 1;
  std::mt19937_64 rng(5);
  MaxPoolData d = makeMaxPoolData(cfg, L, 0, rng);
  Program p;
  Status s = buildMaxPool(cfg, d.layer, &p);
  ASSERT_TRUE(s.ok()) << s.error;
  for (Accelerator* a : {golden.get(), rtl.get()}) ASSERT_TRUE(writeMaxPoolData(*a, d).ok());
  RunResult g, r;
  ASSERT_TRUE(golden->run(p, &g).ok());
  ASSERT_TRUE(rtl->run(p, &r).ok());
  std::vector<uint8_t> go(d.outBytes), ro(d.outBytes);
  ASSERT_TRUE(golden->readDram(d.layer.outAddr, go.data(), go.size()).ok());
  ASSERT_TRUE(rtl->readDram(d.layer.outAddr, ro.data(), ro.size()).ok());
  EXPECT_EQ(go, ro);
  EXPECT_EQ(go, referenceOutput(d));
  for (unsigned k = 0; k < kNumCounters; ++k)
    if (isEventCounter(k)) EXPECT_EQ(g.counters[k], r.counters[k]) << counterName(k);
  uint64_t ideal = 0;  // valid (output pixel, tap) pairs x channel tiles
  for (int64_t oh = 0; oh < L.outHeight(); ++oh)
    for (int64_t ow = 0; ow < L.outWidth(); ++ow)
      for (int64_t kh = 0; kh < 3; ++kh)
        for (int64_t kw = 0; kw < 3; ++kw) {
          int64_t ih = oh * 2 + kh - 1, iw = ow * 2 + kw - 1;
          ideal += ih >= 0 && ih < 112 && iw >= 0 && iw < 112;
        }
  ideal *= 64 / 16;
  std::printf("max pool 112x112x64 3x3 s2 p1 on 16x16: rtl %llu cycles, golden %llu cycles, "
              "vector-unit ideal %llu (%.1f%% of the RTL cycles), %zu instructions\n",
              (unsigned long long)r.counters[kCycles], (unsigned long long)g.counters[kCycles],
              (unsigned long long)ideal, 100.0 * double(ideal) / double(r.counters[kCycles]),
              p.size());
}

// Fixed seed unless SYSTOLIC_DIFFTEST_SEED is set (as by difftest-long.sh).
TEST_P(DiffTest, IllegalPrograms) {
  runIllegal(GetParam(), envOr("SYSTOLIC_DIFFTEST_SEED", 99) + GetParam(),
             envOr("SYSTOLIC_DIFFTEST_ILLEGAL_CASES", 300));
}

// The golden model's cycle estimate (golden/Timing.cpp) against the RTL's
// cycle counter: single-unit programs that exercise each timing rule, then
// random layers (mean and worst relative error).
TEST_P(DiffTest, GoldenCycleEstimateTracksRtl) {
  const unsigned size = GetParam();
  HwConfig cfg = configFor(size);
  auto golden = make("golden", cfg), rtl = make("rtl", cfg);
  ASSERT_TRUE(golden && rtl);
  const std::string k = std::to_string(size), rows = std::to_string(size), acc = std::to_string(4 * size);
  const std::vector<std::string> programs = {
      "vector op=add mem=sp a=0 b=0 dst=0 rows=10\n",
      "load mem=sp row=0 dram=0 bytes=" + rows + " x=10 y=10 xstride=16 ystride=160 push_next\n"
      "vector op=add mem=sp a=0 b=0 dst=0 rows=1 pop_prev\n",
      "load mem=sp row=0 dram=0 bytes=" + rows + " x=10 y=10 xstride=16 ystride=160 pad_left=2 pad_right=3 pad_top=1 pad_bottom=2\n",
      "load mem=acc row=0 dram=0 bytes=" + acc + " x=10 y=1 xstride=256\n",
      "store mem=acc row=0 dram=0 bytes=" + acc + " x=10 y=1 xstride=256\n"
      "store mem=sp row=0 dram=0 bytes=" + rows + " x=10 y=2 xstride=16 ystride=160\n",
      "matmul df=ws a=0 b=0 c=0 m=5 k=" + k + " n=" + k + "\nmatmul df=ws a=0 b=0 c=0 m=5 k=" + k + " n=" + k +
          "\nmatmul df=ws a=0 b=0 c=0 m=40 k=" + k + " n=" + k + " push_next\n"
          "store mem=acc row=0 dram=0 bytes=" + acc + " x=10 y=1 xstride=256 pop_prev\n",
      "matmul df=ws a=0 b=0 c=0 m=40 k=" + k + " n=" + k + "\noutput act=none src=0 dst=100 param=50 rows=40\n"
      "matmul df=os a=0 b=0 c=0 m=" + k + " k=30 n=" + k + "\nmatmul df=os a=0 b=0 c=0 m=" + k + " k=30 n=" + k +
          " acc=1\nmatmul df=ws a=0 b=0 c=0 m=40 k=" + k + " n=" + k + "\nlutload row=0\n",
  };
  for (const std::string& text : programs) {
    Program p;
    ASSERT_TRUE(assemble(text, &p).ok()) << text;
    RunResult g, r;
    ASSERT_TRUE(golden->run(p, &g).ok());
    ASSERT_TRUE(rtl->run(p, &r).ok());
    EXPECT_NEAR(double(g.counters[kCycles]), double(r.counters[kCycles]), 2.0) << text;
  }
  std::mt19937_64 rng(77 + size);
  double sum = 0, worst = 0;
  int n = 0;
  for (int i = 0; i < 60; ++i) {
    RandomCase c = randomCase(cfg, rng);
    if (c.program.empty()) continue;
    for (auto& [addr, bytes] : c.dramInit) {
      golden->writeDram(addr, bytes.data(), bytes.size());
      rtl->writeDram(addr, bytes.data(), bytes.size());
    }
    RunResult g, r;
    ASSERT_TRUE(golden->run(c.program, &g).ok()) << c.description;
    ASSERT_TRUE(rtl->run(c.program, &r).ok()) << c.description;
    double err = std::fabs(double(g.counters[kCycles]) - double(r.counters[kCycles])) / double(r.counters[kCycles]);
    EXPECT_LT(err, 0.15) << c.description << ": golden " << g.counters[kCycles] << " rtl " << r.counters[kCycles];
    sum += err, worst = std::max(worst, err), ++n;
  }
  std::printf("golden cycle estimate at %ux%u: mean |error| %.3f%%, worst %.3f%% over %d programs\n", size, size,
              100 * sum / n, 100 * worst, n);
  EXPECT_LT(sum / n, 0.01);
}

INSTANTIATE_TEST_SUITE_P(Sizes, DiffTest, ::testing::Values(4u, 8u, 16u),
                         [](const auto& info) { return std::to_string(info.param) + "x" + std::to_string(info.param); });

}  // namespace
