// A matmul whose lhs is a small compile-time constant (inlined into the
// dispatch): output-stationary is applicable (its image is stored transposed)
// and the cost model picks it when it is cheaper (a long reduction over few
// rows: WS pays a weight preload per 8-row tile).
// RUN: systolic-compile %s --target=accel --accel-config=8x8 --emit=accel | FileCheck %s
// RUN: systolic-compile %s --target=accel --accel-config=8x8,dataflows=ws --emit=accel | FileCheck %s --check-prefix=WSONLY
// RUN: systolic-compile %s --target=accel --accel-config=8x8,dataflows=os --emit=accel | FileCheck %s --check-prefix=OSONLY

// CHECK: entry point d0_matmul_mm: matmul M=4 K=64 N=8
// CHECK: dataflow os: cost model: ws ~[[WS:[0-9]+]] cycles; os ~[[OS:[0-9]+]] cycles
// CHECK: constant lhs (transposed for output-stationary): 0x0, 256 bytes

// WSONLY: dataflow ws: cost model: ws ~{{[0-9]+}} cycles; os: not supported by the configuration
// WSONLY: constant lhs: 0x0, 256 bytes

// OSONLY: dataflow os: cost model: ws: not supported by the configuration; os ~{{[0-9]+}} cycles

func.func @main(%b: tensor<64x8xi8> {nn.name = "b"}) -> (tensor<4x8xi8> {nn.name = "y"}) {
  %a = arith.constant dense<"0xFDF70406FF0700FDF808FFF9FDF7F706FC0308F7F605F9FB06FFFDF6060703F709F900FAFE0705F701FDFCF907F9FBFDFEFAF6050A0802F7FEFDFE09060603F70500F6F7FAF7F9F7F805F7F806060500FB00F801020A0208FF01FEFC0003F9FA07F602F808FBF70104090A07020AF70903F7010A0500030304F6FDFC07FE08F803FD03FAF6000107FEF904F90602F9000807F908F605FAFD02F706F808F902FBF600F9F6F905FF08FFF8F7080606FDF907F907F7070008FBF8FDFB0AFD040902FE010902010703F80206FD03FB0308080605FA0A02FAFBF90505060408FBFAFEFCFA080600FD07FF03090808FEFCFFF6FE0502FCFB0801FD0005FA030509FC04"> : tensor<4x64xi8>
  %p = arith.constant dense<"0x000000000000000000000000000000000000000000000000000000000000000000001000000010000000100000001000000010000000100000001000000010001400000014000000140000001400000014000000140000001400000014000000"> : tensor<3x8xi32>
  %y = systolic.matmul %a, %b, %p {output_zero_point = 0 : i64, activation = #systolic.activation<none>} : (tensor<4x64xi8>, tensor<64x8xi8>, tensor<3x8xi32>) -> tensor<4x8xi8> loc("mm")
  return %y : tensor<4x8xi8>
}
