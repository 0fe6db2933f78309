// RUN: systolic-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// LSTM: the input projection of all steps is one matmul onto Wb + Rb before
// the loop; each step accumulates h R^T onto its slice of the projection and
// computes all gates in one generic that updates (h, c) in place. Constant
// weights are transposed at compile time.
// CHECK-DAG: #[[GI:.*]] = affine_map<(d0, d1) -> (d0, 0, d1)>
// CHECK-DAG: #[[GO:.*]] = affine_map<(d0, d1) -> (d0, 1, d1)>
// CHECK-DAG: #[[GF:.*]] = affine_map<(d0, d1) -> (d0, 2, d1)>
// CHECK-DAG: #[[GC:.*]] = affine_map<(d0, d1) -> (d0, 3, d1)>
// CHECK-LABEL: func @lstm
// CHECK-NOT: linalg.transpose
// CHECK: %[[WT:.*]] = arith.constant dense<{{.*}}> : tensor<1x3x8xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<1x8x2xf32>) outs(%{{.*}} : tensor<1x2x8xf32>) permutation = [0, 2, 1]
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK: %[[W0:.*]] = tensor.extract_slice %[[WT]][0, 0, 0] [1, 3, 8] [1, 1, 1] : tensor<1x3x8xf32> to tensor<3x8xf32>
// CHECK: %[[X2:.*]] = tensor.collapse_shape %{{.*}} : tensor<4x2x3xf32> into tensor<8x3xf32>
// CHECK: %[[BB:.*]] = linalg.broadcast ins(%[[BIAS]] : tensor<8xf32>) outs(%{{.*}} : tensor<8x8xf32>) dimensions = [0]
// CHECK: %[[XW:.*]] = linalg.matmul ins(%[[X2]], %[[W0]] : tensor<8x3xf32>, tensor<3x8xf32>) outs(%[[BB]] : tensor<8x8xf32>)
// CHECK: %[[XW3:.*]] = tensor.expand_shape %[[XW]] {{.*}} into tensor<4x2x8xf32>
// CHECK: %[[Y:.*]]:3 = scf.for %[[T:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:[a-z0-9_]+]] = %{{.*}}, %[[C:[a-z0-9_]+]] = %{{.*}}, %[[YACC:[a-z0-9_]+]] = %{{.*}}) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<4x1x2x2xf32>)
// CHECK: %[[STEP:.*]] = tensor.extract_slice %[[XW3]][%[[T]], 0, 0] [1, 2, 8] [1, 1, 1] : tensor<4x2x8xf32> to tensor<2x8xf32>
// CHECK: %[[G:.*]] = linalg.matmul ins(%[[H]], %{{.*}} : tensor<2x2xf32>, tensor<2x8xf32>) outs(%[[STEP]] : tensor<2x8xf32>)
// CHECK: %[[G3:.*]] = tensor.expand_shape %[[G]] {{.*}} into tensor<2x4x2xf32>
// CHECK: %[[NEXT:.*]]:2 = linalg.generic {indexing_maps = [#[[GI]], #[[GO]], #[[GF]], #[[GC]], #{{.*}}, #{{.*}}]
// CHECK-SAME: ins(%[[G3]], %[[G3]], %[[G3]], %[[G3]] : {{.*}}) outs(%[[H]], %[[C]] :
// CHECK: math.tanh
// CHECK: %[[YN:.*]] = tensor.insert_slice %[[NEXT]]#0 into %[[YACC]][%[[T]], 0, 0, 0] [1, 1, 2, 2] [1, 1, 1, 1]
// CHECK: scf.yield %[[NEXT]]#0, %[[NEXT]]#1, %[[YN]]
// CHECK: tensor.insert_slice %[[Y]]#0 into %{{.*}}[0, 0, 0] [1, 2, 2] [1, 1, 1] : tensor<2x2xf32> into tensor<1x2x2xf32>
// CHECK: tensor.insert_slice %[[Y]]#1 into
// CHECK: return %[[Y]]#2
func.func @lstm(%x: tensor<4x2x3xf32>, %r: tensor<1x8x2xf32>, %b: tensor<1x16xf32>) -> (tensor<4x1x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x8x3xf32>
  %y, %yh, %yc = nn.lstm %x, %w, %r bias(%b) {hidden_size = 2 : i64} : (tensor<4x2x3xf32>, tensor<1x8x3xf32>, tensor<1x8x2xf32>, tensor<1x16xf32>) -> (tensor<4x1x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>)
  return %y, %yh, %yc : tensor<4x1x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>
}

