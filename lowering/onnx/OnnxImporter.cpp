//===- OnnxImporter.cpp - ONNX protobuf -> nn dialect ---------------------===//
//
// Reads the model (memory-mapped), checks every node against the converter
// registry first so all unsupported ops are reported at once, resolves the
// graph inputs' dynamic dimensions, then converts node by node into
// `func.func @main`. Initializers become arith.constant on first use.
//
//===----------------------------------------------------------------------===//
#include "lowering/onnx/OnnxImporter.h"
#include "lowering/onnx/OnnxConverter.h"

#include "dialects/nn/NNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace systolic::onnx;
using llvm::StringRef;
using llvm::Twine;

// Dense attributes and raw_data are both little-endian byte arrays only on a
// little-endian host; that is what lets raw_data be copied without decoding.
static_assert(llvm::endianness::native == llvm::endianness::little,
              "the ONNX importer assumes a little-endian host");

/// The IR versions the importer accepts: 3 (ONNX 1.0) to 14 (ONNX 1.23).
static constexpr int64_t kMinIRVersion = 3, kMaxIRVersion = 14;

Type systolic::onnx::getElementType(MLIRContext *context, int32_t dataType) {
  Builder b(context);
  switch (static_cast<DataType>(dataType)) {
  case DataType::Float:
    return b.getF32Type();
  case DataType::Double:
    return b.getF64Type();
  case DataType::Float16:
    return b.getF16Type();
  case DataType::BFloat16:
    return b.getBF16Type();
  case DataType::Int8:
    return b.getI8Type();
  case DataType::Int16:
    return b.getI16Type();
  case DataType::Int32:
    return b.getI32Type();
  case DataType::Int64:
    return b.getI64Type();
  case DataType::Bool:
    return b.getI1Type();
  case DataType::UInt8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case DataType::UInt16:
    return b.getIntegerType(16, /*isSigned=*/false);
  case DataType::UInt32:
    return b.getIntegerType(32, /*isSigned=*/false);
  case DataType::UInt64:
    return b.getIntegerType(64, /*isSigned=*/false);
  case DataType::Float8E4M3FN:
    return b.getType<Float8E4M3FNType>();
  case DataType::Float8E4M3FNUZ:
    return b.getType<Float8E4M3FNUZType>();
  case DataType::Float8E5M2:
    return b.getType<Float8E5M2Type>();
  case DataType::Float8E5M2FNUZ:
    return b.getType<Float8E5M2FNUZType>();
  case DataType::Float8E8M0:
    return b.getType<Float8E8M0FNUType>();
  case DataType::Float4E2M1:
    return b.getType<Float4E2M1FNType>();
  case DataType::Int4:
    return b.getIntegerType(4);
  case DataType::UInt4:
    return b.getIntegerType(4, /*isSigned=*/false);
  case DataType::Int2:
    return b.getIntegerType(2);
  case DataType::UInt2:
    return b.getIntegerType(2, /*isSigned=*/false);
  case DataType::String:
    return nn::StringType::get(context);
  default:
    // Complex numbers have no nn counterpart.
    return Type();
  }
}

static std::string quoted(StringRef s) { return ("'" + s + "'").str(); }

//===----------------------------------------------------------------------===//
// TensorLoader
//===----------------------------------------------------------------------===//

/// The typed repeated field ONNX stores `dataType` in, or 0 for none.
static uint32_t typedFieldFor(int32_t dataType) {
  switch (static_cast<DataType>(dataType)) {
  case DataType::Float:
    return 4;
  case DataType::Int8:
  case DataType::Int16:
  case DataType::Int32:
  case DataType::UInt8:
  case DataType::UInt16:
  case DataType::Bool:
  case DataType::Float16:
  case DataType::BFloat16:
  case DataType::Float8E4M3FN:
  case DataType::Float8E4M3FNUZ:
  case DataType::Float8E5M2:
  case DataType::Float8E5M2FNUZ:
  case DataType::Float8E8M0:
  // 4- and 2-bit types: one packed byte per int32_data entry.
  case DataType::Float4E2M1:
  case DataType::Int4:
  case DataType::UInt4:
  case DataType::Int2:
  case DataType::UInt2:
    return 5;
  case DataType::Int64:
    return 7;
  case DataType::Double:
    return 10;
  case DataType::UInt32:
  case DataType::UInt64:
    return 11;
  default:
    return 0;
  }
}

