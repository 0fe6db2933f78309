// RUN: systolic-opt %s | systolic-opt | FileCheck %s

// CHECK-LABEL: func.func @lstms
func.func @lstms(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x16xi8>, %wh: tensor<1x4x16xi8>,
                 %p: tensor<1x3x16xi32>, %wx2: tensor<2x3x16xi8>, %wh2: tensor<2x4x16xi8>,
                 %p2: tensor<2x3x16xi32>, %sig: tensor<256xi8>, %tanh: tensor<256xi8>)
    -> (tensor<5x1x2x4xi8>, tensor<5x2x2x4xi8>) {
  // CHECK: systolic.lstm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {cell_shift = 9 : i64, reverse} : (tensor<5x2x3xi8>, tensor<1x3x16xi8>, tensor<1x4x16xi8>, tensor<1x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  %a = systolic.lstm %x, %wx, %wh, %p, %sig, %tanh {cell_shift = 9, reverse}
      : (tensor<5x2x3xi8>, tensor<1x3x16xi8>, tensor<1x4x16xi8>, tensor<1x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x1x2x4xi8>
  // CHECK: systolic.lstm {{.*}} {cell_shift = 8 : i64} : {{.*}} -> tensor<5x2x2x4xi8>
  %b = systolic.lstm %x, %wx2, %wh2, %p2, %sig, %tanh {cell_shift = 8}
      : (tensor<5x2x3xi8>, tensor<2x3x16xi8>, tensor<2x4x16xi8>, tensor<2x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x2x2x4xi8>
  return %a, %b : tensor<5x1x2x4xi8>, tensor<5x2x2x4xi8>
}
