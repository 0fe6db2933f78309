//===- CastToLinalg.cpp - nn.cast's scalar conversions --------------------===//
//
// nn.cast lowers to an elementwise generic (ElementwiseToLinalg.cpp) whose
// body is castElement. Conversions between arithmetic types are arith casts
// (convertScalar). float8, float4 and bfloat16 values are encoded and decoded
// here with integer operations instead: LLVM has no float8/float4 types, and
// its float -> bfloat16 truncation calls a compiler-rt routine the CPU
// executable does not link. The rules are ONNX Cast's, bit for bit as ONNX's
// reference computes them (ml_dtypes, onnx.numpy_helper.to_float8e8m0):
// round to nearest even, `saturate` to the largest finite value or
// infinity/NaN on overflow, and each format's own NaN code.
//
//===----------------------------------------------------------------------===//
#include "lowering/NNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>

using namespace mlir;

namespace systolic::nn_to_linalg {
namespace {

/// A small binary float: a sign bit, `exponentBits`, `mantissaBits`.
struct MiniFloat {
  enum class Specials {
    IEEE,            // bf16, E5M2: all-ones exponent is infinity or NaN
    AllOnesNaN,      // E4M3FN: S.1111.111 is NaN; no infinity
    NegativeZeroNaN, // E4M3FNUZ, E5M2FNUZ: 0x80 is NaN; no -0, no infinity
    Finite,          // E2M1: no NaN, no infinity
  };
  unsigned exponentBits, mantissaBits;
  int64_t bias;
  Specials specials;

  unsigned magnitudeBits() const { return exponentBits + mantissaBits; }
  uint64_t magnitudeMask() const { return (uint64_t(1) << magnitudeBits()) - 1; }
  uint64_t mantissaMask() const { return (uint64_t(1) << mantissaBits) - 1; }
  uint64_t exponentMask() const { return (uint64_t(1) << exponentBits) - 1; }
  /// The largest finite magnitude code.
  uint64_t maxFinite() const {
    switch (specials) {
    case Specials::IEEE:
      return ((exponentMask() - 1) << mantissaBits) | mantissaMask();
    case Specials::AllOnesNaN:
      return magnitudeMask() - 1;
    case Specials::NegativeZeroNaN:
    case Specials::Finite:
      break;
    }
    return magnitudeMask();
  }
};

std::optional<MiniFloat> miniFloat(Type type) {
  using S = MiniFloat::Specials;
  if (type.isBF16())
    return MiniFloat{8, 7, 127, S::IEEE};
  if (isa<Float8E4M3FNType>(type))
    return MiniFloat{4, 3, 7, S::AllOnesNaN};
  if (isa<Float8E4M3FNUZType>(type))
    return MiniFloat{4, 3, 8, S::NegativeZeroNaN};
  if (isa<Float8E5M2Type>(type))
    return MiniFloat{5, 2, 15, S::IEEE};
  if (isa<Float8E5M2FNUZType>(type))
    return MiniFloat{5, 2, 16, S::NegativeZeroNaN};
  if (isa<Float4E2M1FNType>(type))
    return MiniFloat{2, 1, 1, S::Finite};
  return std::nullopt;
}

/// Integer arithmetic on scalars of one integer type.
struct Ints {
  OpBuilder &b;
  Location loc;
  IntegerType type;

