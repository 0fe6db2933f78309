// RUN: systolic-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect

func.func @bad_scale(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{scale must be positive and finite, got 0}}
  %q = systolic.quantize %x {scale = 0.0 : f64, zero_point = 0 : i64} : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @bad_zero_point(%x: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error @+1 {{zero_point must be in [-128, 127], got 200}}
  %q = systolic.dequantize %x {scale = 1.0 : f64, zero_point = 200 : i64} : tensor<4xi8> -> tensor<4xf32>
  return %q : tensor<4xf32>
}

// -----

func.func @padded_with_zero_point(%x: tensor<1x8x8x3xi8>, %w: tensor<3x3x3x16xi8>, %p: tensor<3x16xi32>) -> tensor<1x8x8x16xi8> {
  // expected-error @+1 {{a padded convolution needs input_zero_point 0 (the DMA pads with zeros), got 4}}
  %c = systolic.conv2d %x, %w, %p {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
      dilations = array<i64: 1, 1>, input_zero_point = 4 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x8x8x3xi8>, tensor<3x3x3x16xi8>, tensor<3x16xi32>) -> tensor<1x8x8x16xi8>
  return %c : tensor<1x8x8x16xi8>
}

// -----

func.func @channels(%x: tensor<1x8x8x4xi8>, %w: tensor<3x3x3x16xi8>, %p: tensor<3x16xi32>) -> tensor<1x6x6x16xi8> {
  // expected-error @+1 {{weight has 3 input channels per group, times group 1 is not the input's 4}}
  %c = systolic.conv2d %x, %w, %p {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, input_zero_point = 0 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x8x8x4xi8>, tensor<3x3x3x16xi8>, tensor<3x16xi32>) -> tensor<1x6x6x16xi8>
  return %c : tensor<1x6x6x16xi8>
}

// -----

func.func @result_shape(%x: tensor<1x8x8x3xi8>, %w: tensor<3x3x3x16xi8>, %p: tensor<3x16xi32>) -> tensor<1x8x8x16xi8> {
  // expected-error @+1 {{result shape must be [1, 3, 3, 16], got 'tensor<1x8x8x16xi8>'}}
  %c = systolic.conv2d %x, %w, %p {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, input_zero_point = 0 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x8x8x3xi8>, tensor<3x3x3x16xi8>, tensor<3x16xi32>) -> tensor<1x8x8x16xi8>
  return %c : tensor<1x8x8x16xi8>
}

// -----

func.func @params(%a: tensor<2x8xi8>, %b: tensor<8x4xi8>, %p: tensor<3x5xi32>) -> tensor<2x4xi8> {
  // expected-error @+1 {{params must be [3, 4] (bias, multiplier, shift per output channel), got 'tensor<3x5xi32>'}}
  %m = systolic.matmul %a, %b, %p {output_zero_point = 0 : i64, activation = #systolic.activation<none>}
      : (tensor<2x8xi8>, tensor<8x4xi8>, tensor<3x5xi32>) -> tensor<2x4xi8>
  return %m : tensor<2x4xi8>
}

// -----

func.func @missing_lut(%a: tensor<2x8xi8>, %b: tensor<8x4xi8>, %p: tensor<3x4xi32>) -> tensor<2x4xi8> {
  // expected-error @+1 {{activation lut needs a lut operand}}
  %m = systolic.matmul %a, %b, %p {output_zero_point = 0 : i64, activation = #systolic.activation<lut>}
      : (tensor<2x8xi8>, tensor<8x4xi8>, tensor<3x4xi32>) -> tensor<2x4xi8>
  return %m : tensor<2x4xi8>
}

// -----

func.func @reduction(%a: tensor<2x8xi8>, %b: tensor<7x4xi8>, %p: tensor<3x4xi32>) -> tensor<2x4xi8> {
  // expected-error @+1 {{reduction sizes differ: lhs has 8 columns, rhs has 7 rows}}
  %m = systolic.matmul %a, %b, %p {output_zero_point = 0 : i64, activation = #systolic.activation<none>}
      : (tensor<2x8xi8>, tensor<7x4xi8>, tensor<3x4xi32>) -> tensor<2x4xi8>
  return %m : tensor<2x4xi8>
}

// -----

func.func @weights(%a: tensor<4x8xi8>, %p: tensor<3x8xi32>) -> tensor<4x8xi8> {
  // expected-error @+1 {{operand weights are int8, got 300}}
  %m = systolic.scaled_add %a, %a, %p {lhs_weight = 300 : i64, rhs_weight = 1 : i64,
      output_zero_point = 0 : i64, activation = #systolic.activation<none>}
      : (tensor<4x8xi8>, tensor<4x8xi8>, tensor<3x8xi32>) -> tensor<4x8xi8>
  return %m : tensor<4x8xi8>
}

// -----

func.func @relu6_clamp(%a: tensor<4x8xi8>, %p: tensor<3x8xi32>) -> tensor<4x8xi8> {
  // expected-error @+1 {{relu6 clamp_max (-5) is below the output zero point (0)}}
  %m = systolic.scaled_add %a, %a, %p {lhs_weight = 1 : i64, rhs_weight = 1 : i64,
      output_zero_point = 0 : i64, activation = #systolic.activation<relu6>, clamp_max = -5 : i64}
      : (tensor<4x8xi8>, tensor<4x8xi8>, tensor<3x8xi32>) -> tensor<4x8xi8>
  return %m : tensor<4x8xi8>
}

// -----

func.func @group_outputs(%x: tensor<1x8x8x4xi8>, %w: tensor<3x3x2x15xi8>, %p: tensor<3x15xi32>) -> tensor<1x6x6x15xi8> {
  // expected-error @+1 {{group 2 does not divide the 15 output channels}}
  %c = systolic.conv2d %x, %w, %p {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, input_zero_point = 0 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<none>, group = 2 : i64}
      : (tensor<1x8x8x4xi8>, tensor<3x3x2x15xi8>, tensor<3x15xi32>) -> tensor<1x6x6x15xi8>
  return %c : tensor<1x6x6x15xi8>
}

// -----

func.func @group_positive(%x: tensor<1x8x8x4xi8>, %w: tensor<3x3x4x16xi8>, %p: tensor<3x16xi32>) -> tensor<1x6x6x16xi8> {
  // expected-error @+1 {{group must be positive, got 0}}
  %c = systolic.conv2d %x, %w, %p {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, input_zero_point = 0 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<none>, group = 0 : i64}
      : (tensor<1x8x8x4xi8>, tensor<3x3x4x16xi8>, tensor<3x16xi32>) -> tensor<1x6x6x16xi8>
  return %c : tensor<1x6x6x16xi8>
}
