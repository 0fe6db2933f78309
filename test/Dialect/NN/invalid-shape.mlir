// RUN: systolic-opt %s -split-input-file -verify-diagnostics

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{'nn.reshape' op cannot reshape 'tensor<2x3xf32>' (6 elements) to 'tensor<7xf32>' (7 elements)}}
  %0 = nn.reshape %x : tensor<2x3xf32> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @reshape_element_type(%x: tensor<2x3xf32>) -> tensor<6xi32> {
  // expected-error @+1 {{'nn.reshape' op result element type 'i32' differs from the input's 'f32'}}
  %0 = nn.reshape %x : tensor<2x3xf32> -> tensor<6xi32>
  return %0 : tensor<6xi32>
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3x4xf32>) -> tensor<2x2x3xf32> {
  // expected-error @+2 {{perm [0, 0, 1] is not a permutation of [0, 3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.transpose %x {perm = array<i64: 0, 0, 1>} : tensor<2x3x4xf32> -> tensor<2x2x3xf32>
  return %0 : tensor<2x2x3xf32>
}

// -----

func.func @concat_mismatch(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{input 1 'tensor<3x3xf32>' differs from input 0 'tensor<2x3xf32>' in dimension 0 (only the concat axis may differ)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{axis -3 is out of range for rank-2 inputs (expected in [-2, 2))}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.concat %x {axis = -3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @slice_lengths(%x: tensor<10xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{starts, ends, axes and steps must have the same length, got 1, 1, 1 and 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.slice %x {starts = array<i64: 0>, ends = array<i64: 5>, axes = array<i64: 0>, steps = array<i64>} : tensor<10xf32> -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<10xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{step for axis 0 is zero}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.slice %x {starts = array<i64: 0>, ends = array<i64: 5>, axes = array<i64: 0>, steps = array<i64: 0>} : tensor<10xf32> -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @slice_repeated_axis(%x: tensor<10x4xf32>) -> tensor<5x4xf32> {
  // expected-error @+2 {{axis -2 appears more than once}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 5, 5>, axes = array<i64: 0, -2>, steps = array<i64: 1, 1>} : tensor<10x4xf32> -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// -----

func.func @gather_axis(%x: tensor<5x4xf32>, %i: tensor<2xi64>) -> tensor<5x4xf32> {
  // expected-error @+2 {{axis 2 is out of range for a rank-2 input (expected in [-2, 2))}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.gather %x, %i {axis = 2 : i64} : tensor<5x4xf32>, tensor<2xi64> -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// -----

func.func @gather_index_type(%x: tensor<5x4xf32>, %i: tensor<2xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = "nn.gather"(%x, %i) : (tensor<5x4xf32>, tensor<2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @pad_length(%x: tensor<5x4xf32>) -> tensor<6x5xf32> {
  // expected-error @+2 {{pads has 2 entries but a rank-2 input needs 4 (all begins, then all ends)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.pad %x {pads = array<i64: 1, 1>} : tensor<5x4xf32> -> tensor<6x5xf32>
  return %0 : tensor<6x5xf32>
}

// -----

func.func @pad_reflect_too_wide(%x: tensor<5x4xf32>) -> tensor<5x8xf32> {
  // expected-error @+2 {{reflect pads 4 and 0 must be smaller than dimension 1 of size 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.pad %x {pads = array<i64: 0, 4, 0, 0>, mode = #nn.pad_mode<reflect>} : tensor<5x4xf32> -> tensor<5x8xf32>
  return %0 : tensor<5x8xf32>
}

// -----

func.func @pad_crop_below_zero(%x: tensor<5x4xf32>) -> tensor<5x0xf32> {
  // expected-error @+2 {{pads -3 and -2 crop dimension 1 of size 4 below zero}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.pad %x {pads = array<i64: 0, -3, 0, -2>} : tensor<5x4xf32> -> tensor<5x0xf32>
  return %0 : tensor<5x0xf32>
}

// -----

func.func @expand_not_broadcastable(%x: tensor<3x4xf32>) -> tensor<2x3x5xf32> {
  // expected-error @+1 {{'nn.expand' op input 'tensor<3x4xf32>' does not broadcast to 'tensor<2x3x5xf32>'}}
  %0 = nn.expand %x : tensor<3x4xf32> -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

func.func @cast_shape(%x: tensor<3x4xf32>) -> tensor<12xi32> {
  // expected-error @+1 {{'nn.cast' op requires the same shape for all operands and results}}
  %0 = nn.cast %x : tensor<3x4xf32> -> tensor<12xi32>
  return %0 : tensor<12xi32>
}

// -----

func.func @shape_result_type(%x: tensor<3x4xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 64-bit signless integer values}}
  %0 = "nn.shape"(%x) : (tensor<3x4xf32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @cast_saturate_not_float8(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'nn.cast' op saturate = false applies only to float8 results (f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, f8E8M0FNU), not 'f16'; drop the attribute}}
  %0 = nn.cast %x {saturate = false} : tensor<4xf32> -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @cast_round_mode_not_e8m0(%x: tensor<4xf32>) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{'nn.cast' op round_mode applies only to f8E8M0FNU results, not 'f8E4M3FN'; drop the attribute}}
  %0 = nn.cast %x {round_mode = #nn.round_mode<up>} : tensor<4xf32> -> tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

// Storage-only types have no arithmetic: only nn.cast and nn.reshape take them.
func.func @float8_arithmetic(%x: tensor<4xf8E4M3FN>) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{'nn.add' op operand #0 must be statically shaped tensor of floating-point or integer (i1, i8-i64, ui8-ui64) values, but got 'tensor<4xf8E4M3FN>'}}
  %0 = nn.add %x, %x : tensor<4xf8E4M3FN>, tensor<4xf8E4M3FN> -> tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

func.func @int4_transpose(%x: tensor<2x4xi4>) -> tensor<4x2xi4> {
  // expected-error @+1 {{'nn.transpose' op operand #0 must be statically shaped tensor of floating-point or integer (i1, i8-i64, ui8-ui64) values, but got 'tensor<2x4xi4>'}}
  %0 = nn.transpose %x {perm = array<i64: 1, 0>} : tensor<2x4xi4> -> tensor<4x2xi4>
  return %0 : tensor<4x2xi4>
}
