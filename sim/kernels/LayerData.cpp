#include "kernels/LayerData.h"

#include "golden/Arith.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace systolic {

static uint64_t align64(uint64_t v) { return (v + 63) & ~uint64_t(63); }

// A vector's elements as the bytes DRAM holds.
template <typename T>
static std::vector<uint8_t> bytes(const std::vector<T>& v) {
  const auto* first = reinterpret_cast<const uint8_t*>(v.data());
  return std::vector<uint8_t>(first, first + v.size() * sizeof(T));
}

LayerData makeLayerData(const GemmLayer& shape, uint64_t base, std::mt19937_64& rng) {
  LayerData d;
  d.layer = shape;
  GemmLayer& L = d.layer;
  if (L.isConv) {
    L.m = L.conv.outHeight() * L.conv.outWidth();
    L.k = L.conv.kernelH * L.conv.kernelW * (L.conv.inChannels / L.conv.groups);
  }
  const int64_t aSize = L.isConv ? L.conv.height * L.conv.width * L.conv.inChannels : L.m * L.k;
  std::uniform_int_distribution<int> byte(-128, 127);
  d.a.resize(aSize);
  d.b.resize(L.k * L.n);
  d.lut.resize(256);
  for (auto& v : d.a) v = int8_t(byte(rng));
  for (auto& v : d.b) v = int8_t(byte(rng));
  for (auto& v : d.lut) v = int8_t(byte(rng));
  d.params.resize(3 * L.n);
  // |acc| is about 64 * 64 * sqrt(K); scale it to roughly +-64.
  int shiftBase = 6;
  for (int64_t s = int64_t(4096) * 16; s * s < 4096ll * 4096 * L.k * 4; s *= 2) ++shiftBase;
  std::uniform_int_distribution<int32_t> bias(-20000, 20000), mult(1 << 20, 1 << 22),
      jitter(-2, 2);
  for (int64_t j = 0; j < L.n; ++j) {
    d.params[j] = bias(rng);
    d.params[L.n + j] = mult(rng) * (rng() % 8 == 0 ? -1 : 1);
    d.params[2 * L.n + j] = 22 + shiftBase + jitter(rng);
  }
  L.aAddr = align64(base);
  L.bAddr = align64(L.aAddr + d.a.size());
  L.paramAddr = align64(L.bAddr + d.b.size());
  L.lutAddr = align64(L.paramAddr + 4 * d.params.size());
  L.outAddr = align64(L.lutAddr + 256);
  d.outBytes = uint64_t(L.m * L.n) * (L.int32Out ? 4 : 1);
  d.endAddr = align64(L.outAddr + d.outBytes);
  return d;
}

Status writeLayerData(Accelerator& accel, const LayerData& d) {
  const GemmLayer& L = d.layer;
  Status s = accel.writeDram(L.aAddr, d.a.data(), d.a.size());
  if (s.ok()) s = accel.writeDram(L.bAddr, d.b.data(), d.b.size());
  if (s.ok()) s = accel.writeDram(L.paramAddr, d.params.data(), 4 * d.params.size());
  if (s.ok()) s = accel.writeDram(L.lutAddr, d.lut.data(), d.lut.size());
  return s;
}

