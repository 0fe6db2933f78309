// Random operands for a GemmLayer or ScaledAddLayer placed in DRAM, plus plain
// C++ references of the layers (independent of the ISA) for end-to-end checks.
#pragma once

#include "Accelerator.h"
#include "kernels/Kernels.h"

#include <random>
#include <utility>
#include <vector>

namespace systolic {

struct LayerData {
  GemmLayer layer;          // with addresses filled in
  std::vector<int8_t> a;    // A (M x K), NHWC input, or A^T for OS
  std::vector<int8_t> b;    // K x N
  std::vector<int32_t> params;  // bias[N], multiplier[N], shift[N]
  std::vector<int8_t> lut;  // 256 entries
  uint64_t outBytes = 0;
  uint64_t endAddr = 0;     // first DRAM byte after the layer's regions
};

// Fills `shape` (dimensions, dataflow, activation) with random data placed
// from `base` upwards, with requantization scales that keep typical outputs
// inside int8.
LayerData makeLayerData(const GemmLayer& shape, uint64_t base, std::mt19937_64& rng);
Status writeLayerData(Accelerator& accel, const LayerData& d);
// Expected DRAM bytes of the output region.
std::vector<uint8_t> referenceOutput(const LayerData& d);

// A dense chain with one LayerData per layer (its B, params and table;
// layers[0].a is the chain's input, the other layers' `a` is unused).
struct DenseChainData {
  DenseChain chain;               // with addresses filled in
  std::vector<LayerData> layers;  // per layer, shapes m x k_l x n_l
  uint64_t outBytes = 0;
  uint64_t endAddr = 0;
};

// Random data for `shape`'s layers (activations, zero points and clamps as
// given) placed from `base` upwards.
DenseChainData makeDenseChainData(const DenseChain& shape, uint64_t base, std::mt19937_64& rng);
// Every operand's bytes at its DRAM address.
std::vector<std::pair<uint64_t, std::vector<uint8_t>>> dramImages(const DenseChainData& d);
// referenceOutput of each layer in turn, fed the previous one's output.
std::vector<uint8_t> referenceOutput(const DenseChainData& d);

struct ScaledAddData {
  ScaledAddLayer layer;     // with addresses filled in
  std::vector<int8_t> a, b; // pixels x channels (with the layer's row strides)
  std::vector<int8_t> weights;  // scaledAddWeights()
  std::vector<int32_t> params;  // bias[C], multiplier[C], shift[C]
  std::vector<int8_t> lut;
  uint64_t outBytes = 0;    // extent of the output region (gaps included)
  uint64_t endAddr = 0;
};

ScaledAddData makeScaledAddData(const HwConfig& cfg, const ScaledAddLayer& shape, uint64_t base,
                                std::mt19937_64& rng);
Status writeScaledAddData(Accelerator& accel, const ScaledAddData& d);
// Expected output region, given its bytes before the run (`before`: bytes
// between strided output rows are left unchanged).
std::vector<uint8_t> referenceOutput(const ScaledAddData& d, const std::vector<uint8_t>& before);

struct MaxPoolData {
  MaxPoolLayer layer;           // with addresses filled in
  std::vector<int8_t> in;       // height x width x channels
  std::vector<int8_t> minRow;   // maxPoolConstant()
  uint64_t outBytes = 0;
  uint64_t endAddr = 0;
};

MaxPoolData makeMaxPoolData(const HwConfig& cfg, const MaxPoolLayer& shape, uint64_t base,
                            std::mt19937_64& rng);
Status writeMaxPoolData(Accelerator& accel, const MaxPoolData& d);
// Plain max over the valid taps of each window (-128 for a window of padding).
std::vector<uint8_t> referenceOutput(const MaxPoolData& d);

struct LstmData {
  LstmLayer layer;                 // with addresses filled in
  std::vector<int8_t> x, wx, wh;   // [steps][batch][input], [input][4H], [hidden][4H]
  std::vector<int32_t> params;     // bias[4H], multiplier[4H], shift[4H]
  std::vector<int8_t> sigmoid, tanh, constant;  // tables (q/128 outputs), lstmConstant()
  uint64_t outBytes = 0;           // extent of the output region
  uint64_t endAddr = 0;
};

// Random x and weights, requantization that spreads the gate pre-activations
// over the tables' domain, and real sigmoid/tanh tables (inputs at 1/16 and
// 1/32 per unit, outputs at 1/128).
LstmData makeLstmData(const HwConfig& cfg, const LstmLayer& shape, uint64_t base,
                      std::mt19937_64& rng);
// Every operand's bytes at its DRAM address.
std::vector<std::pair<uint64_t, std::vector<uint8_t>>> dramImages(const LstmData& d);
Status writeLstmData(Accelerator& accel, const LstmData& d);
// The recurrence of LstmLayer's comment, element by element; bytes of the
// output region that the layer does not write keep their value in `before`.
std::vector<uint8_t> referenceOutput(const LstmData& d, const std::vector<uint8_t>& before);

struct GruData {
  GruLayer layer;                  // with addresses filled in
  std::vector<int8_t> x, wx, wh;   // [steps][batch][input], [input][3H], [hidden][3H]
  std::vector<int32_t> params;     // bias[3H], multiplier[3H], shift[3H]
  std::vector<int32_t> hBias;      // [H] (linearBeforeReset)
  std::vector<int8_t> sigmoid, tanh, constant;  // as LstmData's; gruConstant()
  uint64_t outBytes = 0;           // extent of the output region
  uint64_t endAddr = 0;
};

// Random x, weights and hBias, gate requantization and tables as
// makeLstmData's.
GruData makeGruData(const HwConfig& cfg, const GruLayer& shape, uint64_t base,
                    std::mt19937_64& rng);
std::vector<std::pair<uint64_t, std::vector<uint8_t>>> dramImages(const GruData& d);
Status writeGruData(Accelerator& accel, const GruData& d);
// The recurrence of GruLayer's comment, element by element.
std::vector<uint8_t> referenceOutput(const GruData& d, const std::vector<uint8_t>& before);

}  // namespace systolic
