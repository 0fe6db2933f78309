// RUN: systolic-opt %s | FileCheck %s
// RUN: systolic-opt %s | systolic-opt | FileCheck %s
// RUN: systolic-opt %s --mlir-print-op-generic | systolic-opt | FileCheck %s

// CHECK-LABEL: func @conv2d
func.func @conv2d(%x: tensor<1x4x9x9xf32>, %w: tensor<8x2x3x3xf32>, %b: tensor<8xf32>) -> (tensor<1x8x4x5xf32>, tensor<1x8x7x7xf32>) {
  // Grouped, strided, asymmetrically padded: H = (9+1+0-3)/2+1 = 4, W = (9+0+2-3)/2+1 = 5.
  // CHECK: nn.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 0, 0, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x9x9xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x5xf32>
  %0 = nn.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 0, 0, 2>, group = 2 : i64} : (tensor<1x4x9x9xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x5xf32>
  // Dilated, no bias: extent 5, (9 + 1 + 1 - 5) / 1 + 1 = 7.
  // CHECK: nn.conv %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x9x9xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x7x7xf32>
  %1 = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, group = 2 : i64} : (tensor<1x4x9x9xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x7x7xf32>
  return %0, %1 : tensor<1x8x4x5xf32>, tensor<1x8x7x7xf32>
}

// CHECK-LABEL: func @conv1d_3d
func.func @conv1d_3d(%x1: tensor<2x3x10xf32>, %w1: tensor<5x3x4xf32>, %x3: tensor<1x2x4x4x4xf32>, %w3: tensor<3x2x2x2x2xf32>) -> (tensor<2x5x7xf32>, tensor<1x3x3x3x3xf32>) {
  // CHECK: -> tensor<2x5x7xf32>
  %0 = nn.conv %x1, %w1 {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<2x3x10xf32>, tensor<5x3x4xf32>) -> tensor<2x5x7xf32>
  // CHECK: -> tensor<1x3x3x3x3xf32>
  %1 = nn.conv %x3, %w3 {strides = array<i64: 1, 1, 1>, dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>} : (tensor<1x2x4x4x4xf32>, tensor<3x2x2x2x2xf32>) -> tensor<1x3x3x3x3xf32>
  return %0, %1 : tensor<2x5x7xf32>, tensor<1x3x3x3x3xf32>
}

