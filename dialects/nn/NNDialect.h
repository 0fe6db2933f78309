//===- NNDialect.h - The nn dialect -----------------------------*- C++ -*-===//
#ifndef SYSTOLIC_DIALECTS_NN_NNDIALECT_H
#define SYSTOLIC_DIALECTS_NN_NNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "dialects/nn/NNDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/nn/NNTypes.h.inc"

#endif // SYSTOLIC_DIALECTS_NN_NNDIALECT_H
