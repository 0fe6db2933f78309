// RUN: systolic-opt %s -split-input-file -verify-diagnostics

func.func @gates(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x13xi8>, %wh: tensor<1x4x13xi8>,
                 %p: tensor<1x3x13xi32>, %t: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{wx's last dimension must be 3H (three gates), got 13}}
  %a = systolic.gru %x, %wx, %wh, %p, %t, %t
      : (tensor<5x2x3xi8>, tensor<1x3x13xi8>, tensor<1x4x13xi8>, tensor<1x3x13xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @recurrent(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x12xi8>, %wh: tensor<1x3x12xi8>,
                     %p: tensor<1x3x12xi32>, %t: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{wh must be [D, H, 3H] = [1, 4, 12], got 'tensor<1x3x12xi8>'}}
  %a = systolic.gru %x, %wx, %wh, %p, %t, %t
      : (tensor<5x2x3xi8>, tensor<1x3x12xi8>, tensor<1x3x12xi8>, tensor<1x3x12xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @params(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x12xi8>, %wh: tensor<1x4x12xi8>,
                  %p: tensor<1x3x16xi32>, %t: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{params must be [D, 3, 3H] = [1, 3, 12], got 'tensor<1x3x16xi32>'}}
  %a = systolic.gru %x, %wx, %wh, %p, %t, %t
      : (tensor<5x2x3xi8>, tensor<1x3x12xi8>, tensor<1x4x12xi8>, tensor<1x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @missing_h_bias(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x12xi8>, %wh: tensor<1x4x12xi8>,
                          %p: tensor<1x3x12xi32>, %t: tensor<256xi8>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{linear_before_reset needs h_bias, the n gate's recurrent bias}}
  %a = systolic.gru %x, %wx, %wh, %p, %t, %t {linear_before_reset}
      : (tensor<5x2x3xi8>, tensor<1x3x12xi8>, tensor<1x4x12xi8>, tensor<1x3x12xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @stray_h_bias(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x12xi8>, %wh: tensor<1x4x12xi8>,
                        %p: tensor<1x3x12xi32>, %t: tensor<256xi8>, %hb: tensor<1x4xi32>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{h_bias applies only with linear_before_reset}}
  %a = systolic.gru %x, %wx, %wh, %p, %t, %t h_bias %hb
      : (tensor<5x2x3xi8>, tensor<1x3x12xi8>, tensor<1x4x12xi8>, tensor<1x3x12xi32>, tensor<256xi8>, tensor<256xi8>, tensor<1x4xi32>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @h_bias_shape(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x12xi8>, %wh: tensor<1x4x12xi8>,
                        %p: tensor<1x3x12xi32>, %t: tensor<256xi8>, %hb: tensor<1x12xi32>) -> tensor<5x1x2x4xi8> {
  // expected-error @+1 {{h_bias must be [D, H] = [1, 4], got 'tensor<1x12xi32>'}}
  %a = systolic.gru %x, %wx, %wh, %p, %t, %t h_bias %hb {linear_before_reset}
      : (tensor<5x2x3xi8>, tensor<1x3x12xi8>, tensor<1x4x12xi8>, tensor<1x3x12xi32>, tensor<256xi8>, tensor<256xi8>, tensor<1x12xi32>) -> tensor<5x1x2x4xi8>
  return %a : tensor<5x1x2x4xi8>
}

// -----

func.func @result(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x12xi8>, %wh: tensor<1x4x12xi8>,
                  %p: tensor<1x3x12xi32>, %t: tensor<256xi8>) -> tensor<5x2x4xi8> {
  // expected-error @+1 {{result must be [T, D, B, H] = [5, 1, 2, 4], got 'tensor<5x2x4xi8>'}}
  %a = systolic.gru %x, %wx, %wh, %p, %t, %t
      : (tensor<5x2x3xi8>, tensor<1x3x12xi8>, tensor<1x4x12xi8>, tensor<1x3x12xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x2x4xi8>
  return %a : tensor<5x2x4xi8>
}

// -----

func.func @reverse(%x: tensor<5x2x3xi8>, %wx: tensor<2x3x12xi8>, %wh: tensor<2x4x12xi8>,
                   %p: tensor<2x3x12xi32>, %t: tensor<256xi8>) -> tensor<5x2x2x4xi8> {
  // expected-error @+1 {{'reverse' applies to a single direction}}
  %a = systolic.gru %x, %wx, %wh, %p, %t, %t {reverse}
      : (tensor<5x2x3xi8>, tensor<2x3x12xi8>, tensor<2x4x12xi8>, tensor<2x3x12xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x2x2x4xi8>
  return %a : tensor<5x2x2x4xi8>
}
