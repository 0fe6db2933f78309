//===- MemoryPlan.h - Sharing memory between intermediates ------*- C++ -*-===//
//
// Dispatches run in plan order, so an intermediate buffer is live from the
// first dispatch that binds it to the last. Intermediates whose live ranges do
// not overlap can share bytes: they are packed into one arena, largest first,
// each at the lowest 64-byte aligned offset free during its live range (the
// greedy-by-size heuristic of TFLite's arena planner).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_MEMORYPLAN_H
#define SYSTOLIC_RUNTIME_MEMORYPLAN_H

#include "runtime/artifact/Artifact.h"

namespace systolic::runtime {

struct ArenaPlan {
  uint64_t size = 0;             ///< Bytes of the arena.
  uint64_t unsharedSize = 0;     ///< Bytes without sharing (64-byte aligned sizes).
  std::vector<uint64_t> offsets; ///< Per buffer; meaningful for intermediates.
};

ArenaPlan planIntermediates(const artifact::Artifact &artifact);

} // namespace systolic::runtime

#endif // SYSTOLIC_RUNTIME_MEMORYPLAN_H
