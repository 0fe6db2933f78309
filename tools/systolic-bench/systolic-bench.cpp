//===- systolic-bench.cpp - Latency and throughput of a compiled model ----===//
//
//   systolic-bench --module=model.sysm [--warmup=N] [--iterations=N |
//                  --min-time=S] [--input=@x.npy ...] [--device=...]
//                  [--clock-mhz=F] [--json]
//
// Runs the model repeatedly on one session (inputs from files, or seeded
// pseudo-random data), then reports latency percentiles, throughput (runs/s and
// GFLOP/s from the plan's FLOP counts) and the mean time of each dispatch.
// Dispatches on an accel device also get a per-layer table of the hardware
// counters (cycles beside SCALE-Sim's ideal, MACs, utilization, stalls, DRAM
// bytes) and totals: throughput at an assumed clock and an energy estimate
// (45 nm figures of docs/accel-backend.md).
//
//===----------------------------------------------------------------------===//
#include "runtime/driver/DriverSupport.h"
#include "tools/common/ToolSupport.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>

// Not `using namespace llvm`: llvm::Expected would clash with the runtime's.
namespace cl = llvm::cl;
using llvm::errs;
using llvm::format;
using llvm::outs;
using llvm::left_justify;
using llvm::right_justify;
using namespace systolic;
using namespace systolic::runtime;

static cl::OptionCategory category("systolic-bench options");
static cl::opt<std::string> modulePath("module", cl::desc("Compiled artifact (.sysm)"),
                                       cl::value_desc("file"), cl::Required,
                                       cl::cat(category));
static cl::list<std::string>
    inputArgs("input",
              cl::desc("Input tensor: @file.npy or name=@file.npy (default: "
                       "seeded pseudo-random data)"),
              cl::value_desc("[name=]@file.npy"), cl::cat(category));
static cl::list<std::string>
    deviceNames("device",
                cl::desc("Devices to run on, in order of preference; cpu is "
                         "always added (default: accel-golden,cpu for artifacts "
                         "with accel dispatches, else cpu)"),
                cl::value_desc("name,..."), cl::CommaSeparated, cl::cat(category));
static cl::opt<unsigned> warmup("warmup",
                                cl::desc("Untimed runs first (default 3; 0 on "
                                         "the cycle-accurate accel device)"),
                                cl::init(3), cl::cat(category));
static cl::opt<double> clockMhz(
    "clock-mhz",
    cl::desc("Accelerator clock assumed for accel throughput and power"),
    cl::init(1000.0), cl::cat(category));
static cl::opt<unsigned> iterations(
    "iterations",
    cl::desc("Timed runs (default: as many as fit in --min-time; 1 on the "
             "cycle-accurate accel device)"),
    cl::init(0), cl::cat(category));
static cl::opt<double> minTime("min-time",
                               cl::desc("Seconds to keep running when --iterations is 0"),
                               cl::init(1.0), cl::cat(category));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the pseudo-random inputs"),
                              cl::init(0), cl::cat(category));
static cl::opt<bool> json("json", cl::desc("Print the report as JSON"), cl::cat(category));

