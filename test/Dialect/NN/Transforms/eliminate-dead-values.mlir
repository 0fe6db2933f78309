// RUN: systolic-opt %s -nn-eliminate-dead-values | FileCheck %s

// A chain whose end is unused goes entirely; unused arguments stay.
// CHECK-LABEL: func @dead_chain
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[UNUSED:.*]]: tensor<8xf32>)
func.func @dead_chain(%x: tensor<4xf32>, %unused: tensor<8xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: %[[R:.*]] = nn.relu %[[X]]
  // CHECK-NEXT: return %[[R]]
  %c = arith.constant dense<2.0> : tensor<4xf32>
  %a = nn.mul %x, %c : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %b = nn.exp %a : tensor<4xf32>
  %s = nn.reduce_sum %b {axes = array<i64>, keepdims = false} : tensor<4xf32> -> tensor<f32>
  %r = nn.relu %x : tensor<4xf32>
  return %r : tensor<4xf32>
}

// Only log_prob is read: the cross entropy shrinks to the log_softmax.
// CHECK-LABEL: func @cross_entropy_log_prob_only
// CHECK-SAME: (%[[S:.*]]: tensor<8x5xf32>, %{{.*}}: tensor<8xi64>)
func.func @cross_entropy_log_prob_only(%s: tensor<8x5xf32>, %l: tensor<8xi64>) -> tensor<8x5xf32> {
  // CHECK-NEXT: %[[P:.*]] = nn.log_softmax %[[S]] {axis = 1 : i64} : tensor<8x5xf32>
  // CHECK-NEXT: return %[[P]]
  %loss, %logp = nn.softmax_cross_entropy %s, %l : (tensor<8x5xf32>, tensor<8xi64>) -> (tensor<f32>, tensor<8x5xf32>)
  return %logp : tensor<8x5xf32>
}

// Recurrent layers keep all results (no smaller op computes only y_h).
// CHECK-LABEL: func @lstm_state_only
func.func @lstm_state_only(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) -> tensor<1x2x4xf32> {
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = nn.lstm
  %y, %yh, %yc = nn.lstm %x, %w, %r {hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// A fully dead recurrent layer goes.
// CHECK-LABEL: func @dead_lstm
func.func @dead_lstm(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) {
  // CHECK-NEXT: return
  %y, %yh, %yc = nn.lstm %x, %w, %r {hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}