FailureOr<ElementsAttr> TensorLoader::load(const TensorProto &tensor,
                                           MLIRContext *context, Location loc,
                                           const Twine &what) {
  Type elementType = getElementType(context, tensor.dataType);
  if (!elementType)
    return emitError(loc) << what << " has unsupported data type "
                          << dataTypeName(tensor.dataType);
  auto type = RankedTensorType::get(tensor.dims, elementType);
  int64_t count = type.getNumElements();
  if (isa<nn::StringType>(elementType)) {
    if (tensor.hasRawData || tensor.external)
      return emitError(loc) << what << " is a STRING tensor with raw or "
                               "external data; ONNX stores strings only in "
                               "string_data";
    if (int64_t(tensor.stringData.size()) != count)
      return emitError(loc) << what << " has " << tensor.stringData.size()
                            << " string_data entries, but " << type
                            << " needs " << count;
    SmallVector<StringRef> strings;
    for (ArrayRef<uint8_t> bytes : tensor.stringData)
      strings.emplace_back(reinterpret_cast<const char *>(bytes.data()),
                           bytes.size());
    return cast<ElementsAttr>(DenseStringElementsAttr::get(type, strings));
  }
  unsigned bits = elementType.getIntOrFloatBitWidth();
  // One element per `width` bytes in the attribute (i1 and 4/2-bit types
  // take a byte), but the file packs 4- and 2-bit types two or four to a
  // byte, low bits first (ONNX's _pack_4bitx2, _pack_2bitx4).
  unsigned width = (bits + 7) / 8;
  unsigned perByte = bits == 4 || bits == 2 ? 8 / bits : 1;
  uint64_t byteSize = uint64_t(count) * width;
  uint64_t fileBytes = (uint64_t(count) + perByte - 1) / perByte * width;

  // The payload as little-endian bytes, one element per `width` bytes.
  ArrayRef<char> bytes;
  std::vector<char> decoded;
  std::unique_ptr<llvm::MemoryBuffer> externalBuffer;
  if (tensor.external) {
    if (tensor.externalLocation.empty())
      return emitError(loc) << what << " has external data without a location";
    if (llvm::sys::path::is_absolute(tensor.externalLocation) ||
        llvm::is_contained(llvm::make_range(
                               llvm::sys::path::begin(tensor.externalLocation),
                               llvm::sys::path::end(tensor.externalLocation)),
                           ".."))
      return emitError(loc) << what << ": external data location "
                            << quoted(tensor.externalLocation)
                            << " must be a relative path inside the model's "
                               "directory";
    llvm::SmallString<256> file(modelDir);
    llvm::sys::path::append(file, tensor.externalLocation);
    uint64_t fileSize;
    if (std::error_code ec = llvm::sys::fs::file_size(file, fileSize))
      return emitError(loc) << what << ": cannot read external data file "
                            << quoted(file) << ": " << ec.message();
    uint64_t offset = tensor.externalOffset.value_or(0);
    uint64_t length = tensor.externalLength.value_or(fileBytes);
    if (offset > fileSize || length > fileSize - offset)
      return emitError(loc) << what << ": external data [" << offset << ", "
                            << offset + length << ") lies outside "
                            << quoted(file) << " (" << fileSize << " bytes)";
    if (length != fileBytes)
      return emitError(loc) << what << ": external data has " << length
                            << " bytes, but " << type << " needs " << fileBytes;
    auto buffer = llvm::MemoryBuffer::getFileSlice(file, length, offset);
    if (!buffer)
      return emitError(loc) << what << ": cannot read external data file "
                            << quoted(file) << ": " << buffer.getError().message();
    externalBuffer = std::move(*buffer);
    bytes = ArrayRef<char>(externalBuffer->getBufferStart(), length);
  } else if (tensor.hasRawData) {
    if (tensor.rawData.size() != fileBytes)
      return emitError(loc) << what << " has " << tensor.rawData.size()
                            << " bytes of raw_data, but " << type << " needs "
                            << fileBytes;
    bytes = ArrayRef<char>(reinterpret_cast<const char *>(tensor.rawData.data()),
                           tensor.rawData.size());
  } else {
    uint32_t field = typedFieldFor(tensor.dataType);
    if (!tensor.typedData.empty() && tensor.typedField != field)
      return emitError(loc) << what << " of type "
                            << dataTypeName(tensor.dataType)
                            << " stores its values in the wrong field (#"
                            << tensor.typedField << ")";
    unsigned fieldWidth = field == 4 ? 4 : field == 10 ? 8 : 0;
    llvm::SmallVector<uint64_t> values;
    for (const ProtoField &record : tensor.typedData)
      if (llvm::Error err =
              appendRepeated(record, fieldWidth, tensor.path, values)) {
        InFlightDiagnostic diag = emitError(loc)
                                  << what << ": " << toString(std::move(err));
        return diag;
      }
    uint64_t entries = fileBytes / width;
    if (values.size() != entries)
      return emitError(loc) << what << " has " << values.size()
                            << (perByte > 1 ? " packed bytes" : " values")
                            << ", but " << type << " needs " << entries;
    decoded.resize(fileBytes);
    for (size_t i = 0; i < values.size(); ++i) {
      // Narrower integers and 16-bit float bit patterns sit in the low bytes.
      uint64_t value = values[i];
      std::memcpy(decoded.data() + i * width, &value, width);
    }
    bytes = decoded;
  }

  if (perByte > 1) {
    // A byte per element, the value in the low bits and the high bits zero:
    // the layout of 4/2-bit DenseElementsAttr storage and of the runtime.
    std::vector<char> unpacked(count);
    for (int64_t i = 0; i < count; ++i)
      unpacked[i] = static_cast<char>(
          (static_cast<uint8_t>(bytes[i / perByte]) >> (i % perByte * bits)) &
          ((1u << bits) - 1));
    decoded = std::move(unpacked);
    bytes = decoded;
  }
  if (elementType.isInteger(1)) {
    // ONNX stores one byte per bool; MLIR packs i1 differently.
    llvm::SmallVector<bool> flags;
    for (char c : bytes)
      flags.push_back(c != 0);
    return ElementsAttr(DenseElementsAttr::get(type, flags));
  }
  if (byteSize > inlineLimitBytes) {
    StringRef blobName = tensor.name.empty() ? StringRef("onnx_tensor") : tensor.name;
    return ElementsAttr(DenseResourceElementsAttr::get(
        type, blobName,
        HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, width)));
  }
  return ElementsAttr(DenseElementsAttr::getFromRawBuffer(type, bytes));
}

