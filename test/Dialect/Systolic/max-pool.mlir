// RUN: systolic-opt %s | systolic-opt | FileCheck %s

// CHECK-LABEL: func.func @pools
func.func @pools(%x: tensor<1x112x112x64xi8>, %y: tensor<1x5x7x3xi8>)
    -> (tensor<1x56x56x64xi8>, tensor<1x3x4x3xi8>, tensor<1x2x3x3xi8>, tensor<1x5x7x3xi8>) {
  // CHECK: systolic.max_pool %{{.*}} {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x112x112x64xi8> -> tensor<1x56x56x64xi8>
  %a = systolic.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
      : tensor<1x112x112x64xi8> -> tensor<1x56x56x64xi8>
  // ceil_mode: (5 - 2) / 2 rounds up to 2 + 1 = 3 rows, (7 - 2) / 2 to 3 + 1 = 4 columns.
  // CHECK: systolic.max_pool %{{.*}} {ceil_mode = true, {{.*}}} : tensor<1x5x7x3xi8> -> tensor<1x3x4x3xi8>
  %b = systolic.max_pool %y {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true}
      : tensor<1x5x7x3xi8> -> tensor<1x3x4x3xi8>
  // Without ceil_mode: floor.
  %c = systolic.max_pool %y {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : tensor<1x5x7x3xi8> -> tensor<1x2x3x3xi8>
  // Dilated, asymmetric pads, "same" shape.
  // CHECK: systolic.max_pool %{{.*}} {dilations = array<i64: 2, 1>, kernel_shape = array<i64: 2, 3>, pads = array<i64: 1, 2, 1, 0>, strides = array<i64: 1, 1>}
  %d = systolic.max_pool %y {kernel_shape = array<i64: 2, 3>, strides = array<i64: 1, 1>,
      pads = array<i64: 1, 2, 1, 0>, dilations = array<i64: 2, 1>}
      : tensor<1x5x7x3xi8> -> tensor<1x5x7x3xi8>
  return %a, %b, %c, %d : tensor<1x56x56x64xi8>, tensor<1x3x4x3xi8>, tensor<1x2x3x3xi8>, tensor<1x5x7x3xi8>
}
