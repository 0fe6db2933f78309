//===- NNBase.td - The nn dialect definition ---------------*- tablegen -*-===//
//
// The graph-level dialect: one op per neural-network operator, on ranked
// tensors with static shapes, close to ONNX semantics so the importer is a
// direct translation and later passes see whole operators (convolution, LSTM,
// losses) rather than loops.
//
//===----------------------------------------------------------------------===//

#ifndef SYSTOLIC_NN_BASE_TD
#define SYSTOLIC_NN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::systolic::nn";
  let summary = "Graph-level neural-network operations on ranked tensors";
  let description = [{
    Operations mirror ONNX operators on statically shaped ranked tensors.
    Constants are `arith.constant` (dense or dense_resource for large weights).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
}

class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, traits>;

// ONNX STRING elements: UTF-8 text of any length. Only graph inputs carry
// them and only nn.compare `eq` reads them; the CPU backend passes each
// element as the address of a NUL-terminated string (docs/nn-dialect.md).
def NN_StringType : TypeDef<NN_Dialect, "String"> {
  let mnemonic = "string";
  let summary = "A UTF-8 string element (ONNX STRING)";
}
def NN_StringTensor : StaticShapeTensorOf<[NN_StringType]>;

// Every nn tensor is ranked and statically shaped: the importer resolves
// dynamic dimensions, so shape inference and verifiers can rely on sizes.
// Element types the ops compute with.
def NN_ArithmeticFloat : AnyTypeOf<[F16, BF16, F32, F64], "floating-point">;
def NN_FloatTensor : StaticShapeTensorOf<[NN_ArithmeticFloat]>;
// Integers are signless (two's complement, as ONNX's INT types) or unsigned
// (ONNX's UINT types: ordering, division and conversions differ).
def NN_ArithmeticInteger : AnyTypeOf<[I1, I8, I16, I32, I64,
                                      UI8, UI16, UI32, UI64],
                                     "integer (i1, i8-i64, ui8-ui64)">;
def NN_Tensor : StaticShapeTensorOf<[NN_ArithmeticFloat, NN_ArithmeticInteger]>;
// Storage-only element types (ONNX FLOAT8*, FLOAT4E2M1, INT4/UINT4,
// INT2/UINT2): no op computes with them; nn.cast converts to and from them
// and nn.reshape moves them.
def NN_StorageOnlyType : AnyTypeOf<[F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ,
                                    F8E8M0FNU, F4E2M1FN, I<4>, UI<4>, I<2>,
                                    UI<2>],
                                   "float8, float4 or 4/2-bit integer">;
def NN_AnyTensor : StaticShapeTensorOf<[NN_ArithmeticFloat, NN_ArithmeticInteger,
                                        NN_StorageOnlyType]>;
// Indices (gather, labels) as ONNX allows them.
def NN_IndexTensor : StaticShapeTensorOf<[I32, I64]>;
// Compare results, select conditions and logical operands.
def NN_BoolTensor : StaticShapeTensorOf<[I1]>;
// Shape values (nn.shape results, argmax/argmin results).
def NN_I64Tensor : StaticShapeTensorOf<[I64]>;

#endif // SYSTOLIC_NN_BASE_TD
