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
}

class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, traits>;

// Every nn tensor is ranked and statically shaped: the importer resolves
// dynamic dimensions, so shape inference and verifiers can rely on sizes.
def NN_FloatTensor : StaticShapeTensorOf<[AnyFloat]>;
// Integers are signless (two's complement, as ONNX's INT types) or unsigned
// (ONNX's UINT types: ordering, division and conversions differ).
def NN_Tensor : StaticShapeTensorOf<[AnyFloat, AnySignlessInteger, AnyUnsignedInteger]>;
// Indices (gather, labels) as ONNX allows them.
def NN_IndexTensor : StaticShapeTensorOf<[I32, I64]>;
// Compare results, select conditions and logical operands.
def NN_BoolTensor : StaticShapeTensorOf<[I1]>;
// Shape values (nn.shape results, argmax/argmin results).
def NN_I64Tensor : StaticShapeTensorOf<[I64]>;

#endif // SYSTOLIC_NN_BASE_TD
