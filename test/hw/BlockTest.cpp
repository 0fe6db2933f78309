// Block-level test benches: the systolic array (non-square 4x3, both
// dataflows, overlapped weight preload), the output path and the vector unit,
// each Verilated on its own and checked against C++ models.
#include "golden/Arith.h"

#include "Vtb_array.h"
#include "Vtb_outproc.h"
#include "Vtb_vector.h"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <random>
#include <vector>

using namespace systolic;

namespace {

constexpr int R = 4, C = 3;  // must match test/hw/CMakeLists.txt

struct ArrayTb {
  VerilatedContext ctx;
  Vtb_array m{&ctx};
  std::vector<std::vector<int32_t>> outputs;

  ArrayTb() { ctx.fatalOnError(false); }
  void clear() {
    m.left_valid = m.top_valid = m.top_drain = m.left_first = 0;
    m.left_data = 0;
    m.top_data = 0;
  }
  void tick() {
    m.clk = 0;
    m.eval();
    m.clk = 1;
    m.eval();
    if (m.out_valid) {
      std::vector<int32_t> row(C);
      for (int j = 0; j < C; ++j) row[j] = int32_t(m.out_data[j]);
      outputs.push_back(row);
    }
    ASSERT_FALSE(ctx.gotError());
  }
  static uint64_t pack(const int8_t* v, int n) {
    uint64_t x = 0;
    for (int i = 0; i < n; ++i) x |= uint64_t(uint8_t(v[i])) << (8 * i);
    return x;
  }
};

// WS: preload W into bank `bank` (row R-1 first), optionally while streaming.
TEST(BlockArray, WeightStationaryWithOverlappedPreload) {
  std::mt19937 rng(1);
  ArrayTb tb;
  tb.m.os_mode = 0;
  int8_t w[2][R][C], a[2][10][R];
  for (auto& t : w) for (auto& r : t) for (auto& v : r) v = int8_t(rng());
  for (auto& t : a) for (auto& r : t) for (auto& v : r) v = int8_t(rng());
  // Tile 0 preload.
  for (int t = 0; t < R; ++t) {
    tb.clear();
    tb.m.top_valid = 1, tb.m.top_bank = 0;
    tb.m.top_data = ArrayTb::pack(w[0][R - 1 - t], C);
    tb.tick();
  }
  // Stream tile 0 (10 rows) while preloading tile 1 into bank 1 after R+1 cycles.
  for (int t = 0; t < 10; ++t) {
    tb.clear();
    tb.m.left_valid = 1, tb.m.left_bank = 0;
    tb.m.left_data = ArrayTb::pack(a[0][t], R);
    if (t >= 1 && t < 1 + R) {
      tb.m.top_valid = 1, tb.m.top_bank = 1;
      tb.m.top_data = ArrayTb::pack(w[1][R - 1 - (t - 1)], C);
    }
    tb.tick();
  }
  for (int t = 0; t < 10; ++t) {
    tb.clear();
    tb.m.left_valid = 1, tb.m.left_bank = 1;
    tb.m.left_data = ArrayTb::pack(a[1][t], R);
    tb.tick();
  }
  for (int t = 0; t < R + C + 2; ++t) tb.clear(), tb.tick();
  ASSERT_EQ(tb.outputs.size(), 20u);
  for (int tile = 0; tile < 2; ++tile)
    for (int t = 0; t < 10; ++t)
      for (int j = 0; j < C; ++j) {
        int32_t expect = 0;
        for (int i = 0; i < R; ++i) expect += a[tile][t][i] * w[tile][i][j];
        EXPECT_EQ(tb.outputs[tile * 10 + t][j], expect) << "tile " << tile << " row " << t << " col " << j;
      }
}

TEST(BlockArray, OutputStationaryDrainsBottomRowFirst) {
  std::mt19937 rng(2);
  ArrayTb tb;
  tb.m.os_mode = 1;
  const int K = 7;
  int8_t at[K][R], b[K][C];  // at[t] = column t of A
  for (auto& r : at) for (auto& v : r) v = int8_t(rng());
  for (auto& r : b) for (auto& v : r) v = int8_t(rng());
  for (int rep = 0; rep < 2; ++rep) {  // the second pass checks the restart
    for (int t = 0; t < K; ++t) {
      tb.clear();
      tb.m.left_valid = tb.m.top_valid = 1;
      tb.m.left_first = t == 0;
      tb.m.left_data = ArrayTb::pack(at[t], R);
      tb.m.top_data = ArrayTb::pack(b[t], C);
      tb.tick();
    }
    for (int t = 0; t < R - 1; ++t) tb.clear(), tb.tick();
    tb.clear();
    tb.m.top_drain = 1;
    tb.tick();
  }
  for (int t = 0; t < R + C + 2; ++t) tb.clear(), tb.tick();
  ASSERT_EQ(tb.outputs.size(), size_t(2 * R));
  for (int q = 0; q < 2 * R; ++q) {
    int i = R - 1 - q % R;
    for (int j = 0; j < C; ++j) {
      int32_t expect = 0;
      for (int t = 0; t < K; ++t) expect += at[t][i] * b[t][j];
      EXPECT_EQ(tb.outputs[q][j], expect) << "drain row " << q << " col " << j;
    }
  }
}

TEST(BlockOutproc, MatchesRequantize) {
  VerilatedContext ctx;
  Vtb_outproc m{&ctx};
  std::mt19937_64 rng(3);
  int8_t lut[256];
  for (int e = 0; e < 256; ++e) {
    lut[e] = int8_t(rng());
    m.lut[e / 4] = (m.lut[e / 4] & ~(0xffu << (8 * (e % 4)))) | (uint32_t(uint8_t(lut[e])) << (8 * (e % 4)));
  }
  for (int i = 0; i < 20000; ++i) {
    int32_t acc[4], bias[4], mult[4], shift[4];
    for (int c = 0; c < 4; ++c) {
      acc[c] = int32_t(rng()), bias[c] = int32_t(rng()) >> (rng() % 32);
      mult[c] = int32_t(rng()) >> (rng() % 32);
      shift[c] = int32_t(rng());
      m.acc[c] = uint32_t(acc[c]), m.bias[c] = uint32_t(bias[c]);
      m.mult[c] = uint32_t(mult[c]), m.shift[c] = uint32_t(shift[c]);
    }
    int8_t zp = int8_t(rng()), clampMax = int8_t(rng());
    unsigned act = rng() % 4;
    m.zero_point = uint8_t(zp), m.clamp_max = uint8_t(clampMax), m.act = act;
    m.eval();
    for (int c = 0; c < 4; ++c)
      ASSERT_EQ(int8_t(m.out >> (8 * c)), requantize(acc[c], bias[c], mult[c], shift[c], zp, clampMax, act, lut))
          << "case " << i << " column " << c;
  }
}

TEST(BlockVector, MatchesVectorOps) {
  VerilatedContext ctx;
  Vtb_vector m{&ctx};
  std::mt19937_64 rng(4);
  for (int i = 0; i < 20000; ++i) {
    unsigned op = rng() % 3, shift = rng() % 32;
    int8_t a8[8], b8[8];
    int32_t a32[4], b32[4];
    for (int l = 0; l < 8; ++l) a8[l] = int8_t(rng()), b8[l] = int8_t(rng());
    for (int l = 0; l < 4; ++l) a32[l] = int32_t(rng()), b32[l] = int32_t(rng());
    std::memcpy(&m.a8, a8, 8);
    std::memcpy(&m.b8, b8, 8);
    for (int l = 0; l < 4; ++l) m.a32[l] = uint32_t(a32[l]), m.b32[l] = uint32_t(b32[l]);
    m.op = op, m.shift = shift;
    m.eval();
    for (int l = 0; l < 8; ++l)
      ASSERT_EQ(int8_t(m.out8 >> (8 * l)), vectorOp8(op, a8[l], b8[l], shift)) << "op " << op << " lane " << l;
    for (int l = 0; l < 4; ++l)
      ASSERT_EQ(int32_t(m.out32[l]), vectorOp32(op, a32[l], b32[l], shift)) << "op " << op << " lane " << l;
  }
}

}  // namespace
