#include "RandomPrograms.h"

#include <cstring>
#include <sstream>

namespace systolic {
namespace {

int64_t pick(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

RandomCase layerCase(const HwConfig& cfg, std::mt19937_64& rng) {
  const int64_t R = cfg.rows, C = cfg.cols;
  GemmLayer L;
  std::ostringstream desc;
  int kind = int(pick(rng, 0, 9));
  if (kind < 4) {
    L.isConv = true;
    ConvShape& cv = L.conv;
    cv.kernelH = cv.kernelW = pick(rng, 0, 3) == 0 ? 1 : pick(rng, 0, 4) == 0 ? 5 : 3;
    if (pick(rng, 0, 5) == 0) cv.kernelW = pick(rng, 1, 3);
    cv.stride = pick(rng, 1, 2);
    cv.pad = pick(rng, 0, std::min<int64_t>(cv.kernelH / 2 + 1, 3));
    cv.height = pick(rng, std::max(cv.kernelH, cv.kernelW), 10);
    cv.width = pick(rng, std::max(cv.kernelH, cv.kernelW), 10);
    cv.inChannels = pick(rng, 1, 2 * R + 3);
    // ONNX-style variants: per-axis strides, asymmetric pads (some beyond
    // the DMA pad fields), dilation, 1-D convolutions, long lines.
    const int variant = int(pick(rng, 0, 7));
    if (variant == 1 || variant == 4) {
      cv.strideH = pick(rng, 1, 3), cv.strideW = pick(rng, 1, 3);
      cv.padTop = pick(rng, 0, 3), cv.padBottom = pick(rng, 0, 3);
      cv.padLeft = pick(rng, 0, 3), cv.padRight = pick(rng, 0, 3);
    }
    if (variant == 2 || variant == 4) {
      cv.dilationH = pick(rng, 1, 3), cv.dilationW = pick(rng, 1, 3);
      cv.height = std::max(cv.height, cv.dilationH * (cv.kernelH - 1) + 1);
      cv.width = std::max(cv.width, cv.dilationW * (cv.kernelW - 1) + 1);
    }
    if (variant == 3) {  // 1-D, sometimes longer than one DMA line
      cv.height = cv.kernelH = 1;
      cv.width = pick(rng, 0, 3) == 0 ? pick(rng, 256, 300) : pick(rng, cv.kernelW, 40);
      cv.inChannels = pick(rng, 1, R + 2);
      cv.padLeft = pick(rng, 0, 4), cv.padRight = pick(rng, 0, 4);
    }
    if (variant == 5) {  // padding beyond 7
      cv.kernelH = pick(rng, 5, 11), cv.kernelW = pick(rng, 1, 11);
      cv.padTop = pick(rng, 0, 10), cv.padBottom = pick(rng, 0, 10);
      cv.padLeft = pick(rng, 0, 10), cv.padRight = pick(rng, 0, 10);
      cv.height = pick(rng, 1, 8), cv.width = pick(rng, 1, 8);
      cv.height = std::max(cv.height, cv.kernelH - cv.padTop - cv.padBottom);
      cv.width = std::max(cv.width, cv.kernelW - cv.padLeft - cv.padRight);
      cv.inChannels = pick(rng, 1, R + 1);
    }
    L.n = pick(rng, 1, 2 * C + 3);
    if (variant == 6) {  // grouped or depthwise
      cv.groups = pick(rng, 0, 1) ? cv.inChannels : pick(rng, 1, 4);
      cv.inChannels = cv.inChannels / cv.groups * cv.groups;
      if (cv.inChannels == 0) cv.inChannels = cv.groups;
      L.n = cv.groups * pick(rng, 1, 3);
    }
    desc << "conv " << cv.height << "x" << cv.width << "x" << cv.inChannels << " g" << cv.groups << " k"
         << cv.kernelH << "x" << cv.kernelW << " s" << cv.sh() << "," << cv.sw() << " p"
         << cv.pt() << "," << cv.pb() << "," << cv.pl() << "," << cv.pr() << " d"
         << cv.dilationH << "," << cv.dilationW << " -> " << L.n;
  } else {
    L.m = pick(rng, 1, 4 * R + 5);
    L.k = pick(rng, 1, 3 * R + 5);
    L.n = pick(rng, 1, 3 * C + 5);
    if (kind >= 8) L.dataflow = Dataflow::OutputStationary;
    desc << "gemm " << L.m << "x" << L.k << "x" << L.n
         << (kind >= 8 ? " os" : " ws");
  }
  L.act = static_cast<Activation>(pick(rng, 0, 3));
  L.zeroPoint = pick(rng, -20, 20);
  L.clampMax = pick(rng, L.zeroPoint, 127);
  L.int32Out = pick(rng, 0, 5) == 0;
  if (pick(rng, 0, 2) == 0) L.maxTileRows = pick(rng, 1, 3 * R);
  desc << " act" << int(L.act) << (L.int32Out ? " int32" : "") << " tile" << L.maxTileRows;

  LayerData d = makeLayerData(L, pick(rng, 0, 64), rng);
  RandomCase c;
  c.description = desc.str();
  Status s = buildGemm(cfg, d.layer, &c.program);
  if (!s.ok()) {
    c.description += " (unbuildable: " + s.error + ")";
    c.program.clear();
    return c;
  }
  auto add = [&](uint64_t addr, const void* p, size_t n) {
    std::vector<uint8_t> bytes(n);
    std::memcpy(bytes.data(), p, n);
    c.dramInit.emplace_back(addr, std::move(bytes));
  };
  add(d.layer.aAddr, d.a.data(), d.a.size());
  add(d.layer.bAddr, d.b.data(), d.b.size());
  add(d.layer.paramAddr, d.params.data(), 4 * d.params.size());
  add(d.layer.lutAddr, d.lut.data(), d.lut.size());
  c.outAddr = d.layer.outAddr;
  c.outBytes = d.outBytes;
  return c;
}

// A random elementwise scaled add (residual add) built by buildScaledAdd().
RandomCase scaledAddCase(const HwConfig& cfg, std::mt19937_64& rng) {
  ScaledAddLayer L;
  L.pixels = pick(rng, 1, 6 * cfg.rows + 5);
  L.channels = pick(rng, 1, 3 * cfg.cols + 3);
  L.wa = pick(rng, -128, 127), L.wb = pick(rng, -128, 127);
  L.act = static_cast<Activation>(pick(rng, 0, 3));
  L.zeroPoint = pick(rng, -20, 20);
  L.clampMax = pick(rng, L.zeroPoint, 127);
  if (pick(rng, 0, 2) == 0) L.maxTileRows = pick(rng, 1, 3 * cfg.rows);
  if (pick(rng, 0, 3) == 0) L.aRowStride = L.channels + pick(rng, 0, 5);
  if (pick(rng, 0, 3) == 0) L.outRowStride = L.channels + pick(rng, 0, 5);
  ScaledAddData d = makeScaledAddData(cfg, L, pick(rng, 0, 64), rng);
  RandomCase c;
  std::ostringstream desc;
  desc << "scaled add " << L.pixels << "x" << L.channels << " wa" << L.wa << " wb" << L.wb
       << " act" << int(L.act) << " tile" << L.maxTileRows;
  c.description = desc.str();
  Status s = buildScaledAdd(cfg, d.layer, &c.program);
  if (!s.ok()) {
    c.description += " (unbuildable: " + s.error + ")";
    c.program.clear();
    return c;
  }
  auto add = [&](uint64_t addr, const void* p, size_t n) {
    std::vector<uint8_t> bytes(n);
    std::memcpy(bytes.data(), p, n);
    c.dramInit.emplace_back(addr, std::move(bytes));
  };
  add(d.layer.aAddr, d.a.data(), d.a.size());
  add(d.layer.bAddr, d.b.data(), d.b.size());
  add(d.layer.weightAddr, d.weights.data(), d.weights.size());
  add(d.layer.paramAddr, d.params.data(), 4 * d.params.size());
  add(d.layer.lutAddr, d.lut.data(), d.lut.size());
  c.outAddr = d.layer.outAddr;
  c.outBytes = d.outBytes;
  return c;
}

// LOAD two random tiles, apply random vector ops (some in place), STORE.
RandomCase vectorCase(const HwConfig& cfg, std::mt19937_64& rng) {
  RandomCase c;
  const bool acc = pick(rng, 0, 1);
  const int64_t rowBytes = acc ? cfg.accRowBytes() : cfg.rowBytes();
  const int64_t rows = pick(rng, 1, 40);
  const int64_t srcA = pick(rng, 0, 100), srcB = srcA + rows + pick(rng, 0, 30);
  std::vector<uint8_t> data(2 * rows * rowBytes);
  for (auto& v : data) v = uint8_t(rng());
  c.dramInit.emplace_back(4096, data);
  std::vector<Instr> ins;
  Instr ld;
  ld.op = Opcode::Load;
  ld.mem = acc;
  ld.sramRow = srcA;
  ld.dramAddr = 4096;
  ld.elemBytes = rowBytes;
  ld.xSize = 1;
  ld.ySize = rows;
  ld.yStride = rowBytes;
  ins.push_back(ld);
  ld.sramRow = srcB;
  ld.dramAddr = 4096 + rows * rowBytes;
  ld.pushNext = true;
  ins.push_back(ld);
  int64_t dst = srcB + rows + pick(rng, 0, 20);
  const int ops = int(pick(rng, 1, 4));
  std::ostringstream desc;
  desc << "vector " << (acc ? "int32" : "int8") << " rows " << rows << " ops";
  for (int i = 0; i < ops; ++i) {
    Instr v;
    v.op = Opcode::Vector;
    v.mem = acc;
    v.vecOp = pick(rng, 0, 2);
    v.srcA = pick(rng, 0, 1) ? srcA : dst;
    v.srcB = srcB;
    v.dst = pick(rng, 0, 2) == 0 ? v.srcA : dst;  // in place or into dst
    if (i == 0 && v.srcA == dst) v.srcA = srcA;
    if (v.dst != dst && v.dst != v.srcA) v.dst = dst;
    v.rows = rows;
    v.shift = pick(rng, 0, 9);
    if (i == 0) v.popPrev = true;
    desc << " " << v.vecOp << (v.dst == v.srcA ? "i" : "");
    ins.push_back(v);
  }
  ins.back().pushNext = true;
  Instr st;
  st.op = Opcode::Store;
  st.mem = acc;
  st.popPrev = true;
  c.outAddr = 1 << 20;
  c.outBytes = 3 * rows * rowBytes;
  // Store both sources and the destination: in-place ops change sources.
  int64_t regions[3] = {srcA, srcB, dst};
  for (int r = 0; r < 3; ++r) {
    st.sramRow = regions[r];
    st.dramAddr = int64_t(c.outAddr + r * rows * rowBytes);
    st.elemBytes = rowBytes;
    st.xSize = 1;
    st.ySize = rows;
    st.yStride = rowBytes;
    ins.push_back(st);
    st.popPrev = false;
  }
  for (const Instr& in : ins) {
    Word w;
    encode(in, &w);
    c.program.push_back(w);
  }
  c.description = desc.str();
  return c;
}

}  // namespace

MaxPoolLayer randomMaxPoolShape(const HwConfig& cfg, std::mt19937_64& rng) {
  MaxPoolLayer L;
  const bool oneD = pick(rng, 0, 7) == 0;
  L.height = oneD ? 1 : pick(rng, 1, 14);
  L.width = pick(rng, 1, 20);
  L.channels = pick(rng, 1, 3 * int64_t(cfg.rowBytes()) + 3);
  L.kernelH = oneD ? 1 : pick(rng, 1, 4);
  L.kernelW = pick(rng, 1, 4);
  L.strideH = pick(rng, 1, 3), L.strideW = pick(rng, 1, 3);
  if (pick(rng, 0, 4) == 0) L.dilationH = oneD ? 1 : pick(rng, 1, 2), L.dilationW = pick(rng, 1, 3);
  L.padTop = pick(rng, 0, L.kernelH - 1), L.padBottom = pick(rng, 0, L.kernelH - 1);
  L.padLeft = pick(rng, 0, L.kernelW - 1), L.padRight = pick(rng, 0, L.kernelW - 1);
  // Inputs smaller than the window: grow them so the output is not empty.
  L.height = std::max(L.height, L.dilationH * (L.kernelH - 1) + 1 - L.padTop - L.padBottom);
  L.width = std::max(L.width, L.dilationW * (L.kernelW - 1) + 1 - L.padLeft - L.padRight);
  // ceil_mode: one more window where it still starts inside the input.
  if (pick(rng, 0, 2) == 0) {
    int64_t oh = L.outHeight(), ow = L.outWidth();
    if (oh * L.strideH - L.padTop < L.height && (L.height + L.padTop + L.padBottom - L.dilationH * (L.kernelH - 1) - 1) % L.strideH)
      L.outH = oh + 1;
    if (ow * L.strideW - L.padLeft < L.width && (L.width + L.padLeft + L.padRight - L.dilationW * (L.kernelW - 1) - 1) % L.strideW)
      L.outW = ow + 1;
  }
  if (pick(rng, 0, 2) == 0) L.maxTileRows = pick(rng, 1, 40);
  return L;
}

RandomCase maxPoolCase(const HwConfig& cfg, std::mt19937_64& rng) {
  MaxPoolData d = makeMaxPoolData(cfg, randomMaxPoolShape(cfg, rng), pick(rng, 0, 64), rng);
  const MaxPoolLayer& L = d.layer;
  RandomCase c;
  std::ostringstream desc;
  desc << "max pool " << L.height << "x" << L.width << "x" << L.channels << " k" << L.kernelH << "x"
       << L.kernelW << " s" << L.strideH << "x" << L.strideW << " d" << L.dilationH << "x"
       << L.dilationW << " p" << L.padTop << "," << L.padLeft << "," << L.padBottom << ","
       << L.padRight << " out" << L.outHeight() << "x" << L.outWidth() << " tile" << L.maxTileRows;
  c.description = desc.str();
  Status s = buildMaxPool(cfg, L, &c.program);
  if (!s.ok()) {
    c.description += " (unbuildable: " + s.error + ")";
    c.program.clear();
    return c;
  }
  c.dramInit.emplace_back(L.inAddr, std::vector<uint8_t>(d.in.begin(), d.in.end()));
  c.dramInit.emplace_back(L.minAddr, std::vector<uint8_t>(d.minRow.begin(), d.minRow.end()));
  c.outAddr = L.outAddr;
  c.outBytes = d.outBytes;
  return c;
}

RandomCase lstmCase(const HwConfig& cfg, std::mt19937_64& rng) {
  LstmLayer shape;
  shape.steps = pick(rng, 1, 4), shape.batch = pick(rng, 1, 3);
  shape.input = pick(rng, 1, 2 * cfg.rows), shape.hidden = pick(rng, 1, 2 * cfg.cols);
  shape.reverse = pick(rng, 0, 1);
  if (pick(rng, 0, 2) == 0) shape.maxBatchRows = 1;
  return lstmCaseFor(cfg, shape, rng);
}

// The case running a recurrent layer's data `d` through `build`;
// `description` names the layer, the feed buildLstm/buildGru chose is added.
template <typename Data, typename Build>
RandomCase recurrentCase(const HwConfig& cfg, const Data& d, std::string description,
                         RecurrentFeed feed, Build build) {
  RandomCase c;
  c.description = description + (feed == RecurrentFeed::Hoisted    ? " hoisted"
                                 : feed == RecurrentFeed::Resident ? " resident"
                                                                   : " streamed");
  Status s = build(cfg, d.layer, &c.program);
  if (!s.ok()) {
    c.description += " (unbuildable: " + s.error + ")";
    c.program.clear();
    return c;
  }
  c.dramInit = dramImages(d);
  c.outAddr = d.layer.outAddr;
  c.outBytes = d.outBytes;
  return c;
}

RandomCase lstmCaseFor(const HwConfig& cfg, const LstmLayer& shape, std::mt19937_64& rng) {
  LstmData d = makeLstmData(cfg, shape, pick(rng, 0, 64), rng);
  const LstmLayer& L = d.layer;
  std::ostringstream desc;
  desc << "lstm T" << L.steps << " B" << L.batch << " I" << L.input << " H" << L.hidden
       << (L.reverse ? " reverse" : "") << " chunk" << L.maxBatchRows;
  return recurrentCase(cfg, d, desc.str(), lstmFeed(cfg, L), buildLstm);
}

DenseChain randomDenseChainShape(const HwConfig& cfg, std::mt19937_64& rng) {
  DenseChain shape;
  shape.m = pick(rng, 1, 3 * cfg.rows + 5);
  shape.k = pick(rng, 1, 3 * cfg.rows + 5);
  const int64_t layers = pick(rng, 2, 4);
  for (int64_t l = 0; l < layers; ++l) {
    DenseChainLayer layer;
    layer.n = pick(rng, 1, 3 * cfg.cols + 5);
    layer.act = static_cast<Activation>(pick(rng, 0, 3));
    layer.zeroPoint = pick(rng, -20, 20);
    layer.clampMax = pick(rng, layer.zeroPoint, 127);
    shape.layers.push_back(layer);
  }
  if (pick(rng, 0, 2) == 0) shape.maxTileRows = pick(rng, 1, 2 * cfg.rows);
  return shape;
}

RandomCase denseChainCase(const HwConfig& cfg, std::mt19937_64& rng) {
  return denseChainCaseFor(cfg, randomDenseChainShape(cfg, rng), rng);
}

RandomCase denseChainCaseFor(const HwConfig& cfg, const DenseChain& shape, std::mt19937_64& rng) {
  DenseChainData d = makeDenseChainData(shape, pick(rng, 0, 64), rng);
  const DenseChain& chain = d.chain;
  RandomCase c;
  std::ostringstream desc;
  desc << "dense chain M" << chain.m << " K" << chain.k;
  for (const DenseChainLayer& layer : chain.layers) desc << " -> " << layer.n << " act" << int(layer.act);
  desc << " tile" << chain.maxTileRows;
  c.description = desc.str();
  Status s = buildDenseChain(cfg, chain, &c.program);
  if (!s.ok()) {
    c.description += " (unbuildable: " + s.error + ")";
    c.program.clear();
    return c;
  }
  c.dramInit = dramImages(d);
  c.outAddr = chain.outAddr;
  c.outBytes = d.outBytes;
  return c;
}

RandomCase randomCase(const HwConfig& cfg, std::mt19937_64& rng) {
  switch (pick(rng, 0, 11)) {
    case 0: case 1: return vectorCase(cfg, rng);
    case 2: return scaledAddCase(cfg, rng);
    default: return layerCase(cfg, rng);
  }
}

void corruptProgram(Program* p, std::mt19937_64& rng) {
  if (p->empty()) return;
  Word& w = (*p)[pick(rng, 0, int64_t(p->size()) - 1)];
  switch (pick(rng, 0, 2)) {
    case 0:  // a random bit anywhere, often a reserved one or a token flag
      w.w[pick(rng, 0, 1)] ^= 1ull << pick(rng, 0, 63);
      break;
    case 1:  // an unknown opcode
      w.w[0] = (w.w[0] & ~15ull) | uint64_t(pick(rng, 6, 15));
      break;
    default: {  // a large value in a random 16-bit region (addresses, sizes)
      unsigned lsb = unsigned(pick(rng, 8, 112));
      for (unsigned b = lsb; b < lsb + 16; ++b) w.w[b / 64] |= (rng() & 1ull) << (b % 64);
      break;
    }
  }
}

RandomCase gruCase(const HwConfig& cfg, std::mt19937_64& rng) {
  GruLayer shape;
  shape.steps = pick(rng, 1, 4), shape.batch = pick(rng, 1, 3);
  shape.input = pick(rng, 1, 2 * cfg.rows), shape.hidden = pick(rng, 1, 2 * cfg.cols);
  shape.reverse = pick(rng, 0, 1);
  shape.linearBeforeReset = pick(rng, 0, 1);
  if (pick(rng, 0, 2) == 0) shape.maxBatchRows = 1;
  return gruCaseFor(cfg, shape, rng);
}

RandomCase gruCaseFor(const HwConfig& cfg, const GruLayer& shape, std::mt19937_64& rng) {
  GruData d = makeGruData(cfg, shape, pick(rng, 0, 64), rng);
  const GruLayer& L = d.layer;
  std::ostringstream desc;
  desc << "gru T" << L.steps << " B" << L.batch << " I" << L.input << " H" << L.hidden
       << (L.reverse ? " reverse" : "") << " lbr" << L.linearBeforeReset << " chunk"
       << L.maxBatchRows;
  return recurrentCase(cfg, d, desc.str(), gruFeed(cfg, L), buildGru);
}

}  // namespace systolic
