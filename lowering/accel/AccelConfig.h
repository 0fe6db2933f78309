//===- AccelConfig.h - Accelerator configurations ----------------*- C++ -*-===//
//
// The hardware configuration a compilation targets (--accel-config) and what
// fits on it. Like AccelCodegen.h, this header does not include the
// simulator's headers.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ACCEL_ACCELCONFIG_H
#define SYSTOLIC_LOWERING_ACCEL_ACCELCONFIG_H

#include "runtime/artifact/AccelExecutable.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace systolic::accel {

using artifact::accel::HwDescription;

/// Parses an `--accel-config` value: an array size "RxC" (or "N" for NxN),
/// optionally followed by comma-separated overrides of the default memory
/// system: sp-rows, sp-banks, acc-rows, acc-banks, queue-depth, dram-bytes
/// (K/M/G suffixes allowed), dram-bw (bytes per cycle), dram-latency (cycles),
/// dataflows (ws, os or ws+os). E.g. "8x8", "16x16,dram-bw=8,dataflows=ws".
/// The result is checked like the hardware checks its configuration.
llvm::Expected<HwDescription> parseAccelConfig(llvm::StringRef spec);

/// The `--accel-config` value that parseAccelConfig reads back as `hw`.
std::string formatAccelConfig(const HwDescription &hw);

/// Why an LSTM direction of this shape cannot run on `hw` (its weights must
/// stay resident on chip), or an empty string when it fits.
std::string whyLstmDoesNotFit(const HwDescription &hw, int64_t steps,
                              int64_t batch, int64_t input, int64_t hidden);

/// The same for a GRU direction.
std::string whyGruDoesNotFit(const HwDescription &hw, int64_t steps, int64_t batch,
                             int64_t input, int64_t hidden);

} // namespace systolic::accel

#endif // SYSTOLIC_LOWERING_ACCEL_ACCELCONFIG_H
