// RUN: systolic-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// Storage-only types (float8, float4, 4/2-bit integers) become i8 in linalg,
// one element per byte; nn.cast encodes and decodes them with integer
// operations (no float8 arithmetic, no compiler-rt call).
// CHECK-LABEL: func @to_float8
// CHECK-SAME: (%{{.*}}: tensor<4xf32>) -> (tensor<4xi8>, tensor<4xi8>)
// CHECK: linalg.generic
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.shrui
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: linalg.generic
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK-NOT: arith.truncf
func.func @to_float8(%x: tensor<4xf32>) -> (tensor<4xf8E4M3FN>, tensor<4xf8E5M2FNUZ>) {
  %a = nn.cast %x : tensor<4xf32> -> tensor<4xf8E4M3FN>
  %b = nn.cast %x {saturate = false} : tensor<4xf32> -> tensor<4xf8E5M2FNUZ>
  return %a, %b : tensor<4xf8E4M3FN>, tensor<4xf8E5M2FNUZ>
}

// -----

// Decoding: the code's low bits, rebiased into an f32; f16 results round
// from that f32 (exact for float8 values).
// CHECK-LABEL: func @from_float8
// CHECK-SAME: (%{{.*}}: tensor<4xi8>) -> tensor<4xf16>
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.uitofp %{{.*}} : i32 to f32
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @from_float8(%x: tensor<4xf8E4M3FNUZ>) -> tensor<4xf16> {
  %y = nn.cast %x : tensor<4xf8E4M3FNUZ> -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

// bf16 stays bf16 in linalg (LLVM stores it), but f32 -> bf16 rounds with
// integer operations instead of arith.truncf (a compiler-rt call), and
// bf16 -> f32 is the upper half of the bits.
// CHECK-LABEL: func @bf16
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i16
// CHECK: arith.bitcast %{{.*}} : i16 to bf16
// CHECK: arith.bitcast %{{.*}} : bf16 to i16
// CHECK: arith.shli
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK-NOT: arith.truncf
func.func @bf16(%x: tensor<4xf32>, %y: tensor<4xbf16>) -> (tensor<4xbf16>, tensor<4xf32>) {
  %a = nn.cast %x : tensor<4xf32> -> tensor<4xbf16>
  %b = nn.cast %y : tensor<4xbf16> -> tensor<4xf32>
  return %a, %b : tensor<4xbf16>, tensor<4xf32>
}

// -----

// 4/2-bit integers: a byte each, the value in the low bits. Reading one
// sign-extends (signed) or zero-extends (unsigned) those bits; writing one
// truncates toward zero through i32 and keeps the low bits (ONNX's
// reference wraps).
// CHECK-LABEL: func @sub_byte
// CHECK-SAME: (%{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xf32>, %{{.*}}: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>, tensor<4xf32>, tensor<4xi8>)
// CHECK: arith.constant dense<[15, 1, 0, 7]> : tensor<4xi8>
// CHECK: arith.shli
// CHECK: arith.shrsi
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.andi
// CHECK: arith.shrui
// CHECK: arith.uitofp %{{.*}} : i8 to f32
func.func @sub_byte(%a: tensor<4xi4>, %f: tensor<4xf32>, %u: tensor<4xui2>)
    -> (tensor<4xi8>, tensor<4xui4>, tensor<4xf32>, tensor<4xi4>) {
  %k = arith.constant dense<[-1, 1, 0, 7]> : tensor<4xi4>
  %w = nn.cast %a : tensor<4xi4> -> tensor<4xi8>
  %n = nn.cast %f : tensor<4xf32> -> tensor<4xui4>
  %x = nn.cast %u : tensor<4xui2> -> tensor<4xf32>
  return %w, %n, %x, %k : tensor<4xi8>, tensor<4xui4>, tensor<4xf32>, tensor<4xi4>
}
