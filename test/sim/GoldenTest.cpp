// Golden model against an ISA-independent C++ reference of whole layers, and
// the golden model's error reporting.
#include "RandomPrograms.h"
#include "golden/Arith.h"
#include "golden/Golden.h"
#include "isa/Assembler.h"

#include <gtest/gtest.h>

using namespace systolic;

namespace {

HwConfig smallConfig(unsigned size) {
  HwConfig cfg;
  cfg.rows = cfg.cols = size;
  cfg.dramBytes = 4 << 20;
  return cfg;
}

void expectLayerMatchesReference(const HwConfig& cfg, const GemmLayer& shape, uint64_t seed) {
  std::mt19937_64 rng(seed);
  LayerData d = makeLayerData(shape, 0, rng);
  Program p;
  Status s = buildGemm(cfg, d.layer, &p);
  ASSERT_TRUE(s.ok()) << s.error;
  GoldenModel g(cfg);
  ASSERT_TRUE(writeLayerData(g, d).ok());
  RunResult r;
  s = g.run(p, &r);
  ASSERT_TRUE(s.ok()) << s.error;
  std::vector<uint8_t> out(d.outBytes);
  ASSERT_TRUE(g.readDram(d.layer.outAddr, out.data(), out.size()).ok());
  std::vector<uint8_t> ref = referenceOutput(d);
  int nonzero = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(int(ref[i]), int(out[i])) << "byte " << i;
    nonzero += out[i] != 0;
  }
  EXPECT_GT(nonzero, 0) << "degenerate test data";
  if (!shape.isConv) EXPECT_EQ(r.counters[kMacs], uint64_t(d.layer.m * d.layer.k * d.layer.n));
}

TEST(Golden, GemmWeightStationaryMatchesReference) {
  GemmLayer L;
  L.m = 37, L.k = 21, L.n = 19;
  expectLayerMatchesReference(smallConfig(8), L, 1);
}

TEST(Golden, GemmOutputStationaryMatchesReference) {
  GemmLayer L;
  L.m = 13, L.k = 50, L.n = 9;
  L.dataflow = Dataflow::OutputStationary;
  L.act = Activation::Relu;
  expectLayerMatchesReference(smallConfig(4), L, 2);
}

TEST(Golden, Int32OutputMatchesReference) {
  GemmLayer L;
  L.m = 20, L.k = 33, L.n = 17;
  L.int32Out = true;
  L.maxTileRows = 7;
  expectLayerMatchesReference(smallConfig(8), L, 3);
}

TEST(Golden, RandomLayersMatchReference) {
  for (unsigned size : {4u, 8u, 16u}) {
    HwConfig cfg = smallConfig(size);
    std::mt19937_64 rng(size);
    for (int i = 0; i < 60; ++i) {
      GemmLayer L;
      std::uniform_int_distribution<int64_t> dim(1, 3 * size + 3);
      if (i % 2) {
        L.isConv = true;
        L.conv.kernelH = L.conv.kernelW = 1 + 2 * (i % 3 == 0);
        L.conv.kernelW = i % 5 == 0 ? 2 : L.conv.kernelW;
        L.conv.stride = 1 + i % 4 / 2;
        L.conv.pad = i % 3;
        L.conv.height = 3 + rng() % 8, L.conv.width = 3 + rng() % 8;
        L.conv.inChannels = dim(rng);
      } else {
        L.m = dim(rng), L.k = dim(rng);
        L.dataflow = i % 4 == 0 ? Dataflow::OutputStationary : Dataflow::WeightStationary;
      }
      L.n = dim(rng);
      L.act = static_cast<Activation>(i % 4);
      L.zeroPoint = int64_t(rng() % 21) - 10;
      L.clampMax = L.zeroPoint + 60;
      L.int32Out = i % 7 == 0;
      L.maxTileRows = i % 3 == 0 ? 1 + rng() % (2 * size) : 0;
      SCOPED_TRACE("size " + std::to_string(size) + " layer " + std::to_string(i));
      std::mt19937_64 dataRng(i);
      LayerData d = makeLayerData(L, 0, dataRng);
      Program p;
      Status built = buildGemm(cfg, d.layer, &p);
      ASSERT_TRUE(built.ok()) << built.error;
      GoldenModel g(cfg);
      ASSERT_TRUE(writeLayerData(g, d).ok());
      RunResult r;
      Status s = g.run(p, &r);
      ASSERT_TRUE(s.ok()) << s.error;
      std::vector<uint8_t> out(d.outBytes);
      ASSERT_TRUE(g.readDram(d.layer.outAddr, out.data(), out.size()).ok());
      ASSERT_EQ(referenceOutput(d), out);
    }
  }
}

