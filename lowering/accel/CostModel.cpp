//===- CostModel.cpp - What an accelerator program costs ------------------===//
#include "lowering/accel/CostModel.h"

#include "golden/Golden.h"
#include "kernels/Kernels.h"

#include <algorithm>

namespace sim = ::systolic;

namespace systolic::accel {
namespace {
/// Analytic fallback: loads, compute and stores overlap (double buffering),
/// so the longer of the array's work and the DRAM transfers, plus the
/// pipeline's fill and the DRAM latency of the prologue and the epilogue.
uint64_t analyticCycles(const sim::HwConfig &cfg, const ProgramCost &cost) {
  auto dram = static_cast<uint64_t>(double(cost.dramBytes) / cfg.dramBytesPerCycle);
  return std::max(cost.computeCycles, dram) + 2 * cfg.dramLatency + cfg.rows +
         cfg.cols;
}
} // namespace

ProgramCost costOf(const sim::HwConfig &cfg, const sim::Program &program) {
  ProgramCost cost;
  const uint64_t R = cfg.rows;
  for (const sim::Word &w : program) {
    sim::Instr in;
    if (!sim::decode(w, &in).ok())
      continue;
    ++cost.instructions;
    switch (in.op) {
    case sim::Opcode::Load:
    case sim::Opcode::Store:
      break; // sim::dramBytesMoved below
    case sim::Opcode::Matmul:
      cost.macs += uint64_t(in.m * in.k * in.n);
      // WS: one activation row per cycle; the next tile's weights preload
      // into the other bank while this one streams, and a bank is reloaded
      // R + 1 cycles after its last row entered, so short tiles pay for the
      // preload (microarchitecture.md). OS: k steps, then R cycles to drain.
      if (in.dataflow == int64_t(sim::Dataflow::WeightStationary))
        cost.computeCycles += std::max<uint64_t>(in.m, (in.m + 2 * R + 2) / 2);
      else
        cost.computeCycles += in.k + R;
      break;
    case sim::Opcode::Output:
    case sim::Opcode::Vector:
      cost.computeCycles += in.rows + 2; // exclusive engine: a row per cycle
      break;
    case sim::Opcode::LutLoad:
      cost.computeCycles += cfg.lutRows() + 2;
      break;
    }
  }
  cost.dramBytes = sim::dramBytesMoved(program);
  return cost;
}

uint64_t estimateCycles(const sim::HwConfig &cfg, const sim::Program &program,
                        uint64_t dramEnd) {
  sim::HwConfig small = cfg;
  small.dramBytes = std::max<uint64_t>(4096, (dramEnd + 63) / 64 * 64);
  sim::GoldenModel model(small);
  sim::RunResult result;
  if (model.run(program, &result).ok() && result.counters[sim::kCycles])
    return result.counters[sim::kCycles];
  return analyticCycles(cfg, costOf(cfg, program));
}

} // namespace systolic::accel