//===----------------------------------------------------------------------===//
// OnnxNode
//===----------------------------------------------------------------------===//

std::string OnnxNode::describe() const {
  return ("node " + quoted(proto.name) + " (" + proto.opType + ")").str();
}

InFlightDiagnostic OnnxNode::emitError() {
  hasFailed = true;
  return mlir::emitError(loc) << describe() << ": ";
}

LogicalResult OnnxNode::unsupportedAttr(StringRef attr, const Twine &value,
                                        const Twine &why) {
  InFlightDiagnostic diag = emitError() << "unsupported value " << value.str()
                                        << " for attribute '" << attr << "'";
  std::string reason = why.str();
  if (!reason.empty())
    diag << ": " << reason;
  return diag;
}

Value OnnxNode::input(unsigned i) {
  if (!hasInput(i))
    return Value();
  return lookup(proto.inputs[i]);
}

RankedTensorType OnnxNode::inputType(unsigned i) {
  Value value = input(i);
  return value ? cast<RankedTensorType>(value.getType()) : RankedTensorType();
}

const AttributeProto *OnnxNode::getTyped(StringRef name, AttributeType type) {
  const AttributeProto *attr = proto.getAttribute(name);
  if (!attr)
    return nullptr;
  if (attr->type != type) {
    emitError() << "attribute '" << name << "' has type "
                << static_cast<int>(attr->type) << ", expected "
                << static_cast<int>(type);
    return nullptr;
  }
  return attr;
}

int64_t OnnxNode::getInt(StringRef name, int64_t defaultValue) {
  const AttributeProto *attr = getTyped(name, AttributeType::Int);
  return attr ? attr->i : defaultValue;
}

float OnnxNode::getFloat(StringRef name, float defaultValue) {
  const AttributeProto *attr = getTyped(name, AttributeType::Float);
  return attr ? attr->f : defaultValue;
}

StringRef OnnxNode::getString(StringRef name, StringRef defaultValue) {
  const AttributeProto *attr = getTyped(name, AttributeType::String);
  return attr ? attr->s : defaultValue;
}

std::optional<llvm::SmallVector<int64_t>> OnnxNode::getInts(StringRef name) {
  const AttributeProto *attr = getTyped(name, AttributeType::Ints);
  if (!attr)
    return std::nullopt;
  return llvm::SmallVector<int64_t>(attr->ints.begin(), attr->ints.end());
}

