// RUN: systolic-opt %s --pass-pipeline="builtin.module(func.func(systolic-cpu-tile-and-vectorize{vector-bits=256 vector-registers=16}))" | FileCheck %s
// RUN: systolic-opt %s --systolic-cpu-codegen | FileCheck %s --check-prefix=LLVM

// Ops the tiler leaves to the loop lowering, which still compile to LLVM.

// A reversed access (ConvTranspose's kernel flip): upstream tiling computes
// wrong slice sizes for negative coefficients, so the copy stays whole.
// CHECK-LABEL: func.func @flip
// CHECK: linalg.generic
// CHECK-NOT: scf.for
// CHECK: return
#flip = affine_map<(d0, d1) -> (d0, -d1 + 2)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @flip(%w: tensor<16x3xf32>) -> tensor<16x3xf32> {
  %empty = tensor.empty() : tensor<16x3xf32>
  %0 = linalg.generic {indexing_maps = [#flip, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<16x3xf32>) outs(%empty : tensor<16x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<16x3xf32>
  return %0 : tensor<16x3xf32>
}

// An empty iteration space (ReduceSum over a zero-sized axis): nothing to
// tile, the result is the filled init.
// CHECK-LABEL: func.func @empty_reduction
// CHECK: linalg.reduce
// CHECK-NOT: scf.for
// CHECK: return
func.func @empty_reduction(%x: tensor<2x0x4xf32>) -> tensor<2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<2x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<2x4xf32>) -> tensor<2x4xf32>
  %0 = linalg.reduce ins(%x : tensor<2x0x4xf32>) outs(%init : tensor<2x4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<2x4xf32>
}

// Vector erf becomes libm calls on extracted lanes; the vector ops they
// need are converted after the math conversions.
// LLVM-NOT: unrealized_conversion_cast
// LLVM-LABEL: llvm.func @erf
// LLVM: llvm.call @erff
func.func @erf(%x: tensor<32xf32>) -> tensor<32xf32> {
  %empty = tensor.empty() : tensor<32xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<32xf32>) outs(%empty : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.erf %in : f32
    linalg.yield %e : f32
  } -> tensor<32xf32>
  return %0 : tensor<32xf32>
}
