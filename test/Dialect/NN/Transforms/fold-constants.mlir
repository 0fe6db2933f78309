// RUN: systolic-opt %s -nn-fold-constants -split-input-file | FileCheck %s
// RUN: systolic-opt %s -nn-fold-constants=max-elements=1000 -split-input-file | FileCheck %s --check-prefix=LIMIT

// A weight computed from an initializer: expand (2048 elements, above the
// folders' limit) then transpose. The pass evaluates the chain; the matmul
// on the function argument stays.
// CHECK-LABEL: func @initializer_chain
// LIMIT-LABEL: func @initializer_chain
func.func @initializer_chain(%x: tensor<4x1024xf32>) -> tensor<4x2xf32> {
  // CHECK: %[[W:.*]] = arith.constant dense<"0x{{[0-9A-F]+}}"> : tensor<1024x2xf32>
  // CHECK-NOT: nn.expand
  // CHECK-NOT: nn.transpose
  // CHECK: nn.matmul %{{.*}}, %[[W]]
  // LIMIT: nn.expand
  // LIMIT: nn.transpose
  %v = arith.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %e = nn.expand %v : tensor<2x1xf32> -> tensor<2x1024xf32>
  %t = nn.transpose %e {perm = array<i64: 1, 0>} : tensor<2x1024xf32> -> tensor<1024x2xf32>
  %y = nn.matmul %x, %t : tensor<4x1024xf32>, tensor<1024x2xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Weights stored as dense_resource blobs (as the importer stores large
// initializers) are read too.
// CHECK-LABEL: func @resource_weight
// CHECK: arith.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: nn.transpose
func.func @resource_weight() -> tensor<2x2xf32> {
  %w = arith.constant dense_resource<weight> : tensor<2x2xf32>
  %t = nn.transpose %w {perm = array<i64: 1, 0>} : tensor<2x2xf32> -> tensor<2x2xf32>
  return %t : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weight: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