std::vector<uint8_t> referenceOutput(const LayerData& d) {
  const GemmLayer& L = d.layer;
  const ConvShape& cv = L.conv;
  // A[m][k] of group g for any layout.
  const int64_t groups = L.isConv ? cv.groups : 1, cg = L.isConv ? cv.inChannels / groups : 0;
  const int64_t ng = L.n / groups;
  auto aAt = [&](int64_t m, int64_t k, int64_t g) -> int32_t {
    if (L.isConv) {
      int64_t oh = m / cv.outWidth(), ow = m % cv.outWidth();
      int64_t tap = k / cg, cin = g * cg + k % cg;
      int64_t ih = oh * cv.sh() + (tap / cv.kernelW) * cv.dilationH - cv.pt();
      int64_t iw = ow * cv.sw() + (tap % cv.kernelW) * cv.dilationW - cv.pl();
      if (ih < 0 || iw < 0 || ih >= cv.height || iw >= cv.width) return 0;
      return d.a[(ih * cv.width + iw) * cv.inChannels + cin];
    }
    return L.dataflow == Dataflow::OutputStationary ? d.a[k * L.m + m] : d.a[m * L.k + k];
  };
  std::vector<uint8_t> out(d.outBytes);
  for (int64_t m = 0; m < L.m; ++m) {
    for (int64_t n = 0; n < L.n; ++n) {
      uint32_t acc = 0;
      const int64_t g = n / ng;  // group g's output channels are columns g * ng ...
      for (int64_t k = 0; k < L.k; ++k)
        acc += uint32_t(aAt(m, k, g) * int32_t(d.b[k * L.n + n]));
      if (L.int32Out) {
        std::memcpy(&out[4 * (m * L.n + n)], &acc, 4);
      } else {
        out[m * L.n + n] = uint8_t(requantize(int32_t(acc), d.params[n], d.params[L.n + n],
                                              d.params[2 * L.n + n], int8_t(L.zeroPoint),
                                              int8_t(L.clampMax), unsigned(L.act), d.lut.data()));
      }
    }
  }
  return out;
}

DenseChainData makeDenseChainData(const DenseChain& shape, uint64_t base, std::mt19937_64& rng) {
  DenseChainData d;
  d.chain = shape;
  int64_t k = shape.k;
  for (DenseChainLayer& layer : d.chain.layers) {
    GemmLayer gemm;
    gemm.m = shape.m, gemm.k = k, gemm.n = layer.n;
    gemm.act = layer.act, gemm.zeroPoint = layer.zeroPoint, gemm.clampMax = layer.clampMax;
    d.layers.push_back(makeLayerData(gemm, base, rng));
    const GemmLayer& placed = d.layers.back().layer;
    layer.bAddr = placed.bAddr, layer.paramAddr = placed.paramAddr, layer.lutAddr = placed.lutAddr;
    base = d.layers.back().endAddr;
    k = layer.n;
  }
  d.chain.aAddr = d.layers.front().layer.aAddr;
  d.chain.outAddr = d.layers.back().layer.outAddr;
  d.outBytes = d.layers.back().outBytes;
  d.endAddr = base;
  return d;
}

std::vector<std::pair<uint64_t, std::vector<uint8_t>>> dramImages(const DenseChainData& d) {
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> images = {
      {d.chain.aAddr, bytes(d.layers.front().a)}};
  for (const LayerData& layer : d.layers) {
    images.emplace_back(layer.layer.bAddr, bytes(layer.b));
    images.emplace_back(layer.layer.paramAddr, bytes(layer.params));
    images.emplace_back(layer.layer.lutAddr, bytes(layer.lut));
  }
  return images;
}

std::vector<uint8_t> referenceOutput(const DenseChainData& d) {
  std::vector<uint8_t> x(d.layers.front().a.begin(), d.layers.front().a.end());
  for (LayerData layer : d.layers) {
    layer.a.assign(x.begin(), x.end());
    x = referenceOutput(layer);
  }
  return x;
}

ScaledAddData makeScaledAddData(const HwConfig& cfg, const ScaledAddLayer& shape, uint64_t base,
                                std::mt19937_64& rng) {
  ScaledAddData d;
  d.layer = shape;
  ScaledAddLayer& L = d.layer;
  const int64_t as = L.aRowStride ? L.aRowStride : L.channels;
  const int64_t bs = L.bRowStride ? L.bRowStride : L.channels;
  const int64_t os = L.outRowStride ? L.outRowStride : L.channels;
  std::uniform_int_distribution<int> byte(-128, 127);
  d.a.resize((L.pixels - 1) * as + L.channels);
  d.b.resize((L.pixels - 1) * bs + L.channels);
  d.lut.resize(256);
  for (auto& v : d.a) v = int8_t(byte(rng));
  for (auto& v : d.b) v = int8_t(byte(rng));
  for (auto& v : d.lut) v = int8_t(byte(rng));
  d.weights = scaledAddWeights(cfg, L);
  // |wa*a + wb*b| <= 2 * 128 * 128; scale it to roughly +-128.
  std::uniform_int_distribution<int32_t> bias(-3000, 3000), mult(1 << 20, 1 << 21);
  d.params.resize(3 * L.channels);
  for (int64_t j = 0; j < L.channels; ++j) {
    d.params[j] = bias(rng);
    d.params[L.channels + j] = mult(rng) * (rng() % 8 == 0 ? -1 : 1);
    d.params[2 * L.channels + j] = 28 + int32_t(rng() % 3);
  }
  L.aAddr = align64(base);
  L.bAddr = align64(L.aAddr + d.a.size());
  L.weightAddr = align64(L.bAddr + d.b.size());
  L.paramAddr = align64(L.weightAddr + d.weights.size());
  L.lutAddr = align64(L.paramAddr + 4 * d.params.size());
  L.outAddr = align64(L.lutAddr + 256);
  d.outBytes = uint64_t((L.pixels - 1) * os + L.channels);
  d.endAddr = align64(L.outAddr + d.outBytes);
  return d;
}