// Convolutions as exported by PyTorch to ONNX: per-axis strides, asymmetric
// pads (also beyond the 3-bit DMA pad fields), dilation, 1-D convolutions,
// lines longer than one DMA line, strides wider than the DMA stride fields,
// and tiles that split output lines.
std::vector<std::pair<std::string, GemmLayer>> onnxConvCases(unsigned size) {
  std::vector<std::pair<std::string, GemmLayer>> cases;
  auto add = [&](std::string name, ConvShape cv, int64_t n, int64_t maxTile = 0,
                 Activation act = Activation::Relu) {
    GemmLayer L;
    L.isConv = true;
    L.conv = cv;
    L.n = n;
    L.act = act;
    L.maxTileRows = maxTile;
    cases.emplace_back(std::move(name), L);
  };
  const int64_t R = size;
  ConvShape c;
  c.height = 9, c.width = 11, c.inChannels = R + 3, c.kernelH = 3, c.kernelW = 3;
  c.strideH = 2, c.strideW = 1, c.padTop = 0, c.padBottom = 2, c.padLeft = 1, c.padRight = 0;
  add("asymmetric strides and pads", c, R + 1);
  c = ConvShape{};
  c.height = 10, c.width = 9, c.inChannels = 5, c.kernelH = 3, c.kernelW = 2, c.pad = 2;
  c.dilationH = 2, c.dilationW = 3;
  add("dilation", c, 2 * R + 1, 0, Activation::None);
  c = ConvShape{};
  c.height = 1, c.width = 40, c.inChannels = R - 1, c.kernelW = 5, c.padLeft = 2, c.padRight = 2;
  add("1-D", c, R);
  c.strideW = 3, c.dilationW = 2, c.padLeft = 1, c.padRight = 4;
  add("1-D strided dilated, split lines", c, R + 2, 5);
  c = ConvShape{};
  c.height = 1, c.width = 300, c.inChannels = 3, c.kernelW = 3, c.padLeft = c.padRight = 1;
  add("1-D longer than a DMA line", c, R);
  c.pad = 1;  // also pads H: output lines 0 and 2 see only padding in some taps
  add("1-D input padded in H, longer than a DMA line", c, R);
  c = ConvShape{};
  c.height = 6, c.width = 270, c.inChannels = 2, c.kernelH = 3, c.kernelW = 3, c.pad = 1;
  add("2-D lines longer than a DMA line", c, 3, 0, Activation::Relu6);
  c = ConvShape{};
  c.height = 5, c.width = 6, c.inChannels = 3, c.kernelH = 11, c.kernelW = 9;
  c.padTop = 9, c.padBottom = 8, c.padLeft = 10, c.padRight = 4;
  add("pads beyond the DMA pad fields", c, R);
  c = ConvShape{};
  c.height = 20, c.width = 7, c.inChannels = 4, c.kernelH = 15, c.kernelW = 1, c.pad = 7;
  c.padTop = 12;
  add("tall kernel, padding in taps only", c, R, 3 * 7);
  c = ConvShape{};
  c.height = 3, c.width = 5, c.inChannels = 2100, c.kernelH = 1, c.kernelW = 3, c.stride = 2;
  add("column stride beyond the xstride field", c, 3);
  c = ConvShape{};
  c.height = 3, c.width = 40, c.inChannels = 1700, c.kernelH = 2, c.kernelW = 1, c.padTop = 1;
  add("line stride beyond the ystride field", c, 2);
  c = ConvShape{};
  c.height = 7, c.width = 7, c.inChannels = R, c.kernelH = 3, c.kernelW = 3, c.pad = 1;
  add("partial-line tiles", c, R, 10);
  c = ConvShape{};
  c.height = 8, c.width = 9, c.inChannels = 2 * R + 2, c.groups = 2 * R + 2, c.kernelH = 3, c.kernelW = 3;
  c.pad = 1, c.strideW = 2;
  add("depthwise", c, 2 * R + 2, 0, Activation::Relu6);
  c = ConvShape{};
  c.height = 6, c.width = 5, c.inChannels = 3 * R, c.groups = 3, c.kernelH = 3, c.kernelW = 1, c.padTop = 2;
  add("grouped, channel multiplier 2", c, 6 * R, 7);
  return cases;
}

TEST(Golden, OnnxConvolutionsMatchReference) {
  for (unsigned size : {4u, 8u, 16u})
    for (auto& [name, L] : onnxConvCases(size)) {
      SCOPED_TRACE("size " + std::to_string(size) + ": " + name);
      expectLayerMatchesReference(smallConfig(size), L, size);
    }
}

TEST(Golden, ConvolutionBuilderRejectsBadShapes) {
  GemmLayer L;
  L.isConv = true;
  L.n = 4;
  L.conv.height = L.conv.width = 4, L.conv.inChannels = 2, L.conv.kernelH = L.conv.kernelW = 3;
  L.conv.dilationH = 0;
  Program p;
  EXPECT_NE(buildGemm(smallConfig(4), L, &p).error.find("dilations must be positive"), std::string::npos);
  L.conv.dilationH = 3;  // extent 7 > 4
  EXPECT_NE(buildGemm(smallConfig(4), L, &p).error.find("empty output"), std::string::npos);
  L.conv.dilationH = 1, L.conv.groups = 3;
  EXPECT_NE(buildGemm(smallConfig(4), L, &p).error.find("groups must divide"), std::string::npos);
}

