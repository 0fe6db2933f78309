// RUN: systolic-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// group == 1: zero padding, the bias broadcast into the destination, and the
// named 2-D convolution with strides and dilations.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func @conv2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 2] high[0, 0, 1, 2]
// CHECK: } : tensor<1x3x8x8xf32> to tensor<1x3x10x12xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[CH]], #{{.*}}]
// CHECK-SAME: ins(%[[B]] : tensor<4xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %[[W]] : tensor<1x3x10x12xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<1x4x4x4xf32>)
func.func @conv2d(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = nn.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 2>, pads = array<i64: 1, 2, 1, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// CHECK-LABEL: func @conv1d_3d
// CHECK: linalg.fill
// CHECK: linalg.conv_1d_ncw_fcw
// CHECK: linalg.conv_3d_ncdhw_fcdhw
func.func @conv1d_3d(%x: tensor<1x2x9xf32>, %w: tensor<3x2x3xf32>, %y: tensor<1x2x4x4x4xf32>, %v: tensor<3x2x2x2x2xf32>) -> (tensor<1x3x7xf32>, tensor<1x3x3x3x3xf32>) {
  %0 = nn.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x2x9xf32>, tensor<3x2x3xf32>) -> tensor<1x3x7xf32>
  %1 = nn.conv %y, %v {strides = array<i64: 1, 1, 1>, dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>} : (tensor<1x2x4x4x4xf32>, tensor<3x2x2x2x2xf32>) -> tensor<1x3x3x3x3xf32>
  return %0, %1 : tensor<1x3x7xf32>, tensor<1x3x3x3x3xf32>
}

// -----

// Depthwise (C/group == 1, M == group) uses the depthwise named op on the
// [C, kh, kw] view of the weight.
// CHECK-LABEL: func @depthwise
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%{{.*}}, %[[F]] : tensor<1x4x6x6xf32>, tensor<4x3x3xf32>)
func.func @depthwise(%x: tensor<1x4x6x6xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %0 = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 4 : i64} : (tensor<1x4x6x6xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Other grouped 2-D convolutions run on group-split views.
// CHECK-LABEL: func @grouped
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 2, 5, 5] : tensor<1x4x5x5xf32> into tensor<1x2x2x5x5xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3] : tensor<6x2x3x3xf32> into tensor<2x3x2x3x3xf32>
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x3x3xf32> into tensor<1x6x3x3xf32>
func.func @grouped(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %0 = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32>
  return %0 : tensor<1x6x3x3xf32>
}

// -----

// Grouped 1-D: a generic over (n, g, m, o, c, k) with the input read at
// o * stride + k * dilation.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d3 * 2 + d5 * 2)>
// CHECK-LABEL: func @grouped_1d
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @grouped_1d(%x: tensor<1x4x9xf32>, %w: tensor<2x2x2xf32>) -> tensor<1x2x4xf32> {
  %0 = nn.conv %x, %w {strides = array<i64: 2>, dilations = array<i64: 2>, pads = array<i64: 0, 0>, group = 2 : i64} : (tensor<1x4x9xf32>, tensor<2x2x2xf32>) -> tensor<1x2x4xf32>
  return %0 : tensor<1x2x4xf32>
}

// -----

// Transposed convolution: the input is zero-interleaved (strided insert into
// zeros, with the d * (k - 1) - pad border), the constant kernel is flipped
// and its channel dims swapped at compile time, then a stride-1 convolution.
// CHECK-LABEL: func @conv_transpose
// CHECK: %[[Z:.*]] = linalg.fill {{.*}} -> tensor<1x1x9xf32>
// CHECK: %[[D:.*]] = tensor.insert_slice %{{.*}} into %[[Z]][0, 0, 2] [1, 1, 3] [1, 1, 2] : tensor<1x1x3xf32> into tensor<1x1x9xf32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}[3.000000e+00, 2.000000e+00, 1.000000e+00]], {{\[\[}}6.000000e+00, 5.000000e+00, 4.000000e+00]]]> : tensor<2x1x3xf32>
// CHECK: linalg.conv_1d_ncw_fcw {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%[[D]], %[[W]] : tensor<1x1x9xf32>, tensor<2x1x3xf32>) outs(%{{.*}} : tensor<1x2x7xf32>)
func.func @conv_transpose(%x: tensor<1x1x3xf32>) -> tensor<1x2x7xf32> {
  %w = arith.constant dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>
  %0 = nn.conv_transpose %x, %w {strides = array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, output_padding = array<i64: 0>} : (tensor<1x1x3xf32>, tensor<1x2x3xf32>) -> tensor<1x2x7xf32>
  return %0 : tensor<1x2x7xf32>
}

