// RUN: systolic-opt %s -canonicalize -split-input-file | FileCheck %s

// PyTorch's flatten export: Shape -> Gather / Slice -> ReduceProd-as-Mul ->
// Unsqueeze -> Concat computes the target shape of a Reshape. With static
// shapes the whole chain folds to the constant the importer needs.
// CHECK-LABEL: func @shape_chain
func.func @shape_chain(%x: tensor<2x3x4xf32>) -> tensor<2xi64> {
  // CHECK-NOT: nn.
  // CHECK: %[[S:.*]] = arith.constant dense<[2, 12]> : tensor<2xi64>
  // CHECK: return %[[S]]
  %s = nn.shape %x : tensor<2x3x4xf32> -> tensor<3xi64>
  %c0 = arith.constant dense<0> : tensor<i64>
  %n = nn.gather %s, %c0 : tensor<3xi64>, tensor<i64> -> tensor<i64>
  %n1 = nn.reshape %n : tensor<i64> -> tensor<1xi64>
  %tail = nn.slice %s {starts = array<i64: 1>, ends = array<i64: 3>, axes = array<i64: 0>, steps = array<i64: 1>} : tensor<3xi64> -> tensor<2xi64>
  %c1 = arith.constant dense<1> : tensor<i64>
  %d1 = nn.gather %tail, %c0 : tensor<2xi64>, tensor<i64> -> tensor<i64>
  %d2 = nn.gather %tail, %c1 : tensor<2xi64>, tensor<i64> -> tensor<i64>
  %prod = nn.mul %d1, %d2 : tensor<i64>, tensor<i64> -> tensor<i64>
  %prod1 = nn.reshape %prod : tensor<i64> -> tensor<1xi64>
  %shape = nn.concat %n1, %prod1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %shape : tensor<2xi64>
}

// -----

// CHECK-LABEL: func @integer_arithmetic
func.func @integer_arithmetic() -> (tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<2xi32>) {
  %a = arith.constant dense<[7, -7, 9]> : tensor<3xi64>
  %b = arith.constant dense<[2, 2, -3]> : tensor<3xi64>
  // Integer division truncates toward zero (ONNX/C semantics).
  // CHECK-DAG: arith.constant dense<[3, -3, -3]> : tensor<3xi64>
  %q = nn.div %a, %b : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
  // CHECK-DAG: arith.constant dense<[5, -9, 12]> : tensor<3xi64>
  %d = nn.sub %a, %b : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
  // CHECK-DAG: arith.constant dense<[7, 2, 9]> : tensor<3xi64>
  %m = nn.max %a, %b : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
  %f = arith.constant dense<[2.9, -2.9]> : tensor<2xf32>
  // Float to integer casts truncate toward zero.
  // CHECK-DAG: arith.constant dense<[2, -2]> : tensor<2xi32>
  %c = nn.cast %f : tensor<2xf32> -> tensor<2xi32>
  return %q, %d, %m, %c : tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<2xi32>
}

// -----

// Division by zero is left for run time.
// CHECK-LABEL: func @no_fold_division_by_zero
func.func @no_fold_division_by_zero() -> tensor<2xi64> {
  // CHECK: nn.div
  %a = arith.constant dense<[1, 2]> : tensor<2xi64>
  %b = arith.constant dense<[1, 0]> : tensor<2xi64>
  %q = nn.div %a, %b : tensor<2xi64>, tensor<2xi64> -> tensor<2xi64>
  return %q : tensor<2xi64>
}

// -----

