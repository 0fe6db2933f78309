//===- QuantParams.h - int8 quantization arithmetic -------------*- C++ -*-===//
//
// The numbers the quantizer chooses (scales, zero points, fixed-point
// multipliers) and the integer functions they feed, written once so the
// pass, the lookup-table builder and the unit tests agree with the output
// path of docs/isa.md.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ACCEL_QUANTPARAMS_H
#define SYSTOLIC_LOWERING_ACCEL_QUANTPARAMS_H

#include <cstdint>

namespace systolic::accel {

/// real = (q - zeroPoint) * scale.
struct AffineQuant {
  double scale = 1.0;
  int64_t zeroPoint = 0;
};

/// Activation parameters for the range [min, max] (widened to contain 0, so
/// that 0 is exact). Asymmetric uses all 256 codes; symmetric forces zero
/// point 0 (needed where the hardware pads with zeros).
AffineQuant chooseActivationQuant(double min, double max, bool symmetric);

/// Per-channel symmetric weight scale for a channel whose largest magnitude
/// is `absMax` (an all-zero channel gets scale 1).
double chooseWeightScale(double absMax);

/// saturate_int8(round_half_to_even(x / scale) + zeroPoint), as
/// systolic.quantize computes it.
int8_t quantize(double x, AffineQuant q);
inline double dequantize(int64_t q, AffineQuant p) {
  return double(q - p.zeroPoint) * p.scale;
}

/// A positive real multiplier as multiplier * 2^-shift with multiplier in
/// [2^30, 2^31) and shift in [0, 63] (the OUTPUT instruction's format).
/// Multipliers too small to represent become 0; too large ones fail.
struct FixedPointMultiplier {
  int32_t multiplier = 0;
  int32_t shift = 0;
};
bool toFixedPoint(double real, FixedPointMultiplier *out);

/// The output path before its activation: saturate_int8(round_shift(
/// int64(acc + bias) * multiplier, shift) + zeroPoint), bit-exact with the
/// hardware.
int8_t requantize(int32_t acc, int32_t bias, FixedPointMultiplier m,
                  int64_t zeroPoint);

/// Rounds to the nearest int32, saturating.
int32_t saturateToInt32(double x);

} // namespace systolic::accel

#endif // SYSTOLIC_LOWERING_ACCEL_QUANTPARAMS_H
