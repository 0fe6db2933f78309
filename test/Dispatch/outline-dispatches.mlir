// RUN: systolic-opt %s -systolic-outline-dispatches=max-inlined-constant-elements=8 | FileCheck %s
// RUN: systolic-opt %s -systolic-outline-dispatches | FileCheck %s --check-prefix=INLINE

// CHECK-LABEL: func.func private @d0_constant
// CHECK-NEXT: arith.constant dense<3.000000e+00> : tensor<2xf32>
// CHECK-LABEL: func.func private @d1_matmul_fc1
// CHECK-SAME: (%{{.*}}: tensor<4x8xf32>) -> tensor<4x16xf32> attributes {systolic.dispatch = "fc1"}
// Splat constants are cloned into the dispatch whatever their size.
// CHECK: arith.constant dense<1.000000e+00> : tensor<8x16xf32>
// CHECK: nn.matmul
// CHECK: func.func private @d2_add_bias(%{{.*}}: tensor<4x16xf32>, %{{.*}}: tensor<1x16xf32>)
// CHECK: func.func private @d3_relu
// CHECK-SAME: systolic.dispatch = "d3_relu"

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[Y:.*]]: tensor<4x8xf32>)
// CHECK: %[[B:.*]] = arith.constant dense<{{.*}}> : tensor<1x16xf32>
// CHECK: %[[C:.*]] = call @d0_constant()
// CHECK: %[[MM:.*]] = call @d1_matmul_fc1(%[[X]])
// CHECK: %[[ADD:.*]] = call @d2_add_bias(%[[MM]], %[[B]])
// CHECK: %[[R:.*]] = call @d3_relu(%[[ADD]])
// CHECK: %[[L:.*]] = call @d4_mae_loss(%[[X]], %[[Y]])
// CHECK: return %[[R]], %[[L]], %[[C]]

// Below the default threshold, the bias is cloned too.
// INLINE: func.func private @d2_add_bias(%{{.*}}: tensor<4x16xf32>) -> tensor<4x16xf32>
func.func @main(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> (tensor<4x16xf32>, tensor<f32>, tensor<2xf32>) {
  %w = arith.constant dense<1.0> : tensor<8x16xf32>
  %b = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]]> : tensor<1x16xf32>
  %c = arith.constant dense<3.0> : tensor<2xf32>
  %0 = nn.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32> loc("fc1")
  %1 = nn.add %0, %b : tensor<4x16xf32>, tensor<1x16xf32> -> tensor<4x16xf32> loc("bias")
  %2 = nn.relu %1 : tensor<4x16xf32>
  %3 = nn.mae_loss %x, %y : tensor<4x8xf32> -> tensor<f32>
  return %2, %3, %c : tensor<4x16xf32>, tensor<f32>, tensor<2xf32>
}

