//===- SystolicBase.td - The systolic dialect definition ---*- tablegen -*-===//
//
// The hardware-level dialect. It has two layers:
//  * layer ops (SystolicOps.td) on int8 tensors: the quantized graph, one op
//    per piece of work the accelerator runs, with the exact integer semantics
//    of the hardware (so the CPU can run them bit-exactly as a reference);
//  * ISA ops (SystolicISA.td): one op per instruction of docs/isa.md on
//    explicit scratchpad/accumulator rows, inside a `systolic.program`.
//
//===----------------------------------------------------------------------===//

#ifndef SYSTOLIC_SYSTOLIC_BASE_TD
#define SYSTOLIC_SYSTOLIC_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Systolic_Dialect : Dialect {
  let name = "systolic";
  let cppNamespace = "::systolic::accel";
  let summary = "The Systolic accelerator: quantized layers and its instruction set";
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let useDefaultAttributePrinterParser = 1;
}

class Systolic_Op<string mnemonic, list<Trait> traits = []>
    : Op<Systolic_Dialect, mnemonic, traits>;

// The output path's activation (ISA field OUTPUT.act).
def Systolic_Activation : I32EnumAttr<"Activation",
    "activation applied by the output path", [
      I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"relu", 1>,
      I32EnumAttrCase<"relu6", 2>, I32EnumAttrCase<"lut", 3>]> {
  let cppNamespace = "::systolic::accel";
  let genSpecializedAttr = 0;
}
def Systolic_ActivationAttr
    : EnumAttr<Systolic_Dialect, Systolic_Activation, "activation"> {
  let assemblyFormat = "`<` $value `>`";
}

def Systolic_I8Tensor : StaticShapeTensorOf<[I8]>;
def Systolic_I32Tensor : StaticShapeTensorOf<[I32]>;
def Systolic_F32Tensor : StaticShapeTensorOf<[F32]>;

#endif // SYSTOLIC_SYSTOLIC_BASE_TD
