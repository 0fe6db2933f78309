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

// CHECK-LABEL: func @unary_and_activations
func.func @unary_and_activations(%x: tensor<2x3xf32>, %i: tensor<4xi64>, %m: tensor<4xi1>) -> (tensor<2x3xf32>, tensor<4xi64>, tensor<4xi1>) {
  // CHECK: nn.neg %{{.*}} : tensor<4xi64>
  %n = nn.neg %i : tensor<4xi64>
  // CHECK: nn.sign %{{.*}} : tensor<4xi64>
  %s = nn.sign %n : tensor<4xi64>
  // CHECK: nn.not %{{.*}} : tensor<4xi1>
  %not = nn.not %m : tensor<4xi1>
  // CHECK: nn.sigmoid
  %0 = nn.sigmoid %x : tensor<2x3xf32>
  // CHECK: nn.tanh
  %1 = nn.tanh %0 : tensor<2x3xf32>
  // CHECK: nn.softplus
  %2 = nn.softplus %1 : tensor<2x3xf32>
  // CHECK: nn.erf
  %3 = nn.erf %2 : tensor<2x3xf32>
  // CHECK: nn.exp
  %4 = nn.exp %3 : tensor<2x3xf32>
  // CHECK: nn.log
  %5 = nn.log %4 : tensor<2x3xf32>
  // CHECK: nn.sqrt
  %6 = nn.sqrt %5 : tensor<2x3xf32>
  // CHECK: nn.reciprocal
  %7 = nn.reciprocal %6 : tensor<2x3xf32>
  // CHECK: nn.leaky_relu %{{.*}} : tensor<2x3xf32>
  %8 = nn.leaky_relu %7 : tensor<2x3xf32>
  // CHECK: nn.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f32} : tensor<2x3xf32>
  %9 = nn.leaky_relu %8 {alpha = 0.2 : f32} : tensor<2x3xf32>
  // CHECK: nn.hard_sigmoid %{{.*}} {alpha = 1.000000e-01 : f32} : tensor<2x3xf32>
  %10 = nn.hard_sigmoid %9 {alpha = 0.1 : f32} : tensor<2x3xf32>
  // CHECK: nn.elu
  %11 = nn.elu %10 : tensor<2x3xf32>
  // CHECK: nn.selu
  %12 = nn.selu %11 : tensor<2x3xf32>
  // CHECK: nn.gelu %{{.*}} : tensor<2x3xf32>
  %13 = nn.gelu %12 : tensor<2x3xf32>
  // CHECK: nn.gelu %{{.*}} {approximate = #nn.gelu_approximation<tanh>} : tensor<2x3xf32>
  %14 = nn.gelu %13 {approximate = #nn.gelu_approximation<tanh>} : tensor<2x3xf32>
  // CHECK: nn.clip %{{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<2x3xf32>
  %15 = nn.clip %14 {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x3xf32>
  // CHECK: nn.clip %{{.*}} {max = 1.000000e+00 : f32} : tensor<2x3xf32>
  %16 = nn.clip %15 {max = 1.0 : f32} : tensor<2x3xf32>
  // CHECK: nn.softmax %{{.*}} : tensor<2x3xf32>
  %17 = nn.softmax %16 : tensor<2x3xf32>
  // CHECK: nn.log_softmax %{{.*}} {axis = 0 : i64} : tensor<2x3xf32>
  %18 = nn.log_softmax %17 {axis = 0 : i64} : tensor<2x3xf32>
  return %18, %s, %not : tensor<2x3xf32>, tensor<4xi64>, tensor<4xi1>
}

// CHECK-LABEL: func @binary_compare_select
func.func @binary_compare_select(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %s: tensor<1xf32>, %i: tensor<3xi64>) -> (tensor<2x3xf32>, tensor<3xi64>, tensor<2x3xi1>) {
  // CHECK: nn.mul
  %0 = nn.mul %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: nn.div
  %1 = nn.div %0, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: nn.pow
  %2 = nn.pow %1, %s : tensor<2x3xf32>, tensor<1xf32> -> tensor<2x3xf32>
  // CHECK: nn.max
  %3 = nn.max %2, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: nn.min
  %4 = nn.min %3, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: nn.prelu %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<1xf32> -> tensor<2x3xf32>
  %5 = nn.prelu %4, %s : tensor<2x3xf32>, tensor<1xf32> -> tensor<2x3xf32>
  // CHECK: nn.div %{{.*}}, %{{.*}} : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
  %6 = nn.div %i, %i : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
  // CHECK: nn.compare %{{.*}}, %{{.*}} {predicate = #nn.predicate<ge>} : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  %c = nn.compare %5, %b {predicate = #nn.predicate<ge>} : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  // CHECK: nn.and
  %c2 = nn.and %c, %c : tensor<2x3xi1>, tensor<2x3xi1> -> tensor<2x3xi1>
  // CHECK: nn.or
  %c3 = nn.or %c2, %c : tensor<2x3xi1>, tensor<2x3xi1> -> tensor<2x3xi1>
  // CHECK: nn.select %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  %7 = nn.select %c3, %5, %s : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return %7, %6, %c3 : tensor<2x3xf32>, tensor<3xi64>, tensor<2x3xi1>
}

// CHECK-LABEL: func @more_reductions
func.func @more_reductions(%a: tensor<2x3x4xf32>) -> (tensor<2x3x1xf32>, tensor<2x4xi64>, tensor<1x3x4xi64>) {
  // CHECK: nn.reduce_max
  %0 = nn.reduce_max %a {axes = array<i64: -1>} : tensor<2x3x4xf32> -> tensor<2x3x1xf32>
  // CHECK: nn.reduce_min
  %1 = nn.reduce_min %0 {axes = array<i64: -1>} : tensor<2x3x1xf32> -> tensor<2x3x1xf32>
  // CHECK: nn.reduce_prod
  %2 = nn.reduce_prod %1 {axes = array<i64: -1>} : tensor<2x3x1xf32> -> tensor<2x3x1xf32>
  // CHECK: nn.reduce_l1
  %3 = nn.reduce_l1 %2 {axes = array<i64: -1>} : tensor<2x3x1xf32> -> tensor<2x3x1xf32>
  // CHECK: nn.reduce_l2
  %4 = nn.reduce_l2 %3 {axes = array<i64: -1>} : tensor<2x3x1xf32> -> tensor<2x3x1xf32>
  // CHECK: nn.reduce_sum_square
  %5 = nn.reduce_sum_square %4 {axes = array<i64: -1>} : tensor<2x3x1xf32> -> tensor<2x3x1xf32>
  // CHECK: nn.argmax %{{.*}} {axis = 1 : i64, keepdims = false} : tensor<2x3x4xf32> -> tensor<2x4xi64>
  %6 = nn.argmax %a {axis = 1 : i64, keepdims = false} : tensor<2x3x4xf32> -> tensor<2x4xi64>
  // CHECK: nn.argmin %{{.*}} {select_last_index = true} : tensor<2x3x4xf32> -> tensor<1x3x4xi64>
  %7 = nn.argmin %a {select_last_index = true} : tensor<2x3x4xf32> -> tensor<1x3x4xi64>
  return %5, %6, %7 : tensor<2x3x1xf32>, tensor<2x4xi64>, tensor<1x3x4xi64>
}

// CHECK-LABEL: func @more_losses
func.func @more_losses(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>, %s: tensor<8x5x2xf32>, %l: tensor<8x2xi64>, %w: tensor<5xf32>, %y: tensor<6x4xf32>) -> (tensor<f32>, tensor<8x4xf32>, tensor<f32>, tensor<8x5x2xf32>, tensor<8x2xf32>, tensor<8x6xf32>) {
  // CHECK: nn.mse_loss %{{.*}}, %{{.*}} : tensor<8x4xf32> -> tensor<f32>
  %0 = nn.mse_loss %p, %t : tensor<8x4xf32> -> tensor<f32>
  // CHECK: nn.huber_loss %{{.*}}, %{{.*}} {delta = 5.000000e-01 : f32, reduction = #nn.reduction<none>} : tensor<8x4xf32> -> tensor<8x4xf32>
  %1 = nn.huber_loss %p, %t {delta = 0.5 : f32, reduction = #nn.reduction<none>} : tensor<8x4xf32> -> tensor<8x4xf32>
  // CHECK: nn.softmax_cross_entropy %{{.*}}, %{{.*}}, %{{.*}} {ignore_index = -100 : i64} : (tensor<8x5x2xf32>, tensor<8x2xi64>, tensor<5xf32>) -> (tensor<f32>, tensor<8x5x2xf32>)
  %2:2 = nn.softmax_cross_entropy %s, %l, %w {ignore_index = -100 : i64} : (tensor<8x5x2xf32>, tensor<8x2xi64>, tensor<5xf32>) -> (tensor<f32>, tensor<8x5x2xf32>)
  // CHECK: nn.nll_loss %{{.*}}, %{{.*}} {reduction = #nn.reduction<none>} : (tensor<8x5x2xf32>, tensor<8x2xi64>) -> tensor<8x2xf32>
  %3 = nn.nll_loss %2#1, %l {reduction = #nn.reduction<none>} : (tensor<8x5x2xf32>, tensor<8x2xi64>) -> tensor<8x2xf32>
  // CHECK: nn.manhattan_distance %{{.*}}, %{{.*}} : tensor<8x4xf32>, tensor<6x4xf32> -> tensor<8x6xf32>
  %4 = nn.manhattan_distance %p, %y : tensor<8x4xf32>, tensor<6x4xf32> -> tensor<8x6xf32>
  return %0, %1, %2#0, %2#1, %3, %4 : tensor<f32>, tensor<8x4xf32>, tensor<f32>, tensor<8x5x2xf32>, tensor<8x2xf32>, tensor<8x6xf32>
}

// CHECK-LABEL: func @strings
// CHECK-SAME: (%{{.*}}: tensor<2x!nn.string>, %{{.*}}: tensor<1x!nn.string>)
func.func @strings(%a: tensor<2x!nn.string>, %b: tensor<1x!nn.string>) -> tensor<2xi1> {
  // CHECK: nn.compare %{{.*}}, %{{.*}} {predicate = #nn.predicate<eq>} : tensor<2x!nn.string>, tensor<1x!nn.string> -> tensor<2xi1>
  %0 = nn.compare %a, %b {predicate = #nn.predicate<eq>} : tensor<2x!nn.string>, tensor<1x!nn.string> -> tensor<2xi1>
  return %0 : tensor<2xi1>
}
