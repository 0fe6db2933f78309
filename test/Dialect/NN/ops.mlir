// RUN: systolic-opt %s | FileCheck %s
// RUN: systolic-opt %s | systolic-opt | FileCheck %s
// RUN: systolic-opt %s --mlir-print-op-generic | systolic-opt | FileCheck %s

// CHECK-LABEL: func @elementwise
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: nn.add %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %0 = nn.add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: nn.sub
  %1 = nn.sub %0, %a : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: nn.relu %{{.*}} : tensor<2x3xf32>
  %2 = nn.relu %1 : tensor<2x3xf32>
  // CHECK: nn.abs
  %3 = nn.abs %2 : tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// CHECK-LABEL: func @reductions
func.func @reductions(%a: tensor<2x3x4xf32>) -> (tensor<2x1x1xf32>, tensor<3xf32>) {
  // CHECK: nn.reduce_mean %{{.*}} {axes = array<i64: 1, -1>} : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
  %0 = nn.reduce_mean %a {axes = array<i64: 1, -1>} : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
  // CHECK: nn.reduce_sum %{{.*}} {axes = array<i64: 0, 2>, keepdims = false}
  %1 = nn.reduce_sum %a {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x3x4xf32> -> tensor<3xf32>
  return %0, %1 : tensor<2x1x1xf32>, tensor<3xf32>
}

// CHECK-LABEL: func @matmul
func.func @matmul(%a: tensor<5x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<5x2x4xf32> {
  // CHECK: nn.matmul %{{.*}}, %{{.*}} : tensor<5x2x3xf32>, tensor<3x4xf32> -> tensor<5x2x4xf32>
  %0 = nn.matmul %a, %b : tensor<5x2x3xf32>, tensor<3x4xf32> -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// CHECK-LABEL: func @losses
func.func @losses(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> (tensor<f32>, tensor<8x4xf32>) {
  // CHECK: nn.mae_loss %{{.*}}, %{{.*}} : tensor<8x4xf32> -> tensor<f32>
  %0 = nn.mae_loss %p, %t : tensor<8x4xf32> -> tensor<f32>
  // CHECK: nn.mae_loss %{{.*}}, %{{.*}} {reduction = #nn.reduction<none>} : tensor<8x4xf32> -> tensor<8x4xf32>
  %1 = nn.mae_loss %p, %t {reduction = #nn.reduction<none>} : tensor<8x4xf32> -> tensor<8x4xf32>
  return %0, %1 : tensor<f32>, tensor<8x4xf32>
}
