//===- OnnxModel.h - ONNX protobuf messages as plain structs ----*- C++ -*-===//
//
// The subset of onnx.proto the importer reads, as plain C++ structs parsed
// with the strict ProtoReader. Field numbers follow the public onnx.proto
// schema. Strings and tensor payloads are views into the model's buffer, which
// must outlive the structs.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ONNX_ONNXMODEL_H
#define SYSTOLIC_LOWERING_ONNX_ONNXMODEL_H

#include "lowering/onnx/ProtoReader.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace systolic::onnx {

/// TensorProto.DataType.
enum class DataType : int32_t {
  Undefined = 0,
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  UInt32 = 12,
  UInt64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16,
  Float8E4M3FN = 17,
  Float8E4M3FNUZ = 18,
  Float8E5M2 = 19,
  Float8E5M2FNUZ = 20,
  UInt4 = 21,
  Int4 = 22,
  Float4E2M1 = 23,
  Float8E8M0 = 24,
  UInt2 = 25,
  Int2 = 26,
};

/// The ONNX spelling of a data type ("FLOAT", "INT64", ...), for diagnostics.
std::string dataTypeName(int32_t type);

struct GraphProto;

/// TensorProto. Exactly one payload is meaningful: `rawData`, the typed
/// repeated field `typedData` (fields 4, 5, 7, 10 or 11, each occurrence kept
/// as written, packed or not), or external data.
struct TensorProto {
  llvm::SmallVector<int64_t, 4> dims;
  int32_t dataType = 0;
  llvm::StringRef name;
  llvm::ArrayRef<uint8_t> rawData;
  bool hasRawData = false;
  uint32_t typedField = 0;
  std::vector<ProtoField> typedData;
  /// string_data: one entry per element of a STRING tensor.
  std::vector<llvm::ArrayRef<uint8_t>> stringData;
  bool external = false;
  llvm::StringRef externalLocation;
  std::optional<uint64_t> externalOffset, externalLength;
  /// Where the message sits, for diagnostics.
  std::string path;
  uint64_t offset = 0;

  int64_t numElements() const;
};

/// TensorShapeProto.Dimension: a value, a symbolic name, or neither.
struct Dimension {
  std::optional<int64_t> value;
  llvm::StringRef param;
};

/// ValueInfoProto with a tensor type (other types are recorded as such).
struct ValueInfoProto {
  llvm::StringRef name;
  bool isTensor = false;
  bool hasType = false;
  int32_t elemType = 0;
  bool hasShape = false;
  std::vector<Dimension> shape;
};

enum class AttributeType : int32_t {
  Undefined = 0,
  Float = 1,
  Int = 2,
  String = 3,
  Tensor = 4,
  Graph = 5,
  Floats = 6,
  Ints = 7,
  Strings = 8,
  Tensors = 9,
  Graphs = 10,
  SparseTensor = 11,
  SparseTensors = 12,
  TypeProto = 13,
  TypeProtos = 14,
};

struct AttributeProto {
  llvm::StringRef name;
  AttributeType type = AttributeType::Undefined;
  float f = 0;
  int64_t i = 0;
  llvm::StringRef s;
  std::unique_ptr<TensorProto> t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<llvm::StringRef> strings;
};

struct NodeProto {
  std::vector<llvm::StringRef> inputs, outputs;
  llvm::StringRef name, opType, domain;
  std::vector<AttributeProto> attributes;

  const AttributeProto *getAttribute(llvm::StringRef attrName) const;
};

struct GraphProto {
  std::vector<NodeProto> nodes;
  std::vector<TensorProto> initializers;
  std::vector<ValueInfoProto> inputs, outputs, valueInfo;
  size_t sparseInitializerCount = 0;
};

struct OperatorSetId {
  llvm::StringRef domain;
  int64_t version = 0;
};

struct ModelProto {
  int64_t irVersion = 0;
  std::vector<OperatorSetId> opsetImports;
  bool hasGraph = false;
  GraphProto graph;
  size_t functionCount = 0;

  /// The opset version imported for `domain` ("" and "ai.onnx" are the same
  /// domain), if any.
  std::optional<int64_t> getOpsetVersion(llvm::StringRef domain) const;
};

/// Parses a serialized ModelProto. `bytes` must outlive the result. Errors name
/// the field path, e.g. `model.graph.node[12].attribute[3]: truncated
/// length-delimited field #4 ... at byte 4711`.
llvm::Expected<ModelProto> parseModel(llvm::ArrayRef<uint8_t> bytes);

} // namespace systolic::onnx

#endif // SYSTOLIC_LOWERING_ONNX_ONNXMODEL_H