// -----

// Bidirectional: two loops, the second walking time backwards (t' = S-1-t);
// peepholes and clip enter the gate generic.
// CHECK-LABEL: func @lstm_bidirectional
// CHECK: scf.for
// CHECK-NOT: arith.subi
// CHECK: scf.yield
// CHECK: scf.for %[[T:[a-z0-9_]+]] =
// CHECK: %[[LAST:.*]] = arith.constant 2 : index
// CHECK: %[[REV:.*]] = arith.subi %[[LAST]], %[[T]] : index
// CHECK: tensor.extract_slice %{{.*}}[%[[REV]], 0, 0]
// CHECK: linalg.generic
// CHECK: arith.constant -3.000000e+00 : f32
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%[[REV]], 1, 0, 0]
func.func @lstm_bidirectional(%x: tensor<3x1x2xf32>, %w: tensor<2x4x2xf32>, %r: tensor<2x4x1xf32>, %p: tensor<2x3xf32>) -> (tensor<3x2x1x1xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) {
  %y, %yh, %yc = nn.lstm %x, %w, %r peepholes(%p) {hidden_size = 1 : i64, direction = #nn.direction<bidirectional>, clip = 3.0 : f32} : (tensor<3x1x2xf32>, tensor<2x4x2xf32>, tensor<2x4x1xf32>, tensor<2x3xf32>) -> (tensor<3x2x1x1xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %y, %yh, %yc : tensor<3x2x1x1xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>
}

// -----

// GRU (linear_before_reset = 0): the reset gate scales h before the
// candidate's recurrence matmul, so a step has two matmuls.
// CHECK-LABEL: func @gru
// CHECK: linalg.matmul
// CHECK: scf.for {{.*}} -> (tensor<2x3xf32>, tensor<5x1x2x3xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x6xf32>)
// CHECK: linalg.generic
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x3xf32>)
// CHECK: linalg.generic
// CHECK: scf.yield
func.func @gru(%x: tensor<5x2x4xf32>, %w: tensor<1x9x4xf32>, %r: tensor<1x9x3xf32>, %b: tensor<1x18xf32>, %h0: tensor<1x2x3xf32>) -> (tensor<5x1x2x3xf32>, tensor<1x2x3xf32>) {
  %y, %yh = nn.gru %x, %w, %r bias(%b) initial_h(%h0) {hidden_size = 3 : i64} : (tensor<5x2x4xf32>, tensor<1x9x4xf32>, tensor<1x9x3xf32>, tensor<1x18xf32>, tensor<1x2x3xf32>) -> (tensor<5x1x2x3xf32>, tensor<1x2x3xf32>)
  return %y, %yh : tensor<5x1x2x3xf32>, tensor<1x2x3xf32>
}

// -----

// GRU with linear_before_reset: one recurrence matmul for all three gates.
// CHECK-LABEL: func @gru_linear_before_reset
// CHECK: scf.for
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x9xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: scf.yield
func.func @gru_linear_before_reset(%x: tensor<5x2x4xf32>, %w: tensor<1x9x4xf32>, %r: tensor<1x9x3xf32>) -> (tensor<5x1x2x3xf32>, tensor<1x2x3xf32>) {
  %y, %yh = nn.gru %x, %w, %r {hidden_size = 3 : i64, linear_before_reset = true} : (tensor<5x2x4xf32>, tensor<1x9x4xf32>, tensor<1x9x3xf32>) -> (tensor<5x1x2x3xf32>, tensor<1x2x3xf32>)
  return %y, %yh : tensor<5x1x2x3xf32>, tensor<1x2x3xf32>
}
