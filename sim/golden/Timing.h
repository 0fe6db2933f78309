// Cycle estimate for the golden model: an instruction-level timing model of
// the RTL (hw/rtl) fed by the golden model's execution. It tracks when each
// instruction is dispatched (one per cycle, finite queues), when each unit
// takes it (dependency tokens, unit occupancy, the compute unit's
// preload/stream/write-back pipeline, weight-bank reuse, drains before
// OUTPUT/VECTOR/LUTLOAD and dataflow switches), and walks each DMA
// transfer element by element against the DRAM model (bandwidth credit and
// read latency from HwConfig; zero-padding writes wait for cycles without a
// read response, as in sys_load). Not modelled: contention between the load
// and store units for DRAM bandwidth (each unit gets the full bandwidth; the
// total is bounded below by bytes / bandwidth). The result is an ESTIMATE;
// docs/accelerator-bench.md lists its error against the RTL.
#pragma once

#include "isa/Isa.h"

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

namespace systolic {

class TimingModel {
 public:
  explicit TimingModel(const HwConfig& cfg);
  // Instruction `unit` enters its queue (in program order).
  void dispatch(int unit);
  // The golden model executes `in`, the head of `unit`'s queue; its token
  // pops match the earliest outstanding pushes.
  void execute(const Instr& in, int unit);
  // Estimated total cycles of the run so far (as the RTL's cycle counter).
  uint64_t cycles() const;

 private:
  struct Credit {
    double credit;
    uint64_t cycle;
  };
  // First cycle >= c at which a DRAM request of `bytes` is accepted; charges it.
  uint64_t acceptDram(Credit& cr, uint64_t c, double bytes) const;
  uint64_t startTime(const Instr& in, int unit);
  uint64_t load(const Instr& in, uint64_t take);
  uint64_t store(const Instr& in, uint64_t take);
  uint64_t compute(const Instr& in, uint64_t earliest);

  HwConfig cfg_;
  uint64_t lastDispatch_ = 0;
  bool anyDispatched_ = false;
  std::vector<uint64_t> dispatched_[3];  // dispatch cycle per instruction of each unit
  std::vector<uint64_t> started_[3];     // take cycle per instruction of each unit
  std::deque<uint64_t> tokens_[3][3];    // push cycles of outstanding tokens [from][to]
  // load unit
  uint64_t loadFree_ = 0, lastResponse_ = 0;
  std::deque<uint64_t> responses_;
  Credit loadCredit_, storeCredit_;
  // store unit
  uint64_t storeFree_ = 0;
  // compute unit
  uint64_t pFree_ = 0, sDone_ = 0, lastWrite_ = 0, eFree_ = 0;
  uint64_t bankReady_[2] = {0, 0};
  int nextBank_ = 0;
  bool osMode_ = false, anyWrite_ = false;
  uint64_t pushAt_ = 0;  // token push cycle of the last compute instruction
  uint64_t end_ = 0;
  double dramBytes_ = 0;
};

}  // namespace systolic
