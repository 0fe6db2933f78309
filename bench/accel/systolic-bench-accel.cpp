// systolic-bench-accel: utilization of GEMM and 3x3 convolution layers on the
// Verilated RTL against the SCALE-Sim stall-free weight-stationary model,
// the golden model's cycle estimate against the RTL's cycles, simulation
// speed of the RTL and the golden model, and a ResNet-18-sized workload (all
// convolutions and the classifier, ~1.8 G MACs) on 16x16. Every RTL result
// (output bytes and event counters) is checked against the golden model.
// Speeds are simulated (RTL) cycles per second of single-thread CPU time.
#include "Accelerator.h"
#include "kernels/LayerData.h"

#include <ctime>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace systolic;

namespace {

struct Layer {
  std::string name;
  GemmLayer shape;
};

Layer gemm(int64_t m, int64_t k, int64_t n) {
  Layer l;
  l.name = "gemm " + std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n);
  l.shape.m = m, l.shape.k = k, l.shape.n = n;
  l.shape.act = Activation::Relu;
  return l;
}

Layer conv(int64_t hw, int64_t cin, int64_t cout, int64_t kernel, int64_t stride) {
  Layer l;
  l.name = "conv" + std::to_string(kernel) + "x" + std::to_string(kernel) + " " + std::to_string(hw) + "x" +
           std::to_string(hw) + "x" + std::to_string(cin) + "->" + std::to_string(cout) +
           (stride > 1 ? " s" + std::to_string(stride) : "");
  l.shape.isConv = true;
  l.shape.conv.height = l.shape.conv.width = hw;
  l.shape.conv.inChannels = cin;
  l.shape.conv.kernelH = l.shape.conv.kernelW = kernel;
  l.shape.conv.stride = stride;
  l.shape.conv.pad = kernel / 2;
  l.shape.n = cout;
  l.shape.act = Activation::Relu;
  return l;
}

// CPU time of this thread: the machine is shared, so wall time would measure
// the other tenants as much as the simulator.
double cpuNow() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Outcome {
  RunResult rtl, golden;
  double rtlSeconds = 0, goldenSeconds = 0;
  uint64_t m = 0, k = 0, n = 0;
  bool ok = false;
};

// Builds, runs on both models, compares outputs.
Outcome runLayer(Accelerator& rtl, Accelerator& golden, const Layer& layer, std::mt19937_64& rng) {
  Outcome o;
  LayerData d = makeLayerData(layer.shape, 0, rng);
  Program p;
  Status s = buildGemm(rtl.config(), d.layer, &p);
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", layer.name.c_str(), s.error.c_str());
    return o;
  }
  o.m = d.layer.m, o.k = d.layer.k, o.n = d.layer.n;
  writeLayerData(rtl, d);
  writeLayerData(golden, d);
  RunResult& g = o.golden;
  double t0 = cpuNow();
  s = golden.run(p, &g);
  o.goldenSeconds = cpuNow() - t0;
  t0 = cpuNow();
  Status rs = rtl.run(p, &o.rtl);
  o.rtlSeconds = cpuNow() - t0;
  if (!s.ok() || !rs.ok()) {
    std::fprintf(stderr, "%s: golden: %s rtl: %s\n", layer.name.c_str(), s.error.c_str(), rs.error.c_str());
    return o;
  }
  std::vector<uint8_t> a(d.outBytes), b(d.outBytes);
  rtl.readDram(d.layer.outAddr, a.data(), a.size());
  golden.readDram(d.layer.outAddr, b.data(), b.size());
  o.ok = a == b;
  if (!o.ok) std::fprintf(stderr, "%s: RTL output differs from the golden model\n", layer.name.c_str());
  for (unsigned c = 0; c < kNumCounters; ++c)
    if (isEventCounter(c) && g.counters[c] != o.rtl.counters[c]) {
      std::fprintf(stderr, "%s: counter %s differs (golden %llu, rtl %llu)\n", layer.name.c_str(),
                   counterName(c), (unsigned long long)g.counters[c], (unsigned long long)o.rtl.counters[c]);
      o.ok = false;
    }
  return o;
}

}  // namespace

// One program on the golden model and the RTL: outputs compared, cycles
// (RTL), the golden model's estimate and both simulators' CPU time.
struct ProgramRun {
  bool ok = false;
  std::string error;
  uint64_t cycles = 0, estimate = 0;
  double rtlSeconds = 0, goldenSeconds = 0;
  double estimateError() const {
    return 100.0 * (double(estimate) - double(cycles)) / double(cycles);
  }
};

