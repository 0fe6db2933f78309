//===- QuantParamsTest.cpp - int8 quantization arithmetic -----------------===//
#include "lowering/accel/QuantParams.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace systolic::accel;

TEST(QuantParams, AsymmetricRangeUsesAllCodes) {
  AffineQuant q = chooseActivationQuant(0.0, 5.1, /*symmetric=*/false);
  EXPECT_DOUBLE_EQ(q.scale, 5.1 / 255);
  EXPECT_EQ(q.zeroPoint, -128);
  EXPECT_EQ(quantize(0.0, q), -128);
  EXPECT_EQ(quantize(5.1, q), 127);
  EXPECT_EQ(quantize(100.0, q), 127); // saturates
}

TEST(QuantParams, RangeIsWidenedToContainZero) {
  AffineQuant q = chooseActivationQuant(2.0, 4.0, /*symmetric=*/false);
  EXPECT_EQ(quantize(0.0, q), q.zeroPoint);
  EXPECT_NEAR(dequantize(quantize(4.0, q), q), 4.0, q.scale / 2);
}

TEST(QuantParams, SymmetricHasZeroPointZero) {
  AffineQuant q = chooseActivationQuant(-1.0, 3.0, /*symmetric=*/true);
  EXPECT_EQ(q.zeroPoint, 0);
  EXPECT_DOUBLE_EQ(q.scale, 3.0 / 127);
  EXPECT_EQ(quantize(-3.0, q), -127);
}

TEST(QuantParams, QuantizeRoundsHalfToEven) {
  AffineQuant q{1.0, 0};
  EXPECT_EQ(quantize(2.5, q), 2);
  EXPECT_EQ(quantize(3.5, q), 4);
  EXPECT_EQ(quantize(-2.5, q), -2);
  EXPECT_EQ(quantize(-1000.0, q), -128);
}

TEST(QuantParams, FixedPointMultiplierIsAccurate) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-30, 8);
  for (int i = 0; i < 1000; ++i) {
    double real = std::pow(2.0, exponent(rng));
    FixedPointMultiplier m;
    ASSERT_TRUE(toFixedPoint(real, &m));
    EXPECT_GE(m.multiplier, 1 << 30);
    EXPECT_GE(m.shift, 0);
    EXPECT_LE(m.shift, 63);
    EXPECT_NEAR(std::ldexp(double(m.multiplier), -m.shift) / real, 1.0, 1e-9);
  }
  FixedPointMultiplier m;
  EXPECT_FALSE(toFixedPoint(double(1ll << 40), &m)) << "beyond 2^31 is not representable";
  EXPECT_TRUE(toFixedPoint(0.0, &m));
  EXPECT_EQ(m.multiplier, 0);
}

TEST(QuantParams, RequantizeApproximatesTheRealMultiplier) {
  // acc * real + zp, rounded, within one code of the exact value.
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int32_t> acc(-100000, 100000);
  for (double real : {0.001, 0.00037, 0.0123}) {
    FixedPointMultiplier m;
    ASSERT_TRUE(toFixedPoint(real, &m));
    for (int i = 0; i < 1000; ++i) {
      int32_t a = acc(rng);
      double exact = std::clamp(std::round(a * real) + 3, -128.0, 127.0);
      EXPECT_NEAR(requantize(a, 0, m, 3), exact, 1.0) << "acc " << a << " real " << real;
    }
  }
}

TEST(QuantParams, SaturatesToInt32) {
  EXPECT_EQ(saturateToInt32(1e12), INT32_MAX);
  EXPECT_EQ(saturateToInt32(-1e12), INT32_MIN);
  EXPECT_EQ(saturateToInt32(2.5), 2);
}
