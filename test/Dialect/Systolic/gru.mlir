// RUN: systolic-opt %s | systolic-opt | FileCheck %s

// CHECK-LABEL: func.func @grus
func.func @grus(%x: tensor<5x2x3xi8>, %wx: tensor<1x3x12xi8>, %wh: tensor<1x4x12xi8>,
                %p: tensor<1x3x12xi32>, %hb: tensor<1x4xi32>, %wx2: tensor<2x3x12xi8>,
                %wh2: tensor<2x4x12xi8>, %p2: tensor<2x3x12xi32>, %sig: tensor<256xi8>,
                %tanh: tensor<256xi8>)
    -> (tensor<5x1x2x4xi8>, tensor<5x2x2x4xi8>) {
  // CHECK: systolic.gru %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} h_bias %{{.*}} {linear_before_reset, reverse} : (tensor<5x2x3xi8>, tensor<1x3x12xi8>, tensor<1x4x12xi8>, tensor<1x3x12xi32>, tensor<256xi8>, tensor<256xi8>, tensor<1x4xi32>) -> tensor<5x1x2x4xi8>
  %a = systolic.gru %x, %wx, %wh, %p, %sig, %tanh h_bias %hb {linear_before_reset, reverse}
      : (tensor<5x2x3xi8>, tensor<1x3x12xi8>, tensor<1x4x12xi8>, tensor<1x3x12xi32>, tensor<256xi8>, tensor<256xi8>, tensor<1x4xi32>) -> tensor<5x1x2x4xi8>
  // CHECK: systolic.gru %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} : {{.*}} -> tensor<5x2x2x4xi8>
  %b = systolic.gru %x, %wx2, %wh2, %p2, %sig, %tanh
      : (tensor<5x2x3xi8>, tensor<2x3x12xi8>, tensor<2x4x12xi8>, tensor<2x3x12xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<5x2x2x4xi8>
  return %a, %b : tensor<5x1x2x4xi8>, tensor<5x2x2x4xi8>
}