ProgramRun runBoth(Accelerator& rtl, Accelerator& golden, const Status& built,
                   const Program& p, uint64_t outAddr, uint64_t outBytes) {
  ProgramRun run;
  if (!built.ok()) {
    run.error = built.error;
    return run;
  }
  RunResult g, r;
  double t0 = cpuNow();
  Status s = golden.run(p, &g);
  run.goldenSeconds = cpuNow() - t0;
  t0 = cpuNow();
  if (s.ok()) s = rtl.run(p, &r);
  run.rtlSeconds = cpuNow() - t0;
  std::vector<uint8_t> a(outBytes), b(outBytes);
  rtl.readDram(outAddr, a.data(), a.size());
  golden.readDram(outAddr, b.data(), b.size());
  if (!s.ok() || a != b) {
    run.error = s.ok() ? "RTL output differs from the golden model" : s.error;
    return run;
  }
  run.ok = true;
  run.cycles = r.counters[kCycles];
  run.estimate = g.counters[kCycles];
  return run;
}

int main(int argc, char** argv) {
  std::vector<unsigned> sizes;
  bool resnet = true, quick = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    unsigned s = 0;
    if (a == "--help") {
      std::puts("usage: systolic-bench-accel [--quick] [--no-resnet] [--size=N ...]\n"
                "  --quick      one small layer per size (smoke test)\n"
                "  --no-resnet  skip the ResNet-18-sized workload\n"
                "  --size=N     only this array size (repeatable; default: all RTL builds)");
      return 0;
    } else if (a == "--quick") {
      quick = true, resnet = false;
    } else if (a == "--no-resnet") {
      resnet = false;
    } else if (std::sscanf(a.c_str(), "--size=%u", &s) == 1) {
      sizes.push_back(s);
    } else {
      std::fprintf(stderr, "systolic-bench-accel: error: unknown option '%s'\n", a.c_str());
      return 1;
    }
  }
  if (sizes.empty())
    for (const HwConfig& c : builtRtlConfigs())
      if (c.rows >= 8) sizes.push_back(c.rows);

  bool allOk = true;
  std::mt19937_64 rng(42);
  std::printf("%-6s %-28s %12s %12s %12s %7s %7s %12s %7s %10s %10s\n", "array", "layer", "MACs", "cycles",
              "SCALE-Sim", "util", "ideal", "golden est", "error", "RTL c/s", "golden c/s");
  std::printf("(util = MACs / (cycles x R x C); ideal = the same for SCALE-Sim's stall-free WS\n"
              " cycles folds x (2R + C + M - 2); golden est = the golden model's cycle estimate;\n"
              " speeds in simulated RTL cycles per CPU second)\n");
  for (unsigned size : sizes) {
    HwConfig cfg;
    cfg.rows = cfg.cols = size;
    cfg.dramBytesPerCycle = size;  // one scratchpad row per cycle
    std::unique_ptr<Accelerator> rtl, golden;
    Status s = createAccelerator("rtl", cfg, {}, &rtl);
    if (s.ok()) s = createAccelerator("golden", cfg, {}, &golden);
    if (!s.ok()) {
      std::fprintf(stderr, "systolic-bench-accel: error: %s\n", s.error.c_str());
      return 1;
    }
    const int64_t R = size;
    std::vector<Layer> layers;
    if (quick) {
      layers = {gemm(8 * R, 4 * R, 2 * R)};
    } else {
      layers = {gemm(512, 512, 512), gemm(1024, 256, 256), conv(56, 64, 64, 3, 1),
                conv(28, 128, 128, 3, 1), conv(14, 256, 256, 3, 1)};
    }
    for (const Layer& layer : layers) {
      Outcome o = runLayer(*rtl, *golden, layer, rng);
      allOk &= o.ok;
      if (!o.ok) continue;
      uint64_t macs = o.rtl.counters[kMacs], cycles = o.rtl.counters[kCycles];
      uint64_t ideal = scaleSimWsCycles(cfg, o.m, o.k, o.n);
      double peak = double(size) * size;
      uint64_t est = o.golden.counters[kCycles];
      std::printf("%2ux%-3u %-28s %12llu %12llu %12llu %6.1f%% %6.1f%% %12llu %+6.2f%% %10.0f %10.0f\n", size, size,
                  layer.name.c_str(), (unsigned long long)macs, (unsigned long long)cycles,
                  (unsigned long long)ideal, 100.0 * macs / (cycles * peak), 100.0 * macs / (ideal * peak),
                  (unsigned long long)est, 100.0 * (double(est) - double(cycles)) / double(cycles),
                  cycles / o.rtlSeconds, cycles / o.goldenSeconds);
      std::fflush(stdout);
    }
    if (!quick) {
      // A ResNet residual add (56x56 pixels x 64 channels) with buildScaledAdd.
      ScaledAddLayer add;
      add.pixels = 56 * 56, add.channels = 64, add.wa = 3, add.wb = -2, add.act = Activation::Relu;
      ScaledAddData sd = makeScaledAddData(cfg, add, 0, rng);
      Program sp;
      Status bs = buildScaledAdd(cfg, sd.layer, &sp);
      if (bs.ok()) writeScaledAddData(*rtl, sd), writeScaledAddData(*golden, sd);
      ProgramRun run = runBoth(*rtl, *golden, bs, sp, sd.layer.outAddr, sd.outBytes);
      if (!run.ok) {
        std::fprintf(stderr, "scaled add: %s\n", run.error.c_str());
        allOk = false;
      } else {
        std::printf("%2ux%-3u %-28s %12s %12llu %12s %7s %7s %12llu %+6.2f%% %10.0f %10.0f  (%.2f elements/cycle)\n",
                    size, size, "residual add 3136x64", "-", (unsigned long long)run.cycles, "-", "-",
                    "-", (unsigned long long)run.estimate, run.estimateError(),
                    run.cycles / run.rtlSeconds, run.cycles / run.goldenSeconds,
                    double(add.pixels * add.channels) / double(run.cycles));
      }
      // An LSTM and a GRU direction (32 steps, batch 1, input and hidden 64)
      // with buildLstm/buildGru: useful MACs are the gate GEMMs; ideal is
      // SCALE-Sim per step, steps in sequence.
      auto recurrentRow = [&](const char* name, const ProgramRun& run, int64_t steps,
                              int64_t batch, int64_t k, int64_t n) {
        const uint64_t macs = uint64_t(steps * batch * k * n);
        const uint64_t ideal = scaleSimWsCycles(cfg, batch, k, n) * uint64_t(steps);
        std::printf("%2ux%-3u %-28s %12llu %12llu %12llu %6.1f%% %6.1f%% %12llu %+6.2f%% %10.0f %10.0f\n",
                    size, size, name, (unsigned long long)macs,
                    (unsigned long long)run.cycles, (unsigned long long)ideal,
                    100.0 * double(macs) / (double(run.cycles) * size * size),
                    100.0 * double(macs) / (double(ideal) * size * size),
                    (unsigned long long)run.estimate, run.estimateError(),
                    run.cycles / run.rtlSeconds, run.cycles / run.goldenSeconds);
      };
      LstmLayer lstm;
      lstm.steps = 32, lstm.batch = 1, lstm.input = 64, lstm.hidden = 64;
      LstmData ld = makeLstmData(cfg, lstm, 0, rng);
      Program lp;
      bs = buildLstm(cfg, ld.layer, &lp);
      if (bs.ok()) writeLstmData(*rtl, ld), writeLstmData(*golden, ld);
      run = runBoth(*rtl, *golden, bs, lp, ld.layer.outAddr, ld.outBytes);
      if (!run.ok) {
        std::fprintf(stderr, "lstm: %s\n", run.error.c_str());
        allOk = false;
      } else {
        recurrentRow("lstm T32 B1 I64 H64", run, lstm.steps, lstm.batch,
                     lstm.input + lstm.hidden, 4 * lstm.hidden);
      }
      GruLayer gru;
      gru.steps = 32, gru.batch = 1, gru.input = 64, gru.hidden = 64;
      GruData gd = makeGruData(cfg, gru, 0, rng);
      Program gp;
      bs = buildGru(cfg, gd.layer, &gp);
      if (bs.ok()) writeGruData(*rtl, gd), writeGruData(*golden, gd);
      run = runBoth(*rtl, *golden, bs, gp, gd.layer.outAddr, gd.outBytes);
      if (!run.ok) {
        std::fprintf(stderr, "gru: %s\n", run.error.c_str());
        allOk = false;
      } else {
        recurrentRow("gru T32 B1 I64 H64", run, gru.steps, gru.batch, gru.input + gru.hidden,
                     3 * gru.hidden);
      }
    }
  }

  if (resnet) {
    // ResNet-18 at 224x224: every convolution (projection shortcuts as 1x1
    // stride-2) and the classifier as a GEMM, on the default 16x16 array.
    HwConfig cfg;
    std::unique_ptr<Accelerator> rtl, golden;
    Status s = createAccelerator("rtl", cfg, {}, &rtl);
    if (s.ok()) s = createAccelerator("golden", cfg, {}, &golden);
    if (!s.ok()) {
      std::fprintf(stderr, "systolic-bench-accel: error: %s\n", s.error.c_str());
      return 1;
    }
    // The stem as the compiler emits it: the host folds the 7 column taps of
    // the 3-channel input into 21 channels (the input becomes 224 x 112 x 21,
    // the kernel 7x1 with column stride 1), so each K tile fills 21 of 32
    // rows instead of 3 of 16. The unfolded stem runs once for comparison.
    Layer stem = conv(224, 3, 64, 7, 2);
    Layer folded = stem;
    folded.name += " folded";
    ConvShape& f = folded.shape.conv;
    f.width = 112, f.inChannels = 21, f.kernelW = 1;
    f.strideH = 2, f.strideW = 1, f.padTop = f.padBottom = 3, f.padLeft = f.padRight = 0;
    std::vector<std::pair<Layer, int>> net = {{folded, 1}};
    int64_t hw = 56, ch = 64;
    for (int stage = 0; stage < 4; ++stage) {
      int64_t out = stage ? ch * 2 : ch;
      if (stage) {
        net.push_back({conv(hw, ch, out, 3, 2), 1});
        net.push_back({conv(hw, ch, out, 1, 2), 1});
        hw /= 2;
        net.push_back({conv(hw, out, out, 3, 1), 3});
      } else {
        net.push_back({conv(hw, ch, out, 3, 1), 4});
      }
      ch = out;
    }
    net.push_back({gemm(1, 512, 1000), 1});
    uint64_t macs = 0, cycles = 0, est = 0;
    double rtlSeconds = 0, goldenSeconds = 0;
    std::printf("\nResNet-18-sized workload on 16x16 (cycle-accurate RTL, every layer checked against golden):\n");
    {
      Outcome o = runLayer(*rtl, *golden, stem, rng);
      allOk &= o.ok;
      std::printf("  %-28s (not folded, not in the total) %llu cycles  util %5.1f%%\n", stem.name.c_str(),
                  (unsigned long long)o.rtl.counters[kCycles],
                  100.0 * o.rtl.counters[kMacs] / (o.rtl.counters[kCycles] * 256.0));
    }
    for (auto& [layer, repeat] : net) {
      for (int r = 0; r < repeat; ++r) {
        Outcome o = runLayer(*rtl, *golden, layer, rng);
        allOk &= o.ok;
        macs += o.rtl.counters[kMacs];
        cycles += o.rtl.counters[kCycles];
        est += o.golden.counters[kCycles];
        rtlSeconds += o.rtlSeconds;
        goldenSeconds += o.goldenSeconds;
        if (r == 0)
          std::printf("  %-28s x%d  %12llu MACs %11llu cycles  util %5.1f%%  %6.2f s\n", layer.name.c_str(), repeat,
                      (unsigned long long)o.rtl.counters[kMacs], (unsigned long long)o.rtl.counters[kCycles],
                      100.0 * o.rtl.counters[kMacs] / (o.rtl.counters[kCycles] * 256.0), o.rtlSeconds);
        std::fflush(stdout);
      }
    }
    std::printf("  total: %.3f G MACs, %llu cycles (%.1f%% utilization), RTL %.1f CPU s (%.0f cycles/s), golden %.1f CPU s\n",
                macs / 1e9, (unsigned long long)cycles, 100.0 * macs / (cycles * 256.0), rtlSeconds,
                cycles / rtlSeconds, goldenSeconds);
    std::printf("  golden cycle estimate: %llu (%+.2f%% against the RTL)\n", (unsigned long long)est,
                100.0 * (double(est) - double(cycles)) / double(cycles));
  }
  if (!allOk) {
    std::fprintf(stderr, "systolic-bench-accel: error: some layers failed (see above)\n");
    return 1;
  }
  return 0;
}