// CHECK-LABEL: func @where_equal
// CHECK: arith.constant dense<[2, 3, 4]> : tensor<3xi64>
func.func @where_equal() -> tensor<3xi64> {
  // PyTorch's reshape with -1: Where(Equal(shape, 0), input_dims, shape).
  %shape = arith.constant dense<[0, 3, 4]> : tensor<3xi64>
  %zero = arith.constant dense<0> : tensor<i64>
  %dims = arith.constant dense<[2, 9, 9]> : tensor<3xi64>
  %eq = nn.compare %shape, %zero {predicate = #nn.predicate<eq>} : tensor<3xi64>, tensor<i64> -> tensor<3xi1>
  %r = nn.select %eq, %dims, %shape : (tensor<3xi1>, tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %r : tensor<3xi64>
}

// -----

// CHECK-LABEL: func @float_elementwise
func.func @float_elementwise() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xi1>) {
  %a = arith.constant dense<[4.0, -1.0]> : tensor<2xf32>
  %b = arith.constant dense<2.0> : tensor<f32>
  // CHECK-DAG: arith.constant dense<[1.600000e+01, 1.000000e+00]> : tensor<2xf32>
  %p = nn.pow %a, %b : tensor<2xf32>, tensor<f32> -> tensor<2xf32>
  %sq = nn.sqrt %p : tensor<2xf32>
  %r = nn.reciprocal %sq : tensor<2xf32>
  // CHECK-DAG: arith.constant dense<[2.500000e-01, 1.000000e+00]> : tensor<2xf32>
  %n = nn.neg %a : tensor<2xf32>
  // CHECK-DAG: arith.constant dense<[true, false]> : tensor<2xi1>
  %lt = nn.compare %n, %a {predicate = #nn.predicate<lt>} : tensor<2xf32>, tensor<2xf32> -> tensor<2xi1>
  return %r, %p, %lt : tensor<2xf32>, tensor<2xf32>, tensor<2xi1>
}

// -----

// Identities fold away; only same-type operands can replace the result.
// CHECK-LABEL: func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[I:.*]]: tensor<3xi64>)
func.func @identities(%x: tensor<2x3xf32>, %i: tensor<3xi64>) -> (tensor<2x3xf32>, tensor<3xi64>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %one = arith.constant dense<1.0> : tensor<f32>
  %zero = arith.constant dense<0> : tensor<3xi64>
  %m = nn.mul %x, %one : tensor<2x3xf32>, tensor<f32> -> tensor<2x3xf32>
  %a = nn.add %zero, %i : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
  %r = nn.reshape %m : tensor<2x3xf32> -> tensor<2x3xf32>
  %t = nn.transpose %r {perm = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %e = nn.expand %t : tensor<2x3xf32> -> tensor<2x3xf32>
  %s = nn.slice %e {starts = array<i64: 0>, ends = array<i64: 100>, axes = array<i64: 1>, steps = array<i64: 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %p = nn.pad %s {pads = array<i64: 0, 0, 0, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %c = nn.concat %p {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %k = nn.cast %c : tensor<2x3xf32> -> tensor<2x3xf32>
  %n = nn.neg %k : tensor<2x3xf32>
  %nn = nn.neg %n : tensor<2x3xf32>
  // x + 0.0 is not x for x = -0.0, so it stays.
  %fz = arith.constant dense<0.0> : tensor<f32>
  // CHECK: %[[KEEP:.*]] = nn.add %[[X]], %{{.*}} : tensor<2x3xf32>, tensor<f32>
  %keep = nn.add %x, %fz : tensor<2x3xf32>, tensor<f32> -> tensor<2x3xf32>
  // A broadcasting identity changes the shape, so it stays too.
  %ones = arith.constant dense<1.0> : tensor<2x3xf32>
  %row = nn.slice %x {starts = array<i64: 0>, ends = array<i64: 1>, axes = array<i64: 0>, steps = array<i64: 1>} : tensor<2x3xf32> -> tensor<1x3xf32>
  // CHECK: %[[B:.*]] = nn.mul %{{.*}}, %{{.*}} : tensor<1x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  %b = nn.mul %row, %ones : tensor<1x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: return %[[X]], %[[I]], %[[X]], %[[KEEP]], %[[B]]
  return %nn, %a, %k, %keep, %b : tensor<2x3xf32>, tensor<3xi64>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @chains
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @chains(%x: tensor<2x3x4xf32>) -> (tensor<4x6xf32>, tensor<3x4x2xf32>, tensor<2x3x4xf32>) {
  // CHECK: %[[R:.*]] = nn.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<4x6xf32>
  %r0 = nn.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %r1 = nn.reshape %r0 : tensor<6x4xf32> -> tensor<24xf32>
  %r2 = nn.reshape %r1 : tensor<24xf32> -> tensor<4x6xf32>
  // CHECK: %[[T:.*]] = nn.transpose %[[X]] {perm = array<i64: 1, 2, 0>} : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %t0 = nn.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %t1 = nn.transpose %t0 {perm = array<i64: 0, 2, 1>} : tensor<4x2x3xf32> -> tensor<4x3x2xf32>
  %t2 = nn.transpose %t1 {perm = array<i64: 1, 0, 2>} : tensor<4x3x2xf32> -> tensor<3x4x2xf32>
  // Inverse permutations cancel.
  %u0 = nn.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %u1 = nn.transpose %u0 {perm = array<i64: 1, 2, 0>} : tensor<4x2x3xf32> -> tensor<2x3x4xf32>
  // CHECK: return %[[R]], %[[T]], %[[X]]
  return %r2, %t2, %u1 : tensor<4x6xf32>, tensor<3x4x2xf32>, tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @data_movement
func.func @data_movement() -> (tensor<3x2xi32>, tensor<2x2xi32>, tensor<2x2xi32>, tensor<2x3xi32>, tensor<2x2xi1>) {
  %a = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  // CHECK-DAG: arith.constant dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi32>
  %t = nn.transpose %a {perm = array<i64: 1, 0>} : tensor<2x3xi32> -> tensor<3x2xi32>
  // Columns 2 and 0 (negative step).
  // CHECK-DAG: arith.constant dense<{{\[}}[3, 1], [6, 4]]> : tensor<2x2xi32>
  %s = nn.slice %a {starts = array<i64: -1>, ends = array<i64: -100>, axes = array<i64: 1>, steps = array<i64: -2>} : tensor<2x3xi32> -> tensor<2x2xi32>
  %idx = arith.constant dense<[-1, 1]> : tensor<2xi64>
  // CHECK-DAG: arith.constant dense<{{\[}}[3, 2], [6, 5]]> : tensor<2x2xi32>
  %g = nn.gather %a, %idx {axis = 1 : i64} : tensor<2x3xi32>, tensor<2xi64> -> tensor<2x2xi32>
  %c1 = arith.constant dense<[[7], [8]]> : tensor<2x1xi32>
  %head = nn.slice %a {starts = array<i64: 0>, ends = array<i64: 2>, axes = array<i64: 1>, steps = array<i64: 1>} : tensor<2x3xi32> -> tensor<2x2xi32>
  // CHECK-DAG: arith.constant dense<{{\[}}[1, 2, 7], [4, 5, 8]]> : tensor<2x3xi32>
  %c = nn.concat %head, %c1 {axis = 1 : i64} : (tensor<2x2xi32>, tensor<2x1xi32>) -> tensor<2x3xi32>
  %bools = arith.constant dense<[true, false]> : tensor<2xi1>
  // CHECK-DAG: arith.constant dense<{{\[}}[true, false], [true, false]]> : tensor<2x2xi1>
  %e = nn.expand %bools : tensor<2xi1> -> tensor<2x2xi1>
  return %t, %s, %g, %c, %e : tensor<3x2xi32>, tensor<2x2xi32>, tensor<2x2xi32>, tensor<2x3xi32>, tensor<2x2xi1>
}

// -----

// Non-splat results above 1024 elements are left to nn-fold-constants;
// splats always fold.
// CHECK-LABEL: func @size_limit
func.func @size_limit() -> (tensor<512x2xf32>, tensor<513x2xf32>, tensor<64x64xf32>) {
  %v = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // CHECK-DAG: arith.constant dense<{{.*}}> : tensor<512x2xf32>
  %small = nn.expand %v : tensor<2xf32> -> tensor<512x2xf32>
  // CHECK-DAG: nn.expand %{{.*}} : tensor<2xf32> -> tensor<513x2xf32>
  %large = nn.expand %v : tensor<2xf32> -> tensor<513x2xf32>
  %s = arith.constant dense<2.0> : tensor<64xf32>
  // CHECK-DAG: arith.constant dense<2.000000e+00> : tensor<64x64xf32>
  %e = nn.expand %s : tensor<64xf32> -> tensor<64x64xf32>
  return %small, %large, %e : tensor<512x2xf32>, tensor<513x2xf32>, tensor<64x64xf32>
}

// -----

// Reductions of constants, e.g. an L1 weight penalty or a shape product.
// CHECK-LABEL: func @reductions
func.func @reductions() -> (tensor<2xf32>, tensor<f32>, tensor<1x3xf32>, tensor<i64>, tensor<f32>, tensor<2xf32>) {
  %a = arith.constant dense<[[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  // CHECK-DAG: arith.constant dense<[2.000000e+00, -5.000000e+00]> : tensor<2xf32>
  %sum = nn.reduce_sum %a {axes = array<i64: 1>, keepdims = false} : tensor<2x3xf32> -> tensor<2xf32>
  // CHECK-DAG: arith.constant dense<-5.000000e-01> : tensor<f32>
  %mean = nn.reduce_mean %a {axes = array<i64>, keepdims = false} : tensor<2x3xf32> -> tensor<f32>
  // CHECK-DAG: arith.constant dense<{{\[\[}}1.000000e+00, 5.000000e+00, 3.000000e+00]]> : tensor<1x3xf32>
  %max = nn.reduce_max %a {axes = array<i64: 0>} : tensor<2x3xf32> -> tensor<1x3xf32>
  %dims = arith.constant dense<[2, 3, 4]> : tensor<3xi64>
  // CHECK-DAG: arith.constant dense<24> : tensor<i64>
  %prod = nn.reduce_prod %dims {axes = array<i64: 0>, keepdims = false} : tensor<3xi64> -> tensor<i64>
  // CHECK-DAG: arith.constant dense<2.100000e+01> : tensor<f32>
  %l1 = nn.reduce_l1 %a {axes = array<i64>, keepdims = false} : tensor<2x3xf32> -> tensor<f32>
  %b = arith.constant dense<[[3.0, 4.0], [0.0, 5.0]]> : tensor<2x2xf32>
  // CHECK-DAG: arith.constant dense<5.000000e+00> : tensor<2xf32>
  %l2 = nn.reduce_l2 %b {axes = array<i64: -1>, keepdims = false} : tensor<2x2xf32> -> tensor<2xf32>
  return %sum, %mean, %max, %prod, %l1, %l2 : tensor<2xf32>, tensor<f32>, tensor<1x3xf32>, tensor<i64>, tensor<f32>, tensor<2xf32>
}

// -----

// MaxPool indices nobody uses are not computed.
// CHECK-LABEL: func @max_pool_unused_indices
// CHECK: nn.max_pool %{{.*}} {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
// CHECK-NOT: storage_order
func.func @max_pool_unused_indices(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %0:2 = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, storage_order = 1} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
  return %0#0 : tensor<1x1x2x2xf32>
}

// CHECK-LABEL: func @max_pool_used_indices
// CHECK: nn.max_pool {{.*}}storage_order = 1 : i64{{.*}} -> tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
func.func @max_pool_used_indices(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xi64> {
  %0:2 = nn.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, storage_order = 1} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
  return %0#1 : tensor<1x1x2x2xi64>
}

// -----

// Unsigned constants fold with unsigned semantics: 200 / 3 = 66 (not
// -56 / 3), max(200, 100) = 200, 200 > 100, and widening zero-extends.
// CHECK-LABEL: func @unsigned_arithmetic
// CHECK-DAG: arith.constant dense<[66, 2]> : tensor<2xui8>
// CHECK-DAG: arith.constant dense<[200, 100]> : tensor<2xui8>
// CHECK-DAG: arith.constant dense<[true, false]> : tensor<2xi1>
// CHECK-DAG: arith.constant dense<[200, 100]> : tensor<2xi32>
// CHECK-DAG: arith.constant dense<[2.000000e+02, 1.000000e+02]> : tensor<2xf32>
// CHECK-NOT: nn.
func.func @unsigned_arithmetic() -> (tensor<2xui8>, tensor<2xui8>, tensor<2xi1>, tensor<2xi32>, tensor<2xf32>) {
  %a = arith.constant dense<[200, 100]> : tensor<2xui8>
  %b = arith.constant dense<[3, 50]> : tensor<2xui8>
  %c = arith.constant dense<[100, 100]> : tensor<2xui8>
  %q = nn.div %a, %b : tensor<2xui8>, tensor<2xui8> -> tensor<2xui8>
  %m = nn.max %a, %c : tensor<2xui8>, tensor<2xui8> -> tensor<2xui8>
  %gt = nn.compare %a, %c {predicate = #nn.predicate<gt>} : tensor<2xui8>, tensor<2xui8> -> tensor<2xi1>
  %w = nn.cast %a : tensor<2xui8> -> tensor<2xi32>
  %f = nn.cast %a : tensor<2xui8> -> tensor<2xf32>
  return %q, %m, %gt, %w, %f : tensor<2xui8>, tensor<2xui8>, tensor<2xi1>, tensor<2xi32>, tensor<2xf32>
}

// -----

// String equality folds element by element, broadcasting.
// CHECK-LABEL: func @string_equality
// CHECK: arith.constant dense<[true, false, false]> : tensor<3xi1>
// CHECK-NOT: nn.compare
func.func @string_equality() -> tensor<3xi1> {
  %a = arith.constant dense<["cat", "dog", ""]> : tensor<3x!nn.string>
  %b = arith.constant dense<"cat"> : tensor<1x!nn.string>
  %eq = nn.compare %a, %b {predicate = #nn.predicate<eq>} : tensor<3x!nn.string>, tensor<1x!nn.string> -> tensor<3xi1>
  return %eq : tensor<3xi1>
}
