//===- KernelShapes.h - systolic layer ops as kernel-library shapes -*- C++ -*-===//
//
// The code generator and the dense-chain fusion pass describe the same layers
// to the kernel library (sim/kernels); these are the shared translations.
// Includes the simulator's headers: never include it next to the runtime's.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ACCEL_KERNELSHAPES_H
#define SYSTOLIC_LOWERING_ACCEL_KERNELSHAPES_H

#include "dialects/systolic/SystolicOps.h"
#include "kernels/Kernels.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"

namespace systolic::accel {

inline ::systolic::Activation toSimActivation(Activation act) {
  switch (act) {
  case Activation::none: return ::systolic::Activation::None;
  case Activation::relu: return ::systolic::Activation::Relu;
  case Activation::relu6: return ::systolic::Activation::Relu6;
  case Activation::lut: return ::systolic::Activation::Lut;
  }
  return ::systolic::Activation::None;
}

/// The output path (activation, zero point, ReLU6 clamp) of a layer op.
template <typename LayerT, typename OpT> void setOutputPath(LayerT &layer, OpT op) {
  layer.act = toSimActivation(op.getActivation());
  layer.zeroPoint = static_cast<int64_t>(op.getOutputZeroPoint());
  layer.clampMax = static_cast<int64_t>(op.getClampMax());
}

/// Matmuls each feeding the next one's lhs as a DenseChain (no addresses).
inline ::systolic::DenseChain denseChainShape(llvm::ArrayRef<MatMulOp> matmuls) {
  ::systolic::DenseChain chain;
  MatMulOp first = matmuls.front();
  auto lhs = mlir::cast<mlir::RankedTensorType>(first.getLhs().getType());
  chain.m = lhs.getDimSize(0);
  chain.k = lhs.getDimSize(1);
  for (MatMulOp mm : matmuls) {
    ::systolic::DenseChainLayer layer;
    layer.n = mlir::cast<mlir::RankedTensorType>(mm.getRhs().getType()).getDimSize(1);
    setOutputPath(layer, mm);
    chain.layers.push_back(layer);
  }
  return chain;
}

} // namespace systolic::accel

#endif // SYSTOLIC_LOWERING_ACCEL_KERNELSHAPES_H
