// RUN: systolic-opt %s -convert-systolic-to-linalg -split-input-file | FileCheck %s
// The CPU code generation pipeline lowers layer ops itself (it runs
// convert-systolic-to-linalg first), through tiling and vectorization.
// RUN: systolic-opt %s -systolic-cpu-codegen -split-input-file | FileCheck %s --check-prefix=CPU

// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[CH2:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @matmul_lut
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi8>, %[[B:.*]]: tensor<3x4xi8>, %[[P:.*]]: tensor<3x4xi32>, %[[LUT:.*]]: tensor<256xi8>)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : i32) outs(%{{.*}} : tensor<2x4xi32>)
// CHECK: %[[ACC:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<2x3xi8>, tensor<3x4xi8>) outs(%[[FILL]] : tensor<2x4xi32>)
// CHECK-DAG: %[[BIAS:.*]] = tensor.extract_slice %[[P]][0, 0] [1, 4] [1, 1] : tensor<3x4xi32> to tensor<4xi32>
// CHECK-DAG: %[[MULT:.*]] = tensor.extract_slice %[[P]][1, 0] [1, 4] [1, 1] : tensor<3x4xi32> to tensor<4xi32>
// CHECK-DAG: %[[SHIFT:.*]] = tensor.extract_slice %[[P]][2, 0] [1, 4] [1, 1] : tensor<3x4xi32> to tensor<4xi32>
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[CH2]], #[[CH2]], #[[CH2]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[ACC]], %[[BIAS]], %[[MULT]], %[[SHIFT]] : tensor<2x4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) outs(%{{.*}} : tensor<2x4xi8>)
// CHECK: ^bb0(%[[X:.*]]: i32, %[[BI:.*]]: i32, %[[M:.*]]: i32, %[[S:.*]]: i32, %{{.*}}: i8):
// Wrapping int32 bias add, then the int64 product.
// CHECK: %[[XB:.*]] = arith.addi %[[X]], %[[BI]] : i32
// CHECK-DAG: %[[M64:.*]] = arith.extsi %[[M]] : i32 to i64
// CHECK-DAG: %[[X64:.*]] = arith.extsi %[[XB]] : i32 to i64
// CHECK: %[[PROD:.*]] = arith.muli %[[X64]], %[[M64]] : i64
// s = shift & 63; q = s == 0 ? p : ((p >> (s - 1)) + 1) >> 1
// CHECK: %[[S6:.*]] = arith.andi %[[S]], %{{.*}} : i32
// CHECK: %[[S64:.*]] = arith.extui %[[S6]] : i32 to i64
// CHECK: %[[NOSHIFT:.*]] = arith.cmpi eq, %[[S64]], %[[C0:.*]] : i64
// CHECK: %[[SM1:.*]] = arith.subi %[[S64]], %[[C1:.*]] : i64
// CHECK: %[[AMT:.*]] = arith.select %[[NOSHIFT]], %[[C0]], %[[SM1]] : i64
// CHECK: %[[H:.*]] = arith.shrsi %[[PROD]], %[[AMT]] : i64
// CHECK: %[[H1:.*]] = arith.addi %[[H]], %[[C1]] : i64
// CHECK: %[[R:.*]] = arith.shrsi %[[H1]], %[[C1]] : i64
// CHECK: %[[Q:.*]] = arith.select %[[NOSHIFT]], %[[PROD]], %[[R]] : i64
// CHECK: %[[ZP:.*]] = arith.constant -5 : i64
// CHECK: %[[V:.*]] = arith.addi %[[Q]], %[[ZP]] : i64
// CHECK: %[[LO:.*]] = arith.maxsi %[[V]], %{{.*}} : i64
// CHECK: %[[HI:.*]] = arith.minsi %[[LO]], %{{.*}} : i64
// CHECK: %[[V8:.*]] = arith.trunci %[[HI]] : i64 to i8
// CHECK: %[[IDX:.*]] = arith.index_castui %[[V8]] : i8 to index
// CHECK: %[[T:.*]] = tensor.extract %[[LUT]][%[[IDX]]] : tensor<256xi8>
// CHECK: linalg.yield %[[T]] : i8
// CPU-LABEL: llvm.func @matmul_lut(
// CPU-NOT: systolic.
func.func @matmul_lut(%a: tensor<2x3xi8>, %b: tensor<3x4xi8>, %p: tensor<3x4xi32>,
                      %lut: tensor<256xi8>) -> tensor<2x4xi8> {
  %m = systolic.matmul %a, %b, %p lut %lut {output_zero_point = -5 : i64,
      activation = #systolic.activation<lut>}
      : (tensor<2x3xi8>, tensor<3x4xi8>, tensor<3x4xi32>, tensor<256xi8>) -> tensor<2x4xi8>
  return %m : tensor<2x4xi8>
}

// -----

// Padding [top, left, bottom, right] = [1, 2, 0, 1] with int8 zeros, stride 2,
// dilation 1: the padded 6x10 input has one row and column more than the
// windows read, so only the used part goes to the convolution.
// CHECK-LABEL: func.func @conv_relu6
// CHECK-SAME: (%[[X:.*]]: tensor<1x5x7x3xi8>, %[[W:.*]]: tensor<3x3x3x8xi8>, %[[P:.*]]: tensor<3x8xi32>)
// CHECK: %[[Z8:.*]] = arith.constant 0 : i8
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 1, 2, 0] high[0, 0, 1, 0]
// CHECK: tensor.yield %[[Z8]] : i8
// CHECK: } : tensor<1x5x7x3xi8> to tensor<1x6x10x3xi8>
// CHECK: %[[USED:.*]] = tensor.extract_slice %[[PAD]][0, 0, 0, 0] [1, 5, 9, 3] [1, 1, 1, 1] : tensor<1x6x10x3xi8> to tensor<1x5x9x3xi8>
// CHECK: %[[FILL:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<1x2x4x8xi32>)
// CHECK: %[[ACC:.*]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[USED]], %[[W]] : tensor<1x5x9x3xi8>, tensor<3x3x3x8xi8>) outs(%[[FILL]] : tensor<1x2x4x8xi32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[ACC]], {{.*}} : tensor<1x2x4x8xi32>, tensor<8xi32>, tensor<8xi32>, tensor<8xi32>) outs(%{{.*}} : tensor<1x2x4x8xi8>)
// relu6 in output units: max with the zero point 3, min with clamp_max 50.
// CHECK: %[[ZP:.*]] = arith.constant 3 : i64
// CHECK: arith.addi %{{.*}}, %[[ZP]] : i64
// CHECK: arith.minsi
// CHECK: %[[R1:.*]] = arith.maxsi %{{.*}}, %[[ZP]] : i64
// CHECK: %[[MAX:.*]] = arith.constant 50 : i64
// CHECK: %[[R2:.*]] = arith.minsi %[[R1]], %[[MAX]] : i64
// CHECK: arith.trunci %[[R2]] : i64 to i8
// CPU-LABEL: llvm.func @conv_relu6(
func.func @conv_relu6(%x: tensor<1x5x7x3xi8>, %w: tensor<3x3x3x8xi8>,
                      %p: tensor<3x8xi32>) -> tensor<1x2x4x8xi8> {
  %c = systolic.conv2d %x, %w, %p {strides = array<i64: 2, 2>,
      pads = array<i64: 1, 2, 0, 1>, dilations = array<i64: 1, 1>,
      input_zero_point = 0 : i64, output_zero_point = 3 : i64,
      activation = #systolic.activation<relu6>, clamp_max = 50 : i64}
      : (tensor<1x5x7x3xi8>, tensor<3x3x3x8xi8>, tensor<3x8xi32>) -> tensor<1x2x4x8xi8>
  return %c : tensor<1x2x4x8xi8>
}

// -----

// No padding, dilation 2, input zero point 7 (folded into the bias by the
// producer, so not subtracted here).
// CHECK-LABEL: func.func @conv_dilated
// CHECK-NOT: tensor.pad
// CHECK-NOT: arith.constant 7
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x6x6x4xi8>, tensor<2x2x4x4xi8>)
// relu: max with the zero point only.
// CHECK: %[[ZP:.*]] = arith.constant -2 : i64
// CHECK: arith.minsi
// CHECK-NEXT: arith.maxsi %{{.*}}, %[[ZP]] : i64
// CHECK-NEXT: arith.trunci
// CPU-LABEL: llvm.func @conv_dilated(
func.func @conv_dilated(%x: tensor<2x6x6x4xi8>, %w: tensor<2x2x4x4xi8>,
                        %p: tensor<3x4xi32>) -> tensor<2x4x4x4xi8> {
  %c = systolic.conv2d %x, %w, %p {strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>,
      input_zero_point = 7 : i64, output_zero_point = -2 : i64,
      activation = #systolic.activation<relu>}
      : (tensor<2x6x6x4xi8>, tensor<2x2x4x4xi8>, tensor<3x4xi32>) -> tensor<2x4x4x4xi8>
  return %c : tensor<2x4x4x4xi8>
}

// -----

// One input channel with a column stride > 1: a zero channel is added to the
// input (with the padding) and to the weight, which the CPU backend's
// convolution tiling needs; the sums do not change.
// CHECK-LABEL: func.func @conv_one_channel
// CHECK-SAME: (%[[X:.*]]: tensor<1x7x7x1xi8>, %[[W:.*]]: tensor<3x3x1x4xi8>,
// CHECK: %[[WP:.*]] = tensor.pad %[[W]] low[0, 0, 0, 0] high[0, 0, 1, 0]
// CHECK: } : tensor<3x3x1x4xi8> to tensor<3x3x2x4xi8>
// CHECK: %[[XP:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 1]
// CHECK: } : tensor<1x7x7x1xi8> to tensor<1x9x9x2xi8>
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[XP]], %[[WP]] : tensor<1x9x9x2xi8>, tensor<3x3x2x4xi8>)
// CPU-LABEL: llvm.func @conv_one_channel(
func.func @conv_one_channel(%x: tensor<1x7x7x1xi8>, %w: tensor<3x3x1x4xi8>,
                            %p: tensor<3x4xi32>) -> tensor<1x4x4x4xi8> {
  %c = systolic.conv2d %x, %w, %p {strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
      input_zero_point = 0 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x7x7x1xi8>, tensor<3x3x1x4xi8>, tensor<3x4xi32>) -> tensor<1x4x4x4xi8>
  return %c : tensor<1x4x4x4xi8>
}

