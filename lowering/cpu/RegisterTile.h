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
  // Data caches one core can count on: L1 and L2 per core, and a share of
  // the last level (shared with the other cores and other processes).
  int64_t l1Bytes = 32 * 1024;
  int64_t l2Bytes = 512 * 1024;
  int64_t l3Bytes = 4 * 1024 * 1024;

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

/// Cache blocks of an M x N x K contraction (BLIS-style): the reduction is
/// split into blocks of `k` so that one packed k x nr panel of the right-hand
/// side stays in L1 while the register tiles of an m-block stream past it;
/// an m x k block of the packed left-hand side stays in L2; a k x n block of
/// the packed right-hand side stays in the last-level cache. `m` and `n` are
/// multiples of the register tile; every block is balanced (the blocks of a
/// dimension differ by at most one register tile) and may not divide its
/// dimension, which the caller splits off.
struct CacheBlocks {
  int64_t m = 0;
  int64_t n = 0;
  int64_t k = 0;
};

/// Whether packing the operands of an M x N x K contraction with register
/// tile `tile` into cache blocks pays off: it copies M*K + K*N elements
/// once per block pass, worthwhile when each packed element feeds enough
/// FMAs and the right-hand side does not already sit in L1.
bool shouldPackContraction(const VectorTarget &target, int64_t m, int64_t n,
                           int64_t k, RegisterTile tile, unsigned elementBits);

CacheBlocks chooseCacheBlocks(const VectorTarget &target, int64_t m,
                              int64_t n, int64_t k, RegisterTile tile,
                              unsigned elementBits);

} // namespace systolic::cpu

#endif // SYSTOLIC_LOWERING_CPU_REGISTERTILE_H