void expectScaledAddMatchesReference(const HwConfig& cfg, const ScaledAddLayer& shape, uint64_t seed) {
  std::mt19937_64 rng(seed);
  ScaledAddData d = makeScaledAddData(cfg, shape, 0, rng);
  Program p;
  Status s = buildScaledAdd(cfg, d.layer, &p);
  ASSERT_TRUE(s.ok()) << s.error;
  GoldenModel g(cfg);
  ASSERT_TRUE(writeScaledAddData(g, d).ok());
  std::vector<uint8_t> before(d.outBytes, 0x5a);
  ASSERT_TRUE(g.writeDram(d.layer.outAddr, before.data(), before.size()).ok());
  RunResult r;
  s = g.run(p, &r);
  ASSERT_TRUE(s.ok()) << s.error;
  std::vector<uint8_t> out(d.outBytes);
  ASSERT_TRUE(g.readDram(d.layer.outAddr, out.data(), out.size()).ok());
  std::vector<uint8_t> ref = referenceOutput(d, before);
  int distinct[256] = {};
  for (size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(int(ref[i]), int(out[i])) << "byte " << i;
    distinct[out[i]] = 1;
  }
  int values = 0;
  for (int v : distinct) values += v;
  EXPECT_GT(values, std::min<int>(2, int(out.size()) - 1)) << "degenerate test data";
}

TEST(Golden, ScaledAddMatchesReference) {
  for (unsigned size : {4u, 8u, 16u}) {
    HwConfig cfg = smallConfig(size);
    std::mt19937_64 rng(size);
    for (int i = 0; i < 12; ++i) {
      ScaledAddLayer L;
      L.pixels = 1 + rng() % 90;
      L.channels = 1 + rng() % (3 * size + 2);
      L.wa = int64_t(rng() % 256) - 128, L.wb = int64_t(rng() % 256) - 128;
      L.act = static_cast<Activation>(i % 4);
      L.zeroPoint = int64_t(rng() % 21) - 10;
      L.clampMax = L.zeroPoint + 70;
      if (i % 3 == 1) L.maxTileRows = 1 + rng() % 20;
      if (i % 4 == 2) {
        L.aRowStride = L.channels + rng() % 5;
        L.bRowStride = L.channels + rng() % 3;
        L.outRowStride = L.channels + 1 + rng() % 4;
      }
      SCOPED_TRACE("size " + std::to_string(size) + " case " + std::to_string(i) + ": " +
                   std::to_string(L.pixels) + "x" + std::to_string(L.channels));
      expectScaledAddMatchesReference(cfg, L, 100 + i);
    }
    // Non-square arrays use min(R, C)-wide channel tiles.
    HwConfig wide = cfg;
    wide.cols = size / 2;
    ScaledAddLayer L;
    L.pixels = 33, L.channels = 2 * size + 1, L.wa = 3, L.wb = -2;
    expectScaledAddMatchesReference(wide, L, 7);
    wide.cols = size, wide.rows = size / 2;
    expectScaledAddMatchesReference(wide, L, 8);
  }
}

// Runs `p` (built from layer data `d`) on the golden model with the output
// region pre-filled with 0x5a and compares it with `reference(before)`.
template <typename Data, typename Write, typename Reference>
void expectGoldenOutput(const HwConfig& cfg, const Data& d, const Program& p, Write write,
                        uint64_t outAddr, uint64_t outBytes, Reference reference,
                        RunResult* result) {
  GoldenModel g(cfg);
  ASSERT_TRUE(write(g, d).ok());
  std::vector<uint8_t> before(outBytes, 0x5a);
  ASSERT_TRUE(g.writeDram(outAddr, before.data(), before.size()).ok());
  RunResult r;
  Status s = g.run(p, &r);
  ASSERT_TRUE(s.ok()) << s.error;
  std::vector<uint8_t> out(outBytes);
  ASSERT_TRUE(g.readDram(outAddr, out.data(), out.size()).ok());
  std::vector<uint8_t> ref = reference(before);
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_EQ(int(int8_t(ref[i])), int(int8_t(out[i]))) << "byte " << i;
  if (result) *result = r;
}

void expectMaxPoolMatchesReference(const HwConfig& cfg, const MaxPoolLayer& shape, uint64_t seed,
                                   RunResult* result = nullptr) {
  std::mt19937_64 rng(seed);
  MaxPoolData d = makeMaxPoolData(cfg, shape, 0, rng);
  Program p;
  Status s = buildMaxPool(cfg, d.layer, &p);
  ASSERT_TRUE(s.ok()) << s.error;
  expectGoldenOutput(cfg, d, p, writeMaxPoolData, d.layer.outAddr, d.outBytes,
                     [&](const std::vector<uint8_t>&) { return referenceOutput(d); }, result);
}

