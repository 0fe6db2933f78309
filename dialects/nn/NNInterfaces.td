//===- NNInterfaces.td - nn dialect op interfaces ----------*- tablegen -*-===//
#ifndef SYSTOLIC_NN_INTERFACES_TD
#define SYSTOLIC_NN_INTERFACES_TD

include "mlir/IR/OpBase.td"

def NN_ConstantEvaluableOpInterface
    : OpInterface<"ConstantEvaluableOpInterface"> {
  let cppNamespace = "::systolic::nn";
  let description = [{
    An op that can compute its single result from constant operands. The
    op's folder calls this with a small element limit (so folding during
    import and canonicalization never materializes big tensors), and
    `nn-fold-constants` calls it with a large one to pre-compute whole
    initializer-only subgraphs such as transposed weights.
  }];
  let methods = [
    InterfaceMethod<[{
        Returns the result as an attribute (normally a DenseElementsAttr)
        given one attribute per operand (null where the operand is not a
        constant), or null when it cannot be computed or the result has more
        than `maxElements` elements and is not a splat.
      }], "::mlir::Attribute", "evaluateConstant",
      (ins "::llvm::ArrayRef<::mlir::Attribute>":$operands,
           "int64_t":$maxElements)>
  ];
}

#endif // SYSTOLIC_NN_INTERFACES_TD
