//===- SystolicOps.h - systolic dialect operations --------------*- C++ -*-===//
#ifndef SYSTOLIC_DIALECTS_SYSTOLIC_SYSTOLICOPS_H
#define SYSTOLIC_DIALECTS_SYSTOLIC_SYSTOLICOPS_H

#include "dialects/systolic/SystolicDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/systolic/SystolicEnums.h.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/systolic/SystolicAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/systolic/SystolicOps.h.inc"

#endif // SYSTOLIC_DIALECTS_SYSTOLIC_SYSTOLICOPS_H