namespace {
struct Report {
  std::vector<std::string> devices;
  unsigned warmup = 0;
  unsigned runs = 0;
  double seconds = 0;        // wall-clock time of the timed loop
  double meanLatencyMs = 0;
  std::vector<double> latenciesMs; // sorted
  std::vector<double> dispatchMeanUs;
};

/// Energy per event at 45 nm, 0.9 V (Horowitz, ISSCC 2014; the table in
/// ../shared/reference/accelerator-anchors.md), in pJ. docs/accel-backend.md.
constexpr double kMacPj = 0.2 + 0.1;        // int8 multiply + int32 add
constexpr double kSramPjPerByte = 10.0 / 8; // 8 KB SRAM, 64-bit access: 10 pJ
constexpr double kDramPjPerByte = 1300.0 / 8; // DRAM 64-bit access: 1300-2600 pJ
constexpr double kOutputPj = 0.1 + 3.1 + 0.1; // bias add, 32-bit multiply, round

/// Where a layer's cycle count comes from, best first.
enum class CycleSource { Rtl, GoldenEstimate, CompilerEstimate };
const char *sourceName(CycleSource s) {
  return s == CycleSource::Rtl              ? "rtl"
         : s == CycleSource::GoldenEstimate ? "golden-estimate"
                                            : "compiler-estimate";
}

struct AccelLayer {
  size_t dispatch;
  DeviceCounters c;
  uint64_t cycles;     // RTL, else the golden model's estimate, else the compiler's
  CycleSource source;
  uint64_t outputs;    // elements of the result (the output path's work)
  double energyPj;
  bool exact() const { return source == CycleSource::Rtl; }
  double utilization() const {
    return cycles ? double(c.macs) / (double(cycles) * c.rows * c.cols) : 0;
  }
};

struct AccelReport {
  std::vector<AccelLayer> layers;
  CycleSource source = CycleSource::Rtl; // the weakest source of any layer
  uint64_t cycles = 0, idealCycles = 0, macs = 0, dramBytes = 0;
  uint32_t rows = 0, cols = 0;
  double energyPj = 0, macPj = 0, sramPj = 0, dramPj = 0, outputPj = 0;
  double utilization() const {
    return cycles && rows ? double(macs) / (double(cycles) * rows * cols) : 0;
  }
  double inferencesPerSecond() const { return cycles ? clockMhz * 1e6 / cycles : 0; }
  double watts() const { return energyPj * 1e-12 * inferencesPerSecond(); }
  double gopsPerWatt() const { return energyPj ? 2.0 * macs / (energyPj * 1e-12) / 1e9 : 0; }
};

AccelReport accelReport(const Module &m, const Session &session) {
  AccelReport r;
  const auto &plan = m.artifact().dispatches();
  for (size_t d = 0; d < plan.size(); ++d) {
    const DeviceCounters &c = session.dispatchCounters()[d];
    if (!c.valid)
      continue;
    CycleSource source = c.cycleAccurate ? CycleSource::Rtl
                         : c.cycles     ? CycleSource::GoldenEstimate
                                        : CycleSource::CompilerEstimate;
    AccelLayer layer{d, c, c.cycles ? c.cycles : c.estimatedCycles, source, 0, 0};
    for (size_t b = plan[d].numOperands; b < plan[d].bindings.size(); ++b)
      layer.outputs += m.artifact().buffers()[plan[d].bindings[b]].size;
    const double rowBytes = std::max(c.rows, c.cols), accRowBytes = 4.0 * c.cols;
    double mac = c.arrayMacs * kMacPj; // energy: every MAC the array ran
    double sram = ((c.spReads + c.spWrites) * rowBytes +
                   (c.accReads + c.accWrites) * accRowBytes) * kSramPjPerByte;
    double dram = (c.dramReadBytes + c.dramWriteBytes) * kDramPjPerByte;
    double output = layer.outputs * kOutputPj;
    layer.energyPj = mac + sram + dram + output;
    r.macPj += mac;
    r.sramPj += sram;
    r.dramPj += dram;
    r.outputPj += output;
    r.energyPj += layer.energyPj;
    r.source = std::max(r.source, source);
    r.cycles += layer.cycles;
    r.idealCycles += c.idealCycles;
    r.macs += c.macs;
    r.dramBytes += c.dramReadBytes + c.dramWriteBytes;
    r.rows = c.rows;
    r.cols = c.cols;
    r.layers.push_back(layer);
  }
  return r;
}

/// "85.1%".
std::string percent(double fraction) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100 * fraction);
  return buf;
}

/// Percent of a layer's cycles, "-" when not measured on the RTL.
std::string pct(uint64_t part, const AccelLayer &l) {
  if (!l.exact() || !l.cycles)
    return "-";
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%.0f%%", 100.0 * part / l.cycles);
  return buf;
}

/// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double> &sorted, double p) {
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

