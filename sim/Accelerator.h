// The common interface of every Systolic accelerator model: the bit-exact
// golden model ("golden") and the Verilated RTL ("rtl"). The runtime's accel
// devices drive exactly this interface.
#pragma once

#include "isa/Isa.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace systolic {

// Performance counters, in the order of the RTL's `counters` output port.
enum Counter : unsigned {
  kCycles = 0,
  kLoadBusy, kLoadStallToken, kLoadStallDram,
  kComputeBusy, kComputeStallToken, kComputeStallHazard,
  kStoreBusy, kStoreStallToken, kStoreStallDram,
  kMacs,
  kSpReads, kSpWrites, kAccReads, kAccWrites,
  kDramReadBytes, kDramWriteBytes,
  kNumCounters
};
const char* counterName(unsigned c);
// Counters that count events (not cycles) and so must agree between models.
bool isEventCounter(unsigned c);

struct RunResult {
  std::array<uint64_t, kNumCounters> counters{};
  ErrorCode error = ErrorCode::Ok;
  uint64_t errorIndex = 0;  // offending instruction when error != Ok
  std::string message;      // precise description when error != Ok
  bool ok() const { return error == ErrorCode::Ok; }
};

struct AcceleratorOptions {
  std::string fstPath;      // RTL only: dump an FST waveform of every run here
  uint64_t maxCycles = 0;   // RTL only: 0 picks a generous limit from the program
};

class Accelerator {
 public:
  virtual ~Accelerator() = default;
  virtual const HwConfig& config() const = 0;
  virtual std::string kind() const = 0;
  virtual Status writeDram(uint64_t addr, const void* data, size_t bytes) = 0;
  virtual Status readDram(uint64_t addr, void* data, size_t bytes) const = 0;
  // Runs a program to completion. Scratchpad, accumulator and lookup-table
  // contents persist across runs; dependency tokens start at zero. A faulting
  // program yields a failed Status with the same text as out->message.
  virtual Status run(const Program& program, RunResult* out) = 0;
};

// kind: "golden" or "rtl". Fails with a precise message for invalid
// configurations and for RTL configurations that were not built.
Status createAccelerator(const std::string& kind, const HwConfig& cfg,
                         const AcceleratorOptions& options,
                         std::unique_ptr<Accelerator>* out);
// Array configurations that have a Verilated build linked in.
std::vector<HwConfig> builtRtlConfigs();

// Byte-addressed model of off-chip memory shared by both models.
class Dram {
 public:
  explicit Dram(uint64_t bytes) : bytes_(bytes, 0) {}
  Status write(uint64_t addr, const void* data, size_t n);
  Status read(uint64_t addr, void* data, size_t n) const;
  uint8_t* raw(uint64_t addr) { return bytes_.data() + addr; }
  uint64_t size() const { return bytes_.size(); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace systolic
