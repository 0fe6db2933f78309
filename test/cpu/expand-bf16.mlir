// RUN: systolic-opt %s -systolic-cpu-expand-bf16 | FileCheck %s

// f32 -> bf16 rounds with integer operations (no __truncsfbf2 call after
// LLVM lowering), bf16 -> f32 shifts; the rest of arith-expand (max/min
// expansion) is not applied.
// CHECK-LABEL: func @bf16
// CHECK-NOT: arith.truncf
// CHECK-NOT: arith.extf
// CHECK: arith.bitcast %{{.*}} : vector<8xf32> to vector<8xi32>
// CHECK: arith.trunci %{{.*}} : vector<8xi32> to vector<8xi16>
// CHECK: arith.bitcast %{{.*}} : vector<8xi16> to vector<8xbf16>
// CHECK: arith.maxsi
func.func @bf16(%x: vector<8xf32>, %y: bf16, %a: i8, %b: i8) -> (vector<8xbf16>, f32, i8) {
  %t = arith.truncf %x : vector<8xf32> to vector<8xbf16>
  %e = arith.extf %y : bf16 to f32
  %m = arith.maxsi %a, %b : i8
  return %t, %e, %m : vector<8xbf16>, f32, i8
}
