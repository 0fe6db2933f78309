// RUN: systolic-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// Reshapes are views: a collapse or expand when one shape refines the other,
// else both through rank 1.
// CHECK-LABEL: func @reshapes
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4xf32>)
// CHECK: tensor.collapse_shape %[[A]] {{\[\[}}0], [1, 2]] : tensor<2x3x4xf32> into tensor<2x12xf32>
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
func.func @reshapes(%a: tensor<2x3x4xf32>) -> (tensor<2x12xf32>, tensor<4x6xf32>) {
  %0 = nn.reshape %a : tensor<2x3x4xf32> -> tensor<2x12xf32>
  %1 = nn.reshape %a : tensor<2x3x4xf32> -> tensor<4x6xf32>
  return %0, %1 : tensor<2x12xf32>, tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func @transpose_expand
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>) permutation = [2, 0, 1]
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<3x1xf32> into tensor<3xf32>
// CHECK: linalg.broadcast ins(%[[C]] : tensor<3xf32>) outs(%{{.*}} : tensor<2x3x5xf32>) dimensions = [0, 2]
func.func @transpose_expand(%a: tensor<2x3x4xf32>, %b: tensor<3x1xf32>) -> (tensor<4x2x3xf32>, tensor<2x3x5xf32>) {
  %0 = nn.transpose %a {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %1 = nn.expand %b : tensor<3x1xf32> -> tensor<2x3x5xf32>
  return %0, %1 : tensor<4x2x3xf32>, tensor<2x3x5xf32>
}

// -----

// CHECK-LABEL: func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x1xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x7xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[B]] into %[[I0]][0, 3] [2, 1] [1, 1]
// CHECK: tensor.insert_slice %[[A]] into %[[I1]][0, 4] [2, 3] [1, 1]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x7xf32> {
  %0 = nn.concat %a, %b, %a {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x3xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

// Positive steps are a strided extract_slice; a negative step reads through
// an affine map (here input[7 - 2 i]).
// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1) -> (d0, d1 * -2 + 7)>
// CHECK-LABEL: func @slices
// CHECK: tensor.extract_slice %{{.*}}[1, 0] [2, 4] [2, 2] : tensor<4x8xf32> to tensor<2x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[REV]], #{{.*}}]
func.func @slices(%a: tensor<4x8xf32>) -> (tensor<2x4xf32>, tensor<4x4xf32>) {
  %0 = nn.slice %a {starts = array<i64: 1, 0>, ends = array<i64: 100, 8>, axes = array<i64: 0, 1>, steps = array<i64: 2, 2>} : tensor<4x8xf32> -> tensor<2x4xf32>
  %1 = nn.slice %a {starts = array<i64: -1>, ends = array<i64: -9>, axes = array<i64: 1>, steps = array<i64: -2>} : tensor<4x8xf32> -> tensor<4x4xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<4x4xf32>
}

// -----

// Gather reads data at indices from inside a generic over the result; the
// index wraps when negative and is clamped to the axis.
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func @gather
// CHECK-SAME: (%[[D:.*]]: tensor<3x5xf32>, %[[I:.*]]: tensor<2x4xi64>)
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #{{.*}}]
// CHECK-SAME: ins(%[[I]] : tensor<2x4xi64>)
// CHECK: %[[I0:.*]] = linalg.index 0
// CHECK: arith.index_cast
// CHECK: arith.select
// CHECK: arith.maxsi
// CHECK: %[[J:.*]] = arith.minsi
// CHECK: tensor.extract %[[D]][%[[I0]], %[[J]]] : tensor<3x5xf32>
func.func @gather(%d: tensor<3x5xf32>, %i: tensor<2x4xi64>) -> tensor<3x2x4xf32> {
  %0 = nn.gather %d, %i {axis = 1 : i64} : tensor<3x5xf32>, tensor<2x4xi64> -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

// Constant pads are tensor.pad; negative pads crop first.
// CHECK-LABEL: func @pad_constant
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}[0, 1] [3, 3] [1, 1] : tensor<3x4xf32> to tensor<3x3xf32>
// CHECK: %[[V:.*]] = arith.constant 1.500000e+00 : f32
// CHECK: tensor.pad %[[S]] low[1, 0] high[2, 0]
// CHECK: tensor.yield %[[V]]
// CHECK: } : tensor<3x3xf32> to tensor<6x3xf32>
func.func @pad_constant(%a: tensor<3x4xf32>) -> tensor<6x3xf32> {
  %0 = nn.pad %a {pads = array<i64: 1, -1, 2, 0>, value = 1.5 : f32} : tensor<3x4xf32> -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// -----

// reflect mirrors the index around the edges (without repeating them).
// CHECK-LABEL: func @pad_reflect
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: arith.subi
// CHECK: arith.cmpi slt
// CHECK: arith.cmpi sgt
// CHECK: arith.constant 6 : index
// CHECK: tensor.extract
func.func @pad_reflect(%a: tensor<4xf32>) -> tensor<7xf32> {
  %0 = nn.pad %a {pads = array<i64: 2, 1>, mode = #nn.pad_mode<reflect>} : tensor<4xf32> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// CHECK-LABEL: func @shape
// CHECK: %[[C:.*]] = arith.constant dense<[3, 4]> : tensor<2xi64>
// CHECK: return %[[C]]
func.func @shape(%a: tensor<2x3x4xf32>) -> tensor<2xi64> {
  %0 = nn.shape %a {start = 1 : i64} : tensor<2x3x4xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
