// Bit-exact numerics of convert-systolic-to-linalg, run with mlir-runner on
// hand-checkable values: once through plain loops, once through the CPU
// backend's tiling and vectorization. Expected values are worked out in the
// comments from the semantics in dialects/systolic/SystolicOps.td.
//
// RUN: systolic-opt %s -convert-systolic-to-linalg -convert-elementwise-to-linalg \
// RUN:   -one-shot-bufferize=bufferize-function-boundaries -convert-linalg-to-loops \
// RUN:   -convert-scf-to-cf -expand-strided-metadata -lower-affine -convert-to-llvm \
// RUN:   -reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s
// RUN: systolic-opt %s -convert-systolic-to-linalg -convert-elementwise-to-linalg \
// RUN:   -systolic-cpu-tile-and-vectorize -canonicalize \
// RUN:   -one-shot-bufferize=bufferize-function-boundaries -convert-linalg-to-loops \
// RUN:   -convert-vector-to-scf -convert-scf-to-cf -expand-strided-metadata -lower-affine \
// RUN:   -convert-vector-to-llvm -convert-to-llvm -reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefF32(tensor<*xf32>)

func.func @print8(%t: tensor<1x8xi8>) {
  %w = arith.extsi %t : tensor<1x8xi8> to tensor<1x8xi32>
  %u = tensor.cast %w : tensor<1x8xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @print4(%t: tensor<1x4xi8>) {
  %w = arith.extsi %t : tensor<1x4xi8> to tensor<1x4xi32>
  %u = tensor.cast %w : tensor<1x4xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  // Rounding ties and negative products (zero point 0, no activation):
  //   acc  5, s 1:  2.5  -> ((5 >> 0) + 1) >> 1      =  3   (half up)
  //   acc -5, s 1: -2.5  -> (-5 + 1) >> 1             = -2   (half up, not away from 0)
  //   acc  7, s 2:  1.75 -> ((7 >> 1) + 1) >> 1       =  2
  //   acc -6, s 2: -1.5  -> ((-6 >> 1) + 1) >> 1      = -1
  //   acc  3, s 0:  no shift                          =  3
  //   acc  9, s 64: s & 63 = 0                        =  9
  //   acc  9, s 65: s & 63 = 1, 4.5 -> 5              =  5
  //   acc -1, s 1: -0.5  -> (-1 + 1) >> 1             =  0
  // CHECK: [3,   -2,   2,   -1,   3,   9,   5,   0]
  %r1 = arith.constant dense<[[5, -5, 7, -6, 3, 9, 9, -1]]> : tensor<1x8xi8>
  %p1 = arith.constant dense<[[0, 0, 0, 0, 0, 0, 0, 0],
                              [1, 1, 1, 1, 1, 1, 1, 1],
                              [1, 1, 2, 2, 0, 64, 65, 1]]> : tensor<3x8xi32>
  %one = arith.constant dense<1> : tensor<1x1xi8>
  %o1 = systolic.matmul %one, %r1, %p1 {output_zero_point = 0 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x1xi8>, tensor<1x8xi8>, tensor<3x8xi32>) -> tensor<1x8xi8>
  call @print8(%o1) : (tensor<1x8xi8>) -> ()

  // Saturation, wrapping bias, int64 products; zero point -3 (added before
  // saturation):
  //   100 * 2 = 200 - 3                  -> 127
  //  -100 * 2 = -200 - 3                 -> -128
  //   1 + 2147483647 wraps to -2^31; s 31: ((-2^31 >> 30) + 1) >> 1 = -1; -3 -> -4
  //   64 * 2^30 = 2^36 (overflows int32), s 31: 32; -3 -> 29
  //  -128 + -2^31 wraps to 2147483520; s 24: 127.99.. -> 128; -3 -> 125
  //   0 + -125 - 3 = -128;  0 + -126 - 3 = -129 -> -128;  0 + 130 - 3 -> 127
  // CHECK: [127,   -128,   -4,   29,   125,   -128,   -128,   127]
  %r2 = arith.constant dense<[[100, -100, 1, 64, -128, 0, 0, 0]]> : tensor<1x8xi8>
  %p2 = arith.constant dense<[[0, 0, 2147483647, 0, -2147483648, -125, -126, 130],
                              [2, 2, 1, 1073741824, 1, 1, 1, 1],
                              [0, 0, 31, 31, 24, 0, 0, 0]]> : tensor<3x8xi32>
  %o2 = systolic.matmul %one, %r2, %p2 {output_zero_point = -3 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x1xi8>, tensor<1x8xi8>, tensor<3x8xi32>) -> tensor<1x8xi8>
  call @print8(%o2) : (tensor<1x8xi8>) -> ()

  // Activations on biases [-10, 0, 1, 50] with zero point -3: values
  // [-13, -3, -2, 47]; relu: max(v, -3); relu6 with clamp_max 20:
  // min(max(v, -3), 20).
  // CHECK: [-3,   -3,   -2,   47]
  // CHECK: [-3,   -3,   -2,   20]
  %zero4 = arith.constant dense<0> : tensor<1x4xi8>
  %p3 = arith.constant dense<[[-10, 0, 1, 50], [1, 1, 1, 1], [0, 0, 0, 0]]> : tensor<3x4xi32>
  %o3 = systolic.matmul %one, %zero4, %p3 {output_zero_point = -3 : i64,
      activation = #systolic.activation<relu>}
      : (tensor<1x1xi8>, tensor<1x4xi8>, tensor<3x4xi32>) -> tensor<1x4xi8>
  call @print4(%o3) : (tensor<1x4xi8>) -> ()
  %o4 = systolic.matmul %one, %zero4, %p3 {output_zero_point = -3 : i64,
      activation = #systolic.activation<relu6>, clamp_max = 20 : i64}
      : (tensor<1x1xi8>, tensor<1x4xi8>, tensor<3x4xi32>) -> tensor<1x4xi8>
  call @print4(%o4) : (tensor<1x4xi8>) -> ()

  // Lookup table lut[e] = e - 128, indexed by uint8(v): v = [-3, 0, 127, -128]
  // reads entries [253, 0, 127, 128].
  // CHECK: [125,   -128,   -1,   0]
  %lut = arith.constant dense<[-128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127]> : tensor<256xi8>
  %p5 = arith.constant dense<[[-3, 0, 127, -128], [1, 1, 1, 1], [0, 0, 0, 0]]> : tensor<3x4xi32>
  %o5 = systolic.matmul %one, %zero4, %p5 lut %lut {output_zero_point = 0 : i64,
      activation = #systolic.activation<lut>}
      : (tensor<1x1xi8>, tensor<1x4xi8>, tensor<3x4xi32>, tensor<256xi8>) -> tensor<1x4xi8>
  call @print4(%o5) : (tensor<1x4xi8>) -> ()

  // A matmul with real products: [[1, -2, 3], [-128, 127, -1]] x
  // [[1, -1], [2, 5], [-128, 127]]:
  //   row 0: 1 - 4 - 384 = -387,  -1 - 10 + 381 = 370
  //   row 1: -128 + 254 + 128 = 254, 128 + 635 - 127 = 636
  // bias [3, -6], multiplier 1, shift 2 (/4, half up), zero point 1:
  //   -384/4 = -96 -> -95;  364/4 = 91 -> 92;  257/4 = 64.25 -> 64 -> 65;
  //   630/4 = 157.5 -> 158 -> 159 -> 127
  // CHECK: [-95,   92,   65,   127]
  %a = arith.constant dense<[[1, -2, 3], [-128, 127, -1]]> : tensor<2x3xi8>
  %b = arith.constant dense<[[1, -1], [2, 5], [-128, 127]]> : tensor<3x2xi8>
  %p6 = arith.constant dense<[[3, -6], [1, 1], [2, 2]]> : tensor<3x2xi32>
  %o6 = systolic.matmul %a, %b, %p6 {output_zero_point = 1 : i64,
      activation = #systolic.activation<none>}
      : (tensor<2x3xi8>, tensor<3x2xi8>, tensor<3x2xi32>) -> tensor<2x2xi8>
  %o6r = tensor.collapse_shape %o6 [[0, 1]] : tensor<2x2xi8> into tensor<4xi8>
  %o6e = tensor.expand_shape %o6r [[0, 1]] output_shape [1, 4] : tensor<4xi8> into tensor<1x4xi8>
  call @print4(%o6e) : (tensor<1x4xi8>) -> ()

  // Convolution, padding top/left 1 and stride 2: input channel 0 = 1..9,
  // channel 1 = all ones; a 2x2 kernel of ones over the zero-padded 4x4
  // input (channel 1 counts the window's real pixels, padding adds 0):
  //   (0,0): 1 + 1;  (0,1): 2 + 3 + 2;  (1,0): 4 + 7 + 2;  (1,1): 5 + 6 + 8 + 9 + 4
  // CHECK: [2,   7,   13,   32]
  %x1 = arith.constant dense<[[[[1, 1], [2, 1], [3, 1]], [[4, 1], [5, 1], [6, 1]],
      [[7, 1], [8, 1], [9, 1]]]]> : tensor<1x3x3x2xi8>
  %w1 = arith.constant dense<1> : tensor<2x2x2x1xi8>
  %pc = arith.constant dense<[[0], [1], [0]]> : tensor<3x1xi32>
  %c1 = systolic.conv2d %x1, %w1, %pc {strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>,
      input_zero_point = 0 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x3x3x2xi8>, tensor<2x2x2x1xi8>, tensor<3x1xi32>) -> tensor<1x2x2x1xi8>
  %c1r = tensor.collapse_shape %c1 [[0, 1, 2, 3]] : tensor<1x2x2x1xi8> into tensor<4xi8>
  %c1e = tensor.expand_shape %c1r [[0, 1]] output_shape [1, 4] : tensor<4xi8> into tensor<1x4xi8>
  call @print4(%c1e) : (tensor<1x4xi8>) -> ()

  // The same with one input channel (channel 0 only): the lowering adds a
  // zero channel for the CPU backend, which must not change the sums:
  //   (0,0): 1;  (0,1): 2 + 3;  (1,0): 4 + 7;  (1,1): 5 + 6 + 8 + 9
  // CHECK: [1,   5,   11,   28]
  %x1c = arith.constant dense<[[[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]]]> : tensor<1x3x3x1xi8>
  %w1c = arith.constant dense<1> : tensor<2x2x1x1xi8>
  %c1c = systolic.conv2d %x1c, %w1c, %pc {strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>,
      input_zero_point = 0 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x3x3x1xi8>, tensor<2x2x1x1xi8>, tensor<3x1xi32>) -> tensor<1x2x2x1xi8>
  %c1cr = tensor.collapse_shape %c1c [[0, 1, 2, 3]] : tensor<1x2x2x1xi8> into tensor<4xi8>
  %c1ce = tensor.expand_shape %c1cr [[0, 1]] output_shape [1, 4] : tensor<4xi8> into tensor<1x4xi8>
  call @print4(%c1ce) : (tensor<1x4xi8>) -> ()

  // Dilation 2: input 5x5 = 0..24, 2x2 kernel of ones dilated to 3x3:
  //   out[i][j] = in[i][j] + in[i][j+2] + in[i+2][j] + in[i+2][j+2] = 20i + 4j + 24
  // then shift 1 (/2 exactly) and ReLU6 with clamp_max 30 (zero point 0):
  //   [12, 14, 16, 22, 24, 26, 30, 30, 30]  (32, 34, 36 clamp to 30)
  // CHECK: [12,   14,   16,   22,   24,   26,   30,   30,   30]
  %x2 = arith.constant dense<[[[[0], [1], [2], [3], [4]], [[5], [6], [7], [8], [9]],
      [[10], [11], [12], [13], [14]], [[15], [16], [17], [18], [19]],
      [[20], [21], [22], [23], [24]]]]> : tensor<1x5x5x1xi8>
  %pd = arith.constant dense<[[0], [1], [1]]> : tensor<3x1xi32>
  %w2 = arith.constant dense<1> : tensor<2x2x1x1xi8>
  %c2 = systolic.conv2d %x2, %w2, %pd {strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>,
      input_zero_point = 0 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<relu6>, clamp_max = 30 : i64}
      : (tensor<1x5x5x1xi8>, tensor<2x2x1x1xi8>, tensor<3x1xi32>) -> tensor<1x3x3x1xi8>
  %c2r = tensor.collapse_shape %c2 [[0, 1, 2, 3]] : tensor<1x3x3x1xi8> into tensor<9xi8>
  %c2w = arith.extsi %c2r : tensor<9xi8> to tensor<9xi32>
  %c2u = tensor.cast %c2w : tensor<9xi32> to tensor<*xi32>
  call @printMemrefI32(%c2u) : (tensor<*xi32>) -> ()

  // Two channels in, two filters with negative weights, padding on every
  // side (bottom/right too): input 2x2x2 [[(1,2),(3,4)],[(5,6),(7,8)]],
  // 1x1 kernel w[c][f] = [[1, -1], [2, 0]] with pads 0,0,1,1: the padded
  // row/column holds zeros. out = c0 + 2 c1 | -c0:
  //   (0,0): 5, -1   (0,1): 11, -3   (0,2): 0, 0
  //   (1,0): 17, -5  (1,1): 23, -7   ... bottom row 0, 0
  // Printed: the first two output pixels and the padded one.
  // CHECK: [5,   -1,   11,   -3,   0,   0,   17,   -5]
  %x3 = arith.constant dense<[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]> : tensor<1x2x2x2xi8>
  %w3 = arith.constant dense<[[[[1, -1], [2, 0]]]]> : tensor<1x1x2x2xi8>
  %p7 = arith.constant dense<[[0, 0], [1, 1], [0, 0]]> : tensor<3x2xi32>
  %c3 = systolic.conv2d %x3, %w3, %p7 {strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 1, 1>, dilations = array<i64: 1, 1>,
      input_zero_point = 0 : i64, output_zero_point = 0 : i64,
      activation = #systolic.activation<none>}
      : (tensor<1x2x2x2xi8>, tensor<1x1x2x2xi8>, tensor<3x2xi32>) -> tensor<1x3x3x2xi8>
  %c3s = tensor.extract_slice %c3[0, 0, 0, 0] [1, 2, 3, 2] [1, 1, 1, 1] : tensor<1x3x3x2xi8> to tensor<2x3x2xi8>
  %c3r = tensor.collapse_shape %c3s [[0, 1, 2]] : tensor<2x3x2xi8> into tensor<12xi8>
  %c3f = tensor.extract_slice %c3r[0] [8] [1] : tensor<12xi8> to tensor<8xi8>
  %c3e = tensor.expand_shape %c3f [[0, 1]] output_shape [1, 8] : tensor<8xi8> into tensor<1x8xi8>
  call @print8(%c3e) : (tensor<1x8xi8>) -> ()

  // Scaled add 127 * lhs - 64 * rhs, shift 7 (/128, half up):
  //   12700 - 6400 = 6300 -> 49.2 -> 49;  -12700 - 6400 = -19100 -> -149 -> -128
  //   6350 + 64 = 6414 -> 50.1 -> 50;     -16256 + 8192 = -8064 -> -63 exactly
  // CHECK: [49,   -128,   50,   -63]
  %l = arith.constant dense<[[100, -100, 50, -128]]> : tensor<1x4xi8>
  %r = arith.constant dense<[[100, 100, -1, -128]]> : tensor<1x4xi8>
  %p8 = arith.constant dense<[[0, 0, 0, 0], [1, 1, 1, 1], [7, 7, 7, 7]]> : tensor<3x4xi32>
  %s1 = systolic.scaled_add %l, %r, %p8 {lhs_weight = 127 : i64, rhs_weight = -64 : i64,
      output_zero_point = 0 : i64, activation = #systolic.activation<none>}
      : (tensor<1x4xi8>, tensor<1x4xi8>, tensor<3x4xi32>) -> tensor<1x4xi8>
  call @print4(%s1) : (tensor<1x4xi8>) -> ()

  // Quantize with scale 0.5 and zero point -3: x / 0.5 rounds half to even,
  // then + zero point, saturated; NaN -> 0 + zero point, infinities saturate:
  //   0.25 -> 0.5 -> 0 -> -3       0.75 -> 1.5 -> 2 -> -1
  //  -0.25 -> -0.5 -> 0 -> -3     -0.75 -> -1.5 -> -2 -> -5
  //   1.25 -> 2.5 -> 2 -> -1       64 -> 128 -> 125 (not saturated before the zero point)
  //   100 -> 200 -> 127           -100 -> -128    NaN -> -3   inf -> 127   -inf -> -128
  // CHECK: [-3,  -1,  -3,  -5,  -1,  125,  127,  -128,  -3,  127,  -128]
  %nan = arith.constant 0x7FC00000 : f32
  %inf = arith.constant 0x7F800000 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %xs = arith.constant dense<[0.25, 0.75, -0.25, -0.75, 1.25, 64.0, 100.0, -100.0, 0.0, 0.0, 0.0]> : tensor<11xf32>
  %c8 = arith.constant 8 : index
  %c9 = arith.constant 9 : index
  %c10 = arith.constant 10 : index
  %xs1 = tensor.insert %nan into %xs[%c8] : tensor<11xf32>
  %xs2 = tensor.insert %inf into %xs1[%c9] : tensor<11xf32>
  %xs3 = tensor.insert %ninf into %xs2[%c10] : tensor<11xf32>
  %q = systolic.quantize %xs3 {scale = 0.5 : f64, zero_point = -3 : i64}
      : tensor<11xf32> -> tensor<11xi8>
  %qw = arith.extsi %q : tensor<11xi8> to tensor<11xi32>
  %qu = tensor.cast %qw : tensor<11xi32> to tensor<*xi32>
  call @printMemrefI32(%qu) : (tensor<*xi32>) -> ()

  // Dequantize: (q + 3) * 0.5.
  // CHECK: [-62.5,  0,  1.5,  65]
  %qs = arith.constant dense<[-128, -3, 0, 127]> : tensor<4xi8>
  %d = systolic.dequantize %qs {scale = 0.5 : f64, zero_point = -3 : i64}
      : tensor<4xi8> -> tensor<4xf32>
  %du = tensor.cast %d : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%du) : (tensor<*xf32>) -> ()
  return
}