/// "60 FLOP", "1.2 MFLOP", ...
std::string humanFlops(double flops) {
  const char *units[] = {"", "k", "M", "G", "T"};
  int unit = 0;
  while (flops >= 1000 && unit < 4) {
    flops /= 1000;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), unit ? "%.3g %sFLOP" : "%.0f %sFLOP", flops, units[unit]);
  return buf;
}

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void printText(const Module &m, const Report &r, const Session &session) {
  const auto &plan = m.artifact().dispatches();
  double meanMs = r.meanLatencyMs;
  double flops = static_cast<double>(m.totalFlops());
  outs() << "module: " << modulePath << " (" << plan.size() << " dispatches, "
         << humanFlops(flops) << " per run)\n"
         << "runs: " << r.warmup << " warm-up, " << r.runs << " timed in "
         << format("%.4g", r.seconds) << " s\n"
         << "latency (ms): mean " << format("%.4g", meanMs) << "  p50 "
         << format("%.4g", percentile(r.latenciesMs, 50)) << "  p90 "
         << format("%.4g", percentile(r.latenciesMs, 90)) << "  p99 "
         << format("%.4g", percentile(r.latenciesMs, 99)) << "  min "
         << format("%.4g", r.latenciesMs.front()) << "  max "
         << format("%.4g", r.latenciesMs.back()) << "\n"
         << "throughput: " << format("%.1f", r.runs / r.seconds)
         << " inferences/s, " << format("%.3f", flops * r.runs / r.seconds / 1e9)
         << " GFLOP/s\n"
         << "intermediates: " << session.intermediateArena().size
         << " bytes in a shared arena (" << session.intermediateArena().unsharedSize
         << " unshared)\n\n";
  size_t nameWidth = 8;
  for (const auto &d : plan)
    nameWidth = std::max(nameWidth, d.name.size());
  outs() << left_justify("dispatch", nameWidth) << "  " << left_justify("device", 13)
         << right_justify("mean us", 12) << right_justify("share", 8)
         << right_justify("GFLOP/s", 10) << "\n";
  double accounted = 0;
  for (size_t d = 0; d < plan.size(); ++d) {
    double us = r.dispatchMeanUs[d];
    accounted += us;
    outs() << left_justify(plan[d].name, nameWidth) << "  "
           << left_justify(session.dispatchDevice(d).name(), 13)
           << format("%12.3f", us) << format("%7.1f%%", 100 * us / (meanMs * 1e3))
           << format("%10.3f", us > 0 ? plan[d].flops / (us * 1e3) : 0.0) << "\n";
  }
  double overhead = std::max(0.0, meanMs * 1e3 - accounted);
  outs() << left_justify("(runtime overhead)", nameWidth + 15)
         << format("%12.3f", overhead)
         << format("%7.1f%%", 100 * overhead / (meanMs * 1e3)) << "\n";

  AccelReport a = accelReport(m, session);
  if (a.layers.empty())
    return;
  outs() << "\naccelerator (" << a.rows << "x" << a.cols << " array, "
         << (a.source == CycleSource::Rtl
                 ? "cycles measured on the cycle-accurate RTL"
             : a.source == CycleSource::GoldenEstimate
                 ? "cycles are the golden model's timing estimate, marked ~; "
                   "run on --device=accel for measured cycles and stalls"
                 : "cycles are the compiler's estimate, marked ~")
         << "; stalls in % of the layer's cycles: load waiting for DRAM / "
            "token, compute waiting for a token / the array, store waiting "
            "for DRAM / token)\n";
  outs() << left_justify("layer", nameWidth) << "  " << left_justify("op", 11)
         << left_justify("df", 3) << right_justify("cycles", 12)
         << right_justify("ideal", 11) << right_justify("ratio", 7)
         << right_justify("MACs", 12) << right_justify("util", 7)
         << right_justify("ld-dram", 8) << right_justify("ld-tok", 7)
         << right_justify("cp-tok", 7) << right_justify("cp-arr", 7)
         << right_justify("st-dram", 8) << right_justify("st-tok", 7)
         << right_justify("DRAM B", 11) << "\n";
  for (const AccelLayer &l : a.layers) {
    const DeviceCounters &c = l.c;
    std::string cyc = (l.exact() ? "" : "~") + std::to_string(l.cycles);
    outs() << left_justify(plan[l.dispatch].name, nameWidth) << "  "
           << left_justify(c.layer, 11) << left_justify(c.dataflow, 3)
           << right_justify(cyc, 12) << format("%11llu", (unsigned long long)c.idealCycles)
           << format("%7.2f", c.idealCycles ? double(l.cycles) / c.idealCycles : 0.0)
           << format("%12llu", (unsigned long long)c.macs)
           << right_justify((l.exact() ? "" : "~") + percent(l.utilization()), 7)
           << right_justify(pct(c.loadStallDram, l), 8)
           << right_justify(pct(c.loadStallToken, l), 7)
           << right_justify(pct(c.computeStallToken, l), 7)
           << right_justify(pct(c.computeStallHazard, l), 7)
           << right_justify(pct(c.storeStallDram, l), 8)
           << right_justify(pct(c.storeStallToken, l), 7)
           << format("%11llu", (unsigned long long)(c.dramReadBytes + c.dramWriteBytes))
           << "\n";
  }
  outs() << "total: " << (a.source == CycleSource::Rtl ? "" : "~") << a.cycles
         << " cycles (ideal "
         << a.idealCycles << ", x"
         << format("%.2f", a.idealCycles ? double(a.cycles) / a.idealCycles : 0.0)
         << "), " << a.macs << " MACs, "
         << format("%.1f", 100 * a.utilization()) << "% utilization, "
         << a.dramBytes << " DRAM bytes\n"
         << "accel throughput at " << format("%g", double(clockMhz)) << " MHz: "
         << format("%.1f", a.inferencesPerSecond()) << " inferences/s ("
         << format("%.2f", 2.0 * a.macs * a.inferencesPerSecond() / 1e9)
         << " GOP/s; accel dispatches only)\n"
         << "energy (45 nm, Horowitz; MACs, SRAM rows, DRAM bytes, output path): "
         << format("%.3f", a.energyPj / 1e6) << " uJ per inference (MAC "
         << format("%.0f", 100 * a.macPj / a.energyPj) << "%, SRAM "
         << format("%.0f", 100 * a.sramPj / a.energyPj) << "%, DRAM "
         << format("%.0f", 100 * a.dramPj / a.energyPj) << "%, output "
         << format("%.0f", 100 * a.outputPj / a.energyPj) << "%), "
         << format("%.3f", a.watts()) << " W at that rate, "
         << format("%.1f", a.gopsPerWatt()) << " GOP/s per W\n";
}

