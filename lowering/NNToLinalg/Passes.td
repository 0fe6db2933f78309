//===- Passes.td - nn to linalg conversion -----------------*- tablegen -*-===//
#ifndef SYSTOLIC_LOWERING_NNTOLINALG_PASSES_TD
#define SYSTOLIC_LOWERING_NNTOLINALG_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertNNToLinalg : Pass<"convert-nn-to-linalg"> {
  let summary = "Lower every nn op to linalg/tensor/arith/math on tensors";
  let description = [{
    Rewrites the graph-level `nn` dialect into destination-style linalg on
    statically shaped tensors: named ops where upstream has them
    (`linalg.matmul`, `linalg.batch_matmul`, `linalg.conv_*`,
    `linalg.pooling_*`, `linalg.transpose`, `linalg.fill`, ...) and
    `linalg.generic` for everything elementwise or reducing, with NumPy
    broadcasting expressed in indexing maps rather than materialized copies.
    Padding is `tensor.pad`. Only the recurrent ops (LSTM, GRU) use `scf.for`
    for their loop over time; everything else stays structured so the CPU
    pipeline can tile and fuse it.

    String tensors (`!nn.string`) become `i64` handles, the addresses of
    NUL-terminated UTF-8 strings the runtime binds; their equality is a call
    of the C library's `strcmp`, which the pass declares.

    Transposes of dense constants (e.g. the weight of a `trans_b` gemm) are
    folded at compile time instead of being emitted as runtime transposes.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // SYSTOLIC_LOWERING_NNTOLINALG_PASSES_TD