Status writeScaledAddData(Accelerator& accel, const ScaledAddData& d) {
  const ScaledAddLayer& L = d.layer;
  Status s = accel.writeDram(L.aAddr, d.a.data(), d.a.size());
  if (s.ok()) s = accel.writeDram(L.bAddr, d.b.data(), d.b.size());
  if (s.ok()) s = accel.writeDram(L.weightAddr, d.weights.data(), d.weights.size());
  if (s.ok()) s = accel.writeDram(L.paramAddr, d.params.data(), 4 * d.params.size());
  if (s.ok()) s = accel.writeDram(L.lutAddr, d.lut.data(), d.lut.size());
  return s;
}

std::vector<uint8_t> referenceOutput(const ScaledAddData& d, const std::vector<uint8_t>& before) {
  const ScaledAddLayer& L = d.layer;
  const int64_t as = L.aRowStride ? L.aRowStride : L.channels;
  const int64_t bs = L.bRowStride ? L.bRowStride : L.channels;
  const int64_t os = L.outRowStride ? L.outRowStride : L.channels;
  std::vector<uint8_t> out = before;
  out.resize(d.outBytes);
  const int64_t C = L.channels;
  for (int64_t p = 0; p < L.pixels; ++p)
    for (int64_t c = 0; c < C; ++c) {
      int32_t acc = int32_t(L.wa) * d.a[p * as + c] + int32_t(L.wb) * d.b[p * bs + c];
      out[p * os + c] = uint8_t(requantize(acc, d.params[c], d.params[C + c], d.params[2 * C + c],
                                           int8_t(L.zeroPoint), int8_t(L.clampMax), unsigned(L.act),
                                           d.lut.data()));
    }
  return out;
}

MaxPoolData makeMaxPoolData(const HwConfig& cfg, const MaxPoolLayer& shape, uint64_t base,
                            std::mt19937_64& rng) {
  MaxPoolData d;
  d.layer = shape;
  MaxPoolLayer& L = d.layer;
  d.in.resize(size_t(L.height * L.width * L.channels));
  // Mostly negative values so that a padding zero would win if it took part.
  std::uniform_int_distribution<int> byte(-128, 127), coin(0, 3);
  for (auto& v : d.in) v = int8_t(coin(rng) ? byte(rng) / 2 - 64 : byte(rng));
  d.minRow = maxPoolConstant(cfg);
  L.inAddr = align64(base);
  L.minAddr = align64(L.inAddr + d.in.size());
  L.outAddr = align64(L.minAddr + d.minRow.size());
  d.outBytes = uint64_t(L.outHeight() * L.outWidth() * L.channels);
  d.endAddr = align64(L.outAddr + d.outBytes);
  return d;
}

Status writeMaxPoolData(Accelerator& accel, const MaxPoolData& d) {
  Status s = accel.writeDram(d.layer.inAddr, d.in.data(), d.in.size());
  if (s.ok()) s = accel.writeDram(d.layer.minAddr, d.minRow.data(), d.minRow.size());
  return s;
}

