//===- OnnxModel.cpp - Parse ONNX protobuf messages into structs ----------===//
//
// Field numbers are those of the public onnx.proto schema. Unknown fields are
// skipped, as protobuf requires; a known field with the wrong wire type, or
// any truncation, is an error naming the field path and byte offset.
//
//===----------------------------------------------------------------------===//
#include "lowering/onnx/OnnxModel.h"

#include "llvm/ADT/Twine.h"

#include <cstring>

using namespace llvm;
using namespace systolic::onnx;

std::string systolic::onnx::dataTypeName(int32_t type) {
  static const char *const names[] = {
      "UNDEFINED", "FLOAT",     "UINT8",      "INT8",   "UINT16",
      "INT16",     "INT32",     "INT64",      "STRING", "BOOL",
      "FLOAT16",   "DOUBLE",    "UINT32",     "UINT64", "COMPLEX64",
      "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ",
      "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1",
      "FLOAT8E8M0", "UINT2", "INT2"};
  if (type >= 0 && type < static_cast<int32_t>(std::size(names)))
    return names[type];
  return "data type " + std::to_string(type);
}

int64_t TensorProto::numElements() const {
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= dim;
  return count;
}

const AttributeProto *NodeProto::getAttribute(StringRef attrName) const {
  for (const AttributeProto &attr : attributes)
    if (attr.name == attrName)
      return &attr;
  return nullptr;
}

std::optional<int64_t> ModelProto::getOpsetVersion(StringRef domain) const {
  auto isDefault = [](StringRef d) { return d.empty() || d == "ai.onnx"; };
  for (const OperatorSetId &opset : opsetImports)
    if (opset.domain == domain || (isDefault(domain) && isDefault(opset.domain)))
      return opset.version;
  return std::nullopt;
}

namespace {
/// Iterates the fields of one message, giving each a path for diagnostics.
struct MessageParser {
  std::string path;
  ProtoReader reader;

  MessageParser(ArrayRef<uint8_t> bytes, uint64_t base, std::string p)
      : path(p), reader(bytes, base, std::move(p)) {}

