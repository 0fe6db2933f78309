//===- NNOps.td - nn dialect operations --------------------*- tablegen -*-===//
//
// One op per ONNX operator family. Conventions (see docs/nn-dialect.md):
//  - layouts are ONNX's: NC(D)HW activations, [M, C/group, k...] conv weights;
//  - integer lists are DenseI64ArrayAttr, float scalars F32Attr, integers
//    I64Attr, flags BoolAttr, enums `#nn.<name><value>`;
//  - every op whose result type is computable infers it (InferTypeOpAdaptor),
//    and its inference doubles as the shape verifier with precise messages;
//    ops whose result type is a free choice (reshape, expand, cast) take it.
//
//===----------------------------------------------------------------------===//

#ifndef SYSTOLIC_NN_OPS_TD
#define SYSTOLIC_NN_OPS_TD

include "dialects/nn/NNBase.td"
include "dialects/nn/NNInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Enum attributes.
//===----------------------------------------------------------------------===//

class NN_I32Enum<string name, string summary, list<I32EnumAttrCase> cases>
    : I32EnumAttr<name, summary, cases> {
  let cppNamespace = "::systolic::nn";
  let genSpecializedAttr = 0;
}
class NN_EnumAttr<EnumAttrInfo info, string mnemonic>
    : EnumAttr<NN_Dialect, info, mnemonic> {
  let assemblyFormat = "`<` $value `>`";
}

def NN_LossReduction : NN_I32Enum<"LossReduction",
    "how a loss combines its elementwise terms", [
      I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"mean", 1>,
      I32EnumAttrCase<"sum", 2>]>;
def NN_LossReductionAttr : NN_EnumAttr<NN_LossReduction, "reduction">;

def NN_RNNDirection : NN_I32Enum<"RNNDirection",
    "direction in which a recurrent op walks the sequence", [
      I32EnumAttrCase<"forward", 0>, I32EnumAttrCase<"reverse", 1>,
      I32EnumAttrCase<"bidirectional", 2>]>;
def NN_RNNDirectionAttr : NN_EnumAttr<NN_RNNDirection, "direction">;

def NN_PadMode : NN_I32Enum<"PadMode", "how nn.pad fills the border", [
      I32EnumAttrCase<"constant", 0>, I32EnumAttrCase<"reflect", 1>,
      I32EnumAttrCase<"edge", 2>]>;
def NN_PadModeAttr : NN_EnumAttr<NN_PadMode, "pad_mode">;

def NN_GeluApproximation : NN_I32Enum<"GeluApproximation",
    "exact (erf) or tanh-approximated GELU", [
      I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"tanh", 1>]>;
def NN_GeluApproximationAttr
    : NN_EnumAttr<NN_GeluApproximation, "gelu_approximation">;

def NN_ComparePredicate : NN_I32Enum<"ComparePredicate",
    "elementwise comparison of nn.compare", [
      I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"lt", 1>,
      I32EnumAttrCase<"le", 2>, I32EnumAttrCase<"gt", 3>,
      I32EnumAttrCase<"ge", 4>]>;
def NN_ComparePredicateAttr : NN_EnumAttr<NN_ComparePredicate, "predicate">;

// ONNX Cast's round_mode for FLOAT8E8M0 results (powers of two).
def NN_RoundMode : NN_I32Enum<"RoundMode", "rounding to a power of two", [
      I32EnumAttrCase<"up", 0>, I32EnumAttrCase<"down", 1>,
      I32EnumAttrCase<"nearest", 2>]>;
def NN_RoundModeAttr : NN_EnumAttr<NN_RoundMode, "round_mode">;

// Ops that compute constant results from constant operands; their folders
// use the same evaluation with a small size limit.
def NN_Evaluable : DeclareOpInterfaceMethods<NN_ConstantEvaluableOpInterface>;

// Result types are inferred by a C++ `inferReturnTypes` of the same op;
// invalid operands/attributes are reported there with a precise message.
class NN_InferredOp<string mnemonic, list<Trait> traits = []>
    : NN_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])>;

