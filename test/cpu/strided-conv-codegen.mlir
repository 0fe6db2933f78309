// RUN: systolic-opt %s --pass-pipeline="builtin.module(func.func(systolic-cpu-tile-and-vectorize{vector-bits=256 vector-registers=16}))" | FileCheck %s --check-prefix=TILE
// RUN: systolic-opt %s --systolic-cpu-codegen | FileCheck %s --check-prefix=LLVM

// NHWC convolutions with a column stride whose register tiles are strided
// slices surrounded by unit dimensions: one input channel, and one output
// column. A rank-reducing strided slice that keeps a unit dimension is
// ambiguous (which unit dimension it keeps is inferred from the shape and
// may disagree with the strides after bufferization: expand-strided-metadata
// crashed, or the subview did not verify). Such a slice now drops every unit
// dimension and is expanded back to the tile's 2-D shape; a unit dimension's
// stride (one output column) is 1. The whole pipeline runs to LLVM.

// TILE-LABEL: func.func @one_input_channel
// TILE: tensor.extract_slice {{.*}} [1, 1, 2, 1] [1, 1, 2, 1] : tensor<1x1x3x1xf32> to tensor<2xf32>
// TILE: tensor.expand_shape {{.*}} {{\[\[}}0, 1]] output_shape [2, 1] : tensor<2xf32> into tensor<2x1xf32>
// TILE: vector.contract {{.*}} : vector<2x1xf32>, vector<1x1xf32> into vector<2x1xf32>
// LLVM-LABEL: llvm.func @one_input_channel(
func.func @one_input_channel(%x: tensor<1x4x4x1xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x2x1xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x1xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %w : tensor<1x4x4x1xf32>, tensor<2x2x1x1xf32>) outs(%i : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  return %0 : tensor<1x2x2x1xf32>
}

// TILE-LABEL: func.func @one_output_column
// TILE-NOT: tensor.expand_shape
// TILE: vector.contract {{.*}} into vector<1x8xf32>
// LLVM-LABEL: llvm.func @one_output_column(
func.func @one_output_column(%x: tensor<1x4x5x3xf32>, %w: tensor<2x2x3x8xf32>) -> tensor<1x2x1x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x1x8xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x1x8xf32>) -> tensor<1x2x1x8xf32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<[2, 4]> : tensor<2xi64>}
     ins(%x, %w : tensor<1x4x5x3xf32>, tensor<2x2x3x8xf32>) outs(%i : tensor<1x2x1x8xf32>) -> tensor<1x2x1x8xf32>
  return %0 : tensor<1x2x1x8xf32>
}
