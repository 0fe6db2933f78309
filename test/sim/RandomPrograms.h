// Random legal Systolic programs for differential testing: random GEMM and
// convolution layers (shapes, per-axis strides, asymmetric and large
// paddings, dilations, 1-D convolutions, dataflows, activations, tile sizes)
// built by buildGemm(), scaled adds built by buildScaledAdd(), and random
// vector-unit programs.
#pragma once

#include "kernels/LayerData.h"

#include <random>
#include <string>

namespace systolic {

struct RandomCase {
  std::string description;
  Program program;
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> dramInit;
  uint64_t outAddr = 0, outBytes = 0;
};

// A random legal, race-free program for cfg (DRAM must hold 4 MiB).
RandomCase randomCase(const HwConfig& cfg, std::mt19937_64& rng);
// A random max pooling layer (shapes, strides, pads < kernel, dilations,
// ceil-mode extents, channel counts not multiple of the row width, tile
// sizes) and a random case running it through buildMaxPool().
MaxPoolLayer randomMaxPoolShape(const HwConfig& cfg, std::mt19937_64& rng);
RandomCase maxPoolCase(const HwConfig& cfg, std::mt19937_64& rng);
// A random LSTM direction (buildLstm) with its operands.
RandomCase lstmCase(const HwConfig& cfg, std::mt19937_64& rng);
// The LSTM direction `shape` with random operands.
RandomCase lstmCaseFor(const HwConfig& cfg, const LstmLayer& shape, std::mt19937_64& rng);
// A random chain of 2-4 dense layers (widths not multiples of the array,
// every activation, block sizes) and a case running it through
// buildDenseChain().
DenseChain randomDenseChainShape(const HwConfig& cfg, std::mt19937_64& rng);
RandomCase denseChainCase(const HwConfig& cfg, std::mt19937_64& rng);
// The dense chain `shape` with random operands.
RandomCase denseChainCaseFor(const HwConfig& cfg, const DenseChain& shape, std::mt19937_64& rng);
RandomCase gruCase(const HwConfig& cfg, std::mt19937_64& rng);
RandomCase gruCaseFor(const HwConfig& cfg, const GruLayer& shape, std::mt19937_64& rng);
// Corrupts one instruction of `p` (bit flips or an out-of-range field).
void corruptProgram(Program* p, std::mt19937_64& rng);

}  // namespace systolic
