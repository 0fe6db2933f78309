// RUN: systolic-opt %s --pass-pipeline="builtin.module(func.func(systolic-cpu-tile-and-vectorize{vector-bits=256 vector-registers=16}))" | FileCheck %s

// ONNX-style NCHW 3x3 convolution with padding 1, as convert-nn-to-linalg
// produces it. The pad becomes a vectorized fill + copy into the interior;
// each register tile of the convolution (output channels x output columns,
// one input channel and one filter tap per step) is an outer product,
// vectorized as a contraction with k = 1. Output columns are the vector
// dimension (contiguous in NCHW). 16 channels = 2 x 6 + 4.
// CHECK-LABEL: func.func @conv_nchw
// CHECK-NOT: tensor.pad
// CHECK: vector.transfer_write {{.*}} : vector<1x1x1x18xf32>, tensor<1x8x18x18xf32>
// CHECK: vector.transfer_write {{.*}} : vector<1x1x1x16xf32>, tensor<1x8x16x16xf32>
// Loops: output rows, channel blocks of 6, input channels, 3x3 window.
// CHECK: scf.for %{{.*}} = %{{.*}} to %c16 step %c1
// CHECK: scf.for %{{.*}} = %{{.*}} to %c12 step %c6
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8 step %c1
// CHECK: scf.for %{{.*}} = %{{.*}} to %c3 step %c1
// CHECK: scf.for %{{.*}} = %{{.*}} to %c3 step %c1
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// CHECK-NOT: linalg.conv_2d
// CHECK: return
func.func @conv_nchw(%x: tensor<1x8x16x16xf32>, %w: tensor<16x8x3x3xf32>,
                     %init: tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x8x16x16xf32> to tensor<1x8x18x18xf32>
  %0 = linalg.conv_2d_nchw_fchw
         {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%padded, %w : tensor<1x8x18x18xf32>, tensor<16x8x3x3xf32>)
         outs(%init : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  return %0 : tensor<1x16x16x16xf32>
}

// Depthwise convolutions have no input-channel reduction to turn into a
// matmul and the upstream vectorizer does not take NCHW depthwise: they are
// tiled on the elementwise plan and left scalar (lowered to loops later).
// CHECK-LABEL: func.func @depthwise
// CHECK: scf.for
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}} -> tensor<1x1x1x1xf32>
// CHECK: return
func.func @depthwise(%x: tensor<1x8x10x10xf32>, %w: tensor<8x3x3xf32>,
                     %init: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %0 = linalg.depthwise_conv_2d_nchw_chw
         {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x8x10x10xf32>, tensor<8x3x3xf32>)
         outs(%init : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}
