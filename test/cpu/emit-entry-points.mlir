// RUN: systolic-opt %s -split-input-file -verify-diagnostics --systolic-cpu-emit-entry-points | FileCheck %s

// Each public function becomes a private, internal implementation plus a
// wrapper that takes the binding array: bindings[i] is the i-th buffer
// (operands, then results), wrapped in a descriptor of the static shape.
// CHECK-LABEL: func.func @add(
// CHECK-SAME: %[[BINDINGS:.*]]: !llvm.ptr)
// CHECK: %[[SLOT0:.*]] = llvm.getelementptr %[[BINDINGS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.load %[[SLOT0]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.insertvalue %[[P0]], %{{.*}}[0]
// CHECK: %[[M0:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<4x8xf32>
// CHECK: %[[SLOT1:.*]] = llvm.getelementptr %[[BINDINGS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[M1:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)> to memref<8xf32>
// CHECK: call @__systolic_impl_add(%[[M0]], %[[M1]])
// CHECK: return
// CHECK-LABEL: func.func private @__systolic_impl_add(
// CHECK-SAME: memref<4x8xf32>, %{{.*}}: memref<8xf32>) attributes {llvm.linkage = #llvm.linkage<internal>}
// Private helpers are left alone.
// CHECK-LABEL: func.func private @helper(
func.func @add(%a: memref<4x8xf32>, %out: memref<8xf32>) {
  call @helper(%out) : (memref<8xf32>) -> ()
  return
}
func.func private @helper(%out: memref<8xf32>) {
  return
}

// -----

// expected-error @below {{cannot make 'dynamic' a CPU entry point: argument #0 has a dynamic shape; the ABI passes bare pointers to buffers of static shape}}
func.func @dynamic(%a: memref<?xf32>) {
  return
}

// -----

// expected-error @below {{cannot make 'returns' a CPU entry point: returns values (results must have been turned into out-parameters by bufferization)}}
func.func @returns(%a: memref<4xf32>) -> memref<4xf32> {
  return %a : memref<4xf32>
}