std::optional<llvm::SmallVector<float>> OnnxNode::getFloats(StringRef name) {
  const AttributeProto *attr = getTyped(name, AttributeType::Floats);
  if (!attr)
    return std::nullopt;
  return llvm::SmallVector<float>(attr->floats.begin(), attr->floats.end());
}

FailureOr<ElementsAttr> OnnxNode::getTensor(StringRef name) {
  const AttributeProto *attr = getTyped(name, AttributeType::Tensor);
  if (!attr || !attr->t)
    return ElementsAttr();
  return tensors.load(*attr->t, builder.getContext(), loc,
                      describe() + ": attribute '" + name + "'");
}

/// The constant behind `value`, if it folded to one.
static ElementsAttr getConstantElements(Value value) {
  ElementsAttr attr;
  if (value && matchPattern(value, m_Constant(&attr)))
    return attr;
  return ElementsAttr();
}

FailureOr<llvm::SmallVector<int64_t>>
OnnxNode::getConstantInts(unsigned i, StringRef what) {
  Value value = input(i);
  if (!value)
    return failure();
  ElementsAttr attr = getConstantElements(value);
  llvm::SmallVector<int64_t> result;
  if (auto dense = dyn_cast_or_null<DenseIntElementsAttr>(attr)) {
    for (const llvm::APInt &v : dense.getValues<llvm::APInt>())
      result.push_back(v.getSExtValue());
    return result;
  }
  if (auto blob = dyn_cast_or_null<DenseI64ResourceElementsAttr>(attr))
    if (std::optional<ArrayRef<int64_t>> data = blob.tryGetAsArrayRef())
      return llvm::SmallVector<int64_t>(data->begin(), data->end());
  return emitError() << what << " (input " << i << ", "
                     << quoted(proto.inputs[i])
                     << ") must be a compile-time integer constant";
}

FailureOr<double> OnnxNode::getConstantScalar(unsigned i, StringRef what) {
  Value value = input(i);
  if (!value)
    return failure();
  auto dense = dyn_cast_or_null<DenseElementsAttr>(getConstantElements(value));
  if (dense && dense.getNumElements() == 1) {
    if (auto floats = dyn_cast<DenseFPElementsAttr>(dense))
      return (*floats.value_begin<llvm::APFloat>()).convertToDouble();
    if (auto ints = dyn_cast<DenseIntElementsAttr>(dense))
      return double((*ints.value_begin<llvm::APInt>()).getSExtValue());
  }
  return emitError() << what << " (input " << i << ", "
                     << quoted(proto.inputs[i])
                     << ") must be a compile-time scalar constant";
}

llvm::SmallVector<Value> OnnxNode::createOp(StringRef name, ValueRange operands,
                                            ArrayRef<NamedAttribute> attributes,
                                            TypeRange resultTypes,
                                            unsigned numResults) {
  OperationState state(loc, name);
  state.addOperands(operands);
  state.addAttributes(attributes);
  // Placeholder result types, replaced by the op's own inference below; the
  // generated builders would abort on an inference failure instead.
  if (resultTypes.empty())
    state.addTypes(
        llvm::SmallVector<Type>(numResults, builder.getNoneType()));
  else
    state.addTypes(resultTypes);
  Operation *op = builder.create(state);
  // The op's own inference and verifier explain what is wrong; their first
  // error is re-emitted once, prefixed with the ONNX node it came from.
  std::string problem;
  LogicalResult valid = success();
  {
    ScopedDiagnosticHandler capture(builder.getContext(), [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Error && problem.empty())
        problem = d.str();
      return success();
    });
    if (resultTypes.empty()) {
      llvm::SmallVector<Type> inferred;
      auto infer = dyn_cast<InferTypeOpInterface>(op);
      valid = infer ? infer.inferReturnTypes(
                          builder.getContext(), loc, op->getOperands(),
                          op->getRawDictionaryAttrs(),
                          op->getPropertiesStorage(), op->getRegions(),
                          inferred)
                    : failure();
      if (succeeded(valid) && inferred.size() == op->getNumResults())
        for (auto [result, type] : llvm::zip(op->getResults(), inferred))
          result.setType(type);
      else
        valid = failure();
    }
    if (succeeded(valid))
      valid = verify(op);
  }
  if (failed(valid)) {
    op->erase();
    emitError() << "invalid " << name << ": "
                << (problem.empty() ? "result types cannot be inferred"
                                    : problem);
    return {};
  }
  llvm::SmallVector<Value> values(op->getResults());
  // Fold as createOrFold would, so shape computations on constants (Shape ->
  // Gather -> Concat -> Reshape) become constants that later nodes can read.
  // An in-place fold (e.g. reshape of reshape) may enable another one (the
  // identity reshape it leaves), so fold a few times.
  llvm::SmallVector<OpFoldResult> folded;
  for (int round = 0; round < 4 && folded.empty(); ++round)
    if (failed(op->fold(folded)))
      break;
  if (folded.empty())
    return values;
  llvm::SmallVector<Value> replacements;
  for (auto [result, fold] : llvm::zip(op->getResults(), folded)) {
    if (auto value = dyn_cast<Value>(fold)) {
      replacements.push_back(value);
      continue;
    }
    Operation *constant = op->getDialect()->materializeConstant(
        builder, cast<Attribute>(fold), result.getType(), loc);
    if (!constant)
      return values;
    replacements.push_back(constant->getResult(0));
  }
  op->erase();
  return replacements;
}

