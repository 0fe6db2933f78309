//===- AccelDevice.cpp - The Systolic accelerator devices -----------------===//
#include "runtime/accel/AccelDevice.h"
#include "runtime/accel/SimBridge.h"

#include <mutex>

namespace systolic::runtime {

namespace {

using artifact::accel::AccelEntryPoint;
using artifact::accel::AccelExecutableDesc;

class AccelExecutable final : public LoadedExecutable {
public:
  AccelExecutable(AccelExecutableDesc desc, std::vector<uint32_t> entryMap,
                  std::vector<size_t> firstProgram,
                  std::unique_ptr<simbridge::Simulator> sim)
      : desc_(std::move(desc)), entryMap_(std::move(entryMap)),
        firstProgram_(std::move(firstProgram)), sim_(std::move(sim)) {}

  Status invoke(uint32_t entryPoint, void **bindings) override {
    DeviceCounters ignored;
    return invokeWithCounters(entryPoint, bindings, &ignored);
  }

  Status checkBindings(uint32_t entryPoint,
                       const std::vector<uint64_t> &sizes) const override {
    const AccelEntryPoint &ep = entry(entryPoint);
    if (sizes.size() != ep.bindings.size())
      return Status(StatusCode::InvalidArgument,
                    "accel entry point '" + ep.name + "' has " +
                        std::to_string(ep.bindings.size()) +
                        " bindings, the dispatch binds " +
                        std::to_string(sizes.size()) + " buffers");
    for (size_t i = 0; i < sizes.size(); ++i)
      if (sizes[i] != ep.bindings[i].size)
        return Status(StatusCode::InvalidArgument,
                      "accel entry point '" + ep.name + "' binding " +
                          std::to_string(i) + " is " +
                          std::to_string(ep.bindings[i].size) +
                          " bytes in DRAM, but the dispatch's buffer has " +
                          std::to_string(sizes[i]));
    if (ep.numOperands + 1 != ep.bindings.size())
      return Status(StatusCode::InvalidArgument,
                    "accel entry point '" + ep.name + "' must have one result");
    return Status::ok();
  }

  Status invokeWithCounters(uint32_t entryPoint, void **bindings,
                            DeviceCounters *counters) override {
    const AccelEntryPoint &ep = entry(entryPoint);
    *counters = DeviceCounters();
    // One simulator per loaded executable: runs are serialized.
    std::lock_guard<std::mutex> lock(mutex_);
    auto fail = [&](const std::string &message) {
      return Status(StatusCode::Internal,
                    "accel entry point '" + ep.name + "': " + message);
    };
    for (uint32_t i = 0; i < ep.numOperands; ++i)
      if (std::string e = sim_->writeDram(ep.bindings[i].address, bindings[i],
                                          ep.bindings[i].size);
          !e.empty())
        return fail("writing operand " + std::to_string(i) + ": " + e);
    DeviceCounters &c = *counters;
    for (size_t p = 0; p < ep.programs.size(); ++p) {
      simbridge::RunCounters r;
      if (std::string e = sim_->run(firstProgram_[entryMap_[entryPoint]] + p, &r);
          !e.empty())
        return fail(e);
      c.cycles += r.cycles;
      c.loadBusy += r.loadBusy;
      c.loadStallToken += r.loadStallToken;
      c.loadStallDram += r.loadStallDram;
      c.computeBusy += r.computeBusy;
      c.computeStallToken += r.computeStallToken;
      c.computeStallHazard += r.computeStallHazard;
      c.storeBusy += r.storeBusy;
      c.storeStallToken += r.storeStallToken;
      c.storeStallDram += r.storeStallDram;
      c.arrayMacs += r.macs;
      c.spReads += r.spReads;
      c.spWrites += r.spWrites;
      c.accReads += r.accReads;
      c.accWrites += r.accWrites;
      c.dramReadBytes += r.dramReadBytes;
      c.dramWriteBytes += r.dramWriteBytes;
      ++c.programs;
    }
    for (size_t i = ep.numOperands; i < ep.bindings.size(); ++i)
      if (std::string e = sim_->readDram(ep.bindings[i].address, bindings[i],
                                         ep.bindings[i].size);
          !e.empty())
        return fail("reading result " + std::to_string(i - ep.numOperands) +
                    ": " + e);
    c.valid = true;
    c.cycleAccurate = sim_->cycleAccurate();
    c.rows = desc_.hw.rows;
    c.cols = desc_.hw.cols;
    c.idealCycles = ep.idealCycles;
    c.macs = ep.macs;
    c.estimatedCycles = ep.estimatedCycles();
    c.dataflow = artifact::accel::dataflowName(ep.dataflow);
    c.layer = ep.layer;
    return Status::ok();
  }

private:
  const AccelEntryPoint &entry(uint32_t artifactEntryPoint) const {
    return desc_.entryPoints[entryMap_[artifactEntryPoint]];
  }