// -----

// A stride along a dimension with one output element does not matter and
// becomes 1 (the CPU backend's convolution tiling fails on the strided form).
// CHECK-LABEL: func.func @conv_single_column
// CHECK-NOT: tensor.pad
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<[3, 1]> : tensor<2xi64>}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x9x1x2xi8>, tensor<3x1x2x4xi8>)
// CPU-LABEL: llvm.func @conv_single_column(
func.func @conv_single_column(%x: tensor<1x11x1x2xi8>, %w: tensor<3x1x2x4xi8>,
                              %p: tensor<3x4xi32>) -> tensor<1x3x1x4xi8> {
  %c = systolic.conv2d %x, %w, %p {strides = array<i64: 3, 2>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
      input_zero_point = 0 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x11x1x2xi8>, tensor<3x1x2x4xi8>, tensor<3x4xi32>) -> tensor<1x3x1x4xi8>
  return %c : tensor<1x3x1x4xi8>
}

// -----

// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[CH3:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @scaled_add
// CHECK-SAME: (%[[L:.*]]: tensor<2x3x16xi8>, %[[R:.*]]: tensor<2x3x16xi8>, %[[P:.*]]: tensor<3x16xi32>)
// CHECK: linalg.generic {indexing_maps = [#[[ID3]], #[[ID3]], #[[CH3]], #[[CH3]], #[[CH3]], #[[ID3]]]
// CHECK-SAME: ins(%[[L]], %[[R]], {{.*}} : tensor<2x3x16xi8>, tensor<2x3x16xi8>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>)
// CHECK: ^bb0(%[[A:.*]]: i8, %[[B:.*]]: i8,
// CHECK: %[[A32:.*]] = arith.extsi %[[A]] : i8 to i32
// CHECK: %[[WA:.*]] = arith.constant 127 : i32
// CHECK: %[[PA:.*]] = arith.muli %[[A32]], %[[WA]] : i32
// CHECK: %[[B32:.*]] = arith.extsi %[[B]] : i8 to i32
// CHECK: %[[WB:.*]] = arith.constant -64 : i32
// CHECK: %[[PB:.*]] = arith.muli %[[B32]], %[[WB]] : i32
// CHECK: %[[ACC:.*]] = arith.addi %[[PA]], %[[PB]] : i32
// CHECK: arith.addi %[[ACC]], %{{.*}} : i32
// CPU-LABEL: llvm.func @scaled_add(
func.func @scaled_add(%l: tensor<2x3x16xi8>, %r: tensor<2x3x16xi8>,
                      %p: tensor<3x16xi32>) -> tensor<2x3x16xi8> {
  %s = systolic.scaled_add %l, %r, %p {lhs_weight = 127 : i64, rhs_weight = -64 : i64,
      output_zero_point = 0 : i64, activation = #systolic.activation<none>}
      : (tensor<2x3x16xi8>, tensor<2x3x16xi8>, tensor<3x16xi32>) -> tensor<2x3x16xi8>
  return %s : tensor<2x3x16xi8>
}

// -----

// CHECK-LABEL: func.func @quantize
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: i8):
// CHECK: %[[SCALE:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[D:.*]] = arith.divf %[[X]], %[[SCALE]] : f32
// CHECK: %[[RE:.*]] = math.roundeven %[[D]] : f32
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[RE]], %[[RE]] : f32
// CHECK: %[[NONAN:.*]] = arith.select %[[NAN]], %{{.*}}, %[[RE]] : f32
// CHECK: arith.maximumf %[[NONAN]], %{{.*}} : f32
// CHECK: arith.minimumf
// CHECK: %[[I:.*]] = arith.fptosi %{{.*}} : f32 to i32
// CHECK: %[[ZP:.*]] = arith.constant -3 : i32
// CHECK: arith.addi %[[I]], %[[ZP]] : i32
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK-LABEL: func.func @dequantize
// CHECK: ^bb0(%[[Q:.*]]: i8, %{{.*}}: f32):
// CHECK: %[[Q32:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK: %[[ZP:.*]] = arith.constant -3 : i32
// CHECK: %[[D:.*]] = arith.subi %[[Q32]], %[[ZP]] : i32
// CHECK: %[[F:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK: %[[S:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: arith.mulf %[[F]], %[[S]] : f32
// CPU-LABEL: llvm.func @quantize(
// CPU-LABEL: llvm.func @dequantize(
func.func @quantize(%x: tensor<4x8xf32>) -> tensor<4x8xi8> {
  %q = systolic.quantize %x {scale = 0.25 : f64, zero_point = -3 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>
  return %q : tensor<4x8xi8>
}
func.func @dequantize(%q: tensor<4x8xi8>) -> tensor<4x8xf32> {
  %d = systolic.dequantize %q {scale = 0.25 : f64, zero_point = -3 : i64}
      : tensor<4x8xi8> -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// ISA ops are not layer ops: a program is left as it is.
// CHECK: systolic.program
// CHECK: systolic.isa.lutload
systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64
    acc_banks = 1 queue_depth = 4 {
  systolic.isa.lutload row = 0
}