//===----------------------------------------------------------------------===//
// Elementwise unary operations: same shape and element type in and out.
//===----------------------------------------------------------------------===//

class NN_UnaryOp<string mnemonic, list<Trait> traits = [],
                 Type tensorType = NN_Tensor>
    : NN_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType,
                                           InferTypeOpInterface])> {
  let arguments = (ins tensorType:$input);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}
class NN_FloatUnaryOp<string mnemonic, list<Trait> traits = []>
    : NN_UnaryOp<mnemonic, traits, NN_FloatTensor>;

def NN_ReluOp : NN_UnaryOp<"relu", [NN_Evaluable]> {
  let summary = "Rectified linear unit: max(x, 0)";
  let hasFolder = 1;
}
def NN_AbsOp : NN_UnaryOp<"abs", [NN_Evaluable]> {
  let summary = "Elementwise absolute value";
  let hasFolder = 1;
}
def NN_NegOp : NN_UnaryOp<"neg", [NN_Evaluable]> {
  let summary = "Elementwise negation";
  let hasFolder = 1;
}
def NN_SignOp : NN_UnaryOp<"sign", [NN_Evaluable]> {
  let summary = "Elementwise sign: -1, 0 or 1";
  let hasFolder = 1;
}
def NN_SigmoidOp : NN_FloatUnaryOp<"sigmoid", [NN_Evaluable]> {
  let summary = "Logistic sigmoid: 1 / (1 + exp(-x))";
  let hasFolder = 1;
}
def NN_TanhOp : NN_FloatUnaryOp<"tanh", [NN_Evaluable]> {
  let summary = "Hyperbolic tangent";
  let hasFolder = 1;
}
def NN_SoftplusOp : NN_FloatUnaryOp<"softplus"> {
  let summary = "Softplus: log(1 + exp(x))";
}
def NN_ErfOp : NN_FloatUnaryOp<"erf"> {
  let summary = "Gauss error function";
}
def NN_ExpOp : NN_FloatUnaryOp<"exp", [NN_Evaluable]> {
  let summary = "Elementwise exponential";
  let hasFolder = 1;
}
def NN_LogOp : NN_FloatUnaryOp<"log", [NN_Evaluable]> {
  let summary = "Elementwise natural logarithm";
  let hasFolder = 1;
}
def NN_SqrtOp : NN_FloatUnaryOp<"sqrt", [NN_Evaluable]> {
  let summary = "Elementwise square root";
  let hasFolder = 1;
}
def NN_ReciprocalOp : NN_FloatUnaryOp<"reciprocal", [NN_Evaluable]> {
  let summary = "Elementwise reciprocal: 1 / x";
  let hasFolder = 1;
}
def NN_NotOp : NN_UnaryOp<"not", [NN_Evaluable], NN_BoolTensor> {
  let summary = "Elementwise logical negation of an i1 tensor";
  let hasFolder = 1;
}

