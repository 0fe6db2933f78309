// RUN: systolic-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// Broadcasting lives in the indexing maps: the [3] operand reads d1, the
// [2, 1] one reads (d0, 0); nothing is materialized.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func @broadcast_add
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>, %[[C:.*]]: tensor<2x1xf32>)
// CHECK: %[[E0:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[E0]] : tensor<2x3xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[R:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
// CHECK-SAME: ins(%[[S]], %[[C]] : tensor<2x3xf32>, tensor<2x1xf32>)
// CHECK: arith.subf
func.func @broadcast_add(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>) -> tensor<2x3xf32> {
  %0 = nn.add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %1 = nn.sub %0, %c : tensor<2x3xf32>, tensor<2x1xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// Both operands broadcast: [4, 1] x [1, 5] -> [4, 5].
// CHECK-DAG: #[[L:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[R:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func @outer
// CHECK: linalg.generic {indexing_maps = [#[[L]], #[[R]], #{{.*}}]
// CHECK: arith.mulf
func.func @outer(%a: tensor<4x1xf32>, %b: tensor<1x5xf32>) -> tensor<4x5xf32> {
  %0 = nn.mul %a, %b : tensor<4x1xf32>, tensor<1x5xf32> -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Integers use integer arithmetic; division is signed and truncating.
// CHECK-LABEL: func @integers
// CHECK: arith.addi
// CHECK: arith.divsi
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: ^bb0(%[[X:.*]]: i64, %{{.*}}: i64):
// CHECK: %[[N:.*]] = arith.subi %{{.*}}, %[[X]]
// CHECK: arith.maxsi %[[X]], %[[N]]
// CHECK: arith.subi
func.func @integers(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %0 = nn.add %a, %b : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  %1 = nn.div %0, %b : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  %2 = nn.max %1, %a : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  %3 = nn.min %2, %b : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  %4 = nn.abs %3 : tensor<4xi64>
  %5 = nn.neg %4 : tensor<4xi64>
  return %5 : tensor<4xi64>
}

// -----

// CHECK-LABEL: func @unary_math
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: math.erf
// CHECK: math.tanh
// CHECK: arith.divf
// CHECK: arith.negf
// CHECK: math.powf
func.func @unary_math(%a: tensor<8xf32>) -> tensor<8xf32> {
  %0 = nn.relu %a : tensor<8xf32>
  %1 = nn.exp %0 : tensor<8xf32>
  %2 = nn.log %1 : tensor<8xf32>
  %3 = nn.sqrt %2 : tensor<8xf32>
  %4 = nn.erf %3 : tensor<8xf32>
  %5 = nn.tanh %4 : tensor<8xf32>
  %6 = nn.reciprocal %5 : tensor<8xf32>
  %7 = nn.neg %6 : tensor<8xf32>
  %8 = nn.pow %7, %a : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  return %8 : tensor<8xf32>
}

// -----

// CHECK-LABEL: func @sigmoid
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[N:.*]] = arith.negf %[[X]]
// CHECK: %[[E:.*]] = math.exp %[[N]]
// CHECK: %[[D:.*]] = arith.addf %{{.*}}, %[[E]]
// CHECK: arith.divf %{{.*}}, %[[D]]
func.func @sigmoid(%a: tensor<8xf32>) -> tensor<8xf32> {
  %0 = nn.sigmoid %a : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Softplus is computed as max(x, 0) + log1p(exp(-|x|)), which cannot overflow.
// CHECK-LABEL: func @softplus
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ABS:.*]] = math.absf %[[X]]
// CHECK: %[[NEG:.*]] = arith.negf %[[ABS]]
// CHECK: %[[EXP:.*]] = math.exp %[[NEG]]
// CHECK: %[[LOG:.*]] = math.log1p %[[EXP]]
// CHECK: %[[POS:.*]] = arith.maximumf %[[X]]
// CHECK: arith.addf %[[POS]], %[[LOG]]
func.func @softplus(%a: tensor<8xf32>) -> tensor<8xf32> {
  %0 = nn.softplus %a : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// CHECK-LABEL: func @activations
// CHECK: arith.constant 2.000000e-01 : f32
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK: linalg.generic
// CHECK: %[[E:.*]] = math.exp
// CHECK: arith.subf %[[E]]
// CHECK: arith.select
// CHECK: linalg.generic
// CHECK: arith.constant 3.000000e+00 : f32
// CHECK: arith.cmpf ogt
// CHECK: arith.constant 2.000000e+00 : f32
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant 6.000000e+00 : f32
// CHECK: arith.minimumf
// CHECK: linalg.generic
// CHECK: %[[ALPHA:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[BETA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[AX:.*]] = arith.mulf %[[ALPHA]]
// CHECK: %[[LIN:.*]] = arith.addf %[[AX]], %[[BETA]]
// CHECK: arith.minimumf %[[LIN]]
// CHECK: arith.maximumf
func.func @activations(%a: tensor<8xf32>) -> tensor<8xf32> {
  %0 = nn.leaky_relu %a {alpha = 0.2 : f32} : tensor<8xf32>
  %1 = nn.elu %0 : tensor<8xf32>
  %2 = nn.selu %1 {alpha = 3.0 : f32, gamma = 2.0 : f32} : tensor<8xf32>
  %3 = nn.clip %2 {min = 0.0 : f32, max = 6.0 : f32} : tensor<8xf32>
  %4 = nn.hard_sigmoid %3 {alpha = 0.25 : f32, beta = 0.5 : f32} : tensor<8xf32>
  return %4 : tensor<8xf32>
}

// -----

// A bound that is absent is not applied.
// CHECK-LABEL: func @clip_max_only
// CHECK-NOT: arith.maximumf
// CHECK: arith.minimumf
func.func @clip_max_only(%a: tensor<8xf32>) -> tensor<8xf32> {
  %0 = nn.clip %a {max = 6.0 : f32} : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// CHECK-LABEL: func @gelu
// CHECK: arith.constant 0.707106769 : f32
// CHECK: math.erf
// CHECK: linalg.generic
// CHECK: arith.constant 4.471500e-02
// CHECK: arith.constant 0.797884583 : f32
// CHECK: math.tanh
func.func @gelu(%a: tensor<8xf32>) -> tensor<8xf32> {
  %0 = nn.gelu %a : tensor<8xf32>
  %1 = nn.gelu %0 {approximate = #nn.gelu_approximation<tanh>} : tensor<8xf32>
  return %1 : tensor<8xf32>
}

// -----

// PRelu's slope broadcasts to the input (one slope per channel here).
// CHECK-DAG: #[[SLOPE:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func @prelu
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SLOPE]], #{{.*}}]
// CHECK: ^bb0(%[[X:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[M:.*]] = arith.mulf %[[S]], %[[X]]
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %[[X]]
// CHECK: arith.select %[[NEG]], %[[M]], %[[X]]
func.func @prelu(%a: tensor<2x3x4xf32>, %s: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = nn.prelu %a, %s : tensor<2x3x4xf32>, tensor<3x1xf32> -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Compares produce i1 (ordered float predicates: NaN compares false); select
// broadcasts all three operands.
// CHECK-LABEL: func @compare_select
// CHECK: linalg.generic
// CHECK: arith.cmpf oge
// CHECK: linalg.yield %{{.*}} : i1
// CHECK: -> tensor<2x3xi1>
// CHECK: linalg.generic
// CHECK: arith.cmpi slt
// CHECK: linalg.generic
// CHECK: arith.select
func.func @compare_select(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<2x3xi32>, %j: tensor<i32>) -> tensor<2x3xf32> {
  %0 = nn.compare %a, %b {predicate = #nn.predicate<ge>} : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  %1 = nn.compare %i, %j {predicate = #nn.predicate<lt>} : tensor<2x3xi32>, tensor<i32> -> tensor<2x3xi1>
  %2 = nn.and %0, %1 : tensor<2x3xi1>, tensor<2x3xi1> -> tensor<2x3xi1>
  %3 = nn.select %2, %a, %b : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @logic
// CHECK: arith.ori
// CHECK: arith.constant true
// CHECK: arith.xori
func.func @logic(%a: tensor<4xi1>, %b: tensor<4xi1>) -> tensor<4xi1> {
  %0 = nn.or %a, %b : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  %1 = nn.not %0 : tensor<4xi1>
  return %1 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func @casts
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: arith.cmpi ne
// CHECK: arith.uitofp %{{.*}} : i1 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @casts(%a: tensor<4xf32>) -> tensor<4xf16> {
  %0 = nn.cast %a : tensor<4xf32> -> tensor<4xi32>
  %1 = nn.cast %0 : tensor<4xi32> -> tensor<4xi64>
  %2 = nn.cast %1 : tensor<4xi64> -> tensor<4xi1>
  %3 = nn.cast %2 : tensor<4xi1> -> tensor<4xf32>
  %4 = nn.cast %3 : tensor<4xf32> -> tensor<4xf16>
  return %4 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func @sign
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK: arith.select
func.func @sign(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = nn.sign %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
