// RUN: systolic-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// A reduced pointwise loss is one full reduction with the term fused in;
// mean then scales by 1/n.
// CHECK-LABEL: func @mae_mean
// CHECK-SAME: (%[[P:.*]]: tensor<8x4xf32>, %[[T:.*]]: tensor<8x4xf32>)
// CHECK: %[[S:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]}
// CHECK-SAME: ins(%[[P]], %[[T]] : tensor<8x4xf32>, tensor<8x4xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK: %[[D:.*]] = arith.subf %[[X]], %[[Y]]
// CHECK: %[[A:.*]] = math.absf %[[D]]
// CHECK: arith.addf %[[ACC]], %[[A]]
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<f32>)
// CHECK: arith.constant 3.125000e-02 : f32
// CHECK: arith.mulf
func.func @mae_mean(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<f32> {
  %0 = nn.mae_loss %p, %t : tensor<8x4xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// reduction = none is elementwise; sum has no epilogue.
// CHECK-LABEL: func @mse_none_sum
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NEXT: linalg.yield
// CHECK-NOT: linalg.generic
func.func @mse_none_sum(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> (tensor<8x4xf32>, tensor<f32>) {
  %0 = nn.mse_loss %p, %t {reduction = #nn.reduction<none>} : tensor<8x4xf32> -> tensor<8x4xf32>
  %1 = nn.mse_loss %p, %t {reduction = #nn.reduction<sum>} : tensor<8x4xf32> -> tensor<f32>
  return %0, %1 : tensor<8x4xf32>, tensor<f32>
}

// -----

// CHECK-LABEL: func @huber
// CHECK: %[[D:.*]] = arith.subf
// CHECK: %[[A:.*]] = math.absf %[[D]]
// CHECK: %[[DELTA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[SMALL:.*]] = arith.cmpf olt, %[[A]], %[[DELTA]]
// CHECK: %[[SQ:.*]] = arith.mulf %[[D]], %[[D]]
// CHECK: %[[Q:.*]] = arith.mulf %{{.*}}, %[[SQ]]
// CHECK: arith.constant 2.500000e-01 : f32
// CHECK: %[[L:.*]] = arith.mulf %[[DELTA]]
// CHECK: arith.select %[[SMALL]], %[[Q]], %[[L]]
func.func @huber(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %0 = nn.huber_loss %p, %t {delta = 0.5 : f32, reduction = #nn.reduction<none>} : tensor<8x4xf32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

// Softmax cross-entropy = stable log_softmax over the classes, then the
// weighted NLL: one reduction accumulates (loss, weight) with ignored labels
// weighing 0, and mean divides the two.
// CHECK-LABEL: func @softmax_cross_entropy
// CHECK-SAME: (%[[S:.*]]: tensor<8x5x2xf32>, %[[L:.*]]: tensor<8x2xi64>, %[[W:.*]]: tensor<5xf32>)
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: %[[LOGP:.*]] = linalg.generic
// CHECK: math.log
// CHECK: %[[SUMS:.*]]:2 = linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]}
// CHECK-SAME: ins(%[[L]] : tensor<8x2xi64>)
// CHECK: ^bb0(%[[LABEL:.*]]: i64, %[[LACC:.*]]: f32, %[[WACC:.*]]: f32):
// CHECK: %[[IGN:.*]] = arith.constant -100 : i64
// CHECK: %[[IS:.*]] = arith.cmpi eq, %[[LABEL]], %[[IGN]]
// CHECK: arith.index_cast %[[LABEL]]
// CHECK: %[[N:.*]] = linalg.index 0
// CHECK: %[[D:.*]] = linalg.index 1
// CHECK: %[[LP:.*]] = tensor.extract %[[LOGP]][%[[N]], %{{.*}}, %[[D]]] : tensor<8x5x2xf32>
// CHECK: %[[WT:.*]] = tensor.extract %[[W]][%{{.*}}] : tensor<5xf32>
// CHECK: %[[WSEL:.*]] = arith.select %[[IS]], %{{.*}}, %[[WT]]
// CHECK: %[[PROD:.*]] = arith.mulf %[[LP]], %[[WSEL]]
// CHECK: %[[NEG:.*]] = arith.negf %[[PROD]]
// CHECK: %[[NL:.*]] = arith.addf %[[LACC]], %[[NEG]]
// CHECK: %[[NW:.*]] = arith.addf %[[WACC]], %[[WSEL]]
// CHECK: linalg.yield %[[NL]], %[[NW]]
// CHECK: linalg.generic {{.*}} ins(%[[SUMS]]#0, %[[SUMS]]#1 : tensor<f32>, tensor<f32>)
// CHECK: arith.divf
func.func @softmax_cross_entropy(%s: tensor<8x5x2xf32>, %l: tensor<8x2xi64>, %w: tensor<5xf32>) -> (tensor<f32>, tensor<8x5x2xf32>) {
  %0:2 = nn.softmax_cross_entropy %s, %l, %w {ignore_index = -100 : i64} : (tensor<8x5x2xf32>, tensor<8x2xi64>, tensor<5xf32>) -> (tensor<f32>, tensor<8x5x2xf32>)
  return %0#0, %0#1 : tensor<f32>, tensor<8x5x2xf32>
}

// -----

// CHECK-LABEL: func @nll_none
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK-SAME: ins(%{{.*}} : tensor<4xi32>) outs(%{{.*}} : tensor<4xf32>)
// CHECK-NOT: arith.cmpi
// CHECK: tensor.extract
// CHECK: arith.negf
func.func @nll_none(%x: tensor<4x3xf32>, %l: tensor<4xi32>) -> tensor<4xf32> {
  %0 = nn.nll_loss %x, %l {reduction = #nn.reduction<none>} : (tensor<4x3xf32>, tensor<4xi32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Pairwise L1 distance: a reduction over D with x read per row, y per column,
// and a broadcast batch dim.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d2, d3)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func @manhattan
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[Y]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.subf
// CHECK: math.absf
// CHECK: arith.addf
func.func @manhattan(%x: tensor<2x8x4xf32>, %y: tensor<1x6x4xf32>) -> tensor<2x8x6xf32> {
  %0 = nn.manhattan_distance %x, %y : tensor<2x8x4xf32>, tensor<1x6x4xf32> -> tensor<2x8x6xf32>
  return %0 : tensor<2x8x6xf32>
}
