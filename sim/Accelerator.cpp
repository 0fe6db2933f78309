#include "Accelerator.h"

#include <cstring>

namespace systolic {

const char* counterName(unsigned c) {
  static const char* const names[kNumCounters] = {
      "cycles", "load.busy", "load.stall_token", "load.stall_dram", "compute.busy",
      "compute.stall_token", "compute.stall_hazard", "store.busy", "store.stall_token",
      "store.stall_dram", "macs", "sp.reads", "sp.writes", "acc.reads", "acc.writes",
      "dram.read_bytes", "dram.write_bytes"};
  return c < kNumCounters ? names[c] : "?";
}

bool isEventCounter(unsigned c) { return c >= kMacs && c < kNumCounters; }

static Status dramRange(uint64_t addr, size_t n, uint64_t size, const char* what) {
  if (addr > size || n > size - addr)
    return Status::failure(std::string("DRAM ") + what + " of " + std::to_string(n) +
                           " bytes at " + std::to_string(addr) + " exceeds DRAM size " +
                           std::to_string(size));
  return Status::success();
}

Status Dram::write(uint64_t addr, const void* data, size_t n) {
  Status s = dramRange(addr, n, size(), "write");
  if (s.ok() && n) std::memcpy(bytes_.data() + addr, data, n);
  return s;
}

Status Dram::read(uint64_t addr, void* data, size_t n) const {
  Status s = dramRange(addr, n, size(), "read");
  if (s.ok() && n) std::memcpy(data, bytes_.data() + addr, n);
  return s;
}

}  // namespace systolic
