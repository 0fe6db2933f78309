// RUN: systolic-opt %s -split-input-file -verify-diagnostics

func.func @rank(%x: tensor<1x4x4xi8>) -> tensor<1x4x4xi8> {
  // expected-error @+1 {{input must be [N, H, W, C], got 'tensor<1x4x4xi8>'}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x4xi8> -> tensor<1x4x4xi8>
  return %p : tensor<1x4x4xi8>
}

// -----

func.func @kernel_size(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error @+1 {{kernel_shape needs 2 entries (h, w), got 3}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 1, 1, 1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xi8>
  return %p : tensor<1x4x4x2xi8>
}

// -----

func.func @strides_size(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error @+1 {{strides needs 2 entries (h, w), got 1}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xi8>
  return %p : tensor<1x4x4x2xi8>
}

// -----

func.func @dilations_size(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error @+1 {{dilations needs 2 entries (h, w), got 0}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64>} : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xi8>
  return %p : tensor<1x4x4x2xi8>
}

// -----

func.func @pads_size(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error @+1 {{pads needs 4 entries (top, left, bottom, right), got 2}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xi8>
  return %p : tensor<1x4x4x2xi8>
}

// -----

func.func @kernel_positive(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error @+1 {{kernel_shape must be positive, got 0}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 1, 0>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xi8>
  return %p : tensor<1x4x4x2xi8>
}

// -----

func.func @stride_positive(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error @+1 {{strides must be positive, got -1}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: -1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xi8>
  return %p : tensor<1x4x4x2xi8>
}

// -----

func.func @dilation_positive(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error @+1 {{dilations must be positive, got 0}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 0>} : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xi8>
  return %p : tensor<1x4x4x2xi8>
}

// -----

func.func @pad_negative(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error @+1 {{pads must be non-negative, got -1}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>,
      pads = array<i64: 1, 1, -1, 1>, dilations = array<i64: 1, 1>} : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xi8>
  return %p : tensor<1x4x4x2xi8>
}

// -----

func.func @pad_not_below_kernel(%x: tensor<1x4x4x2xi8>) -> tensor<1x6x4x2xi8> {
  // expected-error @+1 {{pad 2 must be smaller than the kernel extent 2 in spatial dimension 0}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 2, 1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 2, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x4x2xi8> -> tensor<1x6x4x2xi8>
  return %p : tensor<1x6x4x2xi8>
}

// -----

func.func @window_too_large(%x: tensor<1x4x4x2xi8>) -> tensor<1x1x4x2xi8> {
  // expected-error @+1 {{the dilated kernel (7) is larger than the padded input (6) in spatial dimension 0}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 4, 1>, strides = array<i64: 1, 1>,
      pads = array<i64: 1, 0, 1, 0>, dilations = array<i64: 2, 1>} : tensor<1x4x4x2xi8> -> tensor<1x1x4x2xi8>
  return %p : tensor<1x1x4x2xi8>
}

// -----

func.func @result_shape(%x: tensor<1x5x7x3xi8>) -> tensor<1x3x4x3xi8> {
  // expected-error @+1 {{result shape must be [1, 2, 3, 3], got 'tensor<1x3x4x3xi8>'}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x7x3xi8> -> tensor<1x3x4x3xi8>
  return %p : tensor<1x3x4x3xi8>
}

// -----

func.func @ceil_drops_window_in_padding(%x: tensor<1x3x3x1xi8>) -> tensor<1x3x3x1xi8> {
  // (3 + 1 + 1 - 2) / 2 rounds up to 2, + 1 = 3 windows, but the third would
  // start at padded position 4, in the end padding: it is dropped.
  // expected-error @+1 {{result shape must be [1, 2, 2, 1], got 'tensor<1x3x3x1xi8>'}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x3x3x1xi8> -> tensor<1x3x3x1xi8>
  return %p : tensor<1x3x3x1xi8>
}

// -----

func.func @element_type(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error @+1 {{must be}}
  %p = systolic.max_pool %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x4x2xf32> -> tensor<1x4x4x2xf32>
  return %p : tensor<1x4x4x2xf32>
}
