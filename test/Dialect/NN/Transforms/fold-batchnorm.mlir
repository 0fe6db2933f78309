// RUN: systolic-opt %s -nn-fold-batchnorm -split-input-file | FileCheck %s

// s = scale / sqrt(var + eps) = [4, 3] / sqrt([3, 8] + 1) = [2, 1]
// W' = W * s per output channel; b' = (b - mean) * s + bias.
// CHECK-LABEL: func @conv_bias_bn
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x3x3xf32>)
func.func @conv_bias_bn(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x2xf32> {
  // CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00, 4.000000e+00]]], {{\[\[\[}}3.000000e+00, 4.000000e+00]]]]> : tensor<2x1x1x2xf32>
  // CHECK-DAG: %[[B:.*]] = arith.constant dense<[5.000000e-01, 0.000000e+00]> : tensor<2xf32>
  // CHECK: %[[Y:.*]] = nn.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
  // CHECK-NOT: nn.batch_norm
  // CHECK: return %[[Y]]
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32>
  %b = arith.constant dense<1.0> : tensor<2xf32>
  %scale = arith.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %shift = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %c = nn.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x3x3xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x3x2xf32>
  %y = nn.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x2xf32>
  return %y : tensor<1x2x3x2xf32>
}

// -----

// Without a conv bias the folded bias is bias - mean * s; strides, pads and
// groups carry over.
// CHECK-LABEL: func @conv_no_bias_bn
func.func @conv_no_bias_bn(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>
  // CHECK-DAG: %[[B:.*]] = arith.constant dense<[-1.500000e+00, -1.000000e+00]> : tensor<2xf32>
  // CHECK: nn.conv %{{.*}}, %[[W]], %[[B]] {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
  // CHECK-NOT: nn.batch_norm
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %scale = arith.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %shift = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %c = nn.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = nn.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// The conv result is also used elsewhere: folding would change that use.
// CHECK-LABEL: func @conv_has_other_users
func.func @conv_has_other_users(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  // CHECK: nn.conv
  // CHECK: nn.batch_norm
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %c = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %y = nn.batch_norm %c, %p, %p, %p, %p : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %c, %y : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
}

// -----

// Statistics that are function arguments are not known at compile time.
// CHECK-LABEL: func @runtime_statistics
func.func @runtime_statistics(%x: tensor<1x1x3x3xf32>, %mean: tensor<1xf32>) -> tensor<1x1x3x3xf32> {
  // CHECK: nn.batch_norm
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %c = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %y = nn.batch_norm %c, %p, %p, %mean, %p : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}
