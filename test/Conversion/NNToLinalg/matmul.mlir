// RUN: systolic-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func @matmul_2d
// CHECK-SAME: (%[[A:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<3x5xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<4x5xf32>)
// CHECK: %[[R:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<4x3xf32>, tensor<3x5xf32>) outs(%[[FILL]] : tensor<4x5xf32>)
// CHECK: return %[[R]]
func.func @matmul_2d(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>) -> tensor<4x5xf32> {
  %0 = nn.matmul %a, %b : tensor<4x3xf32>, tensor<3x5xf32> -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// A shared rank-2 rhs: the lhs batch folds into the rows of one matmul.
// CHECK-LABEL: func @matmul_shared_rhs
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<5x2x3xf32> into tensor<10x3xf32>
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[FLAT]], %{{.*}} : tensor<10x3xf32>, tensor<3x4xf32>)
// CHECK: tensor.expand_shape %[[MM]] {{\[\[}}0, 1], [2]] output_shape [5, 2, 4]
func.func @matmul_shared_rhs(%a: tensor<5x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<5x2x4xf32> {
  %0 = nn.matmul %a, %b : tensor<5x2x3xf32>, tensor<3x4xf32> -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// -----

// Batch dims collapse into one batch_matmul; a broadcast batch dim is
// materialized by linalg.broadcast.
// CHECK-LABEL: func @batch_matmul_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4x5xf32>, %[[B:.*]]: tensor<1x3x5x6xf32>)
// CHECK: %[[A2:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x5xf32> into tensor<6x4x5xf32>
// CHECK: %[[B1:.*]] = tensor.collapse_shape %[[B]] {{\[\[}}0, 1], [2], [3]] : tensor<1x3x5x6xf32> into tensor<3x5x6xf32>
// CHECK: %[[BB:.*]] = linalg.broadcast ins(%[[B1]] : tensor<3x5x6xf32>) outs(%{{.*}} : tensor<2x3x5x6xf32>) dimensions = [0]
// CHECK: %[[B2:.*]] = tensor.collapse_shape %[[BB]] {{\[\[}}0, 1], [2], [3]] : tensor<2x3x5x6xf32> into tensor<6x5x6xf32>
// CHECK: %[[R:.*]] = linalg.batch_matmul ins(%[[A2]], %[[B2]] : tensor<6x4x5xf32>, tensor<6x5x6xf32>)
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 4, 6]
func.func @batch_matmul_broadcast(%a: tensor<2x3x4x5xf32>, %b: tensor<1x3x5x6xf32>) -> tensor<2x3x4x6xf32> {
  %0 = nn.matmul %a, %b : tensor<2x3x4x5xf32>, tensor<1x3x5x6xf32> -> tensor<2x3x4x6xf32>
  return %0 : tensor<2x3x4x6xf32>
}

// -----

// Rank-1 operands are promoted with unit dims that the result drops.
// CHECK-LABEL: func @vector_matrix
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 3] : tensor<3xf32> into tensor<1x3xf32>
// CHECK: linalg.matmul
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<1x4xf32> into tensor<4xf32>
func.func @vector_matrix(%a: tensor<3xf32>, %b: tensor<3x4xf32>) -> tensor<4xf32> {
  %0 = nn.matmul %a, %b : tensor<3xf32>, tensor<3x4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// gemm with a constant trans_b weight: the transpose happens at compile time
// and c (times beta) initializes the accumulator.
// CHECK-LABEL: func @gemm_constant_weight
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[C:.*]]: tensor<4xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[WT:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00, 7.000000e+00, 1.000000e+01], [2.000000e+00, 5.000000e+00, 8.000000e+00, 1.100000e+01], [3.000000e+00, 6.000000e+00, 9.000000e+00, 1.200000e+01]]> : tensor<3x4xf32>
// CHECK: %[[INIT:.*]] = linalg.generic
// CHECK-SAME: ins(%[[C]] : tensor<4xf32>)
// CHECK: arith.constant 5.000000e-01 : f32
// CHECK: arith.mulf
// CHECK: linalg.matmul ins(%[[A]], %[[WT]] : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[INIT]] : tensor<2x4xf32>)
func.func @gemm_constant_weight(%a: tensor<2x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]> : tensor<4x3xf32>
  %0 = nn.gemm %a, %w, %c {trans_b = true, beta = 0.5 : f32} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// A runtime operand is transposed by linalg.transpose; alpha != 1 scales in
// an epilogue that also adds beta * c.
// CHECK-LABEL: func @gemm_alpha
// CHECK: linalg.transpose ins(%{{.*}} : tensor<3x2xf32>) outs(%{{.*}} : tensor<2x3xf32>) permutation = [1, 0]
// CHECK: linalg.matmul
// CHECK: linalg.generic
// CHECK: arith.constant 2.000000e+00 : f32
// CHECK: arith.mulf
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @gemm_alpha(%a: tensor<3x2xf32>, %b: tensor<3x4xf32>, %c: tensor<1x4xf32>) -> tensor<2x4xf32> {
  %0 = nn.gemm %a, %b, %c {trans_a = true, alpha = 2.0 : f32} : (tensor<3x2xf32>, tensor<3x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
