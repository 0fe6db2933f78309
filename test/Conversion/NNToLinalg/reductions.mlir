// RUN: systolic-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// One reduction generic (the reduced dims are reduction iterators), then a
// view back to the keepdims shape.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-LABEL: func @reduce_sum_keepdims
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%[[FILL]] : tensor<2xf32>)
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[SUM]] {{\[\[}}0, 1, 2]] output_shape [2, 1, 1] : tensor<2xf32> into tensor<2x1x1xf32>
func.func @reduce_sum_keepdims(%a: tensor<2x3x4xf32>) -> tensor<2x1x1xf32> {
  %0 = nn.reduce_sum %a {axes = array<i64: 1, -1>} : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
  return %0 : tensor<2x1x1xf32>
}

// -----

// Mean is the sum times 1/n, in an elementwise epilogue.
// CHECK-LABEL: func @reduce_mean
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.constant 0.333333343 : f32
// CHECK: arith.mulf
// CHECK-NOT: tensor.expand_shape
func.func @reduce_mean(%a: tensor<3x4xf32>) -> tensor<4xf32> {
  %0 = nn.reduce_mean %a {axes = array<i64: 0>, keepdims = false} : tensor<3x4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Empty axes reduce everything, to rank 0.
// CHECK-LABEL: func @reduce_max_all
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: arith.maximumf
// CHECK: -> tensor<f32>
func.func @reduce_max_all(%a: tensor<3x4xf32>) -> tensor<f32> {
  %0 = nn.reduce_max %a {axes = array<i64>, keepdims = false} : tensor<3x4xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// The elementwise prologue of l1/l2/sum_square is fused into the reduction.
// CHECK-LABEL: func @norms
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK: %[[ABS:.*]] = math.absf %[[X]]
// CHECK: arith.addf %[[ACC]], %[[ABS]]
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X2:.*]]: f32, %[[ACC2:.*]]: f32):
// CHECK: %[[SQ:.*]] = arith.mulf %[[X2]], %[[X2]]
// CHECK: arith.addf %[[ACC2]], %[[SQ]]
// CHECK: linalg.generic
// CHECK: math.sqrt
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: linalg.generic
// CHECK: arith.minimumf
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK: linalg.generic
// CHECK: arith.mulf
func.func @norms(%a: tensor<3x4xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %0 = nn.reduce_l1 %a {axes = array<i64: 1>, keepdims = false} : tensor<3x4xf32> -> tensor<3xf32>
  %1 = nn.reduce_l2 %a {axes = array<i64: 1>, keepdims = false} : tensor<3x4xf32> -> tensor<3xf32>
  %2 = nn.reduce_sum_square %a {axes = array<i64: 1>, keepdims = false} : tensor<3x4xf32> -> tensor<3xf32>
  %3 = nn.reduce_min %a {axes = array<i64: 1>, keepdims = false} : tensor<3x4xf32> -> tensor<3xf32>
  %4 = nn.reduce_prod %a {axes = array<i64: 1>, keepdims = false} : tensor<3x4xf32> -> tensor<3xf32>
  return %0, %1, %2, %3, %4 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Integer reductions use integer arithmetic; the integer mean divides.
// CHECK-LABEL: func @integer_reductions
// CHECK: arith.constant -9223372036854775808 : i64
// CHECK: arith.maxsi
// CHECK: arith.addi
// CHECK: arith.divsi
func.func @integer_reductions(%a: tensor<3x4xi64>) -> (tensor<3xi64>, tensor<3xi64>) {
  %0 = nn.reduce_max %a {axes = array<i64: 1>, keepdims = false} : tensor<3x4xi64> -> tensor<3xi64>
  %1 = nn.reduce_mean %a {axes = array<i64: 1>, keepdims = false} : tensor<3x4xi64> -> tensor<3xi64>
  return %0, %1 : tensor<3xi64>, tensor<3xi64>
}

// -----

// argmax carries (value, index) through one reduction; ties keep the first
// index (strict ogt) unless select_last_index (oge).
// CHECK-LABEL: func @argmax
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: ^bb0(%[[X:.*]]: f32, %[[BEST:.*]]: f32, %[[IDX:.*]]: i64):
// CHECK: %[[BETTER:.*]] = arith.cmpf ogt, %[[X]], %[[BEST]]
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: arith.select %[[BETTER]], %[[X]], %[[BEST]]
// CHECK: arith.select %[[BETTER]], %[[I64]], %[[IDX]]
// CHECK: tensor.expand_shape %[[R]]#1
// CHECK: arith.cmpf ole
func.func @argmax(%a: tensor<3x4xf32>) -> (tensor<3x1xi64>, tensor<3xi64>) {
  %0 = nn.argmax %a {axis = 1 : i64} : tensor<3x4xf32> -> tensor<3x1xi64>
  %1 = nn.argmin %a {axis = -1 : i64, keepdims = false, select_last_index = true} : tensor<3x4xf32> -> tensor<3xi64>
  return %0, %1 : tensor<3x1xi64>, tensor<3xi64>
}

// -----

// Stable softmax: max, then sum of exp(x - max), then exp(x - max) / sum.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[KEPT:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func @softmax
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]]
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]]]
// CHECK-SAME: ins(%{{.*}}, %[[MAX]] :
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: %[[M2:.*]] = tensor.expand_shape %[[MAX]]
// CHECK: %[[S2:.*]] = tensor.expand_shape %[[SUM]]
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[KEPT]], #[[KEPT]], #[[ID]]]
// CHECK-SAME: ins(%{{.*}}, %[[M2]], %[[S2]] :
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.divf
func.func @softmax(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = nn.softmax %a : tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func @log_softmax_axis0
// CHECK: iterator_types = ["reduction", "parallel"]
// CHECK: iterator_types = ["reduction", "parallel"]
// CHECK: arith.subf
// CHECK: math.log
// CHECK: arith.subf
func.func @log_softmax_axis0(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = nn.log_softmax %a {axis = 0 : i64} : tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func @global_pools
// CHECK: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.addf
// CHECK: arith.constant 0.0833333358 : f32
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x1x1xf32>
// CHECK: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.maximumf
func.func @global_pools(%a: tensor<2x3x4x3xf32>) -> (tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>) {
  %0 = nn.global_avg_pool %a : tensor<2x3x4x3xf32> -> tensor<2x3x1x1xf32>
  %1 = nn.global_max_pool %a : tensor<2x3x4x3xf32> -> tensor<2x3x1x1xf32>
  return %0, %1 : tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>
}

// -----

// A reduction over trailing dims of 64 or more elements (a multiple of 32)
// keeps 32 partial results side by side: [2, 1, 8, 8] -> [2, 1, 2, 32],
// reduce the 2-dim (32 independent accumulators, vector adds), then the 32
// lanes.
// CHECK-LABEL: func @global_avg_pool_split
// CHECK: tensor.expand_shape {{.*}} into tensor<2x1x2x32xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK: arith.addf
// CHECK: -> tensor<2x1x32xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.addf
// CHECK: -> tensor<2x1xf32>
// CHECK: arith.constant 1.562500e-02 : f32
func.func @global_avg_pool_split(%a: tensor<2x1x8x8xf32>) -> tensor<2x1x1x1xf32> {
  %0 = nn.global_avg_pool %a : tensor<2x1x8x8xf32> -> tensor<2x1x1x1xf32>
  return %0 : tensor<2x1x1x1xf32>
}
