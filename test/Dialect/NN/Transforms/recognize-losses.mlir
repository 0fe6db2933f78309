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

// CHECK-LABEL: func @mean_squared_difference
// CHECK-SAME: (%[[P:.*]]: tensor<8x4xf32>, %[[T:.*]]: tensor<8x4xf32>)
func.func @mean_squared_difference(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> (tensor<f32>, tensor<f32>) {
  // CHECK: nn.mse_loss %[[P]], %[[T]] : tensor<8x4xf32> -> tensor<f32>
  // CHECK: nn.mse_loss %[[P]], %[[T]] {reduction = #nn.reduction<sum>} : tensor<8x4xf32> -> tensor<f32>
  // CHECK-NOT: nn.reduce
  %d = nn.sub %p, %t : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<8x4xf32>
  %sq = nn.mul %d, %d : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<8x4xf32>
  %0 = nn.reduce_mean %sq {axes = array<i64>, keepdims = false} : tensor<8x4xf32> -> tensor<f32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %pw = nn.pow %d, %two : tensor<8x4xf32>, tensor<f32> -> tensor<8x4xf32>
  %1 = nn.reduce_sum %pw {axes = array<i64>, keepdims = false} : tensor<8x4xf32> -> tensor<f32>
  return %0, %1 : tensor<f32>, tensor<f32>
}

// A cube or a product of different differences is not an MSE.
// CHECK-LABEL: func @not_squared_difference
func.func @not_squared_difference(%p: tensor<8xf32>, %t: tensor<8xf32>, %u: tensor<8xf32>) -> (tensor<f32>, tensor<f32>) {
  // CHECK-NOT: nn.mse_loss
  %d = nn.sub %p, %t : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %e = nn.sub %p, %u : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %de = nn.mul %d, %e : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %0 = nn.reduce_mean %de {axes = array<i64>, keepdims = false} : tensor<8xf32> -> tensor<f32>
  %three = arith.constant dense<3.0> : tensor<f32>
  %cube = nn.pow %d, %three : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  %1 = nn.reduce_mean %cube {axes = array<i64>, keepdims = false} : tensor<8xf32> -> tensor<f32>
  return %0, %1 : tensor<f32>, tensor<f32>
}

// torch.nn.HuberLoss(delta=2) as decomposed by the exporter:
//   z = |p - t|; where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))
// CHECK-LABEL: func @huber
// CHECK-SAME: (%[[P:.*]]: tensor<8x4xf32>, %[[T:.*]]: tensor<8x4xf32>)
func.func @huber(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<f32> {
  // CHECK: %[[L:.*]] = nn.huber_loss %[[P]], %[[T]] {delta = 2.000000e+00 : f32} : tensor<8x4xf32> -> tensor<f32>
  // CHECK-NEXT: return %[[L]]
  %delta = arith.constant dense<2.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %halfdelta = arith.constant dense<1.0> : tensor<f32>
  %d = nn.sub %p, %t : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<8x4xf32>
  %z = nn.abs %d : tensor<8x4xf32>
  %lt = nn.compare %z, %delta {predicate = #nn.predicate<lt>} : tensor<8x4xf32>, tensor<f32> -> tensor<8x4xi1>
  %hz = nn.mul %half, %z : tensor<f32>, tensor<8x4xf32> -> tensor<8x4xf32>
  %q = nn.mul %hz, %z : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<8x4xf32>
  %zm = nn.sub %z, %halfdelta : tensor<8x4xf32>, tensor<f32> -> tensor<8x4xf32>
  %lin = nn.mul %delta, %zm : tensor<f32>, tensor<8x4xf32> -> tensor<8x4xf32>
  %w = nn.select %lt, %q, %lin : (tensor<8x4xi1>, tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %l = nn.reduce_mean %w {axes = array<i64>, keepdims = false} : tensor<8x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// torch.nn.SmoothL1Loss(beta=2, reduction='sum'):
//   where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta) = huber(beta) / beta
// CHECK-LABEL: func @smooth_l1
func.func @smooth_l1(%p: tensor<8xf32>, %t: tensor<8xf32>) -> tensor<f32> {
  // CHECK-DAG: %[[B:.*]] = arith.constant dense<2.000000e+00> : tensor<f32>
  // CHECK-DAG: %[[H:.*]] = nn.huber_loss %{{.*}}, %{{.*}} {delta = 2.000000e+00 : f32, reduction = #nn.reduction<sum>}
  // CHECK: %[[L:.*]] = nn.div %[[H]], %[[B]]
  // CHECK-NEXT: return %[[L]]
  %beta = arith.constant dense<2.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %d = nn.sub %p, %t : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %z = nn.abs %d : tensor<8xf32>
  %ge = nn.compare %z, %beta {predicate = #nn.predicate<ge>} : tensor<8xf32>, tensor<f32> -> tensor<8xi1>
  %zz = nn.mul %z, %z : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %hzz = nn.mul %zz, %half : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  %q = nn.div %hzz, %beta : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  %hb = nn.mul %half, %beta : tensor<f32>, tensor<f32> -> tensor<f32>
  %lin = nn.sub %z, %hb : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  %w = nn.select %ge, %lin, %q : (tensor<8xi1>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %l = nn.reduce_sum %w {axes = array<i64: 0>, keepdims = false} : tensor<8xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// Branches that do not meet at delta are not a Huber loss.
// CHECK-LABEL: func @not_huber
func.func @not_huber(%p: tensor<8xf32>, %t: tensor<8xf32>) -> tensor<f32> {
  // CHECK-NOT: nn.huber_loss
  %delta = arith.constant dense<1.0> : tensor<f32>
  %d = nn.sub %p, %t : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %z = nn.abs %d : tensor<8xf32>
  %lt = nn.compare %z, %delta {predicate = #nn.predicate<lt>} : tensor<8xf32>, tensor<f32> -> tensor<8xi1>
  %zz = nn.mul %z, %z : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %w = nn.select %lt, %zz, %z : (tensor<8xi1>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %l = nn.reduce_mean %w {axes = array<i64>, keepdims = false} : tensor<8xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// Pairwise L1 distances: [N, 1, D] - [1, M, D], summed over D.
// CHECK-LABEL: func @manhattan
// CHECK-SAME: (%[[X:.*]]: tensor<5x3xf32>, %[[Y:.*]]: tensor<7x3xf32>, %[[BX:.*]]: tensor<2x5x3xf32>, %[[BY:.*]]: tensor<2x7x3xf32>)
func.func @manhattan(%x: tensor<5x3xf32>, %y: tensor<7x3xf32>, %bx: tensor<2x5x3xf32>, %by: tensor<2x7x3xf32>) -> (tensor<5x7xf32>, tensor<2x5x7xf32>) {
  // CHECK: nn.manhattan_distance %[[X]], %[[Y]] : tensor<5x3xf32>, tensor<7x3xf32> -> tensor<5x7xf32>
  // CHECK: nn.manhattan_distance %[[BX]], %[[BY]] : tensor<2x5x3xf32>, tensor<2x7x3xf32> -> tensor<2x5x7xf32>
  %xu = nn.reshape %x : tensor<5x3xf32> -> tensor<5x1x3xf32>
  %yu = nn.reshape %y : tensor<7x3xf32> -> tensor<1x7x3xf32>
  %d = nn.sub %xu, %yu : tensor<5x1x3xf32>, tensor<1x7x3xf32> -> tensor<5x7x3xf32>
  %a = nn.abs %d : tensor<5x7x3xf32>
  %s = nn.reduce_sum %a {axes = array<i64: -1>, keepdims = false} : tensor<5x7x3xf32> -> tensor<5x7xf32>
  %bxu = nn.reshape %bx : tensor<2x5x3xf32> -> tensor<2x5x1x3xf32>
  %byu = nn.reshape %by : tensor<2x7x3xf32> -> tensor<2x1x7x3xf32>
  %bd = nn.sub %bxu, %byu : tensor<2x5x1x3xf32>, tensor<2x1x7x3xf32> -> tensor<2x5x7x3xf32>
  %ba = nn.abs %bd : tensor<2x5x7x3xf32>
  %bs = nn.reduce_sum %ba {axes = array<i64: 3>, keepdims = false} : tensor<2x5x7x3xf32> -> tensor<2x5x7xf32>
  return %s, %bs : tensor<5x7xf32>, tensor<2x5x7xf32>
}

// Summing over another axis is not a distance.
// CHECK-LABEL: func @not_manhattan
func.func @not_manhattan(%x: tensor<5x3xf32>, %y: tensor<7x3xf32>) -> tensor<5x3xf32> {
  // CHECK-NOT: nn.manhattan_distance
  %xu = nn.reshape %x : tensor<5x3xf32> -> tensor<5x1x3xf32>
  %yu = nn.reshape %y : tensor<7x3xf32> -> tensor<1x7x3xf32>
  %d = nn.sub %xu, %yu : tensor<5x1x3xf32>, tensor<1x7x3xf32> -> tensor<5x7x3xf32>
  %a = nn.abs %d : tensor<5x7x3xf32>
  %s = nn.reduce_sum %a {axes = array<i64: 1>, keepdims = false} : tensor<5x7x3xf32> -> tensor<5x3xf32>
  return %s : tensor<5x3xf32>
}

// nll_loss(log_softmax(x)) is a softmax cross entropy; other readers of the
// log-probabilities take its second result.
// CHECK-LABEL: func @cross_entropy
// CHECK-SAME: (%[[S:.*]]: tensor<8x5x2xf32>, %[[L:.*]]: tensor<8x2xi64>, %[[W:.*]]: tensor<5xf32>)
func.func @cross_entropy(%s: tensor<8x5x2xf32>, %l: tensor<8x2xi64>, %w: tensor<5xf32>) -> (tensor<f32>, tensor<8x5x2xf32>) {
  // CHECK: %[[LOSS:.*]], %[[LP:.*]] = nn.softmax_cross_entropy %[[S]], %[[L]], %[[W]] {ignore_index = -100 : i64, reduction = #nn.reduction<sum>} : (tensor<8x5x2xf32>, tensor<8x2xi64>, tensor<5xf32>) -> (tensor<f32>, tensor<8x5x2xf32>)
  // CHECK-NOT: nn.log_softmax
  // CHECK: return %[[LOSS]], %[[LP]]
  %lp = nn.log_softmax %s {axis = 1 : i64} : tensor<8x5x2xf32>
  %loss = nn.nll_loss %lp, %l, %w {reduction = #nn.reduction<sum>, ignore_index = -100 : i64} : (tensor<8x5x2xf32>, tensor<8x2xi64>, tensor<5xf32>) -> tensor<f32>
  return %loss, %lp : tensor<f32>, tensor<8x5x2xf32>
}

// A log_softmax over another axis is not over the classes.
// CHECK-LABEL: func @not_cross_entropy
func.func @not_cross_entropy(%s: tensor<8x5x2xf32>, %l: tensor<8x2xi64>) -> tensor<f32> {
  // CHECK-NOT: nn.softmax_cross_entropy
  %lp = nn.log_softmax %s {axis = -1 : i64} : tensor<8x5x2xf32>
  %loss = nn.nll_loss %lp, %l : (tensor<8x5x2xf32>, tensor<8x2xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}

// The quadratic branch may square the signed difference: d * d = |d|^2
// (examples/make_models.py writes it this way).
// CHECK-LABEL: func @huber_signed_square
func.func @huber_signed_square(%p: tensor<32x4xf32>, %t: tensor<32x4xf32>) -> tensor<f32> {
  // CHECK: nn.huber_loss %{{.*}}, %{{.*}} : tensor<32x4xf32> -> tensor<f32>
  // CHECK-NOT: nn.select
  %delta = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %d = nn.sub %p, %t : tensor<32x4xf32>, tensor<32x4xf32> -> tensor<32x4xf32>
  %z = nn.abs %d : tensor<32x4xf32>
  %small = nn.compare %z, %delta {predicate = #nn.predicate<lt>} : tensor<32x4xf32>, tensor<f32> -> tensor<32x4xi1>
  %dd = nn.mul %d, %d : tensor<32x4xf32>, tensor<32x4xf32> -> tensor<32x4xf32>
  %q = nn.mul %half, %dd : tensor<f32>, tensor<32x4xf32> -> tensor<32x4xf32>
  %zm = nn.sub %z, %half : tensor<32x4xf32>, tensor<f32> -> tensor<32x4xf32>
  %lin = nn.mul %delta, %zm : tensor<f32>, tensor<32x4xf32> -> tensor<32x4xf32>
  %w = nn.select %small, %q, %lin : (tensor<32x4xi1>, tensor<32x4xf32>, tensor<32x4xf32>) -> tensor<32x4xf32>
  %l = nn.reduce_mean %w {axes = array<i64>, keepdims = false} : tensor<32x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// A branch linear in the signed difference depends on its sign: not Huber.
// CHECK-LABEL: func @not_huber_signed_linear
func.func @not_huber_signed_linear(%p: tensor<8xf32>, %t: tensor<8xf32>) -> tensor<f32> {
  // CHECK-NOT: nn.huber_loss
  %delta = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %d = nn.sub %p, %t : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %z = nn.abs %d : tensor<8xf32>
  %small = nn.compare %z, %delta {predicate = #nn.predicate<lt>} : tensor<8xf32>, tensor<f32> -> tensor<8xi1>
  %dd = nn.mul %d, %d : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %q = nn.mul %half, %dd : tensor<f32>, tensor<8xf32> -> tensor<8xf32>
  %lin = nn.sub %d, %half : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  %w = nn.select %small, %q, %lin : (tensor<8xi1>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %l = nn.reduce_mean %w {axes = array<i64>, keepdims = false} : tensor<8xf32> -> tensor<f32>
  return %l : tensor<f32>
}
