// RUN: systolic-opt %s -systolic-quantize=report-placement -split-input-file 2>%t.report | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.report

// conv -> relu -> max_pool -> padded conv: the pooling runs on the int8 NHWC
// twin, keeps its input's scale and zero point (its own calibration range is
// ignored), and the padded conv's need for zero point 0 reaches back through
// the pool to the relu. A pool of a CPU value stays on the CPU.
// CHECK-LABEL: func.func @main
// CHECK: %[[C:.*]] = systolic.conv2d %{{.*}} {activation = #systolic.activation<relu>, {{.*}}output_zero_point = 0 : i64
// CHECK-SAME: -> tensor<1x6x6x2xi8>
// CHECK-NEXT: %[[P:.*]] = systolic.max_pool %[[C]] {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x6x6x2xi8> -> tensor<1x3x3x2xi8>
// CHECK: nn.pad %[[P]]
// CHECK: systolic.conv2d {{.*}}input_zero_point = 0 : i64
// CHECK: nn.max_pool %arg0
// CHECK-NOT: systolic.dequantize {{.*}}tensor<1x2x3x3xi8>
func.func @main(%x: tensor<1x2x6x6xf32> {systolic.calibration = array<f64: -1.0, 1.0>})
    -> (tensor<1x3x3x3xf32>, tensor<1x2x3x3xf32>) {
  %w = arith.constant dense<0.5> : tensor<2x2x3x3xf32>
  %c = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      pads = array<i64: 1, 1, 1, 1>, systolic.calibration = array<f64: -3.0, 5.0>}
      : (tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  %r = nn.relu %c {systolic.calibration = array<f64: 0.0, 5.0>} : tensor<1x2x6x6xf32>
  %p = nn.max_pool %r {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, systolic.calibration = array<f64: 0.0, 4.0>}
      : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  %w2 = arith.constant dense<0.25> : tensor<3x2x3x3xf32>
  %d = nn.conv %p, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      pads = array<i64: 1, 1, 1, 1>, systolic.calibration = array<f64: -2.0, 2.0>}
      : (tensor<1x2x3x3xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32>
  %q = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, systolic.calibration = array<f64: -1.0, 1.0>}
      : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %d, %q : tensor<1x3x3x3xf32>, tensor<1x2x3x3xf32>
}

// REPORT: placement of @main: 4 ops on accel, 1 on cpu
// REPORT-NEXT: accel  nn.conv: systolic.conv2d, relu fused
// REPORT-NEXT: accel  nn.relu: fused into nn.conv
// REPORT-NEXT: accel  nn.max_pool: systolic.max_pool
// REPORT-NEXT: accel  nn.conv: systolic.conv2d
// REPORT-NEXT: cpu  nn.max_pool: its input is computed on the CPU in f32 (pooling it on the array would only add a quantize/dequantize round trip)

// -----

// 1-D pooling (ceil_mode) runs as 2-D over [N, 1, W, C] and is dequantized
// with the conv's scale and zero point for the CPU; a pool with an indices
// result stays on the CPU.
// CHECK-LABEL: func.func @main
// CHECK: %[[C1:.*]] = systolic.conv2d {{.*}}output_zero_point = -128 : i64{{.*}} -> tensor<1x1x7x2xi8>
// CHECK: %[[P1:.*]] = systolic.max_pool %[[C1]] {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 2>} : tensor<1x1x7x2xi8> -> tensor<1x1x4x2xi8>
// CHECK: %[[R1:.*]] = nn.reshape %[[P1]] {{.*}} -> tensor<1x4x2xi8>
// CHECK: %[[T1:.*]] = nn.transpose %[[R1]] {perm = array<i64: 0, 2, 1>}
// CHECK: systolic.dequantize %[[T1]] {scale = 0.0196{{[0-9]*}} : f64, zero_point = -128 : i64} : tensor<1x2x4xi8> -> tensor<1x2x4xf32>
// CHECK: nn.max_pool %{{.*}} {{.*}}storage_order = 0
func.func @main(%x: tensor<1x2x7xf32> {systolic.calibration = array<f64: -1.0, 1.0>})
    -> (tensor<1x2x4xf32>, tensor<1x2x6xf32>, tensor<1x2x6xi64>) {
  %w = arith.constant dense<0.5> : tensor<2x2x1xf32>
  %c = nn.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
      pads = array<i64: 0, 0>, systolic.calibration = array<f64: 0.0, 5.0>}
      : (tensor<1x2x7xf32>, tensor<2x2x1xf32>) -> tensor<1x2x7xf32>
  %p = nn.max_pool %c {kernel_shape = array<i64: 2>, strides = array<i64: 2>,
      pads = array<i64: 0, 0>, dilations = array<i64: 1>, ceil_mode = true,
      systolic.calibration = array<f64: 0.0, 5.0>}
      : tensor<1x2x7xf32> -> tensor<1x2x4xf32>
  %m, %i = nn.max_pool %c {kernel_shape = array<i64: 2>, strides = array<i64: 1>,
      pads = array<i64: 0, 0>, dilations = array<i64: 1>, storage_order = 0 : i64,
      systolic.calibration = array<f64: 0.0, 5.0>}
      : tensor<1x2x7xf32> -> tensor<1x2x6xf32>, tensor<1x2x6xi64>
  return %p, %m, %i : tensor<1x2x4xf32>, tensor<1x2x6xf32>, tensor<1x2x6xi64>
}