  /// Calls `handle(field, fieldPath)` for every field.
  template <typename Fn> Error forEach(Fn &&handle) {
    while (!reader.atEnd()) {
      Expected<ProtoField> field = reader.next();
      if (!field)
        return field.takeError();
      if (Error err = handle(*field))
        return err;
    }
    return Error::success();
  }
};

std::string indexed(StringRef path, StringRef name, size_t index) {
  return (path + "." + name + "[" + Twine(index) + "]").str();
}
std::string member(StringRef path, StringRef name) {
  return (path + "." + name).str();
}

template <typename T>
Error assign(Expected<T> value, T &out) {
  if (!value)
    return value.takeError();
  out = *value;
  return Error::success();
}

Error parseTensorInto(ArrayRef<uint8_t> bytes, uint64_t base,
                      const std::string &path, TensorProto &tensor);

Error parseStringEntry(const ProtoField &field, const std::string &path,
                       StringRef &key, StringRef &value) {
  Expected<ArrayRef<uint8_t>> bytes = getBytes(field, path);
  if (!bytes)
    return bytes.takeError();
  MessageParser parser(*bytes, field.payloadOffset, path);
  return parser.forEach([&](const ProtoField &f) -> Error {
    if (f.number == 1)
      return assign(getString(f, member(path, "key")), key);
    if (f.number == 2)
      return assign(getString(f, member(path, "value")), value);
    return Error::success();
  });
}

Error parseTensorInto(ArrayRef<uint8_t> bytes, uint64_t base,
                      const std::string &path, TensorProto &tensor) {
  tensor.path = path;
  tensor.offset = base;
  size_t externalIndex = 0;
  MessageParser parser(bytes, base, path);
  SmallVector<uint64_t, 8> dims;
  if (Error err = parser.forEach([&](const ProtoField &f) -> Error {
        switch (f.number) {
        case 1:
          return appendRepeated(f, 0, member(path, "dims"), dims);
        case 2: {
          int64_t type;
          if (Error err = assign(getInt(f, member(path, "data_type")), type))
            return err;
          tensor.dataType = static_cast<int32_t>(type);
          return Error::success();
        }
        case 4:
        case 5:
        case 7:
        case 10:
        case 11: {
          static const char *const names[] = {
              "", "", "", "", "float_data", "int32_data", "", "int64_data",
              "", "", "double_data", "uint64_data"};
          if (tensor.typedField && tensor.typedField != f.number)
            return ProtoReader::error(member(path, names[f.number]), f.offset,
                                      "tensor has two typed payload fields");
          unsigned width = f.number == 4 ? 4 : f.number == 10 ? 8 : 0;
          WireType single = width == 0   ? WireType::Varint
                            : width == 4 ? WireType::Fixed32
                                         : WireType::Fixed64;
          if (f.wireType != single && f.wireType != WireType::LengthDelimited)
            return ProtoReader::error(member(path, names[f.number]), f.offset,
                                      "wrong wire type " +
                                          Twine(unsigned(f.wireType)));
          tensor.typedField = f.number;
          tensor.typedData.push_back(f);
          return Error::success();
        }
        case 6:
          return assign(getBytes(f, member(path, "string_data")),
                        tensor.stringData.emplace_back());
        case 8:
          return assign(getString(f, member(path, "name")), tensor.name);
        case 9: {
          tensor.hasRawData = true;
          return assign(getBytes(f, member(path, "raw_data")), tensor.rawData);
        }
        case 13: {
          std::string entryPath =
              indexed(path, "external_data", externalIndex++);
          StringRef key, value;
          if (Error err = parseStringEntry(f, entryPath, key, value))
            return err;
          auto parseNumber = [&](std::optional<uint64_t> &out) -> Error {
            uint64_t number;
            if (value.getAsInteger(10, number))
              return ProtoReader::error(entryPath, f.offset,
                                        "external data " + key +
                                            " is not a number: '" + value +
                                            "'");
            out = number;
            return Error::success();
          };
          if (key == "location")
            tensor.externalLocation = value;
          else if (key == "offset")
            return parseNumber(tensor.externalOffset);
          else if (key == "length")
            return parseNumber(tensor.externalLength);
          return Error::success();
        }
        case 14: {
          int64_t location;
          if (Error err =
                  assign(getInt(f, member(path, "data_location")), location))
            return err;
          tensor.external = location == 1;
          return Error::success();
        }
        default:
          return Error::success();
        }
      }))
    return err;
  for (uint64_t dim : dims) {
    if (static_cast<int64_t>(dim) < 0)
      return ProtoReader::error(member(path, "dims"), base,
                                "negative dimension " +
                                    Twine(static_cast<int64_t>(dim)));
    tensor.dims.push_back(static_cast<int64_t>(dim));
  }
  return Error::success();
}

Error parseShape(const ProtoField &field, const std::string &path,
                 ValueInfoProto &info) {
  Expected<ArrayRef<uint8_t>> bytes = getBytes(field, path);
  if (!bytes)
    return bytes.takeError();
  info.hasShape = true;
  MessageParser parser(*bytes, field.payloadOffset, path);
  return parser.forEach([&](const ProtoField &f) -> Error {
    if (f.number != 1)
      return Error::success();
    std::string dimPath = indexed(path, "dim", info.shape.size());
    Expected<ArrayRef<uint8_t>> dimBytes = getBytes(f, dimPath);
    if (!dimBytes)
      return dimBytes.takeError();
    Dimension dim;
    MessageParser dimParser(*dimBytes, f.payloadOffset, dimPath);
    if (Error err = dimParser.forEach([&](const ProtoField &d) -> Error {
          if (d.number == 1) {
            int64_t value;
            if (Error err = assign(getInt(d, member(dimPath, "dim_value")),
                                   value))
              return err;
            dim.value = value;
          } else if (d.number == 2) {
            return assign(getString(d, member(dimPath, "dim_param")),
                          dim.param);
          }
          return Error::success();
        }))
      return err;
    info.shape.push_back(dim);
    return Error::success();
  });
}

Error parseValueInfo(const ProtoField &field, const std::string &path,
                     ValueInfoProto &info) {
  Expected<ArrayRef<uint8_t>> bytes = getBytes(field, path);
  if (!bytes)
    return bytes.takeError();
  MessageParser parser(*bytes, field.payloadOffset, path);
  return parser.forEach([&](const ProtoField &f) -> Error {
    if (f.number == 1)
      return assign(getString(f, member(path, "name")), info.name);
    if (f.number != 2)
      return Error::success();
    std::string typePath = member(path, "type");
    Expected<ArrayRef<uint8_t>> typeBytes = getBytes(f, typePath);
    if (!typeBytes)
      return typeBytes.takeError();
    info.hasType = true;
    MessageParser typeParser(*typeBytes, f.payloadOffset, typePath);
    return typeParser.forEach([&](const ProtoField &t) -> Error {
      if (t.number != 1)
        return Error::success();
      std::string tensorPath = member(typePath, "tensor_type");
      Expected<ArrayRef<uint8_t>> tensorBytes = getBytes(t, tensorPath);
      if (!tensorBytes)
        return tensorBytes.takeError();
      info.isTensor = true;
      MessageParser tensorParser(*tensorBytes, t.payloadOffset, tensorPath);
      return tensorParser.forEach([&](const ProtoField &e) -> Error {
        if (e.number == 1) {
          int64_t elem;
          if (Error err = assign(getInt(e, member(tensorPath, "elem_type")),
                                 elem))
            return err;
          info.elemType = static_cast<int32_t>(elem);
          return Error::success();
        }
        if (e.number == 2)
          return parseShape(e, member(tensorPath, "shape"), info);
        return Error::success();
      });
    });
  });
}

Error parseAttribute(const ProtoField &field, const std::string &path,
                     AttributeProto &attr) {
  Expected<ArrayRef<uint8_t>> bytes = getBytes(field, path);
  if (!bytes)
    return bytes.takeError();
  MessageParser parser(*bytes, field.payloadOffset, path);
  SmallVector<uint64_t, 8> values;
  if (Error err = parser.forEach([&](const ProtoField &f) -> Error {
        switch (f.number) {
        case 1:
          return assign(getString(f, member(path, "name")), attr.name);
        case 20: {
          int64_t type;
          if (Error err = assign(getInt(f, member(path, "type")), type))
            return err;
          attr.type = static_cast<AttributeType>(type);
          return Error::success();
        }
        case 2:
          return assign(getFloat(f, member(path, "f")), attr.f);
        case 3:
          return assign(getInt(f, member(path, "i")), attr.i);
        case 4:
          return assign(getString(f, member(path, "s")), attr.s);
        case 5: {
          std::string tensorPath = member(path, "t");
          Expected<ArrayRef<uint8_t>> tensorBytes = getBytes(f, tensorPath);
          if (!tensorBytes)
            return tensorBytes.takeError();
          attr.t = std::make_unique<TensorProto>();
          return parseTensorInto(*tensorBytes, f.payloadOffset, tensorPath,
                                 *attr.t);
        }
        case 6:
        case 11:
          // Subgraphs belong to control-flow ops, which are not imported.
          return getBytes(f, member(path, "g")).takeError();
        case 7: {
          SmallVector<uint64_t, 8> bits;
          if (Error err = appendRepeated(f, 4, member(path, "floats"), bits))
            return err;
          for (uint64_t b : bits) {
            uint32_t word = static_cast<uint32_t>(b);
            float value;
            std::memcpy(&value, &word, sizeof(value));
            attr.floats.push_back(value);
          }
          return Error::success();
        }
        case 8:
          return appendRepeated(f, 0, member(path, "ints"), values);
        case 9: {
          StringRef s;
          if (Error err = assign(getString(f, member(path, "strings")), s))
            return err;
          attr.strings.push_back(s);
          return Error::success();
        }
        default:
          return Error::success();
        }
      }))
    return err;
  for (uint64_t v : values)
    attr.ints.push_back(static_cast<int64_t>(v));
  return Error::success();
}

Error parseNode(const ProtoField &field, const std::string &path,
                NodeProto &node) {
  Expected<ArrayRef<uint8_t>> bytes = getBytes(field, path);
  if (!bytes)
    return bytes.takeError();
  MessageParser parser(*bytes, field.payloadOffset, path);
  return parser.forEach([&](const ProtoField &f) -> Error {
    StringRef s;
    switch (f.number) {
    case 1:
    case 2: {
      std::vector<StringRef> &list = f.number == 1 ? node.inputs : node.outputs;
      if (Error err = assign(getString(f, indexed(path, f.number == 1 ? "input"
                                                                      : "output",
                                                  list.size())),
                             s))
        return err;
      list.push_back(s);
      return Error::success();
    }
    case 3:
      return assign(getString(f, member(path, "name")), node.name);
    case 4:
      return assign(getString(f, member(path, "op_type")), node.opType);
    case 7:
      return assign(getString(f, member(path, "domain")), node.domain);
    case 5:
      node.attributes.emplace_back();
      return parseAttribute(
          f, indexed(path, "attribute", node.attributes.size() - 1),
          node.attributes.back());
    default:
      return Error::success();
    }
  });
}

Error parseGraph(const ProtoField &field, const std::string &path,
                 GraphProto &graph) {
  Expected<ArrayRef<uint8_t>> bytes = getBytes(field, path);
  if (!bytes)
    return bytes.takeError();
  MessageParser parser(*bytes, field.payloadOffset, path);
  return parser.forEach([&](const ProtoField &f) -> Error {
    switch (f.number) {
    case 1:
      graph.nodes.emplace_back();
      return parseNode(f, indexed(path, "node", graph.nodes.size() - 1),
                       graph.nodes.back());
    case 5: {
      std::string tensorPath =
          indexed(path, "initializer", graph.initializers.size());
      Expected<ArrayRef<uint8_t>> tensorBytes = getBytes(f, tensorPath);
      if (!tensorBytes)
        return tensorBytes.takeError();
      graph.initializers.emplace_back();
      return parseTensorInto(*tensorBytes, f.payloadOffset, tensorPath,
                             graph.initializers.back());
    }
    case 15:
      ++graph.sparseInitializerCount;
      return getBytes(f, member(path, "sparse_initializer")).takeError();
    case 11:
    case 12:
    case 13: {
      std::vector<ValueInfoProto> &list = f.number == 11   ? graph.inputs
                                          : f.number == 12 ? graph.outputs
                                                           : graph.valueInfo;
      StringRef name = f.number == 11   ? "input"
                       : f.number == 12 ? "output"
                                        : "value_info";
      list.emplace_back();
      return parseValueInfo(f, indexed(path, name, list.size() - 1),
                            list.back());
    }
    default:
      return Error::success();
    }
  });
}
} // namespace

