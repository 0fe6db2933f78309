//===- RegisterTile.cpp - Register tile selection for the CPU -------------===//
#include "lowering/cpu/RegisterTile.h"

#include <algorithm>
#include <limits>

using namespace systolic::cpu;

namespace {
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Cycles of one reduction step of an m x (v vectors) tile: bound by FMA
/// issue, by loads (v operand rows + m broadcasts) and by the FMA latency
/// (every accumulator is updated once per step).
double stepCycles(const VectorTarget &t, int64_t m, int64_t v) {
  double fma = double(m * v) / t.fmaPorts;
  double loads = double(m + v) / t.loadPorts;
  return std::max({fma, loads, double(t.fmaLatency)});
}

/// Modelled cycles of one reduction step over the whole M x N result with
/// tiles of m rows and v vectors, the remainders taking one smaller tile.
double problemCycles(const VectorTarget &t, int64_t bigM, int64_t bigN,
                     int64_t m, int64_t v, int64_t lanes) {
  int64_t tileN = std::min(v * lanes, bigN);
  int64_t fullN = bigN / tileN, remN = bigN % tileN;
  int64_t fullM = bigM / m, remM = bigM % m;
  auto column = [&](int64_t vectors) {
    double c = fullM * stepCycles(t, m, vectors);
    if (remM)
      c += stepCycles(t, remM, vectors);
    return c;
  };
  double cycles = fullN * column(ceilDiv(tileN, lanes));
  if (remN)
    cycles += column(ceilDiv(remN, lanes));
  return cycles;
}
} // namespace

RegisterTile systolic::cpu::chooseRegisterTile(const VectorTarget &target,
                                               int64_t bigM, int64_t bigN,
                                               unsigned elementBits) {
  int64_t lanes = std::max<int64_t>(1, target.lanes(elementBits));
  int64_t regs = target.numVectorRegisters;
  RegisterTile best;
  double bestCycles = std::numeric_limits<double>::max();
  int64_t maxVectors = ceilDiv(bigN, lanes);
  for (int64_t v = 1; v <= std::min<int64_t>(maxVectors, 8); ++v) {
    for (int64_t m = 1; m <= std::min<int64_t>(bigM, 16); ++m) {
      if (m * v + v + 1 > regs)
        break;
      double cycles = problemCycles(target, bigM, bigN, m, v, lanes);
      // Ties go to the larger tile: fewer loop iterations.
      if (cycles < bestCycles ||
          (cycles == bestCycles && m * v > best.m * ceilDiv(best.n, lanes))) {
        bestCycles = cycles;
        best = {m, std::min(v * lanes, bigN)};
      }
    }
  }
  return best;
}

namespace {
/// A block of whole `unit`s no bigger than `maxBlock` (at least one unit):
/// the largest one of at least half that size that divides `dim` (no
/// remainder block to split off), else one evened out so that
/// ceil(dim / block) blocks cover `dim` with as little left over as
/// possible.
int64_t balancedBlock(int64_t dim, int64_t unit, int64_t maxBlock) {
  int64_t units = ceilDiv(dim, unit);
  int64_t maxUnits = std::max<int64_t>(1, maxBlock / unit);
  if (maxUnits >= units)
    return dim;
  if (dim % unit == 0)
    for (int64_t u = maxUnits; 2 * u >= maxUnits; --u)
      if (units % u == 0)
        return u * unit;
  int64_t blocks = ceilDiv(units, maxUnits);
  return std::min(dim, ceilDiv(units, blocks) * unit);
}
} // namespace

bool systolic::cpu::shouldPackContraction(const VectorTarget &target,
                                          int64_t m, int64_t n, int64_t k,
                                          RegisterTile tile,
                                          unsigned elementBits) {
  int64_t bytes = std::max<int64_t>(1, elementBits / 8);
  // A few register tiles of rows and columns to share each packed panel,
  // a reduction long enough to amortise a tile's loads and stores, and a
  // right-hand side bigger than L1 (else it stays there unpacked).
  return m >= 4 * tile.m && n >= 2 * tile.n && k >= 64 &&
         k * n * bytes > target.l1Bytes;
}

CacheBlocks systolic::cpu::chooseCacheBlocks(const VectorTarget &target,
                                             int64_t m, int64_t n, int64_t k,
                                             RegisterTile tile,
                                             unsigned elementBits) {
  int64_t bytes = std::max<int64_t>(1, elementBits / 8);
  CacheBlocks blocks;
  // Half of L1 for the k x nr panel of the right-hand side; the rest holds
  // the left-hand side's mr x k panel and the accumulator tile's lines.
  blocks.k = balancedBlock(k, 1, target.l1Bytes / 2 / (tile.n * bytes));
  // Half of L2 for the m x k block of the left-hand side.
  blocks.m =
      balancedBlock(m, tile.m, target.l2Bytes / 2 / (blocks.k * bytes));
  blocks.n = balancedBlock(n, tile.n, target.l3Bytes / (blocks.k * bytes));
  return blocks;
}
