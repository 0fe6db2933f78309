//===- SimBridge.h - The runtime's narrow view of the simulator -*- C++ -*-===//
//
// The accel devices reach the simulator (sim/Accelerator.h) only through this
// header, which uses nothing but the standard library: the simulator defines
// its own systolic::Status, so no file includes both its headers and the
// runtime's. Errors are message strings ("" means success).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_ACCEL_SIMBRIDGE_H
#define SYSTOLIC_RUNTIME_ACCEL_SIMBRIDGE_H

#include "runtime/artifact/AccelExecutable.h"

#include <memory>
#include <string>
#include <vector>

namespace systolic::runtime::simbridge {

/// The simulator's performance counters of one program run (sim Counter).
struct RunCounters {
  uint64_t cycles = 0;
  uint64_t loadBusy = 0, loadStallToken = 0, loadStallDram = 0;
  uint64_t computeBusy = 0, computeStallToken = 0, computeStallHazard = 0;
  uint64_t storeBusy = 0, storeStallToken = 0, storeStallDram = 0;
  uint64_t macs = 0;
  uint64_t spReads = 0, spWrites = 0, accReads = 0, accWrites = 0;
  uint64_t dramReadBytes = 0, dramWriteBytes = 0;
};

/// A program to prepare, with a label for messages
/// ("entry point 'd1_conv2d' program 0").
struct ProgramSource {
  std::string label;
  const std::vector<uint64_t> *words = nullptr;
};

class Simulator {
public:
  virtual ~Simulator();
  /// Whether the model is cycle-accurate (the RTL) or the golden model (exact
  /// events, estimated cycles).
  virtual bool cycleAccurate() const = 0;
  virtual std::string writeDram(uint64_t address, const void *data, size_t size) = 0;
  virtual std::string readDram(uint64_t address, void *data, size_t size) = 0;
  /// Runs prepared program `index` to completion.
  virtual std::string run(size_t index, RunCounters *counters) = 0;
};

/// Creates the golden model (`rtl` false) or the Verilated RTL build matching
/// `hw`, and decodes and checks every program against `hw` (the first illegal
/// instruction is reported with its label and index). On failure returns the
/// message; an RTL configuration without a build names what was asked, what
/// exists and what to do.
std::string createSimulator(bool rtl, const artifact::accel::HwDescription &hw,
                            const std::vector<ProgramSource> &programs,
                            std::unique_ptr<Simulator> *out);

} // namespace systolic::runtime::simbridge

#endif // SYSTOLIC_RUNTIME_ACCEL_SIMBRIDGE_H