Value OnnxNode::constant(TypedAttr value) {
  return arith::ConstantOp::create(builder, loc, value);
}

void OnnxNode::setResult(unsigned i, Value value) {
  if (results.size() <= i)
    results.resize(i + 1);
  results[i] = value;
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

llvm::Error systolic::onnx::parseInputShapeOption(StringRef spec,
                                                  ImportOptions &options) {
  auto [name, dims] = spec.rsplit(':');
  auto bad = [&](const Twine &why) {
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "invalid --input-shape '" + spec + "': " + why +
            " (expected NAME:DxDx..., e.g. input.1:1x3x224x224)");
  };
  if (name.empty() || dims.data() == spec.data())
    return bad("missing input name");
  llvm::SmallVector<int64_t> shape;
  if (dims != "scalar") {
    llvm::SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    for (StringRef part : parts) {
      int64_t dim;
      if (part.getAsInteger(10, dim) || dim < 0)
        return bad("'" + part + "' is not a non-negative size");
      shape.push_back(dim);
    }
  }
  if (!options.inputShapes.try_emplace(name, shape).second)
    return bad("input '" + name + "' given twice");
  return llvm::Error::success();
}

bool systolic::onnx::looksLikeOnnx(StringRef path, StringRef bytes) {
  if (path.ends_with(".onnx"))
    return true;
  // A ModelProto starts with a small field number (ir_version = 1 is first
  // when written by onnx and PyTorch); MLIR text starts with printable text.
  return !bytes.empty() && bytes[0] == 0x08;
}

void systolic::onnx::printSupportedOnnxOps(llvm::raw_ostream &os) {
  os << "| ONNX op | opsets | limits |\n|---|---|---|\n";
  for (const OpConverter &conv : getOpConverters())
    os << "| " << conv.opType << " | " << conv.minOpset << "-"
       << conv.maxOpset << " | " << (*conv.limits ? conv.limits : "-")
       << " |\n";
}

//===----------------------------------------------------------------------===//
// The importer
//===----------------------------------------------------------------------===//

namespace {
class Importer {
public:
  Importer(MLIRContext *context, const ImportOptions &options, StringRef path,
           const ModelProto &model)
      : context(context), options(options), path(path), model(model),
        graph(model.graph), builder(context),
        tensors(llvm::sys::path::parent_path(path), options.inlineConstantLimitBytes) {}

  OwningOpRef<ModuleOp> run();

private:
  Location fileLoc() { return FileLineColLoc::get(context, path, 0, 0); }
  Location nodeLoc(const NodeProto &node, size_t index);
  LogicalResult checkSupported(int64_t opset);
  FailureOr<RankedTensorType> inputType(const ValueInfoProto &info);
  Value lookup(StringRef name, Location useLoc);
  LogicalResult checkDeclaredType(const ValueInfoProto &info, Value value,
                                  const Twine &what);

  MLIRContext *context;
  const ImportOptions &options;
  StringRef path;
  const ModelProto &model;
  const GraphProto &graph;
  OpBuilder builder;
  TensorLoader tensors;
  llvm::StringMap<Value> values;
  llvm::StringMap<const TensorProto *> initializers;
  llvm::StringMap<const ValueInfoProto *> valueInfo;
  /// Where initializers are materialized: the top of @main.
  Block *entry = nullptr;
  Operation *lastInitializer = nullptr;
};
} // namespace

