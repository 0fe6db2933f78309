// RUN: systolic-opt %s -split-input-file -verify-diagnostics

func.func @x_rank(%x: tensor<5x3xi8>, %wx: tensor<1x3x16xi8>, %wh: tensor<1x4x16xi8>,
                  %p: tensor<1x3x16xi32>, %t: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{x must be [T, B, I], got 'tensor<5x3xi8>'}}
  %a = systolic.lstm %x, %wx, %wh, %p, %t, %t {cell_shift = 9}
      : (tensor<5x3xi8>, tensor<1x3x16xi8>, tensor<1x4x16xi8>, tensor<1x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @gates(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x15xi8>, %wh: tensor<1x4x15xi8>,
                 %p: tensor<1x3x15xi32>, %t: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{wx's last dimension must be 4H (four gates), got 15}}
  %a = systolic.lstm %x, %wx, %wh, %p, %t, %t {cell_shift = 9}
      : (tensor<5x2x3xi8>, tensor<1x3x15xi8>, tensor<1x4x15xi8>, tensor<1x3x15xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @input_rows(%x: tensor<5x2x3xi8>, %wx: tensor<1x2x16xi8>, %wh: tensor<1x4x16xi8>,
                      %p: tensor<1x3x16xi32>, %t: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{wx has 2 input rows, x has 3 input features}}
  %a = systolic.lstm %x, %wx, %wh, %p, %t, %t {cell_shift = 9}
      : (tensor<5x2x3xi8>, tensor<1x2x16xi8>, tensor<1x4x16xi8>, tensor<1x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @recurrent(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x16xi8>, %wh: tensor<1x3x16xi8>,
                     %p: tensor<1x3x16xi32>, %t: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{wh must be [D, H, 4H] = [1, 4, 16], got 'tensor<1x3x16xi8>'}}
  %a = systolic.lstm %x, %wx, %wh, %p, %t, %t {cell_shift = 9}
      : (tensor<5x2x3xi8>, tensor<1x3x16xi8>, tensor<1x3x16xi8>, tensor<1x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @params(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x16xi8>, %wh: tensor<1x4x16xi8>,
                  %p: tensor<1x2x16xi32>, %t: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{params must be [D, 3, 4H] = [1, 3, 16], got 'tensor<1x2x16xi32>'}}
  %a = systolic.lstm %x, %wx, %wh, %p, %t, %t {cell_shift = 9}
      : (tensor<5x2x3xi8>, tensor<1x3x16xi8>, tensor<1x4x16xi8>, tensor<1x2x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @table(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x16xi8>, %wh: tensor<1x4x16xi8>,
                 %p: tensor<1x3x16xi32>, %t: tensor<256xi8>, %s: tensor<128xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{the sigmoid and tanh tables must be [256], got 'tensor<128xi8>'}}
  %a = systolic.lstm %x, %wx, %wh, %p, %s, %t {cell_shift = 9}
      : (tensor<5x2x3xi8>, tensor<1x3x16xi8>, tensor<1x4x16xi8>, tensor<1x3x16xi32>, tensor<128xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @result(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x16xi8>, %wh: tensor<1x4x16xi8>,
                  %p: tensor<1x3x16xi32>, %t: tensor<256xi8>) -> tensor<5x2x4xi8> {
  // expected-error @+1 {{result must be [T, D, B, H] = [5, 1, 2, 4], got 'tensor<5x2x4xi8>'}}
  %a = systolic.lstm %x, %wx, %wh, %p, %t, %t {cell_shift = 9}
      : (tensor<5x2x3xi8>, tensor<1x3x16xi8>, tensor<1x4x16xi8>, tensor<1x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x2x4xi8>
  return %a : tensor<5x2x4xi8>
}

// -----

func.func @shift(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x16xi8>, %wh: tensor<1x4x16xi8>,
                 %p: tensor<1x3x16xi32>, %t: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{cell_shift must be in [0, 63], got 64}}
  %a = systolic.lstm %x, %wx, %wh, %p, %t, %t {cell_shift = 64}
      : (tensor<5x2x3xi8>, tensor<1x3x16xi8>, tensor<1x4x16xi8>, tensor<1x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @directions(%x: tensor<5x2x3xi8>, %wx: tensor<3x3x16xi8>, %wh: tensor<3x4x16xi8>,
                      %p: tensor<3x3x16xi32>, %t: tensor<256xi8>) -> tensor<5x3x2x4xi8> {
  // expected-error @+1 {{the number of directions D must be 1 or 2, got 3}}
  %a = systolic.lstm %x, %wx, %wh, %p, %t, %t {cell_shift = 9}
      : (tensor<5x2x3xi8>, tensor<3x3x16xi8>, tensor<3x4x16xi8>, tensor<3x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x3x2x4xi8>
  return %a : tensor<5x3x2x4xi8>
}

// -----

func.func @reverse_bidirectional(%x: tensor<5x2x3xi8>, %wx: tensor<2x3x16xi8>, %wh: tensor<2x4x16xi8>,
                                 %p: tensor<2x3x16xi32>, %t: tensor<256xi8>) -> tensor<5x2x2x4xi8> {
  // expected-error @+1 {{'reverse' applies to a single direction; a bidirectional layer (D = 2) runs direction 1 backward}}
  %a = systolic.lstm %x, %wx, %wh, %p, %t, %t {cell_shift = 9, reverse}
      : (tensor<5x2x3xi8>, tensor<2x3x16xi8>, tensor<2x4x16xi8>, tensor<2x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x2x2x4xi8>
  return %a : tensor<5x2x2x4xi8>
}
