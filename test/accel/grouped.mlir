// RUN: systolic-opt %s -split-input-file -systolic-quantize=report-placement 2>%t.report | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.report
// RUN: systolic-opt %s -split-input-file -systolic-quantize="accel-config=4x4" | FileCheck %s --check-prefix=SMALL

// A depthwise convolution's 8 groups of one channel merge into one group of 8
// diagonal blocks on a 16x16 array (two groups of 4 on a 4x4 one). On 16x16
// its 3 column taps are then folded into 24 channels: a [3, 1, 24, 8] weight,
// zero off the diagonal of every tap, with column dilation and stride 1.
// CHECK-LABEL: func.func @main
// CHECK: nn.concat {{.*}} -> tensor<1x6x2x24xi8>
// CHECK: systolic.conv2d {{.*}}diagonal_blocks = 8 : i64, dilations = array<i64: 2, 1>, {{.*}} : (tensor<1x6x2x24xi8>, tensor<3x1x24x8xi8>, tensor<3x8xi32>) -> tensor<1x2x2x8xi8>
// SMALL: systolic.conv2d {{.*}}diagonal_blocks = 4 : i64, dilations = array<i64: 2, 2>, group = 2 : i64{{.*}} : (tensor<1x6x6x8xi8>, tensor<3x3x4x8xi8>, tensor<3x8xi32>)
// REPORT: placement of @main: 1 ops on accel, 0 on cpu
// REPORT-NEXT: accel  nn.conv: systolic.conv2d
func.func @main(%x: tensor<1x8x6x6xf32> {systolic.calibration = array<f64: -1.0, 1.0>}) -> tensor<1x8x2x2xf32> {
  %w = arith.constant dense<0.5> : tensor<8x1x3x3xf32>
  %c = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>,
      pads = array<i64: 0, 0, 0, 0>, group = 8 : i64, systolic.calibration = array<f64: -3.0, 3.0>}
      : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x2x2xf32>
  return %c : tensor<1x8x2x2xf32>
}

// -----

// Average pooling is a depthwise convolution of ones divided by the window:
// with count_include_pad the padding counts (zero point 0 for the DMA's zero
// padding); without it, or with ceil_mode windows past the padding, the
// divisor varies and the pooling stays on the CPU.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[ONES:.*]] = arith.constant dense<"0x{{(01000000000100000000010000000001)+}}"> : tensor<3x3x4x4xi8>
// CHECK-DAG: %[[C:.*]] = systolic.conv2d {{.*}}output_zero_point = 0 : i64
// CHECK: systolic.conv2d %[[C]], %[[ONES]], %{{.*}} {activation = #systolic.activation<none>, diagonal_blocks = 4 : i64, dilations = array<i64: 1, 1>, input_zero_point = 0 : i64
// CHECK-SAME: pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>
// REPORT: placement of @main: 2 ops on accel, 2 on cpu
// REPORT-NEXT: accel  nn.conv: systolic.conv2d
// REPORT-NEXT: accel  nn.avg_pool "avg": systolic.conv2d (depthwise, a window of ones)
// REPORT-NEXT: cpu  nn.avg_pool "valid": padded windows without count_include_pad divide by the number of valid taps, which varies at the borders; the output path has one divisor per channel
// REPORT-NEXT: cpu  nn.avg_pool "ceil": its ceil_mode windows reach past the padding and average fewer taps; the output path has one divisor per channel
func.func @main(%x: tensor<1x4x6x6xf32> {systolic.calibration = array<f64: -1.0, 1.0>})
    -> (tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x4x1x1xf32>
  %c = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, systolic.calibration = array<f64: -3.0, 3.0>}
      : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32>
  %a = nn.avg_pool %c {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 1, 1>, count_include_pad = true,
      systolic.calibration = array<f64: -3.0, 3.0>} : tensor<1x4x6x6xf32> -> tensor<1x4x3x3xf32> loc("avg")
  %v = nn.avg_pool %c {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 1, 1>, systolic.calibration = array<f64: -3.0, 3.0>}
      : tensor<1x4x6x6xf32> -> tensor<1x4x3x3xf32> loc("valid")
  %e = nn.avg_pool %c {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
      pads = array<i64: 0, 0, 0, 0>, ceil_mode = true, systolic.calibration = array<f64: -3.0, 3.0>}
      : tensor<1x4x6x6xf32> -> tensor<1x4x3x3xf32> loc("ceil")
  return %a, %v, %e : tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>
}

