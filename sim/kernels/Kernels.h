// Program builders: tiled, double-buffered GEMM and convolution layers as
// Systolic programs. Convolutions are lowered without host-side im2col: each
// kernel offset is one padded, strided 2-D DMA of the NHWC input.
#pragma once

#include "isa/Isa.h"

namespace systolic {

struct ConvShape {
  int64_t height = 0, width = 0, inChannels = 0;  // NHWC input, batch 1
  int64_t kernelH = 1, kernelW = 1, stride = 1, pad = 0;
  int64_t outHeight() const { return (height + 2 * pad - kernelH) / stride + 1; }
  int64_t outWidth() const { return (width + 2 * pad - kernelW) / stride + 1; }
};

// out[M][N] = act(requant(A[M][K] x B[K][N])). DRAM layouts (row-major):
//  A: M x K int8, or for convolutions the NHWC input (M = outH*outW pixels,
//     K = kernelH*kernelW*inChannels, ordered (kh, kw, cin)); for the
//     output-stationary dataflow A is stored transposed (K x M).
//  B: K x N int8.  params: bias[N], multiplier[N], shift[N] as int32.
//  lut: 256 int8 (used when act == Lut).  out: M x N int8, or int32 when
//  int32Out (raw accumulators, no output path).
struct GemmLayer {
  int64_t m = 0, k = 0, n = 0;
  bool isConv = false;
  ConvShape conv;
  Dataflow dataflow = Dataflow::WeightStationary;
  Activation act = Activation::None;
  int64_t zeroPoint = 0, clampMax = 127;
  bool int32Out = false;
  uint64_t aAddr = 0, bAddr = 0, paramAddr = 0, lutAddr = 0, outAddr = 0;
  int64_t maxTileRows = 0;  // 0: as large as the on-chip memories allow
};

// Appends the layer's instructions to *out. Fails with a precise message if
// the layer cannot be tiled onto cfg (e.g. a stride that overflows a field).
Status buildGemm(const HwConfig& cfg, const GemmLayer& layer, Program* out);

// Ideal SCALE-Sim weight-stationary cycles for the layer on cfg:
// folds x (2R + C + T - 2), T = M, folds = ceil(K/R) * ceil(N/C).
uint64_t scaleSimWsCycles(const HwConfig& cfg, int64_t m, int64_t k, int64_t n);

}  // namespace systolic
