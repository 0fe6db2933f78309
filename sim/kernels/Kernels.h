// Program builders: tiled, double-buffered GEMM and convolution layers and
// elementwise scaled adds as Systolic programs. Convolutions are lowered
// without host-side im2col: each kernel offset is one padded, strided 2-D DMA
// of the NHWC input (or, where the DMA fields cannot express it, several
// unpadded DMAs plus MATMULs over the valid pixels only).
#pragma once

#include "isa/Isa.h"

#include <vector>

namespace systolic {

// A 2-D convolution over an NHWC input (batch 1); a 1-D convolution is
// height = kernelH = 1. `stride` and `pad` are the symmetric settings; the
// per-axis fields override them when set (strideH/W > 0, pad* >= 0), which
// covers ONNX's strides [sH, sW], pads [top, left, bottom, right] and
// dilations [dH, dW] (auto_pad resolved by the caller). `groups` splits the
// input channels and the GemmLayer's n output channels into that many
// independent convolutions (groups == inChannels: depthwise).
struct ConvShape {
  int64_t height = 0, width = 0, inChannels = 0;  // inChannels: all groups
  int64_t groups = 1;
  int64_t kernelH = 1, kernelW = 1, stride = 1, pad = 0;
  int64_t strideH = 0, strideW = 0;                                  // 0: `stride`
  int64_t padTop = -1, padBottom = -1, padLeft = -1, padRight = -1;  // -1: `pad`
  int64_t dilationH = 1, dilationW = 1;

  int64_t sh() const { return strideH > 0 ? strideH : stride; }
  int64_t sw() const { return strideW > 0 ? strideW : stride; }
  int64_t pt() const { return padTop >= 0 ? padTop : pad; }
  int64_t pb() const { return padBottom >= 0 ? padBottom : pad; }
  int64_t pl() const { return padLeft >= 0 ? padLeft : pad; }
  int64_t pr() const { return padRight >= 0 ? padRight : pad; }
  int64_t outHeight() const { return (height + pt() + pb() - dilationH * (kernelH - 1) - 1) / sh() + 1; }
  int64_t outWidth() const { return (width + pl() + pr() - dilationW * (kernelW - 1) - 1) / sw() + 1; }
  // Input coordinates read by output (oh, ow) at kernel tap (kh, kw); may lie
  // in the padding (outside [0, height) x [0, width)).
  int64_t inRow(int64_t oh, int64_t kh) const { return oh * sh() + kh * dilationH - pt(); }
  int64_t inCol(int64_t ow, int64_t kw) const { return ow * sw() + kw * dilationW - pl(); }
};

// out[M][N] = act(requant(A[M][K] x B[K][N])). DRAM layouts (row-major):
//  A: M x K int8, or for convolutions the NHWC input (M = outH*outW pixels,
//     K = kernelH*kernelW*inChannels/groups, ordered (kh, kw, cin)); for the
//     output-stationary dataflow A is stored transposed (K x M).
//  B: K x N int8; for grouped convolutions K = kernelH*kernelW*inChannels/groups
//     rows, and group g's output channels are columns g*N/groups ...
//  params: bias[N], multiplier[N], shift[N] as int32.
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
// the layer cannot be tiled onto cfg. DMA fields that would overflow (lines
// longer than 255 elements, more than 7 padding elements, strides wider than
// the stride fields, output lines longer than a tile) are handled by
// splitting transfers and MATMULs, not by failing.
Status buildGemm(const HwConfig& cfg, const GemmLayer& layer, Program* out);

// Elementwise residual add of two int8 tensors of `pixels` rows x `channels`:
//   out[p][c] = act(requant(wa * a[p][c] + wb * b[p][c]))
// with the per-channel output path of GemmLayer (params: bias[C],
// multiplier[C], shift[C] as int32; lut; zero point; clampMax). Computed on
// the array as two accumulating weight-stationary MATMULs against the
// diagonal matrices wa*I and wb*I. The caller places
// scaledAddWeights(cfg, layer) (2 x cols x cols int8, the two diagonal tiles;
// every diagonal block of wa*I is the same tile) at weightAddr. Row strides
// (bytes between pixels) default to `channels`.
struct ScaledAddLayer {
  int64_t pixels = 0, channels = 0;
  int64_t wa = 1, wb = 1;  // int8 weights
  Activation act = Activation::None;
  int64_t zeroPoint = 0, clampMax = 127;
  uint64_t aAddr = 0, bAddr = 0, weightAddr = 0, paramAddr = 0, lutAddr = 0, outAddr = 0;
  int64_t aRowStride = 0, bRowStride = 0, outRowStride = 0;  // 0: channels
  int64_t maxTileRows = 0;  // 0: as large as the on-chip memories allow
};

// The DRAM image at weightAddr: diag(wa) then diag(wb), each cols x cols int8.
std::vector<int8_t> scaledAddWeights(const HwConfig& cfg, const ScaledAddLayer& layer);
Status buildScaledAdd(const HwConfig& cfg, const ScaledAddLayer& layer, Program* out);

// 2-D max pooling of an int8 NHWC tensor (batch 1; 1-D is height =
// kernelH = 1): out[oh][ow][c] = max over the taps (kh, kw) whose input pixel
// (oh*strideH + kh*dilationH - padTop, ow*strideW + kw*dilationW - padLeft)
// lies inside the input; padding never takes part (a window without any valid
// tap gives -128). outH/outW default (0) to the floor formula; ceil_mode
// callers pass the larger extent. Computed with the vector unit: each output
// tile starts as -128 (a resident scratchpad block loaded once from minAddr,
// where the caller places maxPoolConstant(cfg)), then per kernel tap one
// unpadded strided LOAD brings the tap's valid pixels and VECTOR max folds them
// into the output rows they belong to. Channels wider than a scratchpad row
// are split into row-wide channel tiles. Row strides default to `channels`.
struct MaxPoolLayer {
  int64_t height = 0, width = 0, channels = 0;
  int64_t kernelH = 1, kernelW = 1, strideH = 1, strideW = 1;
  int64_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  int64_t dilationH = 1, dilationW = 1;
  int64_t outH = 0, outW = 0;  // 0: floor((in + pads - extent) / stride) + 1
  uint64_t inAddr = 0, minAddr = 0, outAddr = 0;
  int64_t maxTileRows = 0;  // 0: as large as the scratchpad allows

