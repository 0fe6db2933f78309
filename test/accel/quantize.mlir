// RUN: systolic-opt %s -systolic-quantize=report-placement 2>%t.report | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.report

// A conv + relu (padded: its input gets zero point 0), a residual add, a
// global average pool, a flatten, and a gemm with a sigmoid table.
// CHECK-LABEL: func.func @main
func.func @main(%x: tensor<1x2x4x4xf32> {systolic.calibration = array<f64: -1.0, 1.0>})
    -> tensor<1x3xf32> {
  %w = arith.constant dense<0.5> : tensor<2x2x3x3xf32>
  %b = arith.constant dense<[0.25, -0.25]> : tensor<2xf32>
  // The input is quantized symmetrically (scale 1/127), then made NHWC.
  // CHECK: %[[Q:.*]] = systolic.quantize %arg0 {scale = 0.007874{{[0-9]*}} : f64, zero_point = 0 : i64}
  // CHECK: %[[T:.*]] = nn.transpose %[[Q]] {perm = array<i64: 0, 2, 3, 1>} : tensor<1x2x4x4xi8> -> tensor<1x4x4x2xi8>
  // Its 2 channels fill 2 of 16 array rows per kernel tap: the host folds
  // the 3 column taps into 6 channels, the array runs a 3x1 kernel.
  // CHECK: %[[PAD:.*]] = nn.pad %[[T]] {pads = array<i64: 0, 0, 1, 0, 0, 0, 1, 0>}
  // CHECK: %[[FOLD:.*]] = nn.concat {{.*}} -> tensor<1x4x4x6xi8>
  // CHECK: %[[C:.*]] = systolic.conv2d %[[FOLD]], %{{.*}}, %{{.*}} {activation = #systolic.activation<relu>, {{.*}}input_zero_point = 0 : i64, output_zero_point = -128 : i64, pads = array<i64: 1, 0, 1, 0>
  // CHECK-SAME: -> tensor<1x4x4x2xi8>
  %c = nn.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      pads = array<i64: 1, 1, 1, 1>, systolic.calibration = array<f64: -3.0, 5.0>}
      : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = nn.relu %c {systolic.calibration = array<f64: 0.0, 5.0>} : tensor<1x2x4x4xf32>
  // The add stays NHWC and rescales its operands with int8 weights.
  // CHECK: %[[A:.*]] = systolic.scaled_add %[[C]], %[[T]], %{{.*}} {activation = #systolic.activation<none>, lhs_weight = 127 : i64, output_zero_point = {{.*}}, rhs_weight = 51 : i64}
  %a = nn.add %r, %x {systolic.calibration = array<f64: -1.0, 6.0>} : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  // The global average pool is a row of ones times the 16 pixels ([16, 2]);
  // the output path removes 16 times the input zero point and divides by 16.
  // CHECK: %[[ONES:.*]] = arith.constant dense<1> : tensor<1x16xi8>
  // CHECK: %[[PIXELS:.*]] = nn.reshape %[[A]] : tensor<1x4x4x2xi8> -> tensor<16x2xi8>
  // CHECK: %[[MEAN:.*]] = systolic.matmul %[[ONES]], %[[PIXELS]], %{{.*}} {activation = #systolic.activation<none>, output_zero_point = -128 : i64} : (tensor<1x16xi8>, tensor<16x2xi8>, tensor<3x2xi32>) -> tensor<1x2xi8>
  // The flatten reshapes the int8 result: no dequantize/quantize round trip.
  // CHECK: %[[NCHW:.*]] = nn.reshape %[[MEAN]] : tensor<1x2xi8> -> tensor<1x1x1x2xi8>
  // CHECK: %[[FLAT:.*]] = nn.reshape %[[NCHW]] : tensor<1x1x1x2xi8> -> tensor<1x2xi8>
  // CHECK-NOT: systolic.dequantize
  // CHECK-NOT: systolic.quantize
  %p = nn.global_avg_pool %a {systolic.calibration = array<f64: 0.0, 6.0>} : tensor<1x2x4x4xf32> -> tensor<1x2x1x1xf32>
  %f = nn.reshape %p {systolic.calibration = array<f64: 0.0, 6.0>} : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
  %g = arith.constant dense<[[1.0, 2.0, -3.0], [0.5, 0.0, 1.0]]> : tensor<2x3xf32>
  // CHECK-NOT: arith.constant {{.*}}xf32>
  // CHECK: %[[M:.*]] = systolic.matmul %[[FLAT]], %{{.*}}, %{{.*}} lut %{{.*}} {activation = #systolic.activation<lut>
  // CHECK-SAME: -> tensor<1x3xi8>
  %m = nn.gemm %f, %g {systolic.calibration = array<f64: -10.0, 10.0>} : (tensor<1x2xf32>, tensor<2x3xf32>) -> tensor<1x3xf32>
  %s = nn.sigmoid %m {systolic.calibration = array<f64: 0.0, 1.0>} : tensor<1x3xf32>
  // CHECK: %[[OUT:.*]] = systolic.dequantize %[[M]] {scale = 0.0039{{[0-9]*}} : f64, zero_point = -128 : i64}
  // CHECK: return %[[OUT]]
  return %s : tensor<1x3xf32>
}

// REPORT: placement of @main: 6 ops on accel, 1 on cpu
// REPORT-NEXT: accel  nn.conv: systolic.conv2d, relu fused
// REPORT-NEXT: accel  nn.relu: fused into nn.conv
// REPORT-NEXT: accel  nn.add: systolic.scaled_add
// REPORT-NEXT: accel  nn.global_avg_pool: systolic.matmul (a row of ones times the pixels)
// REPORT-NEXT: cpu  nn.reshape: reshapes the array's int8 result (no dequantize/quantize round trip)
// REPORT-NEXT: accel  nn.gemm: systolic.matmul, sigmoid fused
// REPORT-NEXT: accel  nn.sigmoid: fused into nn.gemm