// CHECK-LABEL: func @conv_transpose
func.func @conv_transpose(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x10x11xf32> {
  // H = 2*(5-1) + 1 + 3 - 1 - 1 = 10, W = 2*(5-1) + 1 + 3 - 1 - 0 = 11 with output_padding 1.
  // CHECK: nn.conv_transpose %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 2 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x10x11xf32>
  %0 = nn.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 0>, output_padding = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x10x11xf32>
  return %0 : tensor<1x6x10x11xf32>
}

// CHECK-LABEL: func @gemm
func.func @gemm(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  // CHECK: nn.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, trans_a = true, trans_b = true} : (tensor<4x3xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  %0 = nn.gemm %a, %b, %c {trans_a = true, trans_b = true, alpha = 0.5 : f32} : (tensor<4x3xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  // CHECK: nn.gemm %{{.*}}, %{{.*}} {trans_a = true, trans_b = true} : (tensor<4x3xf32>, tensor<5x4xf32>) -> tensor<3x5xf32>
  %1 = nn.gemm %a, %b {trans_a = true, trans_b = true} : (tensor<4x3xf32>, tensor<5x4xf32>) -> tensor<3x5xf32>
  return %0, %1 : tensor<3x5xf32>, tensor<3x5xf32>
}

// CHECK-LABEL: func @pooling
func.func @pooling(%x: tensor<1x2x7x7xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) {
  // ceil((7 + 0 - 2) / 2) + 1 = 4 (last window starts at 6 < 7: kept).
  // CHECK: nn.max_pool %{{.*}} {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x2x7x7xf32> -> tensor<1x2x4x4xf32>
  %0 = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x2x7x7xf32> -> tensor<1x2x4x4xf32>
  // CHECK: nn.avg_pool %{{.*}} {count_include_pad = true, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 3, 3>} : tensor<1x2x7x7xf32> -> tensor<1x2x3x3xf32>
  %1 = nn.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : tensor<1x2x7x7xf32> -> tensor<1x2x3x3xf32>
  // CHECK: nn.global_avg_pool %{{.*}} : tensor<1x2x7x7xf32> -> tensor<1x2x1x1xf32>
  %2 = nn.global_avg_pool %x : tensor<1x2x7x7xf32> -> tensor<1x2x1x1xf32>
  // CHECK: nn.global_max_pool
  %3 = nn.global_max_pool %x : tensor<1x2x7x7xf32> -> tensor<1x2x1x1xf32>
  return %0, %1, %2, %3 : tensor<1x2x4x4xf32>, tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>
}

// With ceil_mode, a partial last window that would start in the end padding is
// dropped: padded size 6 + 0 + 1 = 7, ceil((7 - 2) / 2) + 1 = 4, but window 3
// would start at 6, past the input, so the result keeps 3.
// CHECK-LABEL: func @pool_ceil_drops_padding_window
func.func @pool_ceil_drops_padding_window(%x: tensor<1x1x6xf32>) -> tensor<1x1x3xf32> {
  // CHECK: -> tensor<1x1x3xf32>
  %0 = nn.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 1>, dilations = array<i64: 1>, ceil_mode = true} : tensor<1x1x6xf32> -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// AveragePool's dilations (absent means all ones): kernel 2 dilated by 2
// spans 3 elements, (4 - 3) / 1 + 1 = 2 windows per dim.
// CHECK-LABEL: func @avg_pool_dilations
func.func @avg_pool_dilations(%x: tensor<1x1x4x4xf32>, %y: tensor<1x1x32x32x32xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x9x9x9xf32>) {
  // CHECK: nn.avg_pool %{{.*}} {ceil_mode = true, dilations = array<i64: 2, 2>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  %0 = nn.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>, ceil_mode = true} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  // Extent 2 * (5 - 1) + 1 = 9 on 32 with stride 3: ceil(23 / 3) + 1 = 9.
  // CHECK: nn.avg_pool %{{.*}} {ceil_mode = true, count_include_pad = true, dilations = array<i64: 2, 2, 2>, kernel_shape = array<i64: 5, 5, 5>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 3, 3, 3>} : tensor<1x1x32x32x32xf32> -> tensor<1x1x9x9x9xf32>
  %1 = nn.avg_pool %y {kernel_shape = array<i64: 5, 5, 5>, strides = array<i64: 3, 3, 3>, pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 2, 2, 2>, ceil_mode = true, count_include_pad = true} : tensor<1x1x32x32x32xf32> -> tensor<1x1x9x9x9xf32>
  return %0, %1 : tensor<1x1x2x2xf32>, tensor<1x1x9x9x9xf32>
}

// MaxPool's indices: a second i64 result of the result's shape, present
// exactly when storage_order is.
// CHECK-LABEL: func @max_pool_indices
func.func @max_pool_indices(%x: tensor<1x1x5x5xf32>, %y: tensor<2x3x8xf32>) -> (tensor<1x1x5x5xf32>, tensor<1x1x5x5xi64>, tensor<1x1x2x2xi64>, tensor<2x3x4xi64>) {
  // CHECK: %{{.*}}, %{{.*}} = nn.max_pool %{{.*}} {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 5, 5>, pads = array<i64: 2, 2, 2, 2>, storage_order = 0 : i64, strides = array<i64: 1, 1>} : tensor<1x1x5x5xf32> -> tensor<1x1x5x5xf32>, tensor<1x1x5x5xi64>
  %0:2 = nn.max_pool %x {kernel_shape = array<i64: 5, 5>, strides = array<i64: 1, 1>, pads = array<i64: 2, 2, 2, 2>, dilations = array<i64: 1, 1>, storage_order = 0} : tensor<1x1x5x5xf32> -> tensor<1x1x5x5xf32>, tensor<1x1x5x5xi64>
  // CHECK: nn.max_pool %{{.*}} {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : tensor<1x1x5x5xf32> -> tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
  %1:2 = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, storage_order = 1} : tensor<1x1x5x5xf32> -> tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
  // CHECK: nn.max_pool %{{.*}} {ceil_mode = true, dilations = array<i64: 2>, kernel_shape = array<i64: 2>, pads = array<i64: 1, 0>, storage_order = 0 : i64, strides = array<i64: 2>} : tensor<2x3x8xf32> -> tensor<2x3x4xf32>, tensor<2x3x4xi64>
  %2:2 = nn.max_pool %y {kernel_shape = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 1, 0>, dilations = array<i64: 2>, ceil_mode = true, storage_order = 0} : tensor<2x3x8xf32> -> tensor<2x3x4xf32>, tensor<2x3x4xi64>
  return %0#0, %0#1, %1#1, %2#1 : tensor<1x1x5x5xf32>, tensor<1x1x5x5xi64>, tensor<1x1x2x2xi64>, tensor<2x3x4xi64>
}

// CHECK-LABEL: func @batch_norm
func.func @batch_norm(%x: tensor<2x3x4x4xf32>, %p: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  // CHECK: nn.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  %0 = nn.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-3 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}
