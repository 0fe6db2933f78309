// At batch 1 (a one-row lhs, its own transpose) a layer on its own may run
// output-stationary, which a dense chain cannot: a layer joins the chain only
// if the fused program takes no more cycles than the two apart. Here fc1 and
// fc2 fuse, and fc3 (512 -> 10), faster output-stationary, stays apart.
// RUN: systolic-compile %s --target=accel --report-placement --emit=accel 2>&1 | FileCheck %s

// CHECK: fusion of @main:
// CHECK-NEXT: fc3: not fused with fc2: fused, the chain would take ~{{[0-9]+}} cycles, apart ~{{[0-9]+}} (the layers apart can use output-stationary for a one-row lhs, the chain only weight-stationary)
// CHECK-NEXT: fc1 + fc2: fused fc1 -> fc2 into one program
// CHECK: entry point d2_matmul_fc3: matmul M=1 K=512 N=10
// CHECK: dataflow os: cost model: ws ~{{[0-9]+}} cycles; os ~{{[0-9]+}} cycles
// CHECK: entry point d0_dense_chain_fc1_fc2: dense_chain M=1 K=256 N=512

func.func @main(%x: tensor<1x256xi8> {nn.name = "x"}) -> (tensor<1x10xi8> {nn.name = "y"}) {
  %w1 = arith.constant dense<3> : tensor<256x512xi8>
  %p1 = arith.constant dense<1> : tensor<3x512xi32>
  %h1 = systolic.matmul %x, %w1, %p1 {output_zero_point = 0 : i64, activation = #systolic.activation<relu>}
      : (tensor<1x256xi8>, tensor<256x512xi8>, tensor<3x512xi32>) -> tensor<1x512xi8> loc("fc1")
  %w2 = arith.constant dense<-2> : tensor<512x512xi8>
  %p2 = arith.constant dense<2> : tensor<3x512xi32>
  %h2 = systolic.matmul %h1, %w2, %p2 {output_zero_point = 0 : i64, activation = #systolic.activation<relu>}
      : (tensor<1x512xi8>, tensor<512x512xi8>, tensor<3x512xi32>) -> tensor<1x512xi8> loc("fc2")
  %w3 = arith.constant dense<5> : tensor<512x10xi8>
  %p3 = arith.constant dense<3> : tensor<3x10xi32>
  %y = systolic.matmul %h2, %w3, %p3 {output_zero_point = 0 : i64, activation = #systolic.activation<none>}
      : (tensor<1x512xi8>, tensor<512x10xi8>, tensor<3x10xi32>) -> tensor<1x10xi8> loc("fc3")
  return %y : tensor<1x10xi8>
}
