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

// -----

func.func @float_only_activation(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'nn.sigmoid' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = nn.sigmoid %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.softmax' op axis 2 is out of range for a rank-2 input (expected in [-2, 2))}}
  %0 = nn.softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @prelu_slope(%x: tensor<2x3xf32>, %s: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{slope 'tensor<2xf32>' does not broadcast to the input 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.prelu %x, %s : tensor<2x3xf32>, tensor<2xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @compare_result_type(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'nn.compare' op result #0 must be statically shaped tensor of 1-bit signless integer values, but got 'tensor<3xf32>'}}
  %0 = nn.compare %a, %b {predicate = #nn.predicate<eq>} : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @compare_predicate(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xi1> {
  // expected-error @+2 {{expected ::systolic::nn::ComparePredicate to be one of: eq, lt, le, gt, ge}}
  // expected-error @+1 {{failed to parse NN_ComparePredicateAttr parameter 'value'}}
  %0 = nn.compare %a, %b {predicate = #nn.predicate<ne>} : tensor<3xf32>, tensor<3xf32> -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @compare_string_with_number(%a: tensor<3x!nn.string>, %b: tensor<3xi64>) -> tensor<3xi1> {
  // expected-error @+1 {{'nn.compare' op compares a string tensor with a number tensor; both operands must be strings or both numbers}}
  %0 = nn.compare %a, %b {predicate = #nn.predicate<eq>} : tensor<3x!nn.string>, tensor<3xi64> -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @compare_string_order(%a: tensor<3x!nn.string>, %b: tensor<3x!nn.string>) -> tensor<3xi1> {
  // expected-error @+1 {{'nn.compare' op strings compare for equality only, not 'lt'}}
  %0 = nn.compare %a, %b {predicate = #nn.predicate<lt>} : tensor<3x!nn.string>, tensor<3x!nn.string> -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @string_relu(%a: tensor<3x!nn.string>) -> tensor<3x!nn.string> {
  // expected-error @+1 {{'nn.relu' op operand #0 must be statically shaped tensor of}}
  %0 = nn.relu %a : tensor<3x!nn.string>
  return %0 : tensor<3x!nn.string>
}

// -----

func.func @select_values(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xi64>) -> tensor<3xf32> {
  // expected-error @+2 {{operand element types differ: 'f32' vs 'i64'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.select %c, %a, %b : (tensor<3xi1>, tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @select_condition_shape(%c: tensor<2xi1>, %a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{condition shape 'tensor<2xi1>' does not broadcast with the value shape 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.select %c, %a, %b : (tensor<2xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @argmax_axis(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+2 {{axis -3 is out of range for a rank-2 input (expected in [-2, 2))}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.argmax %x {axis = -3 : i64, keepdims = false} : tensor<2x3xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @huber_delta(%p: tensor<8xf32>, %t: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.huber_loss' op delta must be positive, got 0}}
  %0 = nn.huber_loss %p, %t {delta = 0.0 : f32} : tensor<8xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @cross_entropy_labels(%s: tensor<8x5xf32>, %l: tensor<5xi64>) -> tensor<f32> {
  // expected-error @+2 {{labels 'tensor<5xi64>' must have shape [N, d...] of input 'tensor<8x5xf32>' (class dimension 1 removed)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = nn.softmax_cross_entropy %s, %l : (tensor<8x5xf32>, tensor<5xi64>) -> (tensor<f32>, tensor<8x5xf32>)
  return %0#0 : tensor<f32>
}

// -----

func.func @nll_weights(%s: tensor<8x5xf32>, %l: tensor<8xi32>, %w: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+2 {{weights 'tensor<8xf32>' must be [C] = [5] of 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.nll_loss %s, %l, %w : (tensor<8x5xf32>, tensor<8xi32>, tensor<8xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @manhattan_lengths(%x: tensor<8x4xf32>, %y: tensor<6x3xf32>) -> tensor<8x6xf32> {
  // expected-error @+2 {{vector lengths differ: x has D = 4, y has D = 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.manhattan_distance %x, %y : tensor<8x4xf32>, tensor<6x3xf32> -> tensor<8x6xf32>
  return %0 : tensor<8x6xf32>
}
