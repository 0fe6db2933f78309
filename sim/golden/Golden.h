// Functional, bit-exact model of the Systolic ISA. It executes the three
// instruction queues with the same in-order dispatch, finite queue depth and
// dependency-token rules as the RTL, so legal programs produce identical
// memory images and event counters, and illegal ones the same error code and
// instruction index. `cycles` is an ESTIMATE from an instruction-level timing
// model of the RTL (golden/Timing.h; its error against the RTL is in
// docs/accelerator-bench.md); the busy and stall counters stay zero.
#pragma once

#include "Accelerator.h"

#include <vector>

namespace systolic {

class GoldenModel : public Accelerator {
 public:
  explicit GoldenModel(const HwConfig& cfg);
  const HwConfig& config() const override { return cfg_; }
  std::string kind() const override { return "golden"; }
  Status writeDram(uint64_t addr, const void* data, size_t bytes) override;
  Status readDram(uint64_t addr, void* data, size_t bytes) const override;
  Status run(const Program& program, RunResult* out) override;

  // On-chip state, for tests.
  const int8_t* spRow(uint32_t r) const { return &sp_[size_t(r) * cfg_.rowBytes()]; }
  const int32_t* accRow(uint32_t r) const { return &acc_[size_t(r) * cfg_.cols]; }

 private:
  void execute(const Instr& in);
  void load(const Instr& in);
  void store(const Instr& in);
  void matmul(const Instr& in);
  void output(const Instr& in);
  void vector(const Instr& in);
  void lutLoad(const Instr& in);
  int8_t* sp(int64_t r) { return &sp_[size_t(r) * cfg_.rowBytes()]; }
  int32_t* acc(int64_t r) { return &acc_[size_t(r) * cfg_.cols]; }

  HwConfig cfg_;
  Dram dram_;
  std::vector<int8_t> sp_;
  std::vector<int32_t> acc_;
  int8_t lut_[256] = {};
  std::array<uint64_t, kNumCounters> counters_{};
};

}  // namespace systolic
