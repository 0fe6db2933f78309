//===- SimBridge.cpp - The simulator behind the accel devices -------------===//
//
// The only runtime file that includes the simulator's headers (and so the
// only one that sees its systolic::Status; the runtime's never appears here).
//
//===----------------------------------------------------------------------===//
#include "runtime/accel/SimBridge.h"
#include "runtime/accel/SimHwConfig.h"

#include "Accelerator.h"

#include <algorithm>

namespace systolic::runtime::simbridge {

Simulator::~Simulator() = default;

namespace {

class SimulatorImpl final : public Simulator {
public:
  SimulatorImpl(std::unique_ptr<Accelerator> accel, std::vector<Program> programs,
                std::vector<std::string> labels)
      : accel_(std::move(accel)), programs_(std::move(programs)),
        labels_(std::move(labels)) {}

  bool cycleAccurate() const override { return accel_->kind() == "rtl"; }
  std::string writeDram(uint64_t address, const void *data, size_t size) override {
    return accel_->writeDram(address, data, size).error;
  }
  std::string readDram(uint64_t address, void *data, size_t size) override {
    return accel_->readDram(address, data, size).error;
  }
  std::string run(size_t index, RunCounters *c) override {
    RunResult result;
    Status status = accel_->run(programs_[index], &result);
    if (!status.ok())
      return labels_[index] + " failed on the " +
             (cycleAccurate() ? std::string("RTL") : std::string("golden model")) +
             " (" + errorCodeName(result.error) + "): " + status.error;
    const auto &v = result.counters;
    *c = RunCounters();
    c->cycles = v[kCycles];
    c->loadBusy = v[kLoadBusy];
    c->loadStallToken = v[kLoadStallToken];
    c->loadStallDram = v[kLoadStallDram];
    c->computeBusy = v[kComputeBusy];
    c->computeStallToken = v[kComputeStallToken];
    c->computeStallHazard = v[kComputeStallHazard];
    c->storeBusy = v[kStoreBusy];
    c->storeStallToken = v[kStoreStallToken];
    c->storeStallDram = v[kStoreStallDram];
    c->macs = v[kMacs];
    c->spReads = v[kSpReads];
    c->spWrites = v[kSpWrites];
    c->accReads = v[kAccReads];
    c->accWrites = v[kAccWrites];
    c->dramReadBytes = v[kDramReadBytes];
    c->dramWriteBytes = v[kDramWriteBytes];
    return "";
  }

private:
  std::unique_ptr<Accelerator> accel_;
  std::vector<Program> programs_;
  std::vector<std::string> labels_;
};

std::string memoryOf(const HwConfig &c) {
  return "scratchpad " + std::to_string(c.spRows) + " rows in " +
         std::to_string(c.spBanks) + " banks, accumulator " +
         std::to_string(c.accRows) + " rows in " + std::to_string(c.accBanks) +
         " banks, queues " + std::to_string(c.queueDepth);
}

/// "4x4, 8x8, 16x16 (scratchpad 8192 rows in 4 banks, ...)": the sizes of
/// each memory system that has builds.
std::string builtConfigs() {
  std::vector<std::pair<std::string, std::string>> groups; // memory, sizes
  for (const HwConfig &b : builtRtlConfigs()) {
    std::string size = std::to_string(b.rows) + "x" + std::to_string(b.cols);
    std::string memory = memoryOf(b);
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto &g) { return g.first == memory; });
    if (it == groups.end())
      groups.push_back({memory, size});
    else if (it->second.find(size) == std::string::npos)
      it->second += ", " + size;
  }
  std::string out;
  for (const auto &[memory, sizes] : groups)
    out += (out.empty() ? "" : "; ") + sizes + " (" + memory + ")";
  return out.empty() ? "none" : out;
}

} // namespace

std::string createSimulator(bool rtl, const artifact::accel::HwDescription &hw,
                            const std::vector<ProgramSource> &sources,
                            std::unique_ptr<Simulator> *out) {
  HwConfig cfg = artifact::accel::toSimHwConfig(hw);
  if (Status s = cfg.validate(); !s.ok())
    return "the accel executable's " + s.error;
  std::vector<Program> programs;
  std::vector<std::string> labels;
  for (const ProgramSource &source : sources) {
    const std::vector<uint64_t> &words = *source.words;
    Program program(words.size() / 2);
    for (size_t i = 0; i < program.size(); ++i) {
      program[i].w[0] = words[2 * i];
      program[i].w[1] = words[2 * i + 1];
      Check c = check(program[i], cfg, i);
      if (c.code != ErrorCode::Ok)
        return source.label + " is not a legal program for the " +
               std::to_string(cfg.rows) + "x" + std::to_string(cfg.cols) +
               " configuration: " + c.message + " (" + errorCodeName(c.code) + ")";
    }
    programs.push_back(std::move(program));
    labels.push_back(source.label);
  }
  std::unique_ptr<Accelerator> accel;
  Status s = createAccelerator(rtl ? "rtl" : "golden", cfg, AcceleratorOptions(), &accel);
  if (!s.ok()) {
    if (!rtl)
      return "cannot create the golden model: " + s.error;
    return "the accel executable was compiled for a " + std::to_string(cfg.rows) +
           "x" + std::to_string(cfg.cols) + " array (" + memoryOf(cfg) +
           "), but the 'accel' device (Verilated RTL) has no build of that "
           "configuration; RTL builds: " + builtConfigs() +
           ". Recompile with systolic-compile --target=accel "
           "--accel-config=<a built configuration>, run on --device=accel-golden "
           "(any configuration), or rebuild the simulator with that "
           "configuration (sim/CMakeLists.txt, SYSTOLIC_RTL_SIZES).";
  }
  *out = std::make_unique<SimulatorImpl>(std::move(accel), std::move(programs),
                                         std::move(labels));
  return "";
}

} // namespace systolic::runtime::simbridge
