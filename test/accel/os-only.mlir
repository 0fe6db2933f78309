// RUN: systolic-opt %s -systolic-quantize="report-placement accel-config=16x16,dataflows=os" 2>&1 >/dev/null | FileCheck %s

// On an output-stationary-only configuration the layers that run
// weight-stationary only stay on the CPU, with the reason, instead of failing
// the compile; a batch-1 dense layer (its 1 x K lhs is its own transpose)
// still runs on the array.
// CHECK: placement of @main: 1 ops on accel, 3 on cpu
// CHECK-NEXT: cpu  nn.conv "conv": the configuration has no weight-stationary dataflow, and a convolution (implicit im2col) runs weight-stationary only (--accel-config=...,dataflows=ws+os)
// CHECK-NEXT: cpu  nn.reshape "flatten": no accelerator mapping for nn.reshape
// CHECK-NEXT: accel  nn.gemm "fc": systolic.matmul
// CHECK-NEXT: cpu  nn.gemm "batched": the configuration has no weight-stationary dataflow, and a dense layer with more than one row of activations runs weight-stationary only (--accel-config=...,dataflows=ws+os)
func.func @main(%x: tensor<1x2x4x4xf32> {systolic.calibration = array<f64: -1.0, 1.0>},
                %y: tensor<4x8xf32> {systolic.calibration = array<f64: -1.0, 1.0>})
    -> (tensor<1x3xf32>, tensor<4x3xf32>) {
  %w = arith.constant dense<0.5> : tensor<2x2x3x3xf32>
  %c = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      pads = array<i64: 1, 1, 1, 1>, systolic.calibration = array<f64: -3.0, 5.0>}
      : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %f = nn.reshape %c {systolic.calibration = array<f64: -3.0, 5.0>} : tensor<1x2x4x4xf32> -> tensor<1x32xf32> loc("flatten")
  %g = arith.constant dense<0.25> : tensor<32x3xf32>
  %m = nn.gemm %f, %g {systolic.calibration = array<f64: -10.0, 10.0>} : (tensor<1x32xf32>, tensor<32x3xf32>) -> tensor<1x3xf32> loc("fc")
  %h = arith.constant dense<0.25> : tensor<8x3xf32>
  %b = nn.gemm %y, %h {systolic.calibration = array<f64: -10.0, 10.0>} : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32> loc("batched")
  return %m, %b : tensor<1x3xf32>, tensor<4x3xf32>
}