std::vector<uint8_t> referenceOutput(const MaxPoolData& d) {
  const MaxPoolLayer& L = d.layer;
  const int64_t OH = L.outHeight(), OW = L.outWidth(), C = L.channels;
  std::vector<uint8_t> out(d.outBytes);
  for (int64_t oh = 0; oh < OH; ++oh)
    for (int64_t ow = 0; ow < OW; ++ow)
      for (int64_t c = 0; c < C; ++c) {
        int v = -128;
        for (int64_t kh = 0; kh < L.kernelH; ++kh)
          for (int64_t kw = 0; kw < L.kernelW; ++kw) {
            const int64_t ih = oh * L.strideH + kh * L.dilationH - L.padTop;
            const int64_t iw = ow * L.strideW + kw * L.dilationW - L.padLeft;
            if (ih < 0 || ih >= L.height || iw < 0 || iw >= L.width) continue;
            v = std::max<int>(v, d.in[size_t((ih * L.width + iw) * C + c)]);
          }
        out[size_t((oh * OW + ow) * C + c)] = uint8_t(int8_t(v));
      }
  return out;
}


namespace {

// Random gate weights (gates * hidden columns), requantization that maps a
// dot product's spread to ~40 table units, and real sigmoid/tanh tables
// (inputs at 1/16 and 1/32 per unit, outputs at 1/128).
struct RecurrentData {
  std::vector<int8_t> x, wx, wh, sigmoid, tanh;
  std::vector<int32_t> params;
};

RecurrentData makeRecurrentData(int64_t steps, int64_t batch, int64_t input, int64_t hidden,
                                int64_t gates, std::mt19937_64& rng) {
  RecurrentData d;
  const int64_t G = gates * hidden, K = input + hidden;
  std::uniform_int_distribution<int> byte(-128, 127), weight(-127, 127);
  d.x.resize(size_t(steps * batch * input));
  d.wx.resize(size_t(input * G));
  d.wh.resize(size_t(hidden * G));
  for (auto& v : d.x) v = int8_t(byte(rng));
  for (auto& v : d.wx) v = int8_t(weight(rng));
  for (auto& v : d.wh) v = int8_t(weight(rng));
  // A dot product of K int8 terms has a spread of ~5500 * sqrt(K); map it
  // to ~40 table units.
  const double spread = 5500.0 * std::sqrt(double(K));
  std::uniform_real_distribution<double> jitter(0.7, 1.3);
  std::uniform_int_distribution<int32_t> bias(-int32_t(spread), int32_t(spread));
  d.params.resize(size_t(3 * G));
  for (int64_t j = 0; j < G; ++j) {
    d.params[j] = bias(rng);
    d.params[G + j] = int32_t(40.0 / spread * jitter(rng) * double(1u << 31));
    d.params[2 * G + j] = 31;
  }
  d.sigmoid.resize(256);
  d.tanh.resize(256);
  for (int e = 0; e < 256; ++e) {
    const double in = double(int8_t(uint8_t(e)));
    d.sigmoid[e] = saturate8(std::llround(128.0 / (1.0 + std::exp(-in / 16.0))));
    d.tanh[e] = saturate8(std::llround(128.0 * std::tanh(in / 32.0)));
  }
  return d;
}

// d's x, weights, parameters and tables for a layer of `gates` gates.
template <typename Data>
void fillRecurrent(Data& d, int64_t gates, std::mt19937_64& rng) {
  const auto& L = d.layer;
  RecurrentData r = makeRecurrentData(L.steps, L.batch, L.input, L.hidden, gates, rng);
  d.x = std::move(r.x), d.wx = std::move(r.wx), d.wh = std::move(r.wh);
  d.params = std::move(r.params);
  d.sigmoid = std::move(r.sigmoid), d.tanh = std::move(r.tanh);
}

// Lays d's operands out from `base`, each 64-byte aligned: x, wx, wh,
// params, `extraBytes` at *extraAddr (if any), the tables, the constant
// image and the output region.
template <typename Data>
void placeRecurrent(Data& d, uint64_t base, uint64_t extraBytes, uint64_t* extraAddr) {
  auto& L = d.layer;
  const int64_t stepStride = L.outStepStride ? L.outStepStride : L.batch * L.hidden;
  L.xAddr = align64(base);
  L.wxAddr = align64(L.xAddr + d.x.size());
  L.whAddr = align64(L.wxAddr + d.wx.size());
  L.paramAddr = align64(L.whAddr + d.wh.size());
  uint64_t next = L.paramAddr + 4 * d.params.size();
  if (extraAddr) {
    *extraAddr = align64(next);
    next = *extraAddr + extraBytes;
  }
  L.sigmoidAddr = align64(next);
  L.tanhAddr = align64(L.sigmoidAddr + 256);
  L.constAddr = align64(L.tanhAddr + 256);
  L.outAddr = align64(L.constAddr + d.constant.size());
  d.outBytes = uint64_t((L.steps - 1) * stepStride + L.batch * L.hidden);
  d.endAddr = align64(L.outAddr + d.outBytes);
}

template <typename T>
std::vector<uint8_t> bytesOf(const std::vector<T>& v) {
  const auto* first = reinterpret_cast<const uint8_t*>(v.data());
  return std::vector<uint8_t>(first, first + v.size() * sizeof(v[0]));
}

Status writeImages(Accelerator& accel,
                   const std::vector<std::pair<uint64_t, std::vector<uint8_t>>>& images) {
  for (const auto& [addr, image] : images)
    if (Status s = accel.writeDram(addr, image.data(), image.size()); !s.ok()) return s;
  return Status::success();
}

}  // namespace

