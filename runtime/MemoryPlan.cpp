//===- MemoryPlan.cpp - Sharing memory between intermediates --------------===//
#include "runtime/MemoryPlan.h"

#include <algorithm>
#include <limits>

namespace systolic::runtime {

ArenaPlan planIntermediates(const artifact::Artifact &artifact) {
  const auto &buffers = artifact.buffers();
  constexpr size_t kUnused = std::numeric_limits<size_t>::max();
  std::vector<size_t> first(buffers.size(), kUnused), last(buffers.size(), 0);
  const auto &plan = artifact.dispatches();
  for (size_t d = 0; d < plan.size(); ++d)
    for (uint32_t b : plan[d].bindings) {
      first[b] = std::min(first[b], d);
      last[b] = std::max(last[b], d);
    }

  auto alignUp = [](uint64_t v) {
    constexpr uint64_t a = artifact::kBufferAlignment;
    return (v + a - 1) / a * a;
  };
  ArenaPlan result;
  result.offsets.assign(buffers.size(), 0);
  std::vector<uint32_t> order;
  for (uint32_t b = 0; b < buffers.size(); ++b)
    if (buffers[b].kind == artifact::BufferKind::Intermediate && first[b] != kUnused) {
      order.push_back(b);
      result.unsharedSize += alignUp(buffers[b].size);
    }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return buffers[a].size > buffers[b].size;
  });

  std::vector<uint32_t> placed; // sorted by offset
  for (uint32_t b : order) {
    uint64_t size = buffers[b].size, offset = 0;
    for (uint32_t p : placed) {
      bool overlapping = first[p] <= last[b] && first[b] <= last[p];
      if (!overlapping)
        continue;
      if (offset + size <= result.offsets[p])
        break; // fits in the gap before p
      offset = std::max(offset, alignUp(result.offsets[p] + buffers[p].size));
    }
    result.offsets[b] = offset;
    result.size = std::max(result.size, offset + size);
    placed.insert(std::upper_bound(placed.begin(), placed.end(), b,
                                   [&](uint32_t x, uint32_t y) {
                                     return result.offsets[x] < result.offsets[y];
                                   }),
                  b);
  }
  return result;
}

} // namespace systolic::runtime
