// RUN: systolic-opt %s -convert-systolic-to-linalg | FileCheck %s
// RUN: systolic-opt %s -systolic-cpu-codegen | FileCheck %s --check-prefix=CPU

// Per direction: the input projections of all steps in one int8 x int8 ->
// int32 matmul, then a loop over time (backward for direction 1) that adds
// h x wh onto the step's projection and runs the gates, the cell update and
// h in one generic over [batch, H], writing h into the result.
// CHECK-LABEL: func.func @bidirectional
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<5x2x3xi8> into tensor<10x3xi8>
// CHECK: linalg.matmul ins(%[[FLAT]], %{{.*}} : tensor<10x3xi8>, tensor<3x16xi8>) outs(%{{.*}} : tensor<10x16xi32>)
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %{{.*}}, %[[C:.*]] = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<2x4xi8>, tensor<2x4xi32>, tensor<5x2x2x4xi8>)
// CHECK: linalg.matmul ins(%[[H]], %{{.*}} : tensor<2x4xi8>, tensor<4x16xi8>) outs(%{{.*}} : tensor<2x16xi32>)
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [2, 4, 4] : tensor<2x16xi32> into tensor<2x4x4xi32>
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[H]], %[[C]] : tensor<2x4xi8>, tensor<2x4xi32>)
// The cell update: (f * c) >> 7 in int64, plus i * g.
// CHECK: arith.shrsi %{{.*}}, %{{.*}} : i64
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%[[T]], 0, 0, 0] [1, 1, 2, 4] [1, 1, 1, 1] : tensor<2x4xi8> into tensor<5x2x2x4xi8>
// The second direction runs backward: step index 4 - t.
// CHECK: scf.for %[[T2:[a-z0-9_]+]] =
// CHECK: %[[BACK:.*]] = arith.subi %{{.*}}, %[[T2]] : index
// CHECK: tensor.insert_slice %{{.*}}[%[[BACK]], 1, 0, 0]
// CPU-LABEL: llvm.func internal @__systolic_impl_bidirectional
// CPU-NOT: systolic.lstm
func.func @bidirectional(%x: tensor<5x2x3xi8>, %wx: tensor<2x3x16xi8>, %wh: tensor<2x4x16xi8>,
                         %p: tensor<2x3x16xi32>, %sig: tensor<256xi8>, %tanh: tensor<256xi8>)
    -> tensor<5x2x2x4xi8> {
  %y = systolic.lstm %x, %wx, %wh, %p, %sig, %tanh {cell_shift = 9}
      : (tensor<5x2x3xi8>, tensor<2x3x16xi8>, tensor<2x4x16xi8>, tensor<2x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x2x2x4xi8>
  return %y : tensor<5x2x2x4xi8>
}