  int64_t outHeight() const {
    return outH > 0 ? outH : (height + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1;
  }
  int64_t outWidth() const {
    return outW > 0 ? outW : (width + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1;
  }
};

// The DRAM image at minAddr: one scratchpad row (rowBytes()) of -128.
std::vector<int8_t> maxPoolConstant(const HwConfig& cfg);
Status buildMaxPool(const HwConfig& cfg, const MaxPoolLayer& layer, Program* out);

// One direction of an int8 LSTM layer over a whole sequence (ONNX gate order
// i, o, f, c; ONNX's default activations). x is [steps][batch][input] int8,
// wx [input][4*hidden] and wh [hidden][4*hidden] int8 (column j of gate g is
// g*hidden + j), params bias[4H], multiplier[4H], shift[4H] as int32. For
// each batch row, over t = 0 .. steps-1 (steps-1 .. 0 when `reverse`), with
// h and c starting at 0:
//   pre[j]  = sum_i x[t][i] * wx[i][j] + sum_k h[k] * wh[k][j]    (int32, wraps)
//   gate[j] = table[uint8(requant(pre[j], bias[j], multiplier[j], shift[j]))]
//             (zero point 0; tanh table for the cell gate, sigmoid otherwise)
//   c[j]    = ((f[j] * c[j]) >> 7) + i[j] * g[j]                  (int32)
//   th[j]   = tanh[uint8(requant(c[j], 0, 1, cellShift))]
//   h[j]    = requant(o[j] * th[j], 0, 1, 7)
//   out[t][b][:] = h
// requant is the OUTPUT instruction's path (round half up, saturate to int8).
// Both tables produce q/128, so h has the scale 1/128 and c 1/16384; the
// tanh table is indexed in units of 2^(cellShift - 14).
//
// On the hardware the gate GEMMs run on the array with x_t and h_(t-1) as
// the left operands; the weight tiles stay resident in the scratchpad when
// they fit, otherwise each gate tile's weights stream in every step through
// two double-buffered slots (the layer is then bound by DRAM bandwidth, as
// batch-1 recurrences are). The gate activations are the output path's
// table; the int8 gates move into the accumulator through MATMULs against an
// identity tile, where the vector unit forms the int32 cell update. x_t is
// double-buffered between load and compute, h between compute and store. The
// batch is processed in chunks of as many rows as the memories hold. The
// caller places lstmConstant() at constAddr and the two 256-entry tables at
// sigmoidAddr and tanhAddr.
struct LstmLayer {
  int64_t steps = 0, batch = 0, input = 0, hidden = 0;
  bool reverse = false;
  int64_t cellShift = 9;
  // out row (t, b) is at outAddr + t * outStepStride + b * hidden; 0:
  // batch * hidden (a bidirectional layer interleaves its two directions).
  int64_t outStepStride = 0;
  uint64_t xAddr = 0, wxAddr = 0, whAddr = 0, paramAddr = 0, sigmoidAddr = 0, tanhAddr = 0,
           constAddr = 0, outAddr = 0;
  int64_t maxBatchRows = 0;  // 0: as many as the on-chip memories allow
};

// The DRAM image at constAddr: a min(R, C) square identity tile (int8), then
// the output-path parameters of the cell's tanh (bias 0, multiplier 1, shift
// cellShift) and of h (0, 1, 7), three rows of C int32 each.
std::vector<int8_t> lstmConstant(const HwConfig& cfg, const LstmLayer& layer);
// Whether the layer fits cfg (two weight slots or all weights, and at least
// one batch row of state); the message says what does not fit.
Status checkLstm(const HwConfig& cfg, const LstmLayer& layer);
// How buildLstm (and buildGru) feed the gate GEMMs on cfg: Hoisted (weights
// resident, one GEMM of every step's x per gate tile before the recurrence),
// Resident (weights resident, x_t multiplied every step) or Streamed
// (weights loaded per gate tile and step).
enum class RecurrentFeed { Hoisted, Resident, Streamed };
RecurrentFeed lstmFeed(const HwConfig& cfg, const LstmLayer& layer);
Status buildLstm(const HwConfig& cfg, const LstmLayer& layer, Program* out);

// A chain of dense layers run as one program, the intermediate activations
// never leaving the chip: layer l computes
//   x_(l+1)[M][n_l] = act_l(requant_l(x_l[M][k_l] x B_l[k_l][n_l])),
// k_0 = DenseChain::k, k_(l+1) = n_l; x_0 is the chain's input (M x k
// row-major int8 at aAddr), the last layer's output goes to outAddr (M x n
// int8). Each layer's B_l (k_l x n_l int8), params (bias, multiplier, shift
// rows of n_l int32) and table are laid out as for GemmLayer.
//
// On the hardware the rows run in blocks of TM: per block, the block's input
// is loaded once, then every layer in turn runs as weight-stationary MATMULs
// whose weight tiles stream from DRAM through two double-buffered slots; an
// intermediate layer's OUTPUT writes
// its activations, tiles of T = min(R, C) columns, straight into the
// scratchpad rows the next layer's MATMULs read as their left operand. Only
// the chain's input (once), the weights (once per block), the parameters and
// tables (once) and the final output touch DRAM.
struct DenseChainLayer {
  int64_t n = 0;  // output features
  Activation act = Activation::None;
  int64_t zeroPoint = 0, clampMax = 127;
  uint64_t bAddr = 0, paramAddr = 0, lutAddr = 0;
};

struct DenseChain {
  int64_t m = 0, k = 0;  // rows and input features of the first layer
  std::vector<DenseChainLayer> layers;
  uint64_t aAddr = 0, outAddr = 0;
  int64_t maxTileRows = 0;  // 0: as many rows per block as the memories allow
};

// How buildDenseChain tiles a chain: rows per block, blocks, n-tiles per
// weight load group, and the scratchpad rows the intermediate activations of
// one block take.
struct DenseChainTiling {
  int64_t blockRows = 0, blocks = 0, tilesPerGroup = 0, intermediateRows = 0;
};

// Whether the chain (two layers or more) fits cfg (weight-stationary, at
// least one row of the input and of every intermediate activation on chip
// next to the weight slots, output buffers, tables and parameters); the
// message says what does not fit.
Status planDenseChain(const HwConfig& cfg, const DenseChain& chain, DenseChainTiling* tiling);
Status buildDenseChain(const HwConfig& cfg, const DenseChain& chain, Program* out);

// Bytes a program's LOADs and STOREs move between DRAM and the chip (padding
// excluded): what the hardware's dram_read_bytes + dram_write_bytes count.
uint64_t dramBytesMoved(const Program& program);

// One direction of an int8 GRU layer over a whole sequence (ONNX gate order
// z, r, n; ONNX's default activations). x, wx [input][3*hidden], wh
// [hidden][3*hidden] and params bias[3H], multiplier[3H], shift[3H] as for
// LstmLayer; with linearBeforeReset also hBias[H] (int32, the n gate's
// recurrent bias in accumulator units). For each batch row, over t = 0 ..
// steps-1 (steps-1 .. 0 when `reverse`), with h starting at 0:
//   z[j]  = sigmoid[uint8(requant(x·wx_z[j] + h·wh_z[j], bias, multiplier, shift))]
//   r[j]  likewise with the r columns
//   linearBeforeReset:  pre[j] = x·wx_n[j] + ((r[j] * (h·wh_n[j] + hBias[j])) >> 7)
//   otherwise:          rh[k] = requant(r[k] * h[k], 0, 1, 7)
//                       pre[j] = x·wx_n[j] + rh·wh_n[j]
//   n[j]  = tanh[uint8(requant(pre[j], bias, multiplier, shift))]
//   h[j]  = requant(128 * n[j] + z[j] * (h[j] - n[j]), 0, 1, 7)
//   out[t][b][:] = h
// with int32 sums that wrap and VECTOR's products (the low 32 bits of the
// int64 product, shifted arithmetically). Both tables produce q/128, so h,
// z, r and n have the scale 1/128 and h = (1 - z) n + z h.
//
// The gate GEMMs run on the array as the LSTM's do (weights resident or
// streamed per gate tile and step, x of every step hoisted into one GEMM per
// gate tile when it fits, otherwise x_t double-buffered per step). The
// vector unit has no subtract: h - n, and 128 n as 127 n + n, are MATMULs of
// the int8 terms against the constant tiles -I, 127 I and I. The caller
// places gruConstant() at constAddr and the two tables at sigmoidAddr and
// tanhAddr.
struct GruLayer {
  int64_t steps = 0, batch = 0, input = 0, hidden = 0;
  bool reverse = false, linearBeforeReset = true;
  int64_t outStepStride = 0;  // as LstmLayer's
  uint64_t xAddr = 0, wxAddr = 0, whAddr = 0, paramAddr = 0, hBiasAddr = 0, sigmoidAddr = 0,
           tanhAddr = 0, constAddr = 0, outAddr = 0;
  int64_t maxBatchRows = 0;  // 0: as many as the on-chip memories allow
};

// The DRAM image at constAddr: the min(R, C) square tiles I, -I and 127 I
// (int8), then the output-path parameters of h and r*h (bias 0, multiplier
// 1, shift 7), three rows of C int32.
std::vector<int8_t> gruConstant(const HwConfig& cfg);
// Whether the layer fits cfg (two weight slots or all weights, and at least
// one batch row of state); the message says what does not fit.
Status checkGru(const HwConfig& cfg, const GruLayer& layer);
RecurrentFeed gruFeed(const HwConfig& cfg, const GruLayer& layer);
Status buildGru(const HwConfig& cfg, const GruLayer& layer, Program* out);

// Ideal SCALE-Sim weight-stationary cycles for the layer on cfg:
// folds x (2R + C + T - 2), T = M, folds = ceil(K/R) * ceil(N/C).
uint64_t scaleSimWsCycles(const HwConfig& cfg, int64_t m, int64_t k, int64_t n);

}  // namespace systolic
