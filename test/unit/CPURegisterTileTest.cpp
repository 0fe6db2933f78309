//===- CPURegisterTileTest.cpp - The register tile model ------------------===//
#include "lowering/cpu/RegisterTile.h"

#include <gtest/gtest.h>

using namespace systolic::cpu;

namespace {
VectorTarget avx2() { return VectorTarget{256, 16}; }
VectorTarget avx512() { return VectorTarget{512, 32}; }

int64_t vectors(const RegisterTile &tile, int64_t lanes) {
  return (tile.n + lanes - 1) / lanes;
}

// The accumulators, one operand vector per column block and a broadcast
// register must fit the register file.
void expectFits(const VectorTarget &target, const RegisterTile &tile) {
  int64_t v = vectors(tile, target.lanes(32));
  EXPECT_LE(tile.m * v + v + 1, int64_t(target.numVectorRegisters))
      << tile.m << " x " << tile.n;
}

TEST(CPURegisterTile, LargeMatmulUsesMostRegisters) {
  for (VectorTarget target : {avx2(), avx512()}) {
    RegisterTile tile = chooseRegisterTile(target, 1024, 1024, 32);
    expectFits(target, tile);
    // Enough independent accumulators to cover the FMA latency.
    EXPECT_GE(tile.m * vectors(tile, target.lanes(32)),
              int64_t(target.fmaPorts * target.fmaLatency));
    EXPECT_EQ(tile.n % target.lanes(32), 0);
  }
}

TEST(CPURegisterTile, SmallProblemsAreNotOvertiled) {
  RegisterTile tile = chooseRegisterTile(avx2(), 3, 5, 32);
  EXPECT_LE(tile.m, 3);
  EXPECT_EQ(tile.n, 5);
  tile = chooseRegisterTile(avx2(), 1, 1, 32);
  EXPECT_EQ(tile.m, 1);
  EXPECT_EQ(tile.n, 1);
}

TEST(CPURegisterTile, NarrowerElementsGiveMoreLanes) {
  RegisterTile f32 = chooseRegisterTile(avx2(), 64, 64, 32);
  RegisterTile f16 = chooseRegisterTile(avx2(), 64, 64, 16);
  EXPECT_EQ(f32.n % 8, 0);
  EXPECT_EQ(f16.n % 16, 0);
}
} // namespace
