//===- SystolicDialect.h - The systolic dialect -----------------*- C++ -*-===//
#ifndef SYSTOLIC_DIALECTS_SYSTOLIC_SYSTOLICDIALECT_H
#define SYSTOLIC_DIALECTS_SYSTOLIC_SYSTOLICDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "dialects/systolic/SystolicDialect.h.inc"

#endif // SYSTOLIC_DIALECTS_SYSTOLIC_SYSTOLICDIALECT_H
