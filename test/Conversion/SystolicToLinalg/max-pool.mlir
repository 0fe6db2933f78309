// RUN: systolic-opt %s -convert-systolic-to-linalg -split-input-file | FileCheck %s
// RUN: systolic-opt %s -systolic-cpu-codegen -split-input-file | FileCheck %s --check-prefix=CPU

// Padding is -128 (the identity of int8 max: it never wins, as on the
// accelerator, which skips padded taps), the pooling is signed.
// CHECK-LABEL: func.func @stem
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x3xi8>)
// CHECK: %[[LOW:.*]] = arith.constant -128 : i8
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[LOW]] : i8
// CHECK: } : tensor<1x8x8x3xi8> to tensor<1x10x10x3xi8>
// The windows read 9 of the 10 padded rows and columns.
// CHECK: %[[USED:.*]] = tensor.extract_slice %[[PAD]][0, 0, 0, 0] [1, 9, 9, 3] [1, 1, 1, 1]
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[LOW]] : i8) outs(%{{.*}} : tensor<1x4x4x3xi8>)
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<3x3xi8>
// CHECK: linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[USED]], %[[WIN]] : tensor<1x9x9x3xi8>, tensor<3x3xi8>) outs(%[[INIT]] : tensor<1x4x4x3xi8>)
// CPU-LABEL: llvm.func internal @__systolic_impl_stem
// CPU-NOT: systolic.max_pool
// CPU: llvm.intr.smax({{.*}}) : (i8, i8) -> i8
func.func @stem(%x: tensor<1x8x8x3xi8>) -> tensor<1x4x4x3xi8> {
  %p = systolic.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
      : tensor<1x8x8x3xi8> -> tensor<1x4x4x3xi8>
  return %p : tensor<1x4x4x3xi8>
}

// -----

// ceil_mode: the last window reaches past the input and gets extra -128
// padding at the end.
// CHECK-LABEL: func.func @ceil
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK: } : tensor<1x5x7x2xi8> to tensor<1x6x8x2xi8>
// CHECK: linalg.pooling_nhwc_max {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x8x2xi8>, tensor<2x2xi8>) outs(%{{.*}} : tensor<1x3x4x2xi8>)
func.func @ceil(%x: tensor<1x5x7x2xi8>) -> tensor<1x3x4x2xi8> {
  %p = systolic.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true}
      : tensor<1x5x7x2xi8> -> tensor<1x3x4x2xi8>
  return %p : tensor<1x3x4x2xi8>
}

// -----

// No padding: the input is pooled as is.
// CHECK-LABEL: func.func @plain
// CHECK-NOT: tensor.pad
// CHECK: linalg.pooling_nhwc_max {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%arg0, %{{.*}} : tensor<1x6x4x5xi8>, tensor<2x2xi8>)
func.func @plain(%x: tensor<1x6x4x5xi8>) -> tensor<1x4x3x5xi8> {
  %p = systolic.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 1>}
      : tensor<1x6x4x5xi8> -> tensor<1x4x3x5xi8>
  return %p : tensor<1x4x3x5xi8>
}