TEST(Golden, MaxPoolMatchesReference) {
  for (unsigned size : {4u, 8u, 16u}) {
    HwConfig cfg = smallConfig(size);
    std::mt19937_64 rng(500 + size);
    for (int i = 0; i < 60; ++i) {
      MaxPoolLayer L = randomMaxPoolShape(cfg, rng);
      SCOPED_TRACE("size " + std::to_string(size) + " case " + std::to_string(i) + ": " +
                   std::to_string(L.height) + "x" + std::to_string(L.width) + "x" +
                   std::to_string(L.channels) + " k" + std::to_string(L.kernelH) + "x" +
                   std::to_string(L.kernelW) + " s" + std::to_string(L.strideH) + "x" +
                   std::to_string(L.strideW) + " p" + std::to_string(L.padTop) + "," +
                   std::to_string(L.padLeft) + "," + std::to_string(L.padBottom) + "," +
                   std::to_string(L.padRight) + " out" + std::to_string(L.outHeight()) + "x" +
                   std::to_string(L.outWidth()) + " tile" + std::to_string(L.maxTileRows));
      expectMaxPoolMatchesReference(cfg, L, 900 + i);
      if (HasFatalFailure()) return;
    }
  }
  // Lines longer than a tile, lines longer than 255 elements, and a stride
  // wider than the xstride field.
  HwConfig cfg = smallConfig(4);
  MaxPoolLayer L;
  L.height = 3, L.width = 300, L.channels = 5, L.kernelH = L.kernelW = 3, L.strideW = 1;
  L.padTop = L.padLeft = L.padRight = 1;
  L.maxTileRows = 70;
  expectMaxPoolMatchesReference(cfg, L, 1);
  L.maxTileRows = 0;
  expectMaxPoolMatchesReference(cfg, L, 2);
  L.channels = 1500, L.width = 9, L.strideW = 3;  // xstride 4500 > 4095
  expectMaxPoolMatchesReference(cfg, L, 3);
}

// A ResNet stem pooling layer: 112x112x64, 3x3, stride 2, pad 1 on 16x16.
TEST(Golden, MaxPoolResNetStem) {
  HwConfig cfg = smallConfig(16);
  cfg.dramBytes = 8 << 20;
  MaxPoolLayer L;
  L.height = L.width = 112, L.channels = 64, L.kernelH = L.kernelW = 3;
  L.strideH = L.strideW = 2, L.padTop = L.padLeft = L.padBottom = L.padRight = 1;
  RunResult r;
  expectMaxPoolMatchesReference(cfg, L, 4, &r);
  std::printf("max pool 112x112x64 3x3 s2 p1 on 16x16: %llu cycles\n",
              (unsigned long long)r.counters[kCycles]);
}

void expectLstmMatchesReference(const HwConfig& cfg, const LstmLayer& shape, uint64_t seed) {
  std::mt19937_64 rng(seed);
  LstmData d = makeLstmData(cfg, shape, 0, rng);
  Program p;
  Status s = buildLstm(cfg, d.layer, &p);
  ASSERT_TRUE(s.ok()) << s.error;
  expectGoldenOutput(cfg, d, p, writeLstmData, d.layer.outAddr, d.outBytes,
                     [&](const std::vector<uint8_t>& before) { return referenceOutput(d, before); },
                     nullptr);
}

