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