def NN_LeakyReluOp : NN_FloatUnaryOp<"leaky_relu"> {
  let summary = "Leaky ReLU: x if x >= 0 else alpha * x";
  let arguments = (ins NN_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.01">:$alpha);
}
def NN_HardSigmoidOp : NN_FloatUnaryOp<"hard_sigmoid"> {
  let summary = "Hard sigmoid: max(0, min(1, alpha * x + beta))";
  let arguments = (ins NN_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.2">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.5">:$beta);
}
def NN_EluOp : NN_FloatUnaryOp<"elu"> {
  let summary = "ELU: x if x >= 0 else alpha * (exp(x) - 1)";
  let arguments = (ins NN_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}
def NN_SeluOp : NN_FloatUnaryOp<"selu"> {
  let summary = "SELU: gamma * (x if x > 0 else alpha * (exp(x) - 1))";
  let arguments = (ins NN_FloatTensor:$input,
      DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
      DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma);
}
def NN_GeluOp : NN_FloatUnaryOp<"gelu"> {
  let summary = "GELU: x * Phi(x), exact (erf) or tanh-approximated";
  let arguments = (ins NN_FloatTensor:$input,
      DefaultValuedAttr<NN_GeluApproximationAttr,
                        "GeluApproximation::none">:$approximate);
}
def NN_ClipOp : NN_FloatUnaryOp<"clip"> {
  let summary = "Clamp: min(max(x, min), max); an absent bound is infinite";
  let description = [{
    ONNX Clip with constant bounds (ReLU6 is `min = 0.0, max = 6.0`). As in
    ONNX, `min > max` is allowed and yields `max` everywhere.
  }];
  let arguments = (ins NN_FloatTensor:$input, OptionalAttr<F32Attr>:$min,
                       OptionalAttr<F32Attr>:$max);
}

class NN_AxisUnaryOp<string mnemonic> : NN_FloatUnaryOp<mnemonic> {
  let arguments = (ins NN_FloatTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return verifyAxis(*this, getInput().getType(), getAxis());
    }
  }];
}
def NN_SoftmaxOp : NN_AxisUnaryOp<"softmax"> {
  let summary = "Softmax along `axis` (ONNX opset >= 13 semantics)";
}
def NN_LogSoftmaxOp : NN_AxisUnaryOp<"log_softmax"> {
  let summary = "Log of softmax along `axis` (ONNX opset >= 13 semantics)";
}

//===----------------------------------------------------------------------===//
// Elementwise binary operations with NumPy (multidirectional) broadcasting.
//===----------------------------------------------------------------------===//

class NN_BroadcastBinaryOp<string mnemonic, list<Trait> traits = [],
                           Type tensorType = NN_Tensor>
    : NN_InferredOp<mnemonic, !listconcat(traits, [NN_Evaluable])> {
  let hasFolder = 1;
  let arguments = (ins tensorType:$lhs, tensorType:$rhs);
  let results = (outs tensorType:$result);
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
def NN_MulOp : NN_BroadcastBinaryOp<"mul", [Commutative]> {
  let summary = "Elementwise multiplication with broadcasting";
}
def NN_DivOp : NN_BroadcastBinaryOp<"div"> {
  let summary = "Elementwise division with broadcasting (integers truncate)";
}
def NN_PowOp : NN_BroadcastBinaryOp<"pow", [], NN_FloatTensor> {
  let summary = "Elementwise power lhs ^ rhs with broadcasting";
}
def NN_MaxOp : NN_BroadcastBinaryOp<"max", [Commutative]> {
  let summary = "Elementwise maximum with broadcasting";
}
def NN_MinOp : NN_BroadcastBinaryOp<"min", [Commutative]> {
  let summary = "Elementwise minimum with broadcasting";
}
def NN_AndOp : NN_BroadcastBinaryOp<"and", [Commutative], NN_BoolTensor> {
  let summary = "Elementwise logical and of i1 tensors with broadcasting";
}
def NN_OrOp : NN_BroadcastBinaryOp<"or", [Commutative], NN_BoolTensor> {
  let summary = "Elementwise logical or of i1 tensors with broadcasting";
}

def NN_PReluOp : NN_InferredOp<"prelu"> {
  let summary = "Parametric ReLU: x if x >= 0 else slope * x";
  let description = [{
    `slope` broadcasts unidirectionally to `input` (ONNX PRelu); the result
    has the input's type.
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$slope);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $slope attr-dict `:` type($input) `,` type($slope) `->` type($result)
  }];
}

