// RUN: systolic-opt %s -allow-unregistered-dialect | systolic-opt -allow-unregistered-dialect | FileCheck %s

// CHECK-LABEL: func.func @layers
func.func @layers(%x: tensor<1x3x8x8xf32>, %w: tensor<3x3x3x16xi8>,
                  %p: tensor<3x16xi32>, %lut: tensor<256xi8>,
                  %b: tensor<64x10xi8>, %p10: tensor<3x10xi32>)
    -> (tensor<1x8x8x16xi8>, tensor<1x3x3x16xi8>, tensor<1x10xi8>, tensor<1x8x8x16xf32>) {
  // CHECK: systolic.quantize %{{.*}} {scale = 2.500000e-01 : f64, zero_point = -3 : i64}
  %q = systolic.quantize %x {scale = 0.25 : f64, zero_point = -3 : i64}
      : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xi8>
  %t = "test.nhwc"(%q) : (tensor<1x3x8x8xi8>) -> tensor<1x8x8x3xi8>
  // CHECK: systolic.conv2d %{{.*}}, %{{.*}}, %{{.*}} {activation = #systolic.activation<relu>
  %c = systolic.conv2d %t, %w, %p {strides = array<i64: 1, 1>,
      pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
      input_zero_point = 0 : i64, output_zero_point = -128 : i64,
      activation = #systolic.activation<relu>}
      : (tensor<1x8x8x3xi8>, tensor<3x3x3x16xi8>, tensor<3x16xi32>) -> tensor<1x8x8x16xi8>
  // CHECK: systolic.conv2d {{.*}} lut %{{.*}} {activation = #systolic.activation<lut>
  %s = systolic.conv2d %t, %w, %p lut %lut {strides = array<i64: 2, 2>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
      input_zero_point = 5 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<lut>}
      : (tensor<1x8x8x3xi8>, tensor<3x3x3x16xi8>, tensor<3x16xi32>, tensor<256xi8>) -> tensor<1x3x3x16xi8>
  %a = "test.flatten"(%c) : (tensor<1x8x8x16xi8>) -> tensor<1x64xi8>
  // CHECK: systolic.matmul
  %m = systolic.matmul %a, %b, %p10 {output_zero_point = 0 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x64xi8>, tensor<64x10xi8>, tensor<3x10xi32>) -> tensor<1x10xi8>
  // CHECK: systolic.scaled_add {{.*}} clamp_max = 100 : i64
  %r = systolic.scaled_add %c, %c, %p {lhs_weight = 127 : i64, rhs_weight = 64 : i64,
      output_zero_point = 0 : i64, activation = #systolic.activation<relu6>, clamp_max = 100 : i64}
      : (tensor<1x8x8x16xi8>, tensor<1x8x8x16xi8>, tensor<3x16xi32>) -> tensor<1x8x8x16xi8>
  // CHECK: systolic.dequantize
  %d = systolic.dequantize %r {scale = 0.5 : f64, zero_point = 0 : i64}
      : tensor<1x8x8x16xi8> -> tensor<1x8x8x16xf32>
  return %c, %s, %m, %d : tensor<1x8x8x16xi8>, tensor<1x3x3x16xi8>, tensor<1x10xi8>, tensor<1x8x8x16xf32>
}
