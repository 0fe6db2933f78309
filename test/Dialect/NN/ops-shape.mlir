// RUN: systolic-opt %s | FileCheck %s
// RUN: systolic-opt %s | systolic-opt | FileCheck %s
// RUN: systolic-opt %s --mlir-print-op-generic | systolic-opt | FileCheck %s

// CHECK-LABEL: func @movement
func.func @movement(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>) -> (tensor<6x4xf32>, tensor<4x2x3xf32>, tensor<2x8x4xf32>, tensor<4x2x3x4xf32>) {
  // CHECK: nn.reshape %{{.*}} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %0 = nn.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  // CHECK: nn.transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %1 = nn.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // CHECK: nn.concat %{{.*}}, %{{.*}} {axis = -2 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  %2 = nn.concat %x, %y {axis = -2 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  // CHECK: nn.expand %{{.*}} : tensor<2x3x4xf32> -> tensor<4x2x3x4xf32>
  %3 = nn.expand %x : tensor<2x3x4xf32> -> tensor<4x2x3x4xf32>
  return %0, %1, %2, %3 : tensor<6x4xf32>, tensor<4x2x3xf32>, tensor<2x8x4xf32>, tensor<4x2x3x4xf32>
}

// CHECK-LABEL: func @slices
func.func @slices(%x: tensor<10x6xf32>) -> (tensor<4x6xf32>, tensor<10x3xf32>, tensor<10x6xf32>, tensor<0x6xf32>) {
  // Rows 1, 3, 5, 7.
  // CHECK: nn.slice %{{.*}} {axes = array<i64: 0>, ends = array<i64: 8>, starts = array<i64: 1>, steps = array<i64: 2>} : tensor<10x6xf32> -> tensor<4x6xf32>
  %0 = nn.slice %x {starts = array<i64: 1>, ends = array<i64: 8>, axes = array<i64: 0>, steps = array<i64: 2>} : tensor<10x6xf32> -> tensor<4x6xf32>
  // Columns 5, 3, 1: start -1 is 5, negative step walks back to the front.
  // CHECK: -> tensor<10x3xf32>
  %1 = nn.slice %x {starts = array<i64: -1>, ends = array<i64: -9223372036854775807>, axes = array<i64: -1>, steps = array<i64: -2>} : tensor<10x6xf32> -> tensor<10x3xf32>
  // Out-of-range bounds clamp to the whole dimension.
  // CHECK: -> tensor<10x6xf32>
  %2 = nn.slice %x {starts = array<i64: -100>, ends = array<i64: 9223372036854775807>, axes = array<i64: 0>, steps = array<i64: 1>} : tensor<10x6xf32> -> tensor<10x6xf32>
  // An empty range gives a zero-size dimension.
  // CHECK: -> tensor<0x6xf32>
  %3 = nn.slice %x {starts = array<i64: 5>, ends = array<i64: 2>, axes = array<i64: 0>, steps = array<i64: 1>} : tensor<10x6xf32> -> tensor<0x6xf32>
  return %0, %1, %2, %3 : tensor<4x6xf32>, tensor<10x3xf32>, tensor<10x6xf32>, tensor<0x6xf32>
}