Expected<ModelProto> systolic::onnx::parseModel(ArrayRef<uint8_t> bytes) {
  ModelProto model;
  MessageParser parser(bytes, 0, "model");
  if (Error err = parser.forEach([&](const ProtoField &f) -> Error {
        switch (f.number) {
        case 1:
          return assign(getInt(f, "model.ir_version"), model.irVersion);
        case 7:
          if (model.hasGraph)
            return ProtoReader::error("model.graph", f.offset,
                                      "graph appears twice");
          model.hasGraph = true;
          return parseGraph(f, "model.graph", model.graph);
        case 8: {
          std::string opsetPath =
              indexed("model", "opset_import", model.opsetImports.size());
          Expected<ArrayRef<uint8_t>> opsetBytes = getBytes(f, opsetPath);
          if (!opsetBytes)
            return opsetBytes.takeError();
          OperatorSetId opset;
          MessageParser opsetParser(*opsetBytes, f.payloadOffset, opsetPath);
          if (Error err = opsetParser.forEach([&](const ProtoField &o) -> Error {
                if (o.number == 1)
                  return assign(getString(o, member(opsetPath, "domain")),
                                opset.domain);
                if (o.number == 2)
                  return assign(getInt(o, member(opsetPath, "version")),
                                opset.version);
                return Error::success();
              }))
            return err;
          model.opsetImports.push_back(opset);
          return Error::success();
        }
        case 25:
          ++model.functionCount;
          return getBytes(f, "model.functions").takeError();
        default:
          return Error::success();
        }
      }))
    return std::move(err);
  if (!model.hasGraph)
    return ProtoReader::error("model", bytes.size(),
                              "not an ONNX model: no graph (field 7) found "
                              "before the end of the file");
  if (model.irVersion <= 0)
    return ProtoReader::error("model.ir_version", 0,
                              "missing or invalid IR version " +
                                  Twine(model.irVersion));
  return std::move(model);
}
