// A linear model scored with the L1 loss, as exported op by op. The graph
// pipeline recognizes the loss: `systolic-compile examples/l1_regression.mlir`.
func.func @main(%x: tensor<32x8xf32>, %w: tensor<8x1xf32>, %y: tensor<32x1xf32>) -> tensor<f32> {
  %pred = nn.matmul %x, %w : tensor<32x8xf32>, tensor<8x1xf32> -> tensor<32x1xf32>
  %diff = nn.sub %pred, %y : tensor<32x1xf32>, tensor<32x1xf32> -> tensor<32x1xf32>
  %abs = nn.abs %diff : tensor<32x1xf32>
  %loss = nn.reduce_mean %abs {axes = array<i64>, keepdims = false} : tensor<32x1xf32> -> tensor<f32>
  return %loss : tensor<f32>
}
