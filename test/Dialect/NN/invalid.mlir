// RUN: systolic-opt %s -split-input-file -verify-diagnostics

func.func @broadcast_mismatch(%a: tensor<3x4xf32>, %b: tensor<5x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{operand shapes 'tensor<3x4xf32>' and 'tensor<5x4xf32>' are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.add %a, %b : tensor<3x4xf32>, tensor<5x4xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @wrong_result_shape(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{'nn.add' op inferred type(s) 'tensor<3x4xf32>' are incompatible with return type(s) of operation 'tensor<3x5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.add %a, %b : tensor<3x4xf32>, tensor<4xf32> -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @element_type_mismatch(%a: tensor<4xf32>, %b: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error @+2 {{operand element types differ: 'f32' vs 'i32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.add %a, %b : tensor<4xf32>, tensor<4xi32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @axis_out_of_range(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.reduce_sum' op axis 2 is out of range for a rank-2 input (expected in [-2, 2))}}
  %0 = nn.reduce_sum %a {axes = array<i64: 2>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @axis_repeated(%a: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{'nn.reduce_sum' op axis -1 appears more than once}}
  %0 = nn.reduce_sum %a {axes = array<i64: 1, -1>} : tensor<2x3xf32> -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{contraction sizes differ: lhs has K = 3, rhs has K = 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @loss_operand_types(%p: tensor<8xf32>, %t: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.mae_loss' op failed to verify that all of {prediction, target} have same type}}
  %0 = "nn.mae_loss"(%p, %t) : (tensor<8xf32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
