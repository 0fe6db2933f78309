//===- SystolicISAEnums.td - Enums of the ISA fields -------*- tablegen -*-===//
//
// The enumerated fields of docs/isa.md. They are IntegerAttr-backed (i32) so
// that an instruction's fields read uniformly as integers (see
// SystolicISA.cpp), and print as bare keywords inside the ISA ops.
//
//===----------------------------------------------------------------------===//

#ifndef SYSTOLIC_SYSTOLIC_ISA_ENUMS_TD
#define SYSTOLIC_SYSTOLIC_ISA_ENUMS_TD

include "mlir/IR/EnumAttr.td"

// LOAD/STORE.mem and VECTOR.mem.
def Systolic_IsaMemAttr : I32EnumAttr<"IsaMem",
    "on-chip memory: scratchpad (int8 rows) or accumulator (int32 rows)", [
      I32EnumAttrCase<"sp", 0>, I32EnumAttrCase<"acc", 1>]> {
  let cppNamespace = "::systolic::accel";
}

// MATMUL.df.
def Systolic_IsaDfAttr : I32EnumAttr<"IsaDataflow",
    "array dataflow: weight- or output-stationary", [
      I32EnumAttrCase<"ws", 0>, I32EnumAttrCase<"os", 1>]> {
  let cppNamespace = "::systolic::accel";
}

// OUTPUT.act.
def Systolic_IsaActAttr : I32EnumAttr<"IsaAct",
    "activation of the output path", [
      I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"relu", 1>,
      I32EnumAttrCase<"relu6", 2>, I32EnumAttrCase<"lut", 3>]> {
  let cppNamespace = "::systolic::accel";
}

// VECTOR.op (encoding 3 is illegal and has no case).
def Systolic_IsaVecOpAttr : I32EnumAttr<"IsaVecOp",
    "elementwise operation of the vector unit", [
      I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"mul", 1>,
      I32EnumAttrCase<"max", 2>]> {
  let cppNamespace = "::systolic::accel";
}

#endif // SYSTOLIC_SYSTOLIC_ISA_ENUMS_TD
