// A malformed input gives a file:line:col diagnostic and exit code 1.
// RUN: not systolic-opt %s 2>&1 | FileCheck %s
// RUN: %python %src_root/test/tools/expect-exit.py 1 systolic-opt %s
// RUN: not systolic-compile %s --emit=nn 2>&1 | FileCheck %s

func.func @broken(%a: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: malformed-input.mlir:[[@LINE+1]]:8: error: custom op 'nn.relux' is unknown
  %0 = nn.relux %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