def NN_CompareOp : NN_InferredOp<"compare", [NN_Evaluable]> {
  let summary = "Elementwise comparison with broadcasting, producing i1";
  let description = [{
    Numbers compare by value (unsigned types and i1 as unsigned). Strings
    (`!nn.string`, ONNX Equal) compare for equality only, byte for byte.
  }];
  let hasFolder = 1;
  let hasVerifier = 1;
  let arguments = (ins AnyTypeOf<[NN_Tensor, NN_StringTensor]>:$lhs,
                       AnyTypeOf<[NN_Tensor, NN_StringTensor]>:$rhs,
                       NN_ComparePredicateAttr:$predicate);
  let results = (outs NN_BoolTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def NN_SelectOp : NN_InferredOp<"select", [NN_Evaluable]> {
  let summary = "Elementwise choice cond ? true_value : false_value (ONNX Where)";
  let hasFolder = 1;
  let description = [{
    The three operands broadcast multidirectionally; the value operands must
    have the same element type.
  }];
  let arguments = (ins NN_BoolTensor:$condition, NN_Tensor:$true_value,
                       NN_Tensor:$false_value);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

class NN_ReduceOp<string mnemonic, list<Trait> traits = []>
    : NN_InferredOp<mnemonic, !listconcat(traits, [NN_Evaluable])> {
  let hasFolder = 1;
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
def NN_ReduceMaxOp : NN_ReduceOp<"reduce_max"> {
  let summary = "Maximum over the given axes";
}
def NN_ReduceMinOp : NN_ReduceOp<"reduce_min"> {
  let summary = "Minimum over the given axes";
}
def NN_ReduceProdOp : NN_ReduceOp<"reduce_prod"> {
  let summary = "Product over the given axes";
}
def NN_ReduceL1Op : NN_ReduceOp<"reduce_l1"> {
  let summary = "Sum of absolute values over the given axes";
}
def NN_ReduceL2Op : NN_ReduceOp<"reduce_l2"> {
  let summary = "Square root of the sum of squares over the given axes";
}
def NN_ReduceSumSquareOp : NN_ReduceOp<"reduce_sum_square"> {
  let summary = "Sum of squares over the given axes";
}

class NN_ArgReduceOp<string mnemonic> : NN_InferredOp<mnemonic> {
  let arguments = (ins NN_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs NN_I64Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let description = [{
    Index (i64) of the extreme value along `axis`; ties pick the first index,
    or the last one with `select_last_index`.
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return inferArgReductionResultType(location,
                                         adaptor.getInput().getType(),
                                         adaptor.getAxis(),
                                         adaptor.getKeepdims(), inferred);
    }
  }];
}
def NN_ArgMaxOp : NN_ArgReduceOp<"argmax"> {
  let summary = "Index of the maximum along an axis";
}
def NN_ArgMinOp : NN_ArgReduceOp<"argmin"> {
  let summary = "Index of the minimum along an axis";
}

//===----------------------------------------------------------------------===//
// Losses and distances: first-class ops so backends can map them well.
//===----------------------------------------------------------------------===//

class NN_ElementwiseLossOp<string mnemonic, dag extraArgs = (ins)>
    : NN_InferredOp<mnemonic, [AllTypesMatch<["prediction", "target"]>]> {
  let arguments = !con((ins NN_FloatTensor:$prediction,
      NN_FloatTensor:$target,
      DefaultValuedAttr<NN_LossReductionAttr, "LossReduction::mean">:$reduction),
      extraArgs);
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

def NN_MAELossOp : NN_ElementwiseLossOp<"mae_loss"> {
  let summary = "Mean absolute error (L1 loss) between prediction and target";
}
def NN_MSELossOp : NN_ElementwiseLossOp<"mse_loss"> {
  let summary = "Mean squared error (L2 loss) between prediction and target";
}
def NN_HuberLossOp : NN_ElementwiseLossOp<"huber_loss",
    (ins DefaultValuedAttr<F32Attr, "1.0">:$delta)> {
  let summary = "Huber loss: 0.5 d^2 if |d| < delta else delta (|d| - 0.5 delta)";
  let description = [{
    `d = prediction - target`. PyTorch's SmoothL1Loss with `beta` is the Huber
    loss with `delta = beta` divided by `beta`. `delta` must be positive.
  }];
  let hasVerifier = 1;
}

def NN_SoftmaxCrossEntropyOp : NN_InferredOp<"softmax_cross_entropy"> {
  let summary = "Softmax cross-entropy of scores against class labels";
  let description = [{
    ONNX SoftmaxCrossEntropyLoss: `scores` is [N, C, d...], `labels` is
    [N, d...] (i32/i64 class indices), optional `weights` is [C]. Labels equal
    to `ignore_index` contribute nothing. `loss` is [N, d...] with reduction
    `none`, else a scalar; `log_prob` is log_softmax(scores) along axis 1 (the
    optional second ONNX output; it is unused unless the model reads it).
  }];
  let arguments = (ins NN_FloatTensor:$scores, NN_IndexTensor:$labels,
      Optional<NN_FloatTensor>:$weights,
      DefaultValuedAttr<NN_LossReductionAttr, "LossReduction::mean">:$reduction,
      OptionalAttr<I64Attr>:$ignore_index);
  let results = (outs NN_FloatTensor:$loss, NN_FloatTensor:$log_prob);
  let assemblyFormat = [{
    $scores `,` $labels (`,` $weights^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def NN_NLLLossOp : NN_InferredOp<"nll_loss"> {
  let summary = "Negative log-likelihood of log-probabilities at class labels";
  let description = [{
    ONNX NegativeLogLikelihoodLoss: `input` is [N, C, d...] log-probabilities,
    `labels` is [N, d...], optional `weights` is [C]. The result is [N, d...]
    with reduction `none`, else a scalar (`mean` divides by the summed weights
    of the non-ignored labels).
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_IndexTensor:$labels,
      Optional<NN_FloatTensor>:$weights,
      DefaultValuedAttr<NN_LossReductionAttr, "LossReduction::mean">:$reduction,
      OptionalAttr<I64Attr>:$ignore_index);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $labels (`,` $weights^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def NN_ManhattanDistanceOp : NN_InferredOp<"manhattan_distance"> {
  let summary = "Pairwise L1 distances between two sets of vectors";
  let description = [{
    `x` is [B..., N, D] and `y` is [B..., M, D] (batch dimensions broadcast);
    `result[b, i, j] = sum_k |x[b, i, k] - y[b, j, k]|`, shape [B..., N, M].
  }];
  let arguments = (ins NN_FloatTensor:$x, NN_FloatTensor:$y);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $x `,` $y attr-dict `:` type($x) `,` type($y) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Convolution and linear algebra.
//===----------------------------------------------------------------------===//

def NN_ConvOp : NN_InferredOp<"conv"> {
  let summary = "N-D convolution (ONNX Conv), 1 to 3 spatial dimensions";
  let description = [{
    `input` is [N, C, spatial...], `weight` is [M, C/group, k...], optional
    `bias` is [M]. `strides` and `dilations` have one entry per spatial
    dimension (positive), `pads` has all begins then all ends (non-negative).
    The result is [N, M, out...] with
    `out = (in + pad_begin + pad_end - dilation * (k - 1) - 1) / stride + 1`.
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                       Optional<NN_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def NN_ConvTransposeOp : NN_InferredOp<"conv_transpose"> {
  let summary = "N-D transposed convolution (ONNX ConvTranspose)";
  let description = [{
    `input` is [N, C, spatial...], `weight` is [C, M/group, k...], optional
    `bias` is [M]. The result is [N, M, out...] with
    `out = stride * (in - 1) + output_padding + dilation * (k - 1) + 1
           - pad_begin - pad_end`
    (the importer turns ONNX `output_shape`/`auto_pad` into `pads`).
    `output_padding` must be smaller than the stride or the dilation.
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                       Optional<NN_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$output_padding,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def NN_GemmOp : NN_InferredOp<"gemm"> {
  let summary = "General matrix multiply: alpha * op(a) * op(b) + beta * c";
  let description = [{
    `a` and `b` are matrices, transposed first when `trans_a`/`trans_b` is
    set; the result is [M, N] and optional `c` broadcasts to it
    unidirectionally (ONNX Gemm).
  }];
  let arguments = (ins NN_FloatTensor:$a, NN_FloatTensor:$b,
                       Optional<NN_FloatTensor>:$c,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
}

def NN_MatMulOp : NN_InferredOp<"matmul"> {
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

//===----------------------------------------------------------------------===//
// Recurrent layers (ONNX semantics, layout = 0, default activations).
//===----------------------------------------------------------------------===//

def NN_LSTMOp : NN_InferredOp<"lstm", [AttrSizedOperandSegments]> {
  let summary = "LSTM layer over a whole sequence (ONNX LSTM)";
  let description = [{
    `x` is [seq, batch, in], `w` is [dirs, 4H, in], `r` is [dirs, 4H, H]
    (gate order i, o, f, c), optional `b` is [dirs, 8H] (Wb then Rb),
    optional `initial_h`/`initial_c` are [dirs, batch, H] and optional
    peepholes `p` are [dirs, 3H] (i, o, f). `dirs` is 2 for `bidirectional`,
    else 1. Activations are ONNX's defaults (sigmoid, tanh, tanh); with `clip`
    the gate pre-activations are clamped to [-clip, clip].
    Results: `y` [seq, dirs, batch, H], `y_h` and `y_c` [dirs, batch, H].
  }];
  let arguments = (ins NN_FloatTensor:$x, NN_FloatTensor:$w,
      NN_FloatTensor:$r, Optional<NN_FloatTensor>:$b,
      Optional<NN_FloatTensor>:$initial_h, Optional<NN_FloatTensor>:$initial_c,
      Optional<NN_FloatTensor>:$p, I64Attr:$hidden_size,
      DefaultValuedAttr<NN_RNNDirectionAttr, "RNNDirection::forward">:$direction,
      OptionalAttr<F32Attr>:$clip);
  let results = (outs NN_FloatTensor:$y, NN_FloatTensor:$y_h,
                      NN_FloatTensor:$y_c);
  let assemblyFormat = [{
    $x `,` $w `,` $r (`bias` `(` $b^ `)`)? (`initial_h` `(` $initial_h^ `)`)?
    (`initial_c` `(` $initial_c^ `)`)? (`peepholes` `(` $p^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def NN_GRUOp : NN_InferredOp<"gru", [AttrSizedOperandSegments]> {
  let summary = "GRU layer over a whole sequence (ONNX GRU)";
  let description = [{
    `x` is [seq, batch, in], `w` is [dirs, 3H, in], `r` is [dirs, 3H, H]
    (gate order z, r, h), optional `b` is [dirs, 6H], optional `initial_h` is
    [dirs, batch, H]. Activations are ONNX's defaults (sigmoid, tanh).
    Results: `y` [seq, dirs, batch, H] and `y_h` [dirs, batch, H].
  }];
  let arguments = (ins NN_FloatTensor:$x, NN_FloatTensor:$w,
      NN_FloatTensor:$r, Optional<NN_FloatTensor>:$b,
      Optional<NN_FloatTensor>:$initial_h, I64Attr:$hidden_size,
      DefaultValuedAttr<NN_RNNDirectionAttr, "RNNDirection::forward">:$direction,
      DefaultValuedAttr<BoolAttr, "false">:$linear_before_reset,
      OptionalAttr<F32Attr>:$clip);
  let results = (outs NN_FloatTensor:$y, NN_FloatTensor:$y_h);
  let assemblyFormat = [{
    $x `,` $w `,` $r (`bias` `(` $b^ `)`)? (`initial_h` `(` $initial_h^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Pooling and normalization.
//===----------------------------------------------------------------------===//

def NN_MaxPoolOp : NN_InferredOp<"max_pool"> {
  let summary = "N-D max pooling (ONNX MaxPool), 1 to 3 spatial dimensions";
  let description = [{
    `kernel_shape`, `strides`, `dilations` have one positive entry per spatial
    dimension, `pads` all begins then all ends; padding never wins the max.
    With `ceil_mode` the output size rounds up, but a window that would start
    in the end padding is dropped (as in PyTorch and onnxruntime).

    With `storage_order` (0: row-major, 1: column-major) the op also returns
    `indices` (ONNX MaxPool's second output, i64, the result's shape): for
    each output element, the position of the max in the input flattened over
    all of [N, C, spatial...], where the spatial dims are flattened row-major
    (0) or column-major (1) and N, C always row-major. Of equal values, the
    first in row-major window order wins. The attribute is present exactly
    when the result is.

    Integer inputs (ONNX allows int8 and uint8) pad with the type's lowest
    value.
  }];
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       OptionalAttr<I64Attr>:$storage_order);
  let results = (outs NN_Tensor:$result,
                      Optional<NN_I64Tensor>:$indices);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result) (`,` type($indices)^)?
  }];
  let hasCanonicalizer = 1;
}

def NN_AvgPoolOp : NN_InferredOp<"avg_pool"> {
  let summary = "N-D average pooling (ONNX AveragePool), 1 to 3 spatial dims";
  let description = [{
    As `nn.max_pool` (without indices); `dilations` is optional here and all
    ones when absent. Each output is the sum of the window's taps divided by
    how many taps count: with `count_include_pad` the taps inside the input
    or the explicit `pads`, otherwise only those inside the input. Taps in
    the extra end padding a `ceil_mode` window reaches never count.
  }];
  let arguments = (ins NN_FloatTensor:$input, DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

class NN_GlobalPoolOp<string mnemonic> : NN_InferredOp<mnemonic> {
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return inferGlobalPoolResultType(location, adaptor.getInput().getType(),
                                       inferred);
    }
  }];
}
def NN_GlobalAvgPoolOp : NN_GlobalPoolOp<"global_avg_pool"> {
  let summary = "Mean over all spatial dimensions: [N, C, ...] -> [N, C, 1...]";
}
def NN_GlobalMaxPoolOp : NN_GlobalPoolOp<"global_max_pool"> {
  let summary = "Max over all spatial dimensions: [N, C, ...] -> [N, C, 1...]";
}

def NN_BatchNormOp : NN_InferredOp<"batch_norm"> {
  let summary = "Inference-mode batch normalization (ONNX BatchNormalization)";
  let description = [{
    `y = scale * (x - mean) / sqrt(var + epsilon) + bias` per channel: `x` is
    [N, C, ...] and `scale`, `bias`, `mean`, `var` are [C].
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$scale,
                       NN_FloatTensor:$bias, NN_FloatTensor:$mean,
                       NN_FloatTensor:$var,
                       DefaultValuedAttr<F32Attr, "1e-5">:$epsilon);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Shape and data movement.
//===----------------------------------------------------------------------===//

def NN_ReshapeOp : NN_Op<"reshape", [Pure, NN_Evaluable]> {
  let summary = "Reinterpret a tensor with another static shape";
  let hasFolder = 1;
  let description = [{
    Row-major reinterpretation; the result type is the new shape and must
    have the same element type and element count. Covers ONNX Reshape,
    Flatten, Squeeze and Unsqueeze.
  }];
  let arguments = (ins NN_AnyTensor:$input);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def NN_TransposeOp : NN_InferredOp<"transpose", [NN_Evaluable]> {
  let summary = "Permute dimensions: result dim i is input dim perm[i]";
  let hasFolder = 1;
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def NN_ConcatOp : NN_InferredOp<"concat", [NN_Evaluable]> {
  let summary = "Concatenate tensors along `axis` (negative counts from back)";
  let hasFolder = 1;
  let arguments = (ins Variadic<NN_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type($inputs, $result)
  }];
}

def NN_SliceOp : NN_InferredOp<"slice", [NN_Evaluable]> {
  let summary = "Strided slice with ONNX Slice clamping semantics";
  let hasFolder = 1;
  let description = [{
    For each `axes[i]`: elements `starts[i], starts[i] + steps[i], ...` up to
    (excluding) `ends[i]`. Negative starts/ends count from the back, then
    clamp to [0, dim] for positive steps and [0, dim - 1] / [-1, dim - 1] for
    negative ones (ONNX). Axes not listed are kept whole. The four lists have
    equal lengths, axes are unique, steps are non-zero.
  }];
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$axes,
                       DenseI64ArrayAttr:$steps);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let extraClassDeclaration = [{
    /// Start, step and size along every input dimension after clamping.
    ::llvm::SmallVector<SliceDimension> getSliceDimensions() {
      return *computeSliceDimensions(std::nullopt,
          ::llvm::cast<::mlir::RankedTensorType>(getInput().getType()),
          getStarts(), getEnds(), getAxes(), getSteps());
    }
    static ::mlir::FailureOr<::llvm::SmallVector<SliceDimension>>
    computeSliceDimensions(std::optional<::mlir::Location> loc,
                           ::mlir::RankedTensorType input,
                           ::llvm::ArrayRef<int64_t> starts,
                           ::llvm::ArrayRef<int64_t> ends,
                           ::llvm::ArrayRef<int64_t> axes,
                           ::llvm::ArrayRef<int64_t> steps);
  }];
}

def NN_GatherOp : NN_InferredOp<"gather", [NN_Evaluable]> {
  let summary = "Gather slices of `data` along `axis` at `indices` (ONNX Gather)";
  let hasFolder = 1;
  let description = [{
    Result shape is `data.shape[:axis] + indices.shape + data.shape[axis+1:]`.
    Negative indices count from the back of the axis.
  }];
  let arguments = (ins NN_Tensor:$data, NN_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` type($data) `,` type($indices) `->` type($result)
  }];
}

def NN_PadOp : NN_InferredOp<"pad"> {
  let summary = "Pad (or crop, with negative pads) every dimension";
  let hasFolder = 1;
  let description = [{
    `pads` has 2 * rank entries: all begins then all ends (ONNX order).
    `constant` fills with `value`; `reflect` mirrors without repeating the
    edge (pads must be smaller than the dimension); `edge` repeats it.
  }];
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$pads,
      DefaultValuedAttr<NN_PadModeAttr, "PadMode::constant">:$mode,
      DefaultValuedAttr<F32Attr, "0.0">:$value);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def NN_ExpandOp : NN_Op<"expand", [Pure, NN_Evaluable]> {
  let summary = "Broadcast a tensor to a larger static shape (ONNX Expand)";
  let hasFolder = 1;
  let description = [{
    The result type is the broadcast shape (the importer combines ONNX's
    requested shape with the input's); the input must broadcast to it
    unidirectionally.
  }];
  let arguments = (ins NN_Tensor:$input);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def NN_ShapeOp : NN_InferredOp<"shape", [NN_Evaluable]> {
  let summary = "The static shape of a tensor as a 1-D i64 tensor";
  let hasFolder = 1;
  let description = [{
    ONNX Shape: dims `[start, end)` (negative values count from the back and
    clamp to [0, rank]; `end` defaults to the rank). Always folds to a
    constant since nn shapes are static.
  }];
  let arguments = (ins NN_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$start,
                       OptionalAttr<I64Attr>:$end);
  let results = (outs NN_I64Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def NN_CastOp : NN_Op<"cast", [Pure, SameOperandsAndResultShape,
                                   NN_Evaluable]> {
  let summary = "Convert elements to another type (ONNX Cast, CastLike)";
  let hasFolder = 1;
  let hasVerifier = 1;
  let description = [{
    Float to integer rounds toward zero and keeps the low bits (so 4- and
    2-bit targets wrap, as ONNX's reference), integer to i1 tests for
    non-zero, as in ONNX. Float to a narrower float rounds to nearest even.
    The result type is given.

    `saturate` (ONNX Cast 19+) applies to float8 results: out-of-range values
    and infinities become the largest finite value (true, the default) or
    infinity/NaN as the format has them (false). It must stay true for other
    result types. `round_mode` (ONNX Cast 25) applies only to `f8E8M0FNU`
    results: `up` (the default), `down` or `nearest` to a power of two.
  }];
  let arguments = (ins NN_AnyTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$saturate,
                       OptionalAttr<NN_RoundModeAttr>:$round_mode);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

#endif // SYSTOLIC_NN_OPS_TD