Location Importer::nodeLoc(const NodeProto &node, size_t index) {
  // Unnamed nodes are named after their first output, as ONNX tools do.
  std::string name = !node.name.empty()      ? node.name.str()
                     : !node.outputs.empty() ? node.outputs.front().str()
                                             : node.opType.str() + "_" +
                                                   std::to_string(index);
  // The file location inside lets diagnostics print `model.onnx:0:0:`.
  return FusedLoc::get(
      context, {NameLoc::get(StringAttr::get(context, name), fileLoc())},
      StringAttr::get(context, node.opType));
}

LogicalResult Importer::checkSupported(int64_t opset) {
  // (domain, op type) -> node names, in first-seen order.
  llvm::MapVector<std::pair<StringRef, StringRef>,
                  llvm::SmallVector<StringRef>>
      unsupported;
  llvm::MapVector<std::pair<StringRef, StringRef>,
                  llvm::SmallVector<StringRef>>
      wrongOpset;
  for (const NodeProto &node : graph.nodes) {
    auto key = std::make_pair(node.domain, node.opType);
    if (!node.domain.empty() && node.domain != "ai.onnx") {
      unsupported[key].push_back(node.name);
      continue;
    }
    ArrayRef<OpConverter> table = getOpConverters();
    const OpConverter *any = nullptr, *match = nullptr;
    for (const OpConverter &conv : table) {
      if (node.opType != conv.opType)
        continue;
      any = &conv;
      if (opset >= conv.minOpset && opset <= conv.maxOpset)
        match = &conv;
    }
    if (!any)
      unsupported[key].push_back(node.name);
    else if (!match)
      wrongOpset[key].push_back(node.name);
  }
  if (unsupported.empty() && wrongOpset.empty())
    return success();
  auto list = [](InFlightDiagnostic &diag, StringRef domain, StringRef opType,
                 ArrayRef<StringRef> names) {
    diag << "\n  " << (domain.empty() ? "" : domain.str() + ".") << opType
         << " (" << names.size() << (names.size() == 1 ? " node" : " nodes")
         << ":";
    for (auto [i, name] : llvm::enumerate(names)) {
      if (i == 5) {
        diag << " ...";
        break;
      }
      diag << " " << quoted(name);
    }
    diag << ")";
  };
  size_t total = unsupported.size() + wrongOpset.size();
  InFlightDiagnostic diag = emitError(fileLoc())
                            << total << " unsupported ONNX op type"
                            << (total == 1 ? "" : "s") << ":";
  for (auto &[key, names] : unsupported)
    list(diag, key.first, key.second, names);
  for (auto &[key, names] : wrongOpset) {
    list(diag, key.first, key.second, names);
    diag << " at opset " << opset << ", supported opsets:";
    for (const OpConverter &conv : getOpConverters())
      if (key.second == conv.opType)
        diag << " " << conv.minOpset << "-" << conv.maxOpset;
  }
  return failure();
}

FailureOr<RankedTensorType> Importer::inputType(const ValueInfoProto &info) {
  Location loc = fileLoc();
  auto fail = [&]() -> InFlightDiagnostic {
    return emitError(loc) << "graph input " << quoted(info.name) << ": ";
  };
  if (!info.hasType || !info.isTensor)
    return fail() << "only tensor inputs are supported";
  Type elementType = getElementType(context, info.elemType);
  if (!elementType)
    return fail() << "unsupported element type " << dataTypeName(info.elemType);
  auto given = options.inputShapes.find(info.name);
  if (given != options.inputShapes.end()) {
    ArrayRef<int64_t> shape = given->second;
    if (info.hasShape && info.shape.size() != shape.size())
      return fail() << "--input-shape gives rank " << shape.size()
                    << ", but the model declares rank " << info.shape.size();
    for (auto [i, dim] : llvm::enumerate(info.shape))
      if (dim.value && *dim.value != shape[i])
        return fail() << "--input-shape gives size " << shape[i]
                      << " for dimension " << i << ", but the model fixes it to "
                      << *dim.value;
    return RankedTensorType::get(shape, elementType);
  }
  if (!info.hasShape)
    return fail() << "has unknown rank; pass --input-shape=" << info.name
                  << ":<dims>";
  llvm::SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(info.shape)) {
    if (dim.value && *dim.value >= 0) {
      shape.push_back(*dim.value);
    } else if (i == 0 && options.batchSize) {
      shape.push_back(*options.batchSize);
    } else {
      InFlightDiagnostic diag = fail() << "dimension " << i;
      if (!dim.param.empty())
        diag << " (" << quoted(dim.param) << ")";
      diag << " is dynamic; pass --input-shape=" << info.name << ":<dims>";
      if (i == 0)
        diag << " or --batch-size=<n>";
      return diag;
    }
  }
  return RankedTensorType::get(shape, elementType);
}