// -----

// A runtime kernel is flipped by a generic reading k at (K - 1 - k).
// CHECK-DAG: #[[FLIP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, -d3 + 1, -d4 + 1)>
// CHECK-LABEL: func @conv_transpose_runtime_weight
// CHECK: linalg.generic {indexing_maps = [#[[FLIP]], #{{.*}}]
// CHECK: linalg.conv_2d_nchw_fchw
func.func @conv_transpose_runtime_weight(%x: tensor<1x2x3x3xf32>, %w: tensor<2x3x2x2xf32>) -> tensor<1x3x4x4xf32> {
  %0 = nn.conv_transpose %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>} : (tensor<1x2x3x3xf32>, tensor<2x3x2x2xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

// Max pooling pads with -inf, and ceil_mode pads the end further so the
// last window fits.
// CHECK-LABEL: func @max_pool_ceil
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEG]]
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<2x2xf32>
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%{{.*}}, %[[WIN]] : tensor<1x1x6x6xf32>, tensor<2x2xf32>)
func.func @max_pool_ceil(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x1x5x5xf32> -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Average pooling divides by the per-position counts: with pads and without
// count_include_pad the border windows cover fewer elements (2, 3, 2 per dim).
// CHECK-LABEL: func @avg_pool_pads
// CHECK: linalg.pooling_nchw_sum
// CHECK-DAG: arith.constant dense<[2.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: arith.divf
func.func @avg_pool_pads(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %0 = nn.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x1x3x3xf32> -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Uniform windows divide by the kernel size; 1-D and 3-D pooling.
// CHECK-LABEL: func @pools_1d_3d
// CHECK: linalg.pooling_ncw_sum
// CHECK: arith.constant 2.000000e+00 : f32
// CHECK: arith.divf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: arith.maximumf
func.func @pools_1d_3d(%x: tensor<1x2x8xf32>, %y: tensor<1x1x4x4x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x1x2x2x2xf32>) {
  %0 = nn.avg_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>} : tensor<1x2x8xf32> -> tensor<1x2x4xf32>
  %1 = nn.max_pool %y {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 1, 1, 1>} : tensor<1x1x4x4x4xf32> -> tensor<1x1x2x2x2xf32>
  return %0, %1 : tensor<1x2x4xf32>, tensor<1x1x2x2x2xf32>
}

// -----

// Dilated average pooling counts taps, not the covered span: kernel 3
// dilated by 2 at stride 2 with pads 1 on 6 (ceil_mode: 3 windows) has taps
// {-1, 1, 3}, {1, 3, 5}, {3, 5, 7}: 2, 3, 2 inside the input; with
// count_include_pad also -1 counts but never 7 (in the ceil_mode extra end
// padding): 3, 3, 2.
// CHECK-LABEL: func @avg_pool_dilated
// CHECK: tensor.pad %{{.*}} low[0, 0, 1] high[0, 0, 2]
// CHECK: linalg.pooling_ncw_sum {dilations = dense<2> : tensor<1xi64>, strides = dense<2> : tensor<1xi64>}
// CHECK: arith.constant dense<[2.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK: arith.divf
// CHECK: linalg.pooling_ncw_sum
// CHECK: arith.constant dense<[3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<3xf32>
func.func @avg_pool_dilated(%x: tensor<1x1x6xf32>) -> (tensor<1x1x3xf32>, tensor<1x1x3xf32>) {
  %0 = nn.avg_pool %x {kernel_shape = array<i64: 3>, strides = array<i64: 2>, pads = array<i64: 1, 1>, dilations = array<i64: 2>, ceil_mode = true} : tensor<1x1x6xf32> -> tensor<1x1x3xf32>
  %1 = nn.avg_pool %x {kernel_shape = array<i64: 3>, strides = array<i64: 2>, pads = array<i64: 1, 1>, dilations = array<i64: 2>, ceil_mode = true, count_include_pad = true} : tensor<1x1x6xf32> -> tensor<1x1x3xf32>
  return %0, %1 : tensor<1x1x3xf32>, tensor<1x1x3xf32>
}

// -----

// Max pooling with indices: one generic over [N, C, out..., window...]
// carrying (max, flattened input position); column-major here, so the
// position is (n * C + c) * H * W + w * H + h with h = o_h * 2 + k_h - 1 and
// w = o_w * 2 + k_w * 2.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5 * 2)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @max_pool_indices
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 0] high[0, 0, 0, 0]
// CHECK: %[[VALUES:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x3x2xf32>)
// CHECK: %[[POSITIONS:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<1x2x3x2xi64>)
// CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[IN]], #[[WIN]], #[[OUT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%[[VALUES]], %[[POSITIONS]] : tensor<1x2x3x2xf32>, tensor<1x2x3x2xi64>)
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32, %[[BEST:.*]]: f32, %[[BEST_INDEX:.*]]: i64):
// CHECK: %[[BETTER:.*]] = arith.cmpf ogt, %[[X]], %[[BEST]] : f32
// CHECK: %[[H:.*]] = arith.subi %{{.*}}, %c1 : index
// CHECK: %[[PLANE:.*]] = arith.muli %{{.*}}, %c25 : index
// CHECK: %[[WH:.*]] = arith.muli %{{.*}}, %c5 : index
// CHECK: %[[WITHIN:.*]] = arith.addi %[[WH]], %[[H]] : index
// CHECK: %[[FLAT:.*]] = arith.addi %[[PLANE]], %[[WITHIN]] : index
// CHECK: %[[FLAT64:.*]] = arith.index_cast %[[FLAT]] : index to i64
// CHECK: %[[V:.*]] = arith.select %[[BETTER]], %[[X]], %[[BEST]] : f32
// CHECK: %[[I:.*]] = arith.select %[[BETTER]], %[[FLAT64]], %[[BEST_INDEX]] : i64
// CHECK: linalg.yield %[[V]], %[[I]] : f32, i64
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @max_pool_indices(%x: tensor<1x2x5x5xf32>) -> (tensor<1x2x3x2xf32>, tensor<1x2x3x2xi64>) {
  %0:2 = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 0, 0>, dilations = array<i64: 1, 2>, storage_order = 1} : tensor<1x2x5x5xf32> -> tensor<1x2x3x2xf32>, tensor<1x2x3x2xi64>
  return %0#0, %0#1 : tensor<1x2x3x2xf32>, tensor<1x2x3x2xi64>
}

// -----

// Batch norm: per-channel scale and shift computed once on [C], then one
// fused multiply-add over the input.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func @batch_norm
// CHECK: linalg.generic
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH]], #[[CH]], #{{.*}}]
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @batch_norm(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %0 = nn.batch_norm %x, %s, %b, %m, %v : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// -----

// f16: the operands are widened to f32, the convolution accumulates in f32,
// and the result is rounded to f16 once (summing many f16 products in f16
// drifts by several ulp from ONNX Runtime's f32 accumulation).
// CHECK-LABEL: func.func @conv_f16
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>) outs(%{{.*}} : tensor<1x3x3x3xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: -> tensor<1x3x3x3xf16>
func.func @conv_f16(%x: tensor<1x2x5x5xf16>, %w: tensor<3x2x3x3xf16>) -> tensor<1x3x3x3xf16> {
  %0 = nn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x5x5xf16>, tensor<3x2x3x3xf16>) -> tensor<1x3x3x3xf16>
  return %0 : tensor<1x3x3x3xf16>
}
