// RUN: systolic-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s --implicit-check-not=xui

// Unsigned nn tensors lower to signless linalg values (arith has no unsigned
// types): the signature and constants become signless, and the ops whose
// meaning depends on signedness use the unsigned arith operations.
// CHECK-LABEL: func @unsigned_binary
// CHECK-SAME: (%{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi1>, tensor<4xi8>)
// CHECK: arith.constant dense<[-1, 2, 3, 4]> : tensor<4xi8>
// CHECK: arith.divui
// CHECK: arith.maxui
// CHECK: arith.cmpi ult
// CHECK: arith.addi
func.func @unsigned_binary(%a: tensor<4xui8>, %b: tensor<4xui8>)
    -> (tensor<4xui8>, tensor<4xui8>, tensor<4xi1>, tensor<4xui8>) {
  %k = arith.constant dense<[255, 2, 3, 4]> : tensor<4xui8>
  %q = nn.div %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  %m = nn.max %q, %k : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  %lt = nn.compare %a, %b {predicate = #nn.predicate<lt>} : tensor<4xui8>, tensor<4xui8> -> tensor<4xi1>
  %s = nn.add %a, %k : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  return %q, %m, %lt, %s : tensor<4xui8>, tensor<4xui8>, tensor<4xi1>, tensor<4xui8>
}

// -----

// Conversions: from unsigned zero-extend (and uitofp); to unsigned from a
// float is fptoui.
// CHECK-LABEL: func @unsigned_casts
// CHECK: arith.uitofp {{.*}} : i16 to f32
// CHECK: arith.extui {{.*}} : i16 to i32
// CHECK: arith.fptoui {{.*}} : f32 to i8
func.func @unsigned_casts(%a: tensor<3xui16>, %f: tensor<3xf32>)
    -> (tensor<3xf32>, tensor<3xi32>, tensor<3xui8>) {
  %0 = nn.cast %a : tensor<3xui16> -> tensor<3xf32>
  %1 = nn.cast %a : tensor<3xui16> -> tensor<3xi32>
  %2 = nn.cast %f : tensor<3xf32> -> tensor<3xui8>
  return %0, %1, %2 : tensor<3xf32>, tensor<3xi32>, tensor<3xui8>
}

// -----

// Reductions and pooling start from the unsigned identity (0 for max) and
// compare unsigned.
// CHECK-LABEL: func @unsigned_reductions
// CHECK: arith.constant 0 : i8
// CHECK: arith.maxui
// CHECK: arith.constant -1 : i8
// CHECK: arith.minui
// CHECK: arith.cmpi ugt
func.func @unsigned_reductions(%x: tensor<2x4xui8>) -> (tensor<2xui8>, tensor<2xui8>, tensor<2xi64>) {
  %max = nn.reduce_max %x {axes = array<i64: 1>, keepdims = false} : tensor<2x4xui8> -> tensor<2xui8>
  %min = nn.reduce_min %x {axes = array<i64: 1>, keepdims = false} : tensor<2x4xui8> -> tensor<2xui8>
  %arg = nn.argmax %x {axis = 1 : i64, keepdims = false} : tensor<2x4xui8> -> tensor<2xi64>
  return %max, %min, %arg : tensor<2xui8>, tensor<2xui8>, tensor<2xi64>
}

// -----

// Max pooling of unsigned values: the named pooling ops compare integers as
// signed, so the loops are a generic with maxui.
// CHECK-LABEL: func @unsigned_max_pool
// CHECK-NOT: linalg.pooling
// CHECK: linalg.generic
// CHECK: arith.maxui
func.func @unsigned_max_pool(%x: tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8> {
  %0 = nn.max_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x1x4x4xui8> -> tensor<1x1x2x2xui8>
  return %0 : tensor<1x1x2x2xui8>
}
