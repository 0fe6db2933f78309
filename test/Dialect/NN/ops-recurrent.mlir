// RUN: systolic-opt %s | FileCheck %s
// RUN: systolic-opt %s | systolic-opt | FileCheck %s
// RUN: systolic-opt %s --mlir-print-op-generic | systolic-opt | FileCheck %s

// CHECK-LABEL: func @lstm
func.func @lstm(%x: tensor<5x2x3xf32>, %w: tensor<2x16x3xf32>, %r: tensor<2x16x4xf32>, %b: tensor<2x32xf32>, %h: tensor<2x2x4xf32>, %p: tensor<2x12xf32>) -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>) {
  // CHECK: nn.lstm %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}}) initial_h(%{{.*}}) initial_c(%{{.*}}) peepholes(%{{.*}}) {clip = 3.000000e+00 : f32, direction = #nn.direction<bidirectional>, hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<2x16x3xf32>, tensor<2x16x4xf32>, tensor<2x32xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x12xf32>) -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>)
  %y, %yh, %yc = nn.lstm %x, %w, %r bias(%b) initial_h(%h) initial_c(%h) peepholes(%p) {hidden_size = 4 : i64, direction = #nn.direction<bidirectional>, clip = 3.0 : f32} : (tensor<5x2x3xf32>, tensor<2x16x3xf32>, tensor<2x16x4xf32>, tensor<2x32xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x12xf32>) -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>)
  return %y, %yh, %yc : tensor<5x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>
}

// Only the initial cell state: the operand segments keep optional operands apart.
// CHECK-LABEL: func @lstm_initial_c_only
func.func @lstm_initial_c_only(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>, %c: tensor<1x2x4xf32>) -> tensor<1x2x4xf32> {
  // CHECK: nn.lstm %{{.*}}, %{{.*}}, %{{.*}} initial_c(%{{.*}}) {hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x2x4xf32>)
  %y, %yh, %yc = nn.lstm %x, %w, %r initial_c(%c) {hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x2x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return %yc : tensor<1x2x4xf32>
}

// CHECK-LABEL: func @gru
func.func @gru(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>, %b: tensor<1x24xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>) {
  // CHECK: nn.gru %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}}) {direction = #nn.direction<reverse>, hidden_size = 4 : i64, linear_before_reset = true} : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<1x24xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  %y, %yh = nn.gru %x, %w, %r bias(%b) {hidden_size = 4 : i64, direction = #nn.direction<reverse>, linear_before_reset = true} : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<1x24xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %y, %yh : tensor<5x1x2x4xf32>, tensor<1x2x4xf32>
}
