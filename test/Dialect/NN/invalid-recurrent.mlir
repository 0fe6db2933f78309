// RUN: systolic-opt %s -split-input-file -verify-diagnostics

func.func @lstm_weight_shape(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x16x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+2 {{w 'tensor<1x12x3xf32>' must be [dirs, gates*hidden_size, input] = [1, 16, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh, %yc = nn.lstm %x, %w, %r {hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @lstm_bidirectional_needs_two_directions(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) -> tensor<2x2x4xf32> {
  // expected-error @+2 {{w 'tensor<1x16x3xf32>' must be [dirs, gates*hidden_size, input] = [2, 16, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh, %yc = nn.lstm %x, %w, %r {hidden_size = 4 : i64, direction = #nn.direction<bidirectional>} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>)
  return %yh : tensor<2x2x4xf32>
}

// -----

func.func @lstm_peepholes(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>, %p: tensor<1x16xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+2 {{p 'tensor<1x16xf32>' must be [dirs, 3*hidden_size] = [1, 12]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh, %yc = nn.lstm %x, %w, %r peepholes(%p) {hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x16xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @lstm_clip(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+2 {{clip must be positive, got -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh, %yc = nn.lstm %x, %w, %r {hidden_size = 4 : i64, clip = -1.0 : f32} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @gru_hidden_size(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+2 {{hidden_size 0 must be positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh = nn.gru %x, %w, %r {hidden_size = 0 : i64} : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @gru_initial_h(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>, %h: tensor<1x3x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+2 {{initial_h 'tensor<1x3x4xf32>' must be [dirs, batch, hidden_size] = [1, 2, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh = nn.gru %x, %w, %r initial_h(%h) {hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<1x3x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @gru_x_rank(%x: tensor<5x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+2 {{x must be [seq, batch, input], got 'tensor<5x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh = nn.gru %x, %w, %r {hidden_size = 4 : i64} : (tensor<5x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}