// -----

// A stem with 3 input channels and 3 column taps: the taps are folded into
// 9 channels on the host (pad the columns, each tap's strided columns,
// concatenated), and the array runs a 3x1 kernel with column stride 1 over
// them. With 64 channels nothing is folded (every K tile is already full).
// CHECK-LABEL: func.func @main
// CHECK: %[[T:.*]] = nn.transpose %{{.*}} -> tensor<1x8x8x3xi8>
// CHECK: %[[P:.*]] = nn.pad %[[T]] {pads = array<i64: 0, 0, 1, 0, 0, 0, 1, 0>} : tensor<1x8x8x3xi8> -> tensor<1x8x10x3xi8>
// CHECK: %[[S0:.*]] = nn.slice %[[P]] {axes = array<i64: 2>, ends = array<i64: 7>, starts = array<i64: 0>, steps = array<i64: 2>} : tensor<1x8x10x3xi8> -> tensor<1x8x4x3xi8>
// CHECK: %[[S1:.*]] = nn.slice %[[P]] {axes = array<i64: 2>, ends = array<i64: 8>, starts = array<i64: 1>, steps = array<i64: 2>}
// CHECK: %[[S2:.*]] = nn.slice %[[P]] {axes = array<i64: 2>, ends = array<i64: 9>, starts = array<i64: 2>, steps = array<i64: 2>}
// CHECK: %[[F:.*]] = nn.concat %[[S0]], %[[S1]], %[[S2]] {axis = 3 : i64} {{.*}} -> tensor<1x8x4x9xi8>
// CHECK: systolic.conv2d %[[F]], %{{.*}}, %{{.*}} {{{.*}}pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 1>} : (tensor<1x8x4x9xi8>, tensor<3x1x9x4xi8>, tensor<3x4xi32>) -> tensor<1x4x4x4xi8>
// CHECK: systolic.conv2d {{.*}}pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x4x64xi8>, tensor<3x3x64x4xi8>
func.func @main(%x: tensor<1x3x8x8xf32> {systolic.calibration = array<f64: -1.0, 1.0>},
                %y: tensor<1x64x4x4xf32> {systolic.calibration = array<f64: -1.0, 1.0>})
    -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %c = nn.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
      pads = array<i64: 1, 1, 1, 1>, systolic.calibration = array<f64: -3.0, 3.0>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  %w2 = arith.constant dense<0.5> : tensor<4x64x3x3xf32>
  %d = nn.conv %y, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      pads = array<i64: 1, 1, 1, 1>, systolic.calibration = array<f64: -3.0, 3.0>}
      : (tensor<1x64x4x4xf32>, tensor<4x64x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %c, %d : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// A 3-D convolution's stacked frames (KD x C = 9 channels) fold their column
// taps too: each output frame's conv2d reads 27 channels with a 3x1 kernel.
// CHECK-LABEL: func.func @main
// CHECK: nn.concat {{.*}} {axis = 3 : i64} {{.*}} -> tensor<1x4x4x9xi8>
// CHECK: nn.pad %{{.*}} {pads = array<i64: 0, 0, 1, 0, 0, 0, 1, 0>} : tensor<1x4x4x9xi8> -> tensor<1x4x6x9xi8>
// CHECK: nn.concat {{.*}} -> tensor<1x4x4x27xi8>
// CHECK: systolic.conv2d {{.*}}pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x27xi8>, tensor<3x1x27x4xi8>, tensor<3x4xi32>) -> tensor<1x4x4x4xi8>
func.func @main(%x: tensor<1x3x2x4x4xf32> {systolic.calibration = array<f64: -1.0, 1.0>}) -> tensor<1x4x2x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3x3xf32>
  %c = nn.conv %x, %w {strides = array<i64: 1, 1, 1>, dilations = array<i64: 1, 1, 1>,
      pads = array<i64: 1, 1, 1, 1, 1, 1>, systolic.calibration = array<f64: -3.0, 3.0>}
      : (tensor<1x3x2x4x4xf32>, tensor<4x3x3x3x3xf32>) -> tensor<1x4x2x4x4xf32>
  return %c : tensor<1x4x2x4x4xf32>
}
