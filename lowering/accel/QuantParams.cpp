//===- QuantParams.cpp - int8 quantization arithmetic ---------------------===//
#include "lowering/accel/QuantParams.h"

#include "sim/golden/Arith.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace systolic::accel;

namespace {
int64_t saturate(int64_t v, int64_t lo, int64_t hi) {
  return std::min(std::max(v, lo), hi);
}
} // namespace

AffineQuant systolic::accel::chooseActivationQuant(double min, double max,
                                                   bool symmetric) {
  min = std::min(min, 0.0);
  max = std::max(max, 0.0);
  if (symmetric) {
    double bound = std::max(-min, max);
    return {bound > 0 ? bound / 127.0 : 1.0, 0};
  }
  if (max - min <= 0)
    return {1.0, 0};
  double scale = (max - min) / 255.0;
  // Code -128 represents `min`; clamping keeps 0 representable exactly.
  int64_t zeroPoint = saturate(std::llround(-128.0 - min / scale), -128, 127);
  return {scale, zeroPoint};
}

double systolic::accel::chooseWeightScale(double absMax) {
  return absMax > 0 ? absMax / 127.0 : 1.0;
}

int8_t systolic::accel::quantize(double x, AffineQuant q) {
  double scaled = std::nearbyint(x / q.scale); // ties to even (default mode)
  scaled = std::min(std::max(scaled, -1e6), 1e6);
  return int8_t(saturate(int64_t(scaled) + q.zeroPoint, -128, 127));
}

bool systolic::accel::toFixedPoint(double real, FixedPointMultiplier *out) {
  *out = {};
  if (!(real > 0) || !std::isfinite(real))
    return real == 0;
  int exponent = 0;
  double fraction = std::frexp(real, &exponent); // real = fraction * 2^exponent
  int64_t multiplier = std::llround(fraction * double(1ll << 31));
  if (multiplier == (1ll << 31)) {
    multiplier /= 2;
    ++exponent;
  }
  int shift = 31 - exponent;
  if (shift < 0)
    return false;
  if (shift > 63) {
    // Below 2^-32 the product rounds to 0 for any int32 accumulator anyway.
    return true;
  }
  *out = {int32_t(multiplier), shift};
  return true;
}

int8_t systolic::accel::requantize(int32_t acc, int32_t bias,
                                   FixedPointMultiplier m, int64_t zeroPoint) {
  // The golden model's output path is the definition.
  return systolic::requantize(acc, bias, m.multiplier, m.shift, int8_t(zeroPoint),
                              /*clampMax=*/127, /*act=*/0, /*lut=*/nullptr);
}

int32_t systolic::accel::saturateToInt32(double x) {
  double r = std::nearbyint(x);
  r = std::min(r, double(std::numeric_limits<int32_t>::max()));
  r = std::max(r, double(std::numeric_limits<int32_t>::min()));
  return int32_t(r);
}
