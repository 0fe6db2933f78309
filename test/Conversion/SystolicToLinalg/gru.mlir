// RUN: systolic-opt %s -convert-systolic-to-linalg | FileCheck %s
// RUN: systolic-opt %s -systolic-cpu-codegen | FileCheck %s --check-prefix=CPU

// linear_before_reset: the input projections of all steps in one matmul,
// then a loop over time (backward: step index 4 - t) that multiplies h by wh
// and runs the gates and h in one generic over [batch, H], reading h_bias per
// unit; the n gate's recurrent term is (r * (h x wh_n + h_bias)) >> 7 in int64.
// CHECK-LABEL: func.func @linear_before_reset
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<10x3xi8>, tensor<3x12xi8>) outs(%{{.*}} : tensor<10x12xi32>)
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<2x4xi8>, tensor<5x1x2x4xi8>)
// CHECK: %[[BACK:.*]] = arith.subi %{{.*}}, %[[T]] : index
// CHECK: linalg.matmul ins(%[[H]], %{{.*}} : tensor<2x4xi8>, tensor<4x12xi8>) outs(%{{.*}} : tensor<2x12xi32>)
// CHECK: linalg.generic
// CHECK-SAME: tensor<4xi32>) outs(%[[H]] : tensor<2x4xi8>)
// CHECK: arith.shrsi %{{.*}}, %c7_i64 : i64
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%[[BACK]], 0, 0, 0] [1, 1, 2, 4] [1, 1, 1, 1] : tensor<2x4xi8> into tensor<5x1x2x4xi8>
// CPU-LABEL: llvm.func internal @__systolic_impl_linear_before_reset
// CPU-NOT: systolic.gru
func.func @linear_before_reset(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x12xi8>, %wh: tensor<1x4x12xi8>,
                               %p: tensor<1x3x12xi32>, %hb: tensor<1x4xi32>, %sig: tensor<256xi8>,
                               %tanh: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  %y = systolic.gru %x, %wx, %wh, %p, %sig, %tanh h_bias %hb {linear_before_reset, reverse}
      : (tensor<5x2x3xi8>, tensor<1x3x12xi8>, tensor<1x4x12xi8>, tensor<1x3x12xi32>, tensor<256xi8>, tensor<256xi8>, tensor<1x4xi32>) -> tensor<5x1x2x4xi8>
  return %y : tensor<5x1x2x4xi8>
}

// Reset first: a generic forms r * h (int8), which multiplies wh's n columns
// before the generic of the gates and h reads the result per [batch, H].
// CHECK-LABEL: func.func @reset_first
// CHECK: %[[WHN:.*]] = tensor.extract_slice %{{.*}}[0, 8] [4, 4] [1, 1] : tensor<4x12xi8> to tensor<4x4xi8>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK: linalg.matmul ins(%[[H]], %{{.*}} : tensor<2x4xi8>, tensor<4x12xi8>)
// CHECK: %[[RH:.*]] = linalg.generic
// CHECK: linalg.matmul ins(%[[RH]], %[[WHN]] : tensor<2x4xi8>, tensor<4x4xi8>) outs(%{{.*}} : tensor<2x4xi32>)
// CHECK: linalg.generic
// CHECK-SAME: tensor<2x4xi32>) outs(%[[H]] : tensor<2x4xi8>)
// CHECK-NOT: arith.shrsi %{{.*}}, %c7_i64 : i64
// CHECK: scf.yield
func.func @reset_first(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x12xi8>, %wh: tensor<1x4x12xi8>,
                       %p: tensor<1x3x12xi32>, %sig: tensor<256xi8>, %tanh: tensor<256xi8>)
    -> tensor<5x1x2x4xi8> {
  %y = systolic.gru %x, %wx, %wh, %p, %sig, %tanh
      : (tensor<5x2x3xi8>, tensor<1x3x12xi8>, tensor<1x4x12xi8>, tensor<1x3x12xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %y : tensor<5x1x2x4xi8>
}