void printJson(const Module &m, const Report &r, const Session &session) {
  const auto &plan = m.artifact().dispatches();
  double meanMs = r.meanLatencyMs;
  double flops = static_cast<double>(m.totalFlops());
  outs() << "{\n  \"module\": " << jsonString(modulePath) << ",\n  \"devices\": [";
  for (size_t i = 0; i < r.devices.size(); ++i)
    outs() << (i ? ", " : "") << jsonString(r.devices[i]);
  outs() << "],\n  \"warmup\": " << r.warmup << ",\n  \"iterations\": " << r.runs
         << ",\n  \"seconds\": " << format("%.6f", r.seconds)
         << ",\n  \"flops_per_run\": " << m.totalFlops()
         << ",\n  \"latency_ms\": {\"mean\": " << format("%.6f", meanMs)
         << ", \"p50\": " << format("%.6f", percentile(r.latenciesMs, 50))
         << ", \"p90\": " << format("%.6f", percentile(r.latenciesMs, 90))
         << ", \"p99\": " << format("%.6f", percentile(r.latenciesMs, 99))
         << ", \"min\": " << format("%.6f", r.latenciesMs.front())
         << ", \"max\": " << format("%.6f", r.latenciesMs.back()) << "},\n"
         << "  \"throughput\": {\"inferences_per_second\": "
         << format("%.3f", r.runs / r.seconds) << ", \"gflops\": "
         << format("%.6f", flops * r.runs / r.seconds / 1e9) << "},\n"
         << "  \"intermediate_bytes\": {\"arena\": " << session.intermediateArena().size
         << ", \"unshared\": " << session.intermediateArena().unsharedSize << "},\n"
         << "  \"dispatches\": [";
  for (size_t d = 0; d < plan.size(); ++d) {
    double us = r.dispatchMeanUs[d];
    outs() << (d ? ",\n" : "\n") << "    {\"name\": " << jsonString(plan[d].name)
           << ", \"device\": " << jsonString(session.dispatchDevice(d).name())
           << ", \"mean_us\": " << format("%.3f", us)
           << ", \"share\": " << format("%.6f", us / (meanMs * 1e3))
           << ", \"flops\": " << plan[d].flops << ", \"gflops\": "
           << format("%.6f", us > 0 ? plan[d].flops / (us * 1e3) : 0.0) << "}";
  }
  outs() << "\n  ]";
  AccelReport a = accelReport(m, session);
  if (!a.layers.empty()) {
    outs() << ",\n  \"accel\": {\"rows\": " << a.rows << ", \"cols\": " << a.cols
           << ", \"cycles_source\": \"" << sourceName(a.source)
           << "\", \"clock_mhz\": " << format("%g", double(clockMhz))
           << ", \"process_node\": \"45nm\",\n    \"layers\": [";
    for (size_t i = 0; i < a.layers.size(); ++i) {
      const AccelLayer &l = a.layers[i];
      const DeviceCounters &c = l.c;
      outs() << (i ? ",\n" : "\n") << "      {\"dispatch\": " << l.dispatch
             << ", \"name\": " << jsonString(plan[l.dispatch].name)
             << ", \"layer\": " << jsonString(c.layer)
             << ", \"dataflow\": " << jsonString(c.dataflow)
             << ", \"cycles_source\": \"" << sourceName(l.source) << "\""
             << ", \"cycles\": " << l.cycles
             << ", \"estimated_cycles\": " << c.estimatedCycles
             << ", \"ideal_cycles\": " << c.idealCycles
             << ", \"ratio\": "
             << format("%.4f", c.idealCycles ? double(l.cycles) / c.idealCycles : 0.0)
             << ", \"macs\": " << c.macs << ", \"array_macs\": " << c.arrayMacs
             << ", \"utilization\": " << format("%.6f", l.utilization())
             << ", \"programs\": " << c.programs
             << ",\n       \"load\": {\"busy\": " << c.loadBusy
             << ", \"stall_token\": " << c.loadStallToken
             << ", \"stall_dram\": " << c.loadStallDram << "}"
             << ", \"compute\": {\"busy\": " << c.computeBusy
             << ", \"stall_token\": " << c.computeStallToken
             << ", \"stall_hazard\": " << c.computeStallHazard << "}"
             << ", \"store\": {\"busy\": " << c.storeBusy
             << ", \"stall_token\": " << c.storeStallToken
             << ", \"stall_dram\": " << c.storeStallDram << "}"
             << ",\n       \"sram\": {\"sp_reads\": " << c.spReads
             << ", \"sp_writes\": " << c.spWrites << ", \"acc_reads\": " << c.accReads
             << ", \"acc_writes\": " << c.accWrites << "}"
             << ", \"dram_read_bytes\": " << c.dramReadBytes
             << ", \"dram_write_bytes\": " << c.dramWriteBytes
             << ", \"energy_pj\": " << format("%.1f", l.energyPj) << "}";
    }
    outs() << "\n    ],\n    \"total\": {\"cycles\": " << a.cycles
           << ", \"ideal_cycles\": " << a.idealCycles << ", \"macs\": " << a.macs
           << ", \"utilization\": " << format("%.6f", a.utilization())
           << ", \"dram_bytes\": " << a.dramBytes
           << ", \"inferences_per_second\": " << format("%.3f", a.inferencesPerSecond())
           << ", \"energy_pj\": " << format("%.1f", a.energyPj)
           << ", \"energy_breakdown_pj\": {\"mac\": " << format("%.1f", a.macPj)
           << ", \"sram\": " << format("%.1f", a.sramPj)
           << ", \"dram\": " << format("%.1f", a.dramPj)
           << ", \"output\": " << format("%.1f", a.outputPj) << "}"
           << ", \"watts\": " << format("%.6f", a.watts())
           << ", \"gops_per_watt\": " << format("%.3f", a.gopsPerWatt()) << "}}";
  }
  outs() << "\n}\n";
}
} // namespace

