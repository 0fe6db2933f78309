//===- CostModel.h - What an accelerator program costs ----------*- C++ -*-===//
//
// The cost model the code generator (dataflow choice, reports) and the
// dense-chain fusion pass share. Includes the simulator's headers: never
// include it next to the runtime's.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ACCEL_COSTMODEL_H
#define SYSTOLIC_LOWERING_ACCEL_COSTMODEL_H

#include "isa/Isa.h"

#include <cstdint>

namespace systolic::accel {

/// What a program asks of the hardware, read back from its instructions.
struct ProgramCost {
  uint64_t computeCycles = 0; ///< array streaming + exclusive engine rows
  uint64_t dramBytes = 0;     ///< LOAD (real elements) + STORE bytes
  uint64_t macs = 0;          ///< MATMUL work, as the hardware counts it
  uint64_t instructions = 0;
};

ProgramCost costOf(const ::systolic::HwConfig &cfg, const ::systolic::Program &program);

/// The golden model's instruction-level timing model of the RTL
/// (sim/golden/Timing.h: dispatch, queues, tokens, the compute pipeline's
/// preload/stream/write-back, DRAM bandwidth and latency), run on the program
/// at compile time with zeroed data (timing does not depend on values).
/// `dramEnd` bounds the addresses the program uses. Falls back to an analytic
/// estimate if the model reports no cycles.
uint64_t estimateCycles(const ::systolic::HwConfig &cfg,
                        const ::systolic::Program &program, uint64_t dramEnd);

} // namespace systolic::accel

#endif // SYSTOLIC_LOWERING_ACCEL_COSTMODEL_H
