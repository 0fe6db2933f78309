// RUN: systolic-opt %s -nn-graph-pipeline | FileCheck %s
// RUN: systolic-opt %s -nn-graph-pipeline | FileCheck %s --check-prefix=GONE

// A small exported classifier with a training loss: conv + batch norm +
// relu, flatten, a linear layer whose weight is computed from an
// initializer (expand + transpose, 2048 elements: above the folders'
// limit), an MSE written as mean(pow(sub)), and a dead branch.
// CHECK-LABEL: func @classifier
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>, %[[T:.*]]: tensor<1x64xf32>)
func.func @classifier(%x: tensor<1x1x4x4xf32>, %target: tensor<1x64xf32>) -> (tensor<1x64xf32>, tensor<f32>) {
  // CHECK-DAG: %[[W:.*]] = arith.constant dense<4.000000e+00> : tensor<2x1x3x3xf32>
  // CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf32>
  // CHECK-DAG: %[[FC:.*]] = arith.constant dense<"0x{{[0-9A-F]+}}"> : tensor<32x64xf32>
  // CHECK: %[[C:.*]] = nn.conv %[[X]], %[[W]], %[[B]]
  // CHECK: %[[R:.*]] = nn.relu %[[C]]
  // CHECK: %[[F:.*]] = nn.reshape %[[R]] : tensor<1x2x4x4xf32> -> tensor<1x32xf32>
  // CHECK: %[[Y:.*]] = nn.gemm %[[F]], %[[FC]]
  // CHECK: %[[L:.*]] = nn.mse_loss %[[Y]], %[[T]] : tensor<1x64xf32> -> tensor<f32>
  // CHECK: return %[[Y]], %[[L]]
  // GONE-NOT: nn.batch_norm
  // GONE-NOT: nn.expand
  // GONE-NOT: nn.transpose
  // GONE-NOT: nn.sigmoid
  // GONE-NOT: nn.reduce_mean
  %w = arith.constant dense<2.0> : tensor<2x1x3x3xf32>
  %scale = arith.constant dense<[8.0, 6.0]> : tensor<2xf32>
  %shift = arith.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %mean = arith.constant dense<0.0> : tensor<2xf32>
  %var = arith.constant dense<[15.0, 8.0]> : tensor<2xf32>
  %c = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  %n = nn.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = nn.relu %n : tensor<1x2x4x4xf32>
  %f = nn.reshape %r : tensor<1x2x4x4xf32> -> tensor<1x32xf32>
  %row = arith.constant dense<[[-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, -3.0, -2.0, -1.0, 0.0]]> : tensor<1x32xf32>
  %rows = nn.expand %row : tensor<1x32xf32> -> tensor<64x32xf32>
  %fc = nn.transpose %rows {perm = array<i64: 1, 0>} : tensor<64x32xf32> -> tensor<32x64xf32>
  %y = nn.gemm %f, %fc : (tensor<1x32xf32>, tensor<32x64xf32>) -> tensor<1x64xf32>
  %dead = nn.sigmoid %y : tensor<1x64xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %d = nn.sub %y, %target : tensor<1x64xf32>, tensor<1x64xf32> -> tensor<1x64xf32>
  %sq = nn.pow %d, %two : tensor<1x64xf32>, tensor<f32> -> tensor<1x64xf32>
  %loss = nn.reduce_mean %sq {axes = array<i64>, keepdims = false} : tensor<1x64xf32> -> tensor<f32>
  return %y, %loss : tensor<1x64xf32>, tensor<f32>
}
