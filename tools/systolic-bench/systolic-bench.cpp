//===- systolic-bench.cpp - Latency and throughput of a compiled model ----===//
//
//   systolic-bench --module=model.sysm [--warmup=N] [--iterations=N |
//                  --min-time=S] [--input=@x.npy ...] [--device=cpu] [--json]
//
// Runs the model repeatedly on one session (inputs from files, or seeded
// pseudo-random data), then reports latency percentiles, throughput (runs/s and
// GFLOP/s from the plan's FLOP counts) and the mean time of each dispatch.
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
    deviceNames("device", cl::desc("Devices to run on, in order of preference (default: cpu)"),
                cl::value_desc("name,..."), cl::CommaSeparated, cl::cat(category));
static cl::opt<unsigned> warmup("warmup", cl::desc("Untimed runs first"),
                                cl::init(3), cl::cat(category));
static cl::opt<unsigned> iterations(
    "iterations", cl::desc("Timed runs (default: as many as fit in --min-time)"),
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
  unsigned runs = 0;
  double seconds = 0;        // wall-clock time of the timed loop
  double meanLatencyMs = 0;
  std::vector<double> latenciesMs; // sorted
  std::vector<double> dispatchMeanUs;
};

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
         << "runs: " << warmup << " warm-up, " << r.runs << " timed in "
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
  outs() << left_justify("dispatch", nameWidth) << "  " << left_justify("device", 8)
         << right_justify("mean us", 12) << right_justify("share", 8)
         << right_justify("GFLOP/s", 10) << "\n";
  double accounted = 0;
  for (size_t d = 0; d < plan.size(); ++d) {
    double us = r.dispatchMeanUs[d];
    accounted += us;
    outs() << left_justify(plan[d].name, nameWidth) << "  "
           << left_justify(session.dispatchDevice(d).name(), 8)
           << format("%12.3f", us) << format("%7.1f%%", 100 * us / (meanMs * 1e3))
           << format("%10.3f", us > 0 ? plan[d].flops / (us * 1e3) : 0.0) << "\n";
  }
  double overhead = std::max(0.0, meanMs * 1e3 - accounted);
  outs() << left_justify("(runtime overhead)", nameWidth + 10)
         << format("%12.3f", overhead)
         << format("%7.1f%%", 100 * overhead / (meanMs * 1e3)) << "\n";
}

void printJson(const Module &m, const Report &r, const Session &session) {
  const auto &plan = m.artifact().dispatches();
  double meanMs = r.meanLatencyMs;
  double flops = static_cast<double>(m.totalFlops());
  outs() << "{\n  \"module\": " << jsonString(modulePath) << ",\n  \"devices\": [";
  for (size_t i = 0; i < r.devices.size(); ++i)
    outs() << (i ? ", " : "") << jsonString(r.devices[i]);
  outs() << "],\n  \"warmup\": " << warmup << ",\n  \"iterations\": " << r.runs
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
  outs() << "\n  ]\n}\n";
}
} // namespace

static Status bench() {
  if (!(minTime > 0) || !std::isfinite(minTime))
    return Status(StatusCode::InvalidArgument, "--min-time must be a positive number of seconds");
  Expected<std::shared_ptr<const Module>> module = Module::load(modulePath);
  if (!module)
    return module.status();
  const Module &m = **module;
  Report report;
  report.devices.assign(deviceNames.begin(), deviceNames.end());
  if (report.devices.empty())
    report.devices.push_back("cpu");
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

  for (unsigned i = 0; i < warmup; ++i)
    if (Status s = session.run(); !s)
      return s;
  using Clock = std::chrono::steady_clock;
  size_t numDispatches = m.artifact().dispatches().size();
  std::vector<double> dispatchTotalNs(numDispatches, 0);
  Clock::time_point begin = Clock::now();
  auto more = [&] {
    if (iterations)
      return report.runs < iterations;
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
  cl::HideUnrelatedOptions(category);
  systolic::parseToolCommandLine(argc, argv, "systolic-bench",
                                 "Systolic benchmark driver: latency and throughput "
                                 "of a compiled model\n");
  Status status = bench();
  if (!status) {
    errs() << "systolic-bench: error: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