  AccelExecutableDesc desc_;
  std::vector<uint32_t> entryMap_;   // artifact entry point -> desc entry point
  std::vector<size_t> firstProgram_; // desc entry point -> first program index
  std::unique_ptr<simbridge::Simulator> sim_;
  std::mutex mutex_;
};

class AccelDevice final : public Device {
public:
  explicit AccelDevice(AccelSimulator simulator)
      : simulator_(simulator),
        name_(simulator == AccelSimulator::Rtl ? "accel" : "accel-golden") {}
  const std::string &name() const override { return name_; }
  const std::string &kind() const override { return kind_; }

  Expected<std::unique_ptr<LoadedExecutable>>
  load(const artifact::ExecutableSpec &exe) override {
    if (exe.target != artifact::accel::kAccelTarget ||
        exe.format != artifact::accel::kAccelFormat)
      return Status(StatusCode::Unimplemented,
                    "the " + name_ + " device runs target 'accel' in format '" +
                        std::string(artifact::accel::kAccelFormat) +
                        "', not target '" + exe.target + "' in format '" +
                        exe.format + "'");
    AccelExecutableDesc desc;
    if (std::string e = artifact::accel::parseAccelExecutable(
            exe.data.data, exe.data.size, &desc);
        !e.empty())
      return Status(StatusCode::DataLoss, e);

    // Artifact entry point names -> the executable's entry points.
    std::vector<uint32_t> entryMap;
    for (const std::string &name : exe.entryPoints) {
      uint32_t found = static_cast<uint32_t>(desc.entryPoints.size());
      for (uint32_t i = 0; i < desc.entryPoints.size(); ++i)
        if (desc.entryPoints[i].name == name)
          found = i;
      if (found == desc.entryPoints.size())
        return Status(StatusCode::DataLoss,
                      "the accel executable has no entry point '" + name +
                          "' (the artifact lists it)");
      entryMap.push_back(found);
    }
    std::vector<simbridge::ProgramSource> sources;
    std::vector<size_t> firstProgram;
    for (const AccelEntryPoint &ep : desc.entryPoints) {
      firstProgram.push_back(sources.size());
      for (size_t p = 0; p < ep.programs.size(); ++p)
        sources.push_back({"entry point '" + ep.name + "' program " +
                               std::to_string(p),
                           &ep.programs[p]});
    }
    std::unique_ptr<simbridge::Simulator> sim;
    if (std::string e = simbridge::createSimulator(
            simulator_ == AccelSimulator::Rtl, desc.hw, sources, &sim);
        !e.empty())
      return Status(StatusCode::FailedPrecondition, e);
    for (const AccelEntryPoint &ep : desc.entryPoints)
      for (const artifact::accel::AccelConstant &c : ep.constants)
        if (std::string e = sim->writeDram(c.address, c.data.data(), c.data.size());
            !e.empty())
          return Status(StatusCode::DataLoss, "entry point '" + ep.name +
                                                  "' constant '" + c.what +
                                                  "': " + e);
    return std::unique_ptr<LoadedExecutable>(std::make_unique<AccelExecutable>(
        std::move(desc), std::move(entryMap), std::move(firstProgram),
        std::move(sim)));
  }

private:
  AccelSimulator simulator_;
  std::string name_;
  std::string kind_ = "accel";
};

} // namespace

Expected<std::shared_ptr<Device>> createAccelDevice(AccelSimulator simulator) {
  return std::shared_ptr<Device>(std::make_shared<AccelDevice>(simulator));
}

} // namespace systolic::runtime