// CHECK-LABEL: func @gather_pad_shape_cast
func.func @gather_pad_shape_cast(%x: tensor<5x4x3xf32>, %i: tensor<2x2xi64>, %j: tensor<i32>) -> (tensor<5x2x2x3xf32>, tensor<4x3xf32>, tensor<7x4x2xf32>, tensor<3xi64>, tensor<1xi64>, tensor<5x4x3xi32>) {
  // CHECK: nn.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : tensor<5x4x3xf32>, tensor<2x2xi64> -> tensor<5x2x2x3xf32>
  %0 = nn.gather %x, %i {axis = 1 : i64} : tensor<5x4x3xf32>, tensor<2x2xi64> -> tensor<5x2x2x3xf32>
  // CHECK: nn.gather %{{.*}}, %{{.*}} : tensor<5x4x3xf32>, tensor<i32> -> tensor<4x3xf32>
  %1 = nn.gather %x, %j : tensor<5x4x3xf32>, tensor<i32> -> tensor<4x3xf32>
  // Negative pads crop.
  // CHECK: nn.pad %{{.*}} {mode = #nn.pad_mode<reflect>, pads = array<i64: 1, 0, 0, 1, 0, -1>} : tensor<5x4x3xf32> -> tensor<7x4x2xf32>
  %2 = nn.pad %x {pads = array<i64: 1, 0, 0, 1, 0, -1>, mode = #nn.pad_mode<reflect>} : tensor<5x4x3xf32> -> tensor<7x4x2xf32>
  // CHECK: nn.shape %{{.*}} : tensor<5x4x3xf32> -> tensor<3xi64>
  %3 = nn.shape %x : tensor<5x4x3xf32> -> tensor<3xi64>
  // CHECK: nn.shape %{{.*}} {end = -1 : i64, start = -2 : i64} : tensor<5x4x3xf32> -> tensor<1xi64>
  %4 = nn.shape %x {start = -2 : i64, end = -1 : i64} : tensor<5x4x3xf32> -> tensor<1xi64>
  // CHECK: nn.cast %{{.*}} : tensor<5x4x3xf32> -> tensor<5x4x3xi32>
  %5 = nn.cast %x : tensor<5x4x3xf32> -> tensor<5x4x3xi32>
  return %0, %1, %2, %3, %4, %5 : tensor<5x2x2x3xf32>, tensor<4x3xf32>, tensor<7x4x2xf32>, tensor<3xi64>, tensor<1xi64>, tensor<5x4x3xi32>
}

// Casts to and from the storage-only types, with ONNX's saturate and
// FLOAT8E8M0 round_mode; nn.reshape moves those types too.
// CHECK-LABEL: func @storage_casts
func.func @storage_casts(%x: tensor<2x4xf32>, %q: tensor<2x4xi4>) -> (tensor<2x4xf8E4M3FN>, tensor<2x4xf8E5M2>, tensor<2x4xf8E8M0FNU>, tensor<2x4xbf16>, tensor<8xi4>, tensor<2x4xf32>) {
  // CHECK: nn.cast %{{.*}} : tensor<2x4xf32> -> tensor<2x4xf8E4M3FN>
  %0 = nn.cast %x : tensor<2x4xf32> -> tensor<2x4xf8E4M3FN>
  // CHECK: nn.cast %{{.*}} {saturate = false} : tensor<2x4xf32> -> tensor<2x4xf8E5M2>
  %1 = nn.cast %x {saturate = false} : tensor<2x4xf32> -> tensor<2x4xf8E5M2>
  // CHECK: nn.cast %{{.*}} {round_mode = #nn.round_mode<down>} : tensor<2x4xf32> -> tensor<2x4xf8E8M0FNU>
  %2 = nn.cast %x {round_mode = #nn.round_mode<down>} : tensor<2x4xf32> -> tensor<2x4xf8E8M0FNU>
  // CHECK: nn.cast %{{.*}} : tensor<2x4xf32> -> tensor<2x4xbf16>
  %3 = nn.cast %x : tensor<2x4xf32> -> tensor<2x4xbf16>
  // CHECK: nn.reshape %{{.*}} : tensor<2x4xi4> -> tensor<8xi4>
  %4 = nn.reshape %q : tensor<2x4xi4> -> tensor<8xi4>
  // CHECK: nn.cast %{{.*}} : tensor<2x4xi4> -> tensor<2x4xf32>
  %5 = nn.cast %q : tensor<2x4xi4> -> tensor<2x4xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x4xf8E4M3FN>, tensor<2x4xf8E5M2>, tensor<2x4xf8E8M0FNU>, tensor<2x4xbf16>, tensor<8xi4>, tensor<2x4xf32>
}
