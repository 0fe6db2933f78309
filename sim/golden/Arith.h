// Bit-exact arithmetic of the output path and vector unit, shared by the
// golden model and the block-level test benches.
#pragma once

#include <cstdint>

namespace systolic {

inline int8_t saturate8(int64_t v) {
  return static_cast<int8_t>(v > 127 ? 127 : v < -128 ? -128 : v);
}

// Round-half-up arithmetic right shift, written so that it cannot overflow.
inline int64_t roundingShift(int64_t v, unsigned shift) {
  if (shift == 0) return v;
  return ((v >> (shift - 1)) + 1) >> 1;
}

// Output path for one element: bias, per-channel multiplier and shift,
// zero point, saturation, then activation (act: 0 none, 1 relu, 2 relu6
// clamped to [zp, clampMax], 3 lookup table).
inline int8_t requantize(int32_t acc, int32_t bias, int32_t multiplier, int32_t shiftParam,
                         int8_t zeroPoint, int8_t clampMax, unsigned act, const int8_t* lut) {
  int32_t biased = static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(bias));
  int64_t scaled = roundingShift(int64_t(biased) * multiplier, shiftParam & 63);
  int8_t v = saturate8(scaled + zeroPoint);
  switch (act) {
    case 1: return v < zeroPoint ? zeroPoint : v;
    case 2: v = v < zeroPoint ? zeroPoint : v; return v > clampMax ? clampMax : v;
    case 3: return lut[static_cast<uint8_t>(v)];
    default: return v;
  }
}

inline int8_t vectorOp8(unsigned op, int8_t a, int8_t b, unsigned shift) {
  switch (op) {
    case 0: return saturate8(int64_t(a) + b);
    case 1: return saturate8((int64_t(a) * b) >> shift);
    default: return a > b ? a : b;
  }
}

inline int32_t vectorOp32(unsigned op, int32_t a, int32_t b, unsigned shift) {
  switch (op) {
    case 0: return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
    case 1: return static_cast<int32_t>(static_cast<uint64_t>((int64_t(a) * b) >> shift));
    default: return a > b ? a : b;
  }
}

}  // namespace systolic
