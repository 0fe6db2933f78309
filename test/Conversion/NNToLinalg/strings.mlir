// RUN: systolic-opt %s -convert-nn-to-linalg | FileCheck %s

// String tensors become i64 handles (addresses of NUL-terminated UTF-8, as
// the runtime binds them); equality calls the C library's strcmp, declared
// once; a string constant becomes one global per distinct string.
// CHECK-DAG: llvm.mlir.global internal constant @[[CAT:.*]]("cat\00")
// CHECK-DAG: llvm.mlir.global internal constant @[[EMPTY:.*]]("\00")
// CHECK-DAG: func.func private @strcmp(!llvm.ptr, !llvm.ptr) -> i32
// CHECK-LABEL: func @string_equality
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi64>, %[[B:.*]]: tensor<1x3xi64>) -> (tensor<2x3xi1>, tensor<2x3xi1>)
// CHECK-DAG:  %[[CAT_ADDRESS:.*]] = llvm.mlir.addressof @[[CAT]] : !llvm.ptr
// CHECK-DAG:  %[[CAT_HANDLE:.*]] = llvm.ptrtoint %[[CAT_ADDRESS]] : !llvm.ptr to i64
// CHECK-DAG:  %[[EMPTY_ADDRESS:.*]] = llvm.mlir.addressof @[[EMPTY]] : !llvm.ptr
// CHECK-DAG:  %[[EMPTY_HANDLE:.*]] = llvm.ptrtoint %[[EMPTY_ADDRESS]] : !llvm.ptr to i64
// CHECK:      tensor.from_elements %[[CAT_HANDLE]], %[[EMPTY_HANDLE]], %[[CAT_HANDLE]] : tensor<3xi64>
// CHECK:      linalg.generic
// CHECK-SAME:   ins(%[[A]], %[[B]] : tensor<2x3xi64>, tensor<1x3xi64>)
// CHECK:        %[[L:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr
// CHECK:        %[[R:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr
// CHECK:        %[[ORDER:.*]] = func.call @strcmp(%[[L]], %[[R]]) : (!llvm.ptr, !llvm.ptr) -> i32
// CHECK:        arith.cmpi eq, %[[ORDER]], %{{.*}} : i32
// CHECK:      func.call @strcmp
func.func @string_equality(%a: tensor<2x3x!nn.string>, %b: tensor<1x3x!nn.string>)
    -> (tensor<2x3xi1>, tensor<2x3xi1>) {
  %words = arith.constant dense<["cat", "", "cat"]> : tensor<3x!nn.string>
  %same = nn.compare %a, %b {predicate = #nn.predicate<eq>} : tensor<2x3x!nn.string>, tensor<1x3x!nn.string> -> tensor<2x3xi1>
  %known = nn.compare %a, %words {predicate = #nn.predicate<eq>} : tensor<2x3x!nn.string>, tensor<3x!nn.string> -> tensor<2x3xi1>
  return %same, %known : tensor<2x3xi1>, tensor<2x3xi1>
}