LstmData makeLstmData(const HwConfig& cfg, const LstmLayer& shape, uint64_t base,
                      std::mt19937_64& rng) {
  LstmData d;
  d.layer = shape;
  fillRecurrent(d, 4, rng);
  d.constant = lstmConstant(cfg, d.layer);
  placeRecurrent(d, base, 0, nullptr);
  return d;
}

std::vector<std::pair<uint64_t, std::vector<uint8_t>>> dramImages(const LstmData& d) {
  const LstmLayer& L = d.layer;
  return {{L.xAddr, bytesOf(d.x)},           {L.wxAddr, bytesOf(d.wx)},
          {L.whAddr, bytesOf(d.wh)},         {L.paramAddr, bytesOf(d.params)},
          {L.sigmoidAddr, bytesOf(d.sigmoid)}, {L.tanhAddr, bytesOf(d.tanh)},
          {L.constAddr, bytesOf(d.constant)}};
}

Status writeLstmData(Accelerator& accel, const LstmData& d) {
  return writeImages(accel, dramImages(d));
}

std::vector<uint8_t> referenceOutput(const LstmData& d, const std::vector<uint8_t>& before) {
  const LstmLayer& L = d.layer;
  const int64_t H = L.hidden, G = 4 * H, I = L.input;
  const int64_t stepStride = L.outStepStride ? L.outStepStride : L.batch * H;
  std::vector<uint8_t> out = before;
  out.resize(d.outBytes);
  for (int64_t b = 0; b < L.batch; ++b) {
    std::vector<int8_t> h(H, 0), gate(G);
    std::vector<int32_t> c(H, 0);
    for (int64_t s = 0; s < L.steps; ++s) {
      const int64_t t = L.reverse ? L.steps - 1 - s : s;
      const int8_t* x = &d.x[size_t((t * L.batch + b) * I)];
      for (int64_t j = 0; j < G; ++j) {
        uint32_t acc = 0;  // wrapping int32
        for (int64_t i = 0; i < I; ++i) acc += uint32_t(int32_t(x[i]) * d.wx[i * G + j]);
        for (int64_t k = 0; k < H; ++k) acc += uint32_t(int32_t(h[k]) * d.wh[k * G + j]);
        gate[j] = requantize(int32_t(acc), d.params[j], d.params[G + j], d.params[2 * G + j], 0,
                             127, 3, j >= 3 * H ? d.tanh.data() : d.sigmoid.data());
      }
      for (int64_t j = 0; j < H; ++j) {
        const int32_t i = gate[j], o = gate[H + j], f = gate[2 * H + j], g = gate[3 * H + j];
        c[j] = vectorOp32(0, vectorOp32(1, f, c[j], 7), i * g, 0);
        const int8_t th = requantize(c[j], 0, 1, int32_t(L.cellShift), 0, 127, 3, d.tanh.data());
        h[j] = requantize(o * th, 0, 1, 7, 0, 127, 0, nullptr);
        out[size_t(t * stepStride + b * H + j)] = uint8_t(h[j]);
      }
    }
  }
  return out;
}
GruData makeGruData(const HwConfig& cfg, const GruLayer& shape, uint64_t base,
                    std::mt19937_64& rng) {
  GruData d;
  d.layer = shape;
  fillRecurrent(d, 3, rng);
  // The recurrent n term's bias, in the spread of a dot product over hidden.
  const int32_t spread = int32_t(5500.0 * std::sqrt(double(shape.hidden)));
  std::uniform_int_distribution<int32_t> bias(-spread, spread);
  d.hBias.resize(size_t(shape.hidden));
  for (auto& v : d.hBias) v = bias(rng);
  d.constant = gruConstant(cfg);
  placeRecurrent(d, base, 4 * d.hBias.size(), &d.layer.hBiasAddr);
  return d;
}