  Value c(uint64_t v) {
    return arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(type, APInt(type.getWidth(), v)));
  }
  Value shl(Value x, Value n) { return arith::ShLIOp::create(b, loc, x, n); }
  Value shl(Value x, uint64_t n) { return shl(x, c(n)); }
  Value shr(Value x, Value n) { return arith::ShRUIOp::create(b, loc, x, n); }
  Value shr(Value x, uint64_t n) { return shr(x, c(n)); }
  Value andi(Value x, uint64_t m) { return arith::AndIOp::create(b, loc, x, c(m)); }
  Value ori(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value cmp(arith::CmpIPredicate p, Value x, uint64_t y) { return cmp(p, x, c(y)); }
  Value select(Value cond, Value t, Value f) {
    return arith::SelectOp::create(b, loc, cond, t, f);
  }
  Value select(Value cond, uint64_t t, Value f) { return select(cond, c(t), f); }
  Value zext(Value x) { return arith::ExtUIOp::create(b, loc, type, x); }
};

using P = arith::CmpIPredicate;

/// `v >> s` rounded to nearest, ties to even (1 <= s < width).
Value shiftRoundingToEven(Ints &i, Value v, Value s) {
  Value q = i.shr(v, s);
  Value one = i.c(1);
  Value rest = arith::AndIOp::create(i.b, i.loc, v,
                                     i.sub(i.shl(one, s), one));
  Value half = i.shl(one, i.sub(s, one));
  Value odd = i.cmp(P::ne, i.andi(q, 1), 0);
  Value above = i.cmp(P::ugt, rest, half);
  Value tie = arith::AndIOp::create(i.b, i.loc, i.cmp(P::eq, rest, half), odd);
  Value up = arith::OrIOp::create(i.b, i.loc, above, tie);
  return i.add(q, i.zext(up));
}

/// The code of `x` (f32 or f64) in format `f`, in the low bits of an integer
/// of x's width. `saturate`: overflow gives the largest finite value instead
/// of infinity (IEEE formats) or NaN (the others; E2M1 always saturates).
Value encodeMiniFloat(OpBuilder &b, Location loc, Value x, const MiniFloat &f,
                      bool saturate) {
  using S = MiniFloat::Specials;
  auto source = cast<FloatType>(x.getType());
  unsigned width = source.getWidth();
  unsigned m = source.getFPMantissaWidth() - 1; // stored mantissa bits
  int64_t bias = (int64_t(1) << (width - m - 2)) - 1;
  Ints i{b, loc, b.getIntegerType(width)};
  Value bits = arith::BitcastOp::create(b, loc, i.type, x);
  Value sign = i.shr(bits, width - 1);
  Value a = i.andi(bits, (uint64_t(1) << (width - 1)) - 1);
  Value exponent = i.shr(a, m);
  Value isNaN = i.cmp(P::ugt, a, ((uint64_t(1) << (width - m - 1)) - 1) << m);

  // A normal target value: rebias the exponent in place, so that a rounding
  // carry out of the mantissa moves into the exponent.
  int64_t rebias = bias - f.bias;
  Value normal = i.cmp(P::sge, exponent, uint64_t(rebias + 1));
  Value normalBits = i.sub(a, i.c(uint64_t(rebias) << m));
  // A subnormal (or zero) target value: the significand with its leading one
  // (when x is normal) in units of the target's 2^(1 - bias - mantissa),
  // i.e. shifted right by bias + m + 1 - f.bias - f.mantissa - max(e, 1);
  // m + 2 bits or more shift everything out, below half a unit.
  Value hasLeadingOne = i.cmp(P::ne, exponent, 0);
  Value significand = i.ori(i.andi(a, (uint64_t(1) << m) - 1),
                            i.select(hasLeadingOne, uint64_t(1) << m, i.c(0)));
  Value e1 = arith::MaxUIOp::create(b, loc, exponent, i.c(1));
  Value shift = i.sub(i.c(uint64_t(bias + m + 1 - f.bias - f.mantissaBits)), e1);
  shift = arith::MinUIOp::create(b, loc, shift, i.c(m + 2));
  Value magnitude = shiftRoundingToEven(
      i, i.select(normal, normalBits, significand),
      i.select(normal, uint64_t(m - f.mantissaBits), shift));

  // Infinity rounds far beyond the largest finite code: it overflows too.
  Value overflow = i.cmp(P::ugt, magnitude, f.maxFinite());
  uint64_t overflowCode = f.maxFinite();
  if (!saturate && f.specials == S::IEEE)
    overflowCode = f.exponentMask() << f.mantissaBits;
  else if (!saturate && f.specials == S::AllOnesNaN)
    overflowCode = f.magnitudeMask();
  magnitude = i.select(overflow, overflowCode, magnitude);

  Value signBit = i.shl(sign, f.magnitudeBits());
  switch (f.specials) {
  case S::IEEE: // a quiet NaN of x's sign
    magnitude = i.select(isNaN,
                         (f.exponentMask() << f.mantissaBits) |
                             (uint64_t(1) << (f.mantissaBits - 1)),
                         magnitude);
    break;
  case S::AllOnesNaN:
    magnitude = i.select(isNaN, f.magnitudeMask(), magnitude);
    break;
  case S::Finite: // no NaN code: ml_dtypes gives zero of the opposite sign
    magnitude = i.select(isNaN, uint64_t(0), magnitude);
    signBit = i.select(
        isNaN, i.shl(arith::XOrIOp::create(b, loc, sign, i.c(1)), f.magnitudeBits()),
        signBit);
    break;
  case S::NegativeZeroNaN: {
    // NaN, and overflow without saturation, is the "-0" code; zero is +0.
    Value nan = isNaN;
    if (!saturate)
      nan = arith::OrIOp::create(b, loc, nan, overflow);
    signBit = i.select(i.cmp(P::eq, magnitude, 0), uint64_t(0), signBit);
    Value code = i.ori(signBit, magnitude);
    return i.select(nan, uint64_t(1) << f.magnitudeBits(), code);
  }
  }
  return i.ori(signBit, magnitude);
}

/// The f32 value of the code in the low bits of `code` (an integer) in format
/// `f`; exact, since every bf16 value is an f32 and every float8/float4 value
/// an f32 normal or zero.
Value decodeMiniFloat(OpBuilder &b, Location loc, Value code,
                      const MiniFloat &f) {
  using S = MiniFloat::Specials;
  Ints i{b, loc, b.getI32Type()};
  if (f.exponentBits == 8) // bf16 is the upper half of an f32
    return arith::BitcastOp::create(b, loc, b.getF32Type(),
                                    i.shl(i.zext(code), 16));
  Value c = i.andi(i.zext(code), (uint64_t(1) << (f.magnitudeBits() + 1)) - 1);
  Value sign = i.shl(i.shr(c, f.magnitudeBits()), 31);
  Value magnitude = i.andi(c, f.magnitudeMask());
  Value exponent = i.shr(magnitude, f.mantissaBits);
  Value mantissa = i.andi(magnitude, f.mantissaMask());
  // Normal: rebias the exponent and widen the mantissa in place.
  Value normal = i.add(i.shl(magnitude, 23 - f.mantissaBits),
                       i.c(uint64_t(127 - f.bias) << 23));
  // Subnormal: mantissa * 2^(1 - bias - mantissaBits), an exact product (a
  // small integer times a power of two, an f32 normal).
  Type f32 = b.getF32Type();
  Value scale = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(std::ldexp(1.0f, 1 - f.bias - f.mantissaBits)));
  Value subnormal = arith::BitcastOp::create(
      b, loc, i.type,
      arith::MulFOp::create(b, loc,
                            arith::UIToFPOp::create(b, loc, f32, mantissa),
                            scale));
  Value bits = i.select(i.cmp(P::ne, exponent, 0), normal, subnormal);
  switch (f.specials) {
  case S::IEEE: // infinity, or NaN with the mantissa as payload
    bits = i.select(i.cmp(P::eq, exponent, f.exponentMask()),
                    i.ori(i.c(0x7f800000),
                          i.shl(mantissa, 23 - f.mantissaBits)),
                    bits);
    break;
  case S::AllOnesNaN:
    bits = i.select(i.cmp(P::eq, magnitude, f.magnitudeMask()), 0x7fc00000, bits);
    break;
  case S::NegativeZeroNaN:
    bits = i.select(i.cmp(P::eq, c, uint64_t(1) << f.magnitudeBits()),
                    0x7fc00000, bits);
    break;
  case S::Finite:
    break;
  }
  return arith::BitcastOp::create(b, loc, b.getF32Type(), i.ori(bits, sign));
}

/// f8E8M0FNU (a biased power of two, no sign) of f32 `x`, as
/// onnx.numpy_helper.to_float8e8m0: the sign is ignored, NaN and infinity
/// give the NaN code 0xff, and the exponent rounds by `mode`. With `saturate`
/// rounding never goes past the largest value 2^127 (0xfe).
Value encodeE8M0(OpBuilder &b, Location loc, Value x, nn::RoundMode mode,
                 bool saturate) {
  Ints i{b, loc, b.getI32Type()};
  Value bits = arith::BitcastOp::create(b, loc, i.type, x);
  Value exponent = i.andi(i.shr(bits, 23), 0xff);
  Value up;
  switch (mode) {
  case nn::RoundMode::up: // any fraction rounds up
    up = i.cmp(P::ne, i.andi(bits, 0x7fffff), 0);
    break;
  case nn::RoundMode::down:
    up = i.cmp(P::ne, i.c(0), 0);
    break;
  case nn::RoundMode::nearest: { // the guard bit set, ties up except from
                                 // subnormals (the reference's rule)
    Value guard = i.cmp(P::ne, i.andi(bits, 0x400000), 0);
    Value rest = i.cmp(P::ne, i.andi(bits, 0x3fffff), 0);
    Value normalInput = i.cmp(P::ne, exponent, 0);
    up = arith::AndIOp::create(
        b, loc, guard, arith::OrIOp::create(b, loc, rest, normalInput));
    break;
  }
  }
  if (saturate)
    up = arith::AndIOp::create(b, loc, up, i.cmp(P::ne, exponent, 0xfe));
  Value rounded = i.add(exponent, i.zext(up));
  return i.select(i.cmp(P::eq, exponent, 0xff), i.c(0xff), rounded);
}

/// The f32 value of f8E8M0FNU `code`: 2^(code - 127), 0xff is NaN.
Value decodeE8M0(OpBuilder &b, Location loc, Value code) {
  Ints i{b, loc, b.getI32Type()};
  Value e = i.zext(code);
  Value bits = i.select(i.cmp(P::eq, e, 0), 0x00400000, i.shl(e, 23));
  bits = i.select(i.cmp(P::eq, e, 0xff), 0x7fc00000, bits);
  return arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
}

bool isSubByteInteger(Type type) {
  auto integer = dyn_cast<IntegerType>(type);
  return integer && integer.getWidth() > 1 && integer.getWidth() < 8;
}

/// The integer holding `x`'s bits (bf16 is a float in linalg, the storage-only
/// types are already i8).
Value bitsOf(OpBuilder &b, Location loc, Value x) {
  if (auto type = dyn_cast<FloatType>(x.getType()))
    return arith::BitcastOp::create(b, loc, b.getIntegerType(type.getWidth()), x);
  return x;
}
} // namespace