Value Importer::lookup(StringRef name, Location useLoc) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto init = initializers.find(name);
  if (init == initializers.end()) {
    emitError(useLoc) << "value " << quoted(name)
                      << " is used before it is defined (the graph must be "
                         "topologically sorted)";
    return Value();
  }
  FailureOr<ElementsAttr> attr =
      tensors.load(*init->second, context, useLoc,
                   "initializer " + quoted(name));
  if (failed(attr))
    return Value();
  // Initializers go to the top of @main, in the order of their first use.
  OpBuilder::InsertionGuard guard(builder);
  if (lastInitializer)
    builder.setInsertionPointAfter(lastInitializer);
  else
    builder.setInsertionPointToStart(entry);
  auto constant = arith::ConstantOp::create(
      builder, NameLoc::get(StringAttr::get(context, name), fileLoc()), *attr);
  lastInitializer = constant;
  values[name] = constant;
  return constant;
}

/// The importer's types must agree with what the model declares for graph
/// outputs and value_info entries (element type and every static dimension).
LogicalResult Importer::checkDeclaredType(const ValueInfoProto &info,
                                          Value value, const Twine &what) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!info.hasType || !info.isTensor)
    return success();
  Type declared = getElementType(context, info.elemType);
  if (info.elemType != 0 && declared != type.getElementType())
    return emitError(fileLoc())
           << what << " is declared " << dataTypeName(info.elemType)
           << " but imports as " << type;
  if (!info.hasShape)
    return success();
  bool matches = info.shape.size() == size_t(type.getRank());
  for (auto [i, dim] : llvm::enumerate(info.shape))
    if (matches && dim.value && *dim.value != type.getDimSize(i))
      matches = false;
  if (!matches) {
    InFlightDiagnostic diag = emitError(fileLoc())
                              << what << " is declared with shape [";
    llvm::interleaveComma(info.shape, diag, [&](const Dimension &d) {
      if (d.value)
        diag << *d.value;
      else
        diag << "?";
    });
    diag << "] but imports as " << type;
    return diag;
  }
  return success();
}