std::vector<std::pair<uint64_t, std::vector<uint8_t>>> dramImages(const GruData& d) {
  const GruLayer& L = d.layer;
  return {{L.xAddr, bytesOf(d.x)},         {L.wxAddr, bytesOf(d.wx)},
          {L.whAddr, bytesOf(d.wh)},       {L.paramAddr, bytesOf(d.params)},
          {L.hBiasAddr, bytesOf(d.hBias)}, {L.sigmoidAddr, bytesOf(d.sigmoid)},
          {L.tanhAddr, bytesOf(d.tanh)},   {L.constAddr, bytesOf(d.constant)}};
}

Status writeGruData(Accelerator& accel, const GruData& d) {
  return writeImages(accel, dramImages(d));
}

std::vector<uint8_t> referenceOutput(const GruData& d, const std::vector<uint8_t>& before) {
  const GruLayer& L = d.layer;
  const int64_t H = L.hidden, G = 3 * H, I = L.input;
  const int64_t stepStride = L.outStepStride ? L.outStepStride : L.batch * H;
  std::vector<uint8_t> out = before;
  out.resize(d.outBytes);
  auto gate = [&](int64_t j, int32_t pre, const std::vector<int8_t>& table) {
    return requantize(pre, d.params[j], d.params[G + j], d.params[2 * G + j], 0, 127, 3,
                      table.data());
  };
  for (int64_t b = 0; b < L.batch; ++b) {
    std::vector<int8_t> h(H, 0), z(H), r(H), rh(H);
    for (int64_t s = 0; s < L.steps; ++s) {
      const int64_t t = L.reverse ? L.steps - 1 - s : s;
      const int8_t* x = &d.x[size_t((t * L.batch + b) * I)];
      // Wrapping int32 dot products of x with column j and of `left` with
      // column j of the recurrent weights.
      auto xDot = [&](int64_t j) {
        uint32_t acc = 0;
        for (int64_t i = 0; i < I; ++i) acc += uint32_t(int32_t(x[i]) * d.wx[i * G + j]);
        return acc;
      };
      auto hDot = [&](const std::vector<int8_t>& left, int64_t j) {
        uint32_t acc = 0;
        for (int64_t k = 0; k < H; ++k) acc += uint32_t(int32_t(left[k]) * d.wh[k * G + j]);
        return acc;
      };
      for (int64_t j = 0; j < H; ++j) {
        z[j] = gate(j, int32_t(xDot(j) + hDot(h, j)), d.sigmoid);
        r[j] = gate(H + j, int32_t(xDot(H + j) + hDot(h, H + j)), d.sigmoid);
        rh[j] = requantize(int32_t(r[j]) * h[j], 0, 1, 7, 0, 127, 0, nullptr);
      }
      std::vector<int8_t> next(H);
      for (int64_t j = 0; j < H; ++j) {
        const int64_t c = 2 * H + j;
        uint32_t pre = xDot(c);
        if (L.linearBeforeReset)
          pre += uint32_t(vectorOp32(1, int32_t(hDot(h, c) + uint32_t(d.hBias[j])), r[j], 7));
        else
          pre += hDot(rh, c);
        const int32_t n = gate(c, int32_t(pre), d.tanh);
        next[j] = requantize(128 * n + vectorOp32(1, h[j] - n, z[j], 0), 0, 1, 7, 0, 127, 0,
                             nullptr);
        out[size_t(t * stepStride + b * H + j)] = uint8_t(next[j]);
      }
      h = next;
    }
  }
  return out;
}
}  // namespace systolic
