// RUN: systolic-opt %s -nn-recognize-losses | FileCheck %s

// CHECK-LABEL: func @mean_abs_difference
// CHECK-SAME: (%[[P:.*]]: tensor<8x4xf32>, %[[T:.*]]: tensor<8x4xf32>)
func.func @mean_abs_difference(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<f32> {
  // CHECK: %[[L:.*]] = nn.mae_loss %[[P]], %[[T]] : tensor<8x4xf32> -> tensor<f32>
  // CHECK-NOT: nn.reduce_mean
  // CHECK: return %[[L]]
  %0 = nn.sub %p, %t : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<8x4xf32>
  %1 = nn.abs %0 : tensor<8x4xf32>
  %2 = nn.reduce_mean %1 {axes = array<i64>, keepdims = false} : tensor<8x4xf32> -> tensor<f32>
  return %2 : tensor<f32>
}

// CHECK-LABEL: func @sum_abs_difference
func.func @sum_abs_difference(%p: tensor<8xf32>, %t: tensor<8xf32>) -> tensor<f32> {
  // CHECK: nn.mae_loss %{{.*}}, %{{.*}} {reduction = #nn.reduction<sum>}
  %0 = nn.sub %p, %t : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %1 = nn.abs %0 : tensor<8xf32>
  %2 = nn.reduce_sum %1 {axes = array<i64: 0>, keepdims = false} : tensor<8xf32> -> tensor<f32>
  return %2 : tensor<f32>
}

// A partial reduction is not a loss: it stays as it is.
// CHECK-LABEL: func @partial_reduction
func.func @partial_reduction(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<8xf32> {
  // CHECK-NOT: nn.mae_loss
  // CHECK: nn.reduce_mean
  %0 = nn.sub %p, %t : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<8x4xf32>
  %1 = nn.abs %0 : tensor<8x4xf32>
  %2 = nn.reduce_mean %1 {axes = array<i64: 1>, keepdims = false} : tensor<8x4xf32> -> tensor<8xf32>
  return %2 : tensor<8xf32>
}

// Broadcasting subtraction is a distance to a point, not an elementwise loss.
// CHECK-LABEL: func @broadcast_operands
func.func @broadcast_operands(%p: tensor<8x4xf32>, %t: tensor<4xf32>) -> tensor<f32> {
  // CHECK-NOT: nn.mae_loss
  %0 = nn.sub %p, %t : tensor<8x4xf32>, tensor<4xf32> -> tensor<8x4xf32>
  %1 = nn.abs %0 : tensor<8x4xf32>
  %2 = nn.reduce_mean %1 {axes = array<i64>, keepdims = false} : tensor<8x4xf32> -> tensor<f32>
  return %2 : tensor<f32>
}