OwningOpRef<ModuleOp> Importer::run() {
  if (model.irVersion < kMinIRVersion || model.irVersion > kMaxIRVersion) {
    emitError(fileLoc()) << "unsupported ONNX IR version " << model.irVersion
                         << " (supported: " << kMinIRVersion << " to "
                         << kMaxIRVersion << ")";
    return nullptr;
  }
  std::optional<int64_t> opset = model.getOpsetVersion("");
  if (!opset) {
    emitError(fileLoc()) << "the model imports no default-domain (ai.onnx) "
                            "opset";
    return nullptr;
  }
  if (model.functionCount || graph.sparseInitializerCount) {
    emitError(fileLoc()) << "model-local functions and sparse initializers "
                            "are not supported";
    return nullptr;
  }
  if (failed(checkSupported(*opset)))
    return nullptr;

  for (const TensorProto &init : graph.initializers)
    initializers[init.name] = &init;
  for (const ValueInfoProto &info : graph.valueInfo)
    valueInfo[info.name] = &info;
  for (StringRef name : options.inputShapes.keys())
    if (!llvm::any_of(graph.inputs, [&](const ValueInfoProto &info) {
          return info.name == name;
        })) {
      emitError(fileLoc()) << "--input-shape names " << quoted(name)
                           << ", which is not a graph input";
      return nullptr;
    }

  // Graph inputs that are also initializers are constants (IR >= 4 allows
  // overriding them at run time, which an AOT compiler does not).
  llvm::SmallVector<const ValueInfoProto *> args;
  llvm::SmallVector<Type> argTypes;
  bool inputsOk = true;
  for (const ValueInfoProto &info : graph.inputs) {
    if (initializers.count(info.name))
      continue;
    FailureOr<RankedTensorType> type = inputType(info);
    if (failed(type)) {
      inputsOk = false;
      continue;
    }
    args.push_back(&info);
    argTypes.push_back(*type);
  }
  if (!inputsOk)
    return nullptr;

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc(), "main",
                                   builder.getFunctionType(argTypes, {}));
  entry = func.addEntryBlock();
  for (auto [i, info] : llvm::enumerate(args)) {
    values[info->name] = entry->getArgument(i);
    func.setArgAttr(i, "nn.name", builder.getStringAttr(info->name));
  }
  builder.setInsertionPointToEnd(entry);

  ArrayRef<OpConverter> table = getOpConverters();
  for (auto [index, node] : llvm::enumerate(graph.nodes)) {
    Location loc = nodeLoc(node, index);
    const OpConverter *conv = nullptr;
    for (const OpConverter &c : table)
      if (node.opType == c.opType && *opset >= c.minOpset &&
          *opset <= c.maxOpset)
        conv = &c;
    // A named lambda: OnnxNode keeps a function_ref to it.
    auto lookupAtNode = [&](StringRef name) { return lookup(name, loc); };
    OnnxNode onnxNode(node, *opset, builder, loc, tensors, lookupAtNode);
    // Inputs must all be defined before the converter looks at them.
    for (unsigned i = 0; i < node.inputs.size(); ++i)
      if (onnxNode.hasInput(i) && !onnxNode.input(i))
        return nullptr;
    for (unsigned i = 0; i < node.inputs.size() && !conv->acceptsStrings; ++i)
      if (onnxNode.hasInput(i) &&
          isa<systolic::nn::StringType>(onnxNode.inputType(i).getElementType())) {
        onnxNode.emitError()
            << "input " << i << " (" << quoted(node.inputs[i])
            << ") is a STRING tensor; of the supported operators only Equal "
               "and Identity take strings";
        return nullptr;
      }
    if (failed(conv->convert(onnxNode)) || onnxNode.hasError()) {
      if (!onnxNode.hasError())
        onnxNode.emitError() << "conversion failed";
      return nullptr;
    }
    for (unsigned i = 0; i < node.outputs.size(); ++i) {
      if (!onnxNode.hasOutput(i))
        continue;
      Value result = onnxNode.getResult(i);
      if (!result) {
        onnxNode.emitError() << "output " << i << " ("
                             << quoted(node.outputs[i])
                             << ") is not supported";
        return nullptr;
      }
      auto declared = valueInfo.find(node.outputs[i]);
      if (declared != valueInfo.end() &&
          failed(checkDeclaredType(*declared->second, result,
                                   "value " + quoted(node.outputs[i]) +
                                       " (output " + Twine(i) + " of " +
                                       onnxNode.describe() + ")")))
        return nullptr;
      values[node.outputs[i]] = result;
    }
  }

  llvm::SmallVector<Value> results;
  llvm::SmallVector<Type> resultTypes;
  for (const ValueInfoProto &info : graph.outputs) {
    Value value = lookup(info.name, fileLoc());
    if (!value ||
        failed(checkDeclaredType(info, value,
                                 "graph output " + quoted(info.name))))
      return nullptr;
    results.push_back(value);
    resultTypes.push_back(value.getType());
  }
  func::ReturnOp::create(builder, fileLoc(), results);
  func.setType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, info] : llvm::enumerate(graph.outputs))
    func.setResultAttr(i, "nn.name", builder.getStringAttr(info.name));

  // Folding leaves the ops it consumed behind, and initializers that are
  // also graph inputs may be unused: drop what is dead.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
    if (isOpTriviallyDead(&op))
      op.erase();

  // Converters only build ops that verify; a failure here is an importer bug,
  // reported at the offending node's location.
  if (failed(verify(*module))) {
    emitError(fileLoc()) << "internal error: the imported IR does not verify "
                            "(an importer bug; see the error above)";
    return nullptr;
  }
  return module;
}

OwningOpRef<ModuleOp>
systolic::onnx::importOnnxBuffer(ArrayRef<uint8_t> bytes, StringRef path,
                                 MLIRContext *context,
                                 const ImportOptions &options) {
  context->loadDialect<systolic::nn::NNDialect, func::FuncDialect,
                       arith::ArithDialect>();
  llvm::Expected<ModelProto> model = parseModel(bytes);
  if (!model) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "malformed ONNX file: " << toString(model.takeError());
    return nullptr;
  }
  return Importer(context, options, path, *model).run();
}

OwningOpRef<ModuleOp> systolic::onnx::importOnnxFile(StringRef path,
                                                     MLIRContext *context,
                                                     const ImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot read '" << path << "': " << buffer.getError().message();
    return nullptr;
  }
  // The buffer (memory-mapped when large) outlives the import: payloads are
  // read in place and copied once, into the attributes.
  ArrayRef<uint8_t> bytes(
      reinterpret_cast<const uint8_t *>((*buffer)->getBufferStart()),
      (*buffer)->getBufferSize());
  return importOnnxBuffer(bytes, path, context, options);
}
