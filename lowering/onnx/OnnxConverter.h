//===- OnnxConverter.h - Per-node conversion interface -----------*- C++ -*-===//
//
// Each ONNX op type has one converter in the registry (OpConverters.cpp). A
// converter reads its node through `OnnxNode`, builds nn ops (whose result
// types are inferred) and binds the node's outputs.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ONNX_ONNXCONVERTER_H
#define SYSTOLIC_LOWERING_ONNX_ONNXCONVERTER_H

#include "lowering/onnx/OnnxModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Value.h"

#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <vector>

namespace systolic::onnx {

/// Turns TensorProtos (initializers, Constant values) into elements
/// attributes, reading raw, typed or external payloads. Each payload is copied
/// once, into the attribute; large ones become dense_resource blobs.
class TensorLoader {
public:
  TensorLoader(llvm::StringRef modelDir, uint64_t inlineLimitBytes)
      : modelDir(modelDir.str()), inlineLimitBytes(inlineLimitBytes) {}

  /// `what` names the tensor in errors (e.g. "initializer 'conv.weight'").
  mlir::FailureOr<mlir::ElementsAttr> load(const TensorProto &tensor,
                                           mlir::MLIRContext *context,
                                           mlir::Location loc,
                                           const llvm::Twine &what);

private:
  std::string modelDir;
  uint64_t inlineLimitBytes;
};

class OnnxNode {
public:
  /// `lookup` returns the value bound to an ONNX name, or null (emitting an
  /// error) when the name is not defined.
  OnnxNode(const NodeProto &proto, int64_t opset, mlir::OpBuilder &builder,
           mlir::Location loc, TensorLoader &tensors,
           llvm::function_ref<mlir::Value(llvm::StringRef)> lookup)
      : proto(proto), opset(opset), builder(builder), loc(loc),
        tensors(tensors), lookup(lookup) {}

  const NodeProto &proto;
  /// The default-domain opset the model imports.
  const int64_t opset;
  mlir::OpBuilder &builder;
  const mlir::Location loc;

  /// Inputs. A missing optional input (absent or named "") is null.
  bool hasInput(unsigned i) const {
    return i < proto.inputs.size() && !proto.inputs[i].empty();
  }
  mlir::Value input(unsigned i);
  mlir::RankedTensorType inputType(unsigned i);
  size_t numInputs() const { return proto.inputs.size(); }
  size_t numOutputs() const { return proto.outputs.size(); }
  bool hasOutput(unsigned i) const {
    return i < proto.outputs.size() && !proto.outputs[i].empty();
  }

  /// Attribute accessors. A present attribute of the wrong type is an error
  /// (reported once, sticky: see `hasError()`), and the default is returned.
  bool hasAttr(llvm::StringRef name) const {
    return proto.getAttribute(name) != nullptr;
  }
  int64_t getInt(llvm::StringRef name, int64_t defaultValue);
  float getFloat(llvm::StringRef name, float defaultValue);
  llvm::StringRef getString(llvm::StringRef name, llvm::StringRef defaultValue);
  std::optional<llvm::SmallVector<int64_t>> getInts(llvm::StringRef name);
  std::optional<llvm::SmallVector<float>> getFloats(llvm::StringRef name);
  /// A tensor-valued attribute as an elements attribute (null if absent).
  llvm::FailureOr<mlir::ElementsAttr> getTensor(llvm::StringRef name);

  /// Reads input `i` as compile-time integers (the input must fold to a
  /// constant); `what` names the parameter in the error.
  llvm::FailureOr<llvm::SmallVector<int64_t>> getConstantInts(unsigned i,
                                                              llvm::StringRef what);
  /// Reads input `i` as a compile-time floating-point scalar.
  llvm::FailureOr<double> getConstantScalar(unsigned i, llvm::StringRef what);

  /// Builds op `OpTy` at this node from operands and attributes. The op infers
  /// its result types (or takes `resultTypes`), is verified, and is folded
  /// when its operands are constants. Failures are reported at this node and
  /// yield an empty vector.
  template <typename OpTy>
  llvm::SmallVector<mlir::Value>
  create(mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attributes = {},
         mlir::TypeRange resultTypes = {}, unsigned numResults = 1) {
    return createOp(OpTy::getOperationName(), operands, attributes,
                    resultTypes, numResults);
  }
  /// `create` for single-result ops: the result, or null on failure.
  template <typename OpTy>
  mlir::Value create1(mlir::ValueRange operands,
                      llvm::ArrayRef<mlir::NamedAttribute> attributes = {},
                      mlir::TypeRange resultTypes = {}) {
    llvm::SmallVector<mlir::Value> results =
        create<OpTy>(operands, attributes, resultTypes);
    return results.empty() ? mlir::Value() : results.front();
  }
  /// An arith.constant at this node.
  mlir::Value constant(mlir::TypedAttr value);
  mlir::NamedAttribute attr(llvm::StringRef name, mlir::Attribute value) {
    return builder.getNamedAttr(name, value);
  }

  /// Binds output `i` (skipped when the node leaves it unnamed).
  void setResult(unsigned i, mlir::Value value);
  mlir::Value getResult(unsigned i) const {
    return i < results.size() ? results[i] : mlir::Value();
  }
  llvm::ArrayRef<mlir::Value> getResults() const { return results; }

  /// An error about this node; the message starts with its name and op type.
  mlir::InFlightDiagnostic emitError();
  /// "unsupported value V for attribute A".
  llvm::LogicalResult unsupportedAttr(llvm::StringRef attr,
                                      const llvm::Twine &value,
                                      const llvm::Twine &why = "");
  bool hasError() const { return hasFailed; }

  /// "node 'name' (OpType)", for messages.
  std::string describe() const;

private:
  llvm::SmallVector<mlir::Value> createOp(llvm::StringRef name,
                                          mlir::ValueRange operands,
                                          llvm::ArrayRef<mlir::NamedAttribute> attributes,
                                          mlir::TypeRange resultTypes,
                                          unsigned numResults);
  const AttributeProto *getTyped(llvm::StringRef name, AttributeType type);

  TensorLoader &tensors;
  llvm::function_ref<mlir::Value(llvm::StringRef)> lookup;
  llvm::SmallVector<mlir::Value, 2> results;
  bool hasFailed = false;
};

using ConvertFn = llvm::LogicalResult (*)(OnnxNode &);

/// One registry entry: `opType` at default-domain opsets [minOpset, maxOpset].
struct OpConverter {
  const char *opType;
  int64_t minOpset, maxOpset;
  ConvertFn convert;
  /// What is not supported, for the generated table ("" when nothing).
  const char *limits;
  /// Whether the converter handles STRING inputs (all others reject them
  /// before conversion, with the reason).
  bool acceptsStrings = false;
};

/// The registry, sorted by op type.
llvm::ArrayRef<OpConverter> getOpConverters();

/// Element type for an ONNX data type, or null when unsupported.
mlir::Type getElementType(mlir::MLIRContext *context, int32_t dataType);

} // namespace systolic::onnx

#endif // SYSTOLIC_LOWERING_ONNX_ONNXCONVERTER_H