static Status bench() {
  if (!(minTime > 0) || !std::isfinite(minTime))
    return Status(StatusCode::InvalidArgument, "--min-time must be a positive number of seconds");
  Expected<std::shared_ptr<const Module>> module = Module::load(modulePath);
  if (!module)
    return module.status();
  const Module &m = **module;
  if (!(clockMhz > 0) || !std::isfinite(clockMhz))
    return Status(StatusCode::InvalidArgument, "--clock-mhz must be a positive number");
  Report report;
  report.devices = driver::resolveDeviceNames(
      m, std::vector<std::string>(deviceNames.begin(), deviceNames.end()));
  // The cycle-accurate RTL is slow and deterministic: one run is the measure.
  bool rtl = std::find(report.devices.begin(), report.devices.end(), "accel") !=
             report.devices.end();
  unsigned warmupRuns = rtl && !warmup.getNumOccurrences() ? 0 : unsigned(warmup);
  unsigned timedRuns =
      rtl && !iterations.getNumOccurrences() && !minTime.getNumOccurrences()
          ? 1
          : unsigned(iterations);
  Expected<std::vector<std::shared_ptr<Device>>> devices =
      driver::createDevices(DeviceRegistry::withBuiltinDevices(), report.devices);
  if (!devices)
    return devices.status();
  Expected<std::unique_ptr<Session>> created = Session::create(*module, devices.take());
  if (!created)
    return created.status();
  Session &session = **created;
  if (inputArgs.empty()) {
    if (Status s = driver::bindRandomInputs(session, seed); !s)
      return s;
  } else {
    Expected<std::vector<std::string>> paths =
        driver::assignFiles(inputArgs, m.inputs(), "--input");
    if (!paths)
      return paths.status();
    if (Status s = driver::bindInputFiles(session, *paths); !s)
      return s;
  }

  for (unsigned i = 0; i < warmupRuns; ++i)
    if (Status s = session.run(); !s)
      return s;
  using Clock = std::chrono::steady_clock;
  size_t numDispatches = m.artifact().dispatches().size();
  std::vector<double> dispatchTotalNs(numDispatches, 0);
  Clock::time_point begin = Clock::now();
  report.warmup = warmupRuns;
  auto more = [&] {
    if (timedRuns)
      return report.runs < timedRuns;
    return report.runs == 0 ||
           std::chrono::duration<double>(Clock::now() - begin).count() < minTime;
  };
  while (more()) {
    Clock::time_point start = Clock::now();
    if (Status s = session.run(); !s)
      return s;
    report.latenciesMs.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    for (size_t d = 0; d < numDispatches; ++d)
      dispatchTotalNs[d] += session.dispatchNanoseconds()[d];
    ++report.runs;
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  for (double ms : report.latenciesMs)
    report.meanLatencyMs += ms / report.runs;
  std::sort(report.latenciesMs.begin(), report.latenciesMs.end());
  for (double ns : dispatchTotalNs)
    report.dispatchMeanUs.push_back(ns / 1e3 / report.runs);
  if (json)
    printJson(m, report, session);
  else
    printText(m, report, session);
  return Status::ok();
}

int main(int argc, char **argv) {
  systolic::parseToolCommandLine(argc, argv, "systolic-bench",
                                 "Systolic benchmark driver: latency and throughput "
                                 "of a compiled model\n", category);
  Status status = bench();
  if (!status) {
    errs() << "systolic-bench: error: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
