//===- RegisterTile.h - Register tile selection for the CPU -----*- C++ -*-===//
//
// The register tile of a contraction is the m x n block of the result kept
// in vector registers across the reduction loop. Choosing it is a small
// search over a throughput model of the FMA loop, kept apart from the passes
// so it can be unit-tested.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_CPU_REGISTERTILE_H
#define SYSTOLIC_LOWERING_CPU_REGISTERTILE_H

#include <cstdint>

namespace systolic::cpu {

/// What the tiling strategy needs to know about the vector unit.
struct VectorTarget {
  unsigned vectorBits = 256;       // width of one vector register
  unsigned numVectorRegisters = 16; // architectural vector registers
  unsigned fmaPorts = 2;           // FMAs issued per cycle
  unsigned fmaLatency = 4;         // cycles before an FMA result is usable
  unsigned loadPorts = 2;          // vector loads/broadcasts per cycle

  /// Elements of `elementBits` bits in one vector register.
  int64_t lanes(unsigned elementBits) const {
    return elementBits ? vectorBits / elementBits : 1;
  }
};

/// An m x n block of the result, n a whole number of vectors when the
/// problem allows.
struct RegisterTile {
  int64_t m = 1;
  int64_t n = 1;
};

/// Picks the register tile for an M x N result (per reduction step) that
/// minimises the modelled cycles of the whole M x N problem, counting the
/// smaller tiles needed for the remainders of M and N. A tile needs
/// m * v accumulators + v operand vectors + 1 broadcast register, v being
/// the vectors per row.
RegisterTile chooseRegisterTile(const VectorTarget &target, int64_t m,
                                int64_t n, unsigned elementBits);

} // namespace systolic::cpu

#endif // SYSTOLIC_LOWERING_CPU_REGISTERTILE_H
