//===- NNOps.td - nn dialect operations --------------------*- tablegen -*-===//

#ifndef SYSTOLIC_NN_OPS_TD
#define SYSTOLIC_NN_OPS_TD

include "dialects/nn/NNBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Elementwise unary operations: same shape and element type in and out.
//===----------------------------------------------------------------------===//

class NN_UnaryOp<string mnemonic, list<Trait> traits = []>
    : NN_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
  let arguments = (ins NN_Tensor:$input);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def NN_ReluOp : NN_UnaryOp<"relu"> {
  let summary = "Rectified linear unit: max(x, 0)";
}
def NN_AbsOp : NN_UnaryOp<"abs"> {
  let summary = "Elementwise absolute value";
}

//===----------------------------------------------------------------------===//
// Elementwise binary operations with NumPy (multidirectional) broadcasting.
//===----------------------------------------------------------------------===//

class NN_BroadcastBinaryOp<string mnemonic, list<Trait> traits = []>
    : NN_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])> {
  let arguments = (ins NN_Tensor:$lhs, NN_Tensor:$rhs);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return inferBroadcastResultType(location, adaptor.getLhs().getType(),
                                      adaptor.getRhs().getType(), inferred);
    }
  }];
}

def NN_AddOp : NN_BroadcastBinaryOp<"add", [Commutative]> {
  let summary = "Elementwise addition with broadcasting";
}
def NN_SubOp : NN_BroadcastBinaryOp<"sub"> {
  let summary = "Elementwise subtraction with broadcasting";
}

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

class NN_ReduceOp<string mnemonic, list<Trait> traits = []>
    : NN_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])> {
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let description = [{
    Reduces over `axes` (negative values count from the back; an empty list
    reduces every axis). With `keepdims` the reduced axes stay as size 1.
  }];
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return inferReductionResultType(location, adaptor.getInput().getType(),
                                      adaptor.getAxes(), adaptor.getKeepdims(),
                                      inferred);
    }
    ::llvm::LogicalResult $cppClass::verify() {
      return verifyReductionAxes(*this, getInput().getType(), getAxes());
    }
  }];
}

def NN_ReduceMeanOp : NN_ReduceOp<"reduce_mean"> {
  let summary = "Mean over the given axes";
}
def NN_ReduceSumOp : NN_ReduceOp<"reduce_sum"> {
  let summary = "Sum over the given axes";
}

//===----------------------------------------------------------------------===//
// Losses: first-class ops so backends can map them well.
//===----------------------------------------------------------------------===//

def NN_LossReduction : I32EnumAttr<"LossReduction",
    "how a loss combines its elementwise terms", [
      I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"mean", 1>,
      I32EnumAttrCase<"sum", 2>]> {
  let cppNamespace = "::systolic::nn";
  let genSpecializedAttr = 0;
}
def NN_LossReductionAttr : EnumAttr<NN_Dialect, NN_LossReduction, "reduction"> {
  let assemblyFormat = "`<` $value `>`";
}

def NN_MAELossOp : NN_Op<"mae_loss", [Pure, InferTypeOpAdaptor,
                                      AllTypesMatch<["prediction", "target"]>]> {
  let summary = "Mean absolute error (L1 loss) between prediction and target";
  let arguments = (ins NN_FloatTensor:$prediction, NN_FloatTensor:$target,
      DefaultValuedAttr<NN_LossReductionAttr, "LossReduction::mean">:$reduction);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $prediction `,` $target attr-dict `:` type($prediction) `->` type($result)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return inferLossResultType(adaptor.getPrediction().getType(),
                                 adaptor.getReduction(), inferred);
    }
  }];
}

//===----------------------------------------------------------------------===//
// Linear algebra.
//===----------------------------------------------------------------------===//

def NN_MatMulOp : NN_Op<"matmul", [Pure, InferTypeOpAdaptor]> {
  let summary = "Batched matrix product with NumPy matmul semantics";
  let description = [{
    `lhs` is [..., M, K] and `rhs` is [..., K, N]; batch dimensions broadcast.
    Rank-1 operands are promoted as in `numpy.matmul`.
  }];
  let arguments = (ins NN_Tensor:$lhs, NN_Tensor:$rhs);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

#endif // SYSTOLIC_NN_OPS_TD