Value castElement(OpBuilder &b, Location loc, Value x, Type nnFrom, Type nnTo,
                  bool saturate, nn::RoundMode roundMode) {
  if (nnFrom == nnTo)
    return x;
  Type f32 = b.getF32Type(), f64 = b.getF64Type(), i8 = b.getI8Type();
  // Widen the source to a type arith computes with: floats to f32 (exact),
  // 4/2-bit integers to i8 / ui8 by their sign.
  Value value = x;
  Type from = nnFrom; // the nn type of `value`
  if (std::optional<MiniFloat> f = miniFloat(nnFrom)) {
    value = decodeMiniFloat(b, loc, bitsOf(b, loc, x), *f);
    from = f32;
  } else if (isa<Float8E8M0FNUType>(nnFrom)) {
    value = decodeE8M0(b, loc, x);
    from = f32;
  } else if (isSubByteInteger(nnFrom)) {
    unsigned spare = 8 - nnFrom.getIntOrFloatBitWidth();
    Value bits = arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, spare));
    Value high = arith::ShLIOp::create(b, loc, x, bits);
    value = nnFrom.isUnsignedInteger()
                ? arith::ShRUIOp::create(b, loc, high, bits).getResult()
                : arith::ShRSIOp::create(b, loc, high, bits).getResult();
    from = nnFrom.isUnsignedInteger() ? b.getIntegerType(8, /*isSigned=*/false)
                                      : i8;
  }
  if (from == nnTo)
    return value;

  if (std::optional<MiniFloat> f = miniFloat(nnTo)) {
    // From f32 or f64 directly; f16 widens to f32 exactly, integers to f64
    // (exact up to 2^53, far beyond any float8 value; only an i64 beyond it
    // can round twice on its way to bf16).
    Type wide = from.isF64() || isa<IntegerType>(from) ? f64 : f32;
    Value code = encodeMiniFloat(b, loc, convertScalar(b, loc, value, wide, from),
                                 *f, saturate && nn::isFloat8(nnTo));
    unsigned bits = nnTo.isBF16() ? 16 : 8;
    code = arith::TruncIOp::create(b, loc, b.getIntegerType(bits), code);
    return nnTo.isBF16() ? arith::BitcastOp::create(b, loc, nnTo, code).getResult()
                         : code;
  }
  if (isa<Float8E8M0FNUType>(nnTo)) {
    // The reference rounds from f32, whatever the source type.
    Value wide = convertScalar(b, loc, value, f32, from);
    return arith::TruncIOp::create(b, loc, i8,
                                   encodeE8M0(b, loc, wide, roundMode, saturate));
  }
  if (isSubByteInteger(nnTo)) {
    // As ONNX's reference: truncate toward zero and keep the low bits (so
    // 15.0 -> int4 -1 and -9.0 -> uint4 7); integers wrap.
    if (isa<FloatType>(from)) {
      value = arith::FPToSIOp::create(b, loc, b.getI32Type(), value);
      from = b.getI32Type();
    }
    Value low = convertScalar(b, loc, value, i8, from);
    uint64_t mask = (uint64_t(1) << nnTo.getIntOrFloatBitWidth()) - 1;
    return arith::AndIOp::create(
        b, loc, low, arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, mask)));
  }
  return convertScalar(b, loc, value, nnTo, from);
}

} // namespace systolic::nn_to_linalg