TEST(Golden, LstmMatchesReference) {
  int feeds[3] = {0, 0, 0};  // hoisted, resident, streamed
  for (unsigned size : {4u, 8u, 16u}) {
    HwConfig cfg = smallConfig(size);
    std::mt19937_64 rng(700 + size);
    std::uniform_int_distribution<int64_t> steps(1, 6), batch(1, 5), dim(1, 3 * size);
    for (int i = 0; i < 25; ++i) {
      LstmLayer L;
      L.steps = steps(rng), L.batch = batch(rng), L.input = dim(rng), L.hidden = dim(rng);
      L.reverse = rng() % 2;
      L.cellShift = 8 + int64_t(rng() % 3);
      if (rng() % 3 == 0) L.maxBatchRows = 1 + int64_t(rng() % 2);
      if (rng() % 4 == 0) L.outStepStride = 2 * L.batch * L.hidden;  // one of two directions
      SCOPED_TRACE("size " + std::to_string(size) + " case " + std::to_string(i) + ": T" +
                   std::to_string(L.steps) + " B" + std::to_string(L.batch) + " I" +
                   std::to_string(L.input) + " H" + std::to_string(L.hidden) +
                   (L.reverse ? " reverse" : "") + " chunk" + std::to_string(L.maxBatchRows));
      ++feeds[int(lstmFeed(cfg, L))];
      expectLstmMatchesReference(cfg, L, 1700 + i);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(feeds[int(RecurrentFeed::Hoisted)], 10);
  EXPECT_GT(feeds[int(RecurrentFeed::Resident)], 10);
  // Non-square arrays: hidden tiles are min(R, C) wide.
  HwConfig wide = smallConfig(8);
  wide.cols = 4;
  LstmLayer L;
  L.steps = 3, L.batch = 2, L.input = 11, L.hidden = 9;
  expectLstmMatchesReference(wide, L, 5);
  wide.cols = 8, wide.rows = 4;
  expectLstmMatchesReference(wide, L, 6);
}

// Weights that do not fit the scratchpad stream through two slots, one gate
// tile per load group, every step.
TEST(Golden, LstmStreamsWeightsThatDoNotFit) {
  int ran = 0;
  for (unsigned size : {4u, 8u}) {
    HwConfig cfg = smallConfig(size);
    cfg.spRows = 256;
    std::mt19937_64 rng(90 + size);
    std::uniform_int_distribution<int64_t> steps(1, 4), batch(1, 3), dim(2 * size, 5 * size);
    for (int i = 0; i < 12; ++i) {
      LstmLayer L;
      L.steps = steps(rng), L.batch = batch(rng), L.input = dim(rng), L.hidden = dim(rng);
      L.reverse = rng() % 2;
      SCOPED_TRACE("size " + std::to_string(size) + " case " + std::to_string(i) + ": T" +
                   std::to_string(L.steps) + " B" + std::to_string(L.batch) + " I" +
                   std::to_string(L.input) + " H" + std::to_string(L.hidden));
      if (!checkLstm(cfg, L).ok()) continue;
      EXPECT_EQ(lstmFeed(cfg, L), RecurrentFeed::Streamed);
      expectLstmMatchesReference(cfg, L, 300 + i);
      if (HasFatalFailure()) return;
      ++ran;
    }
  }
  EXPECT_GE(ran, 12) << "too few streamed layers fit the configuration";
}

TEST(Golden, LstmRejectsWhatDoesNotFit) {
  HwConfig cfg = smallConfig(4);
  cfg.spRows = 256;
  LstmLayer L;
  L.steps = 2, L.batch = 1, L.input = 64, L.hidden = 64;
  Program p;
  Status s = buildLstm(cfg, L, &p);
  EXPECT_NE(s.error.find("even with the weights streamed"), std::string::npos) << s.error;
  EXPECT_EQ(checkLstm(cfg, L).error, s.error);
  L.hidden = 0;
  EXPECT_NE(buildLstm(cfg, L, &p).error.find("must be positive"), std::string::npos);
}

void expectDenseChainMatchesReference(const HwConfig& cfg, const DenseChain& shape, uint64_t seed) {
  std::mt19937_64 rng(seed);
  DenseChainData d = makeDenseChainData(shape, 0, rng);
  Program p;
  Status s = buildDenseChain(cfg, d.chain, &p);
  ASSERT_TRUE(s.ok()) << s.error;
  GoldenModel g(cfg);
  for (const auto& [addr, image] : dramImages(d))
    ASSERT_TRUE(g.writeDram(addr, image.data(), image.size()).ok());
  RunResult r;
  s = g.run(p, &r);
  ASSERT_TRUE(s.ok()) << s.error;
  std::vector<uint8_t> out(d.outBytes);
  ASSERT_TRUE(g.readDram(d.chain.outAddr, out.data(), out.size()).ok());
  EXPECT_EQ(out, referenceOutput(d));
  uint64_t macs = 0;
  int64_t k = shape.k;
  for (const DenseChainLayer& layer : shape.layers) macs += uint64_t(shape.m * k * layer.n), k = layer.n;
  EXPECT_EQ(r.counters[kMacs], macs);
  // Only the chain's input, weights, parameters, tables and output move.
  EXPECT_EQ(r.counters[kDramReadBytes] + r.counters[kDramWriteBytes], dramBytesMoved(p));
  EXPECT_EQ(r.counters[kDramWriteBytes], d.outBytes);
}

TEST(Golden, DenseChainMatchesReference) {
  for (unsigned size : {4u, 8u, 16u}) {
    HwConfig cfg = smallConfig(size);
    std::mt19937_64 rng(900 + size);
    for (int i = 0; i < 30; ++i) {
      DenseChain shape = randomDenseChainShape(cfg, rng);
      SCOPED_TRACE("size " + std::to_string(size) + " case " + std::to_string(i));
      expectDenseChainMatchesReference(cfg, shape, 2900 + i);
      if (HasFatalFailure()) return;
    }
  }
  // Non-square arrays: intermediate tiles are min(R, C) columns wide.
  DenseChain shape;
  shape.m = 19, shape.k = 23;
  shape.layers = {{13, Activation::Relu}, {9, Activation::Lut}, {11, Activation::None}};
  HwConfig wide = smallConfig(8);
  wide.cols = 4;
  expectDenseChainMatchesReference(wide, shape, 7);
  wide.cols = 8, wide.rows = 4;
  expectDenseChainMatchesReference(wide, shape, 8);
}

TEST(Golden, DenseChainKeepsIntermediatesOnChip) {
  // MLP 256 -> 512 -> 512 -> 10, batch 64, on 16x16: one block, every weight
  // loaded once, no intermediate stored.
  HwConfig cfg = smallConfig(16);
  DenseChain chain;
  chain.m = 64, chain.k = 256;
  chain.layers = {{512, Activation::Relu}, {512, Activation::Relu}, {10}};
  DenseChainTiling tiling;
  ASSERT_TRUE(planDenseChain(cfg, chain, &tiling).ok());
  EXPECT_EQ(tiling.blocks, 1);
  Program p;
  ASSERT_TRUE(buildDenseChain(cfg, chain, &p).ok());
  const uint64_t weights = 256 * 512 + 512 * 512 + 512 * 10, params = 4 * 3 * (512 + 512 + 10);
  EXPECT_EQ(dramBytesMoved(p), 64 * 256 + weights + params + 64 * 10);
}

TEST(Golden, DenseChainRejectsWhatDoesNotFit) {
  HwConfig cfg = smallConfig(8);
  cfg.spRows = 512;
  DenseChain chain;
  chain.m = 4, chain.k = 8;
  chain.layers = {{8 * 600}, {8}};
  DenseChainTiling tiling;
  Status s = planDenseChain(cfg, chain, &tiling);
  EXPECT_NE(s.error.find("input and intermediate activations do not fit the scratchpad"), std::string::npos)
      << s.error;
  Program p;
  EXPECT_EQ(buildDenseChain(cfg, chain, &p).error, s.error);
  cfg.supportsWeightStationary = false;
  EXPECT_NE(planDenseChain(cfg, chain, &tiling).error.find("no weight-stationary"), std::string::npos);
  chain.layers.clear();
  cfg.supportsWeightStationary = true;
  EXPECT_NE(planDenseChain(cfg, chain, &tiling).error.find("at least two layers"), std::string::npos);
}

void expectGruMatchesReference(const HwConfig& cfg, const GruLayer& shape, uint64_t seed,
                               RunResult* result = nullptr) {
  std::mt19937_64 rng(seed);
  GruData d = makeGruData(cfg, shape, 0, rng);
  Program p;
  Status s = buildGru(cfg, d.layer, &p);
  ASSERT_TRUE(s.ok()) << s.error;
  expectGoldenOutput(cfg, d, p, writeGruData, d.layer.outAddr, d.outBytes,
                     [&](const std::vector<uint8_t>& before) { return referenceOutput(d, before); },
                     result);
}

TEST(Golden, GruMatchesReference) {
  int feeds[3] = {0, 0, 0};  // hoisted, resident, streamed
  for (unsigned size : {4u, 8u, 16u}) {
    HwConfig cfg = smallConfig(size);
    std::mt19937_64 rng(800 + size);
    std::uniform_int_distribution<int64_t> steps(1, 6), batch(1, 5), dim(1, 3 * size);
    for (int i = 0; i < 30; ++i) {
      GruLayer L;
      L.steps = steps(rng), L.batch = batch(rng), L.input = dim(rng), L.hidden = dim(rng);
      L.reverse = rng() % 2;
      L.linearBeforeReset = rng() % 2;
      if (rng() % 3 == 0) L.maxBatchRows = 1 + int64_t(rng() % 2);
      if (rng() % 4 == 0) L.outStepStride = 2 * L.batch * L.hidden;  // one of two directions
      SCOPED_TRACE("size " + std::to_string(size) + " case " + std::to_string(i) + ": T" +
                   std::to_string(L.steps) + " B" + std::to_string(L.batch) + " I" +
                   std::to_string(L.input) + " H" + std::to_string(L.hidden) +
                   (L.reverse ? " reverse" : "") + " lbr" + std::to_string(L.linearBeforeReset) +
                   " chunk" + std::to_string(L.maxBatchRows));
      ++feeds[int(gruFeed(cfg, L))];
      expectGruMatchesReference(cfg, L, 2700 + i);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(feeds[int(RecurrentFeed::Hoisted)], 10);
  EXPECT_GT(feeds[int(RecurrentFeed::Resident)], 10);
  // Non-square arrays: hidden tiles are min(R, C) wide.
  HwConfig wide = smallConfig(8);
  wide.cols = 4;
  GruLayer L;
  L.steps = 3, L.batch = 2, L.input = 11, L.hidden = 9;
  for (bool lbr : {false, true}) {
    L.linearBeforeReset = lbr;
    wide.cols = 4, wide.rows = 8;
    expectGruMatchesReference(wide, L, 5);
    wide.cols = 8, wide.rows = 4;
    expectGruMatchesReference(wide, L, 6);
  }
}

TEST(Golden, GruCycles) {
  HwConfig cfg = smallConfig(16);
  GruLayer L;
  L.steps = 16, L.batch = 1, L.input = 64, L.hidden = 64;
  for (bool lbr : {true, false}) {
    L.linearBeforeReset = lbr;
    RunResult r;
    expectGruMatchesReference(cfg, L, 7, &r);
    std::printf("gru T16 B1 I64 H64 linear_before_reset=%d on 16x16: %llu golden cycles\n", lbr,
                (unsigned long long)r.counters[kCycles]);
  }
}

// Weights that do not fit the scratchpad stream through two slots, one gate
// tile per load group, every step.
TEST(Golden, GruStreamsWeightsThatDoNotFit) {
  int ran = 0;
  for (unsigned size : {4u, 8u}) {
    HwConfig cfg = smallConfig(size);
    cfg.spRows = 256;
    std::mt19937_64 rng(190 + size);
    std::uniform_int_distribution<int64_t> steps(1, 4), batch(1, 3), dim(2 * size, 5 * size);
    for (int i = 0; i < 16; ++i) {
      GruLayer L;
      L.steps = steps(rng), L.batch = batch(rng), L.input = dim(rng), L.hidden = dim(rng);
      L.reverse = rng() % 2;
      L.linearBeforeReset = rng() % 2;
      SCOPED_TRACE("size " + std::to_string(size) + " case " + std::to_string(i) + ": T" +
                   std::to_string(L.steps) + " B" + std::to_string(L.batch) + " I" +
                   std::to_string(L.input) + " H" + std::to_string(L.hidden) + " lbr" +
                   std::to_string(L.linearBeforeReset));
      if (!checkGru(cfg, L).ok()) continue;
      EXPECT_EQ(gruFeed(cfg, L), RecurrentFeed::Streamed);
      expectGruMatchesReference(cfg, L, 400 + i);
      if (HasFatalFailure()) return;
      ++ran;
    }
  }
  EXPECT_GE(ran, 12) << "too few streamed layers fit the configuration";
}

TEST(Golden, GruRejectsWhatDoesNotFit) {
  HwConfig cfg = smallConfig(4);
  cfg.spRows = 256;
  GruLayer L;
  L.steps = 2, L.batch = 1, L.input = 64, L.hidden = 64;
  Program p;
  Status s = buildGru(cfg, L, &p);
  EXPECT_NE(s.error.find("even with the weights streamed"), std::string::npos) << s.error;
  EXPECT_EQ(checkGru(cfg, L).error, s.error);
  L.hidden = 0;
  EXPECT_NE(buildGru(cfg, L, &p).error.find("must be positive"), std::string::npos);
}

TEST(Golden, MaxPoolRejectsBadLayers) {
  MaxPoolLayer L;
  L.height = L.width = 4, L.channels = 3, L.kernelH = 0;
  Program p;
  EXPECT_NE(buildMaxPool(smallConfig(4), L, &p).error.find("kernel, strides and dilations"),
            std::string::npos);
  L.kernelH = 6, L.kernelW = 1;
  EXPECT_NE(buildMaxPool(smallConfig(4), L, &p).error.find("empty output"), std::string::npos);
}

TEST(Golden, ScaledAddRejectsBadLayers) {
  ScaledAddLayer L;
  L.pixels = 4, L.channels = 4, L.wa = 200;
  Program p;
  EXPECT_NE(buildScaledAdd(smallConfig(4), L, &p).error.find("weights must be int8"), std::string::npos);
  L.wa = 1, L.aRowStride = 2;
  EXPECT_NE(buildScaledAdd(smallConfig(4), L, &p).error.find("row strides"), std::string::npos);
}

TEST(Golden, RequantizeRoundsHalfUpAndSaturates) {
  int8_t lut[256] = {};
  EXPECT_EQ(requantize(3, 0, 1, 1, 0, 127, 0, lut), 2);    // 1.5 -> 2
  EXPECT_EQ(requantize(-3, 0, 1, 1, 0, 127, 0, lut), -1);  // -1.5 -> -1
  EXPECT_EQ(requantize(1000, 0, 1, 0, 0, 127, 0, lut), 127);
  EXPECT_EQ(requantize(-1000, 0, 1, 0, 0, 127, 0, lut), -128);
  EXPECT_EQ(requantize(-5, 0, 1, 0, 3, 127, 1, lut), 3);   // ReLU clamps at the zero point
  EXPECT_EQ(requantize(100, 0, 1, 0, 0, 60, 2, lut), 60);  // ReLU6 upper clamp
  lut[uint8_t(-7)] = 42;
  EXPECT_EQ(requantize(-7, 0, 1, 0, 0, 127, 3, lut), 42);
  // The extreme product must not overflow the rounding step.
  EXPECT_EQ(requantize(INT32_MIN, 0, INT32_MIN, 62, 0, 127, 0, lut), 1);
  EXPECT_EQ(vectorOp8(0, 100, 100, 0), 127);
  EXPECT_EQ(vectorOp8(1, -128, 127, 7), -127);
  EXPECT_EQ(vectorOp32(0, INT32_MAX, 1, 0), INT32_MIN);
}

Program asmOrDie(const std::string& text) {
  Program p;
  Status s = assemble(text, &p);
  EXPECT_TRUE(s.ok()) << s.error;
  return p;
}

TEST(Golden, ReportsFirstIllegalInstructionWithIndex) {
  HwConfig cfg = smallConfig(4);
  GoldenModel g(cfg);
  RunResult r;
  Program p = asmOrDie(
      "load mem=sp row=0 dram=0 bytes=4 x=1 y=2 ystride=4\n"
      "matmul df=ws a=0 b=0 c=0 m=1 k=5 n=4\n");  // k > rows
  Status s = g.run(p, &r);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(r.error, ErrorCode::BadFieldValue);
  EXPECT_EQ(r.errorIndex, 1u);
  EXPECT_NE(s.error.find("instruction #1 (matmul): k=5 must be in [1, 4]"), std::string::npos) << s.error;
}

TEST(Golden, ReportsOutOfRangeAddresses) {
  HwConfig cfg = smallConfig(4);
  GoldenModel g(cfg);
  RunResult r;
  EXPECT_FALSE(g.run(asmOrDie("load mem=sp row=8190 dram=0 bytes=4 x=1 y=4 ystride=4\n"), &r).ok());
  EXPECT_EQ(r.error, ErrorCode::SramOutOfRange);
  EXPECT_FALSE(g.run(asmOrDie("store mem=sp row=0 dram=0x3ffffe bytes=4 x=1 y=1\n"), &r).ok());
  EXPECT_EQ(r.error, ErrorCode::DramOutOfRange);
  EXPECT_NE(r.message.find("DRAM bytes [4194302, 4194306) exceed DRAM size 4194304"), std::string::npos)
      << r.message;
}

TEST(Golden, DetectsDeadlock) {
  HwConfig cfg = smallConfig(4);
  GoldenModel g(cfg);
  RunResult r;
  Status s = g.run(asmOrDie("load mem=sp row=0 dram=0 bytes=4 x=1 y=1 pop_next\n"
                            "matmul df=ws a=0 b=0 c=0 m=1 k=1 n=1 pop_prev\n"),
                   &r);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(r.error, ErrorCode::Deadlock);
  EXPECT_EQ(r.errorIndex, 0u);
}

TEST(Golden, FiniteQueuesCanDeadlockAProgramThatUnboundedQueuesWouldRun) {
  HwConfig cfg = smallConfig(4);
  cfg.queueDepth = 2;
  GoldenModel g(cfg);
  // Three loads wait for compute tokens, but the compute instruction that
  // pushes them sits behind the third load in the program.
  std::string text;
  for (int i = 0; i < 3; ++i) text += "load mem=sp row=0 dram=0 bytes=4 x=1 y=1 pop_next\n";
  text += "vector op=add mem=sp a=0 b=0 dst=0 rows=1 push_prev\n";
  RunResult r;
  EXPECT_FALSE(g.run(asmOrDie(text), &r).ok());
  EXPECT_EQ(r.error, ErrorCode::Deadlock);
}

TEST(Golden, VectorUnitIsElementwise) {
  HwConfig cfg = smallConfig(4);
  GoldenModel g(cfg);
  int8_t a[8] = {1, -2, 100, -128, 5, 6, 7, 8};
  ASSERT_TRUE(g.writeDram(0, a, 8).ok());
  RunResult r;
  Status s = g.run(asmOrDie("load mem=sp row=0 dram=0 bytes=4 x=1 y=2 ystride=4 push_next\n"
                            "vector op=add mem=sp a=0 b=1 dst=2 rows=1 pop_prev\n"
                            "vector op=max mem=sp a=0 b=1 dst=3 rows=1\n"
                            "vector op=mul mem=sp a=0 b=1 dst=4 rows=1 shift=1 push_next\n"
                            "store mem=sp row=2 dram=64 bytes=4 x=1 y=3 ystride=4 pop_prev\n"),
                   &r);
  ASSERT_TRUE(s.ok()) << s.error;
  int8_t out[12];
  ASSERT_TRUE(g.readDram(64, out, 12).ok());
  int8_t expect[12] = {6, 4, 107, -120, 5, 6, 100, 8, 2, -6, 127, -128};
  for (int i = 0; i < 12; ++i) EXPECT_EQ(out[i], expect[i]) << i;
  EXPECT_EQ(r.counters[kSpReads], 6u + 3u);
  EXPECT_EQ(r.counters[kDramReadBytes], 8u);
  EXPECT_EQ(r.counters[kDramWriteBytes], 12u);
}

}  // namespace