// REPORT: placement of @main: 2 ops on accel, 1 on cpu
// REPORT-NEXT: accel  nn.conv: systolic.conv2d
// REPORT-NEXT: accel  nn.max_pool: systolic.max_pool
// REPORT-NEXT: cpu  nn.max_pool: its indices result (storage_order) is not computed on the array

// -----

// 3-D max pooling is separable: a 2-D pooling of every frame over (H, W),
// then a (KD, 1) pooling over (D, H*W). A global max pool is one window over
// the whole plane.
// CHECK-LABEL: func.func @main
// CHECK: %[[V:.*]] = nn.reshape %{{.*}} : tensor<1x4x5x5x2xi8> -> tensor<4x5x5x2xi8>
// CHECK: %[[PLANE:.*]] = systolic.max_pool %[[V]] {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 1>} : tensor<4x5x5x2xi8> -> tensor<4x3x3x2xi8>
// CHECK: %[[COLS:.*]] = nn.reshape %[[PLANE]] : tensor<4x3x3x2xi8> -> tensor<1x4x9x2xi8>
// CHECK: %[[DEPTH:.*]] = systolic.max_pool %[[COLS]] {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 1>} : tensor<1x4x9x2xi8> -> tensor<1x2x9x2xi8>
// CHECK: nn.reshape %[[DEPTH]] : tensor<1x2x9x2xi8> -> tensor<1x2x3x3x2xi8>
// CHECK: %[[C:.*]] = systolic.conv2d %{{.*}} -> tensor<1x5x5x2xi8>
// CHECK-NEXT: systolic.max_pool %[[C]] {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : tensor<1x5x5x2xi8> -> tensor<1x1x1x2xi8>
func.func @main(%x: tensor<1x2x4x5x5xf32> {systolic.calibration = array<f64: -1.0, 1.0>},
                %y: tensor<1x2x5x5xf32> {systolic.calibration = array<f64: -1.0, 1.0>})
    -> (tensor<1x2x2x3x3xf32>, tensor<1x2x1x1xf32>) {
  %w = arith.constant dense<0.5> : tensor<2x2x1x1x1xf32>
  %c = nn.conv %x, %w {strides = array<i64: 1, 1, 1>, dilations = array<i64: 1, 1, 1>,
      pads = array<i64: 0, 0, 0, 0, 0, 0>, systolic.calibration = array<f64: 0.0, 5.0>}
      : (tensor<1x2x4x5x5xf32>, tensor<2x2x1x1x1xf32>) -> tensor<1x2x4x5x5xf32>
  %p = nn.max_pool %c {kernel_shape = array<i64: 2, 3, 3>, strides = array<i64: 2, 2, 1>,
      pads = array<i64: 0, 1, 0, 0, 1, 0>, dilations = array<i64: 1, 1, 1>,
      systolic.calibration = array<f64: 0.0, 5.0>}
      : tensor<1x2x4x5x5xf32> -> tensor<1x2x2x3x3xf32>
  %w2 = arith.constant dense<0.5> : tensor<2x2x1x1xf32>
  %c2 = nn.conv %y, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, systolic.calibration = array<f64: 0.0, 5.0>}
      : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x5x5xf32>
  %g = nn.global_max_pool %c2 {systolic.calibration = array<f64: 0.0, 5.0>}
      : tensor<1x2x5x5xf32> -> tensor<1x2x1x1xf32>
  return %p, %g : tensor<1x2x2x3x3xf32>, tensor<1x2x1x1xf32>
}

// REPORT: placement of @main: 4 ops on accel, 0 on cpu
// REPORT-NEXT: accel  nn.conv: systolic.conv2d
// REPORT-NEXT: accel  nn.max_pool: systolic.max_pool x2 (each frame, then across frames)
// REPORT-NEXT: accel  nn.conv: systolic.conv2d
// REPORT-NEXT: accel  nn.global_max_pool: systolic.max_pool
