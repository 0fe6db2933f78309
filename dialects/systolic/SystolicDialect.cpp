//===- SystolicDialect.cpp - The systolic dialect -------------------------===//
#include "dialects/systolic/SystolicDialect.h"
#include "dialects/systolic/SystolicISA.h"
#include "dialects/systolic/SystolicOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace systolic::accel;

#include "dialects/systolic/SystolicDialect.cpp.inc"
#include "dialects/systolic/SystolicEnums.cpp.inc"
#include "dialects/systolic/SystolicISAEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/systolic/SystolicAttrs.cpp.inc"

void SystolicDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/systolic/SystolicAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/systolic/SystolicOps.cpp.inc"
      ,
#define GET_OP_LIST
#include "dialects/systolic/SystolicISA.cpp.inc"
      >();
}
