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

namespace systolic::accel {
/// Output extent of one spatial dimension of systolic.max_pool (0: the
/// window does not fit).
int64_t maxPoolOutputSize(int64_t size, int64_t kernel, int64_t stride,
                          int64_t padBegin, int64_t padEnd, int64_t dilation,
                          bool ceilMode);
} // namespace systolic::accel

#endif // SYSTOLIC_DIALECTS_SYSTOLIC_SYSTOLICOPS_H
