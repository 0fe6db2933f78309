// Chains of dense layers (each systolic.matmul's result feeding only the
// next one's lhs) become one accel dispatch, built as one program whose
// intermediate activations stay in the scratchpad; a layer stays alone, with
// the reason, when the chain does not fit the configuration or would not save
// DRAM traffic.
// RUN: systolic-opt %s --systolic-outline-dispatches --systolic-fuse-dense-chains="accel-config=8x8 report-placement=true" 2>%t.report | FileCheck %s --check-prefix=IR
// RUN: FileCheck %s --check-prefix=REPORT < %t.report
// RUN: systolic-compile %s --target=accel --accel-config=8x8 --emit=accel | FileCheck %s --check-prefix=EMIT
// RUN: systolic-compile %s --target=accel --accel-config=8x8 --fuse-dense-chains=false --emit=accel | FileCheck %s --check-prefix=UNFUSED
// A scratchpad too small for one row of the chain's intermediates next to
// the weight slots, and one that holds fc1 -> fc2 only in 2 blocks of 8 rows
// (every weight loaded twice, more than the intermediates it saves): the
// layers stay apart.
// RUN: systolic-compile %s --target=accel --accel-config=2x2,sp-rows=256 --report-placement --emit=accel 2>&1 | FileCheck %s --check-prefix=NOFIT
// RUN: systolic-compile %s --target=accel --accel-config=8x8,sp-rows=1024 --emit=accel | FileCheck %s --check-prefix=NOSAVING

// IR-NOT: func.func private @d{{[0-9]}}_matmul
// IR: func.func private @d0_dense_chain_fc1_fc2_fc3(%{{.*}}: tensor<16x8xi8>) -> tensor<16x10xi8>
// IR-SAME: systolic.device = "accel"
// IR-SAME: systolic.dispatch = "fc1+fc2+fc3"
// IR-SAME: systolic.fused_layers = ["fc1", "fc2", "fc3"]
// IR-SAME: systolic.fusion = "fused fc1 -> fc2 -> fc3 into one program
// IR: %[[H1:.*]] = systolic.matmul %{{.*}}, %{{.*}}, %{{.*}} {activation = #systolic.activation<relu>
// IR: %[[H2:.*]] = systolic.matmul %[[H1]], {{.*}}activation = #systolic.activation<relu>
// IR: %[[Y:.*]] = systolic.matmul %[[H2]],
// IR: return %[[Y]]
// IR-LABEL: func.func @main
// IR-NEXT: call @d0_dense_chain_fc1_fc2_fc3(%{{.*}}) : (tensor<16x8xi8>) -> tensor<16x10xi8>
// IR-NOT: call

// REPORT: fusion of @main:
// REPORT-NEXT: fc1 + fc2 + fc3: fused fc1 -> fc2 -> fc3 into one program: the intermediate activations stay in the scratchpad (2048 rows per block of 16 rows, 1 block); DRAM {{[0-9]+}} bytes instead of {{[0-9]+}} unfused
// REPORT-NEXT: fc2: fused with fc1
// REPORT-NEXT: fc3: fused with fc2

// EMIT: entry point d0_dense_chain_fc1_fc2_fc3: dense_chain M=16 K=8 N=10
// 16x8x512 + 16x512x512 + 16x512x10 MACs; SCALE-Sim per layer, summed.
// EMIT-NEXT: macs 4341760 (programs 4341760), ideal {{[0-9]+}} cycles (SCALE-Sim ws), estimated {{[0-9]+}} cycles, dram [[FUSED:[0-9]+]] bytes
// EMIT-NEXT: dataflow ws: a dense chain's intermediate activations are written by OUTPUT into the scratchpad
// EMIT-NEXT: fused layers: fc1 16x8x512 relu -> fc2 16x512x512 relu -> fc3 16x512x10 none
// EMIT-NEXT: fusion: fused fc1 -> fc2 -> fc3 into one program: {{.*}}; DRAM [[FUSED]] bytes instead of {{[0-9]+}} unfused
// EMIT-NEXT: binding 0 (operand 0): {{.*}}, 128 bytes
// EMIT-NEXT: binding 1 (result): {{.*}}, 160 bytes
// EMIT-NEXT: constant layer 0 rhs: {{.*}}, 4096 bytes
// EMIT: program 0:
// EMIT-NOT: entry point

// UNFUSED: entry point d0_matmul_fc1: matmul M=16 K=8 N=512
// UNFUSED-NOT: fusion
// UNFUSED: entry point d1_matmul_fc2: matmul M=16 K=512 N=512
// UNFUSED: entry point d2_matmul_fc3: matmul M=16 K=512 N=10

// NOFIT: fusion of @main:
// NOFIT-NEXT: fc2: not fused with fc1: the chain's input and intermediate activations do not fit the scratchpad: one row of the chain takes 262 scratchpad rows (4 input chunks, 256 intermediate tiles of 2 columns, two output buffers) next to two weight slots of 2 rows and 0 table rows; the scratchpad has 256
// NOFIT: entry point d0_matmul_fc1: matmul
// NOFIT: entry point d1_matmul_fc2: matmul
// NOFIT: fusion: not fused with fc1: the chain's input and intermediate activations do not fit the scratchpad
// NOFIT: entry point d2_matmul_fc3: matmul

// NOSAVING: entry point d1_matmul_fc2: matmul
// NOSAVING: fusion: not fused with fc1: fused, the chain would move {{[0-9]+}} DRAM bytes, apart {{[0-9]+}} (2 blocks of 8 rows reload every weight per block)

func.func @main(%x: tensor<16x8xi8> {nn.name = "x"}) -> (tensor<16x10xi8> {nn.name = "y"}) {
  %w1 = arith.constant dense<3> : tensor<8x512xi8>
  %p1 = arith.constant dense<1> : tensor<3x512xi32>
  %h1 = systolic.matmul %x, %w1, %p1 {output_zero_point = 0 : i64, activation = #systolic.activation<relu>}
      : (tensor<16x8xi8>, tensor<8x512xi8>, tensor<3x512xi32>) -> tensor<16x512xi8> loc("fc1")
  %w2 = arith.constant dense<-2> : tensor<512x512xi8>
  %p2 = arith.constant dense<2> : tensor<3x512xi32>
  %h2 = systolic.matmul %h1, %w2, %p2 {output_zero_point = 0 : i64, activation = #systolic.activation<relu>}
      : (tensor<16x512xi8>, tensor<512x512xi8>, tensor<3x512xi32>) -> tensor<16x512xi8> loc("fc2")
  %w3 = arith.constant dense<5> : tensor<512x10xi8>
  %p3 = arith.constant dense<3> : tensor<3x10xi32>
  %y = systolic.matmul %h2, %w3, %p3 {output_zero_point = 0 : i64, activation = #systolic.activation<none>}
      : (tensor<16x512xi8>, tensor<512x10xi8>, tensor<3x10xi32>) -> tensor<16x10xi8> loc("fc3")
  return %y : tensor<16x10xi8>
}
