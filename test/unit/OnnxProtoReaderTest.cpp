//===- OnnxProtoReaderTest.cpp - The ONNX importer's protobuf reader ------===//
//
// Hand-built wire-format bytes: well-formed fields, truncations, wrong wire
// types, and a model truncated at every byte that must fail cleanly.
//
//===----------------------------------------------------------------------===//
#include "lowering/onnx/OnnxImporter.h"
#include "lowering/onnx/OnnxModel.h"
#include "lowering/onnx/ProtoReader.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

#include <cstring>
#include <string>

using namespace systolic::onnx;

namespace {
/// A minimal protobuf writer for building test inputs.
struct Bytes {
  std::string data;

  Bytes &varint(uint64_t v) {
    do {
      uint8_t byte = v & 0x7f;
      v >>= 7;
      data.push_back(static_cast<char>(byte | (v ? 0x80 : 0)));
    } while (v);
    return *this;
  }
  Bytes &key(uint32_t field, unsigned wire) { return varint(field << 3 | wire); }
  Bytes &intField(uint32_t field, uint64_t v) { return key(field, 0).varint(v); }
  Bytes &bytesField(uint32_t field, const std::string &payload) {
    key(field, 2).varint(payload.size());
    data += payload;
    return *this;
  }
  Bytes &message(uint32_t field, const Bytes &m) { return bytesField(field, m.data); }
  Bytes &floatField(uint32_t field, float f) {
    key(field, 5);
    char raw[4];
    std::memcpy(raw, &f, 4);
    data.append(raw, 4);
    return *this;
  }
  llvm::ArrayRef<uint8_t> ref() const {
    return {reinterpret_cast<const uint8_t *>(data.data()), data.size()};
  }
};

std::string errorOf(llvm::Error err) { return llvm::toString(std::move(err)); }

/// A tensor type [dims] of FLOAT for a ValueInfoProto.
Bytes valueInfo(const std::string &name, std::initializer_list<int64_t> dims) {
  Bytes shape;
  for (int64_t d : dims)
    shape.message(1, Bytes().intField(1, d));
  Bytes tensorType;
  tensorType.intField(1, 1).message(2, shape);
  return Bytes().bytesField(1, name).message(2, Bytes().message(1, tensorType));
}

/// y = x + w with w a 2-element initializer: a small but complete model.
Bytes addModel() {
  Bytes weight;
  weight.intField(1, 2).intField(2, 1).bytesField(8, "w");
  float values[2] = {1.5f, -2.0f};
  weight.bytesField(9, std::string(reinterpret_cast<char *>(values), 8));
  Bytes node;
  node.bytesField(1, "x").bytesField(1, "w").bytesField(2, "y")
      .bytesField(3, "add0").bytesField(4, "Add");
  Bytes graph;
  graph.message(1, node).bytesField(2, "g").message(5, weight)
      .message(11, valueInfo("x", {2})).message(12, valueInfo("y", {2}));
  Bytes model;
  model.intField(1, 8).message(8, Bytes().bytesField(1, "").intField(2, 17))
      .message(7, graph);
  return model;
}

TEST(OnnxProtoReader, ReadsEveryWireType) {
  Bytes b;
  b.intField(1, 300).floatField(2, 0.5f).bytesField(3, "abc");
  b.key(4, 1).data.append("\x01\x00\x00\x00\x00\x00\x00\x80", 8);
  ProtoReader reader(b.ref(), 100, "msg");
  auto f1 = reader.next();
  ASSERT_TRUE(!!f1);
  EXPECT_EQ(f1->number, 1u);
  EXPECT_EQ(f1->value, 300u);
  auto f2 = reader.next();
  ASSERT_TRUE(!!f2);
  auto f = getFloat(*f2, "msg.f");
  ASSERT_TRUE(!!f);
  EXPECT_EQ(*f, 0.5f);
  auto f3 = reader.next();
  ASSERT_TRUE(!!f3);
  auto s = getString(*f3, "msg.s");
  ASSERT_TRUE(!!s);
  EXPECT_EQ(*s, "abc");
  EXPECT_EQ(f3->payloadOffset, 100u + 3 + 5 + 2);
  auto f4 = reader.next();
  ASSERT_TRUE(!!f4);
  EXPECT_EQ(f4->value, 0x8000000000000001ull);
  EXPECT_TRUE(reader.atEnd());
}

TEST(OnnxProtoReader, TruncatedLengthDelimitedNamesPathAndOffset) {
  Bytes b;
  b.key(4, 2).varint(10).data += "abc";
  ProtoReader reader(b.ref(), 4700, "model.graph.node[12].attribute[3]");
  auto field = reader.next();
  ASSERT_FALSE(!!field);
  EXPECT_EQ(errorOf(field.takeError()),
            "model.graph.node[12].attribute[3]: truncated length-delimited "
            "field #4 (needs 10 bytes, 3 left) at byte 4702");
}

TEST(OnnxProtoReader, TruncatedVarintAndFixed) {
  Bytes varint;
  varint.key(1, 0).data.push_back(static_cast<char>(0x80));
  ProtoReader r1(varint.ref(), 0, "m");
  auto e1 = r1.next();
  ASSERT_FALSE(!!e1);
  EXPECT_EQ(errorOf(e1.takeError()), "m: truncated varint field #1 at byte 1");

  Bytes fixed;
  fixed.key(2, 5).data += "ab";
  ProtoReader r2(fixed.ref(), 0, "m");
  auto e2 = r2.next();
  ASSERT_FALSE(!!e2);
  EXPECT_EQ(errorOf(e2.takeError()), "m: truncated fixed32 field #2 at byte 1");
}

TEST(OnnxProtoReader, RejectsOverlongVarintGroupsAndFieldZero) {
  Bytes overlong;
  overlong.key(1, 0).data.append(10, static_cast<char>(0xff));
  overlong.data.push_back(1);
  ProtoReader r1(overlong.ref(), 0, "m");
  auto e1 = r1.next();
  ASSERT_FALSE(!!e1);
  EXPECT_NE(errorOf(e1.takeError()).find("malformed varint field #1"),
            std::string::npos);

  Bytes group;
  group.key(5, 3);
  ProtoReader r2(group.ref(), 0, "m");
  auto e2 = r2.next();
  ASSERT_FALSE(!!e2);
  EXPECT_EQ(errorOf(e2.takeError()),
            "m: unsupported group wire type in field #5 at byte 0");

  Bytes zero;
  zero.key(0, 0).varint(1);
  ProtoReader r3(zero.ref(), 0, "m");
  auto e3 = r3.next();
  ASSERT_FALSE(!!e3);
  EXPECT_EQ(errorOf(e3.takeError()), "m: invalid field number 0 at byte 0");
}

TEST(OnnxProtoReader, WrongWireTypeForKnownField) {
  // op_type (field 4 of NodeProto) written as a varint.
  Bytes node;
  node.intField(4, 7);
  Bytes graph;
  graph.message(1, node);
  Bytes model;
  model.intField(1, 8).message(7, graph);
  auto parsed = parseModel(model.ref());
  ASSERT_FALSE(!!parsed);
  EXPECT_EQ(errorOf(parsed.takeError()),
            "model.graph.node[0].op_type: wrong wire type 0 (expected "
            "length-delimited) at byte 6");
}

TEST(OnnxProtoReader, RepeatedFieldsPackedAndUnpacked) {
  Bytes packed;
  packed.varint(3).varint(300).varint(uint64_t(-1));
  Bytes b;
  b.bytesField(1, packed.data).intField(1, 9);
  ProtoReader reader(b.ref(), 0, "t");
  llvm::SmallVector<uint64_t> values;
  while (!reader.atEnd()) {
    auto field = reader.next();
    ASSERT_TRUE(!!field);
    ASSERT_FALSE(!!appendRepeated(*field, 0, "t.dims", values));
  }
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[1], 300u);
  EXPECT_EQ(static_cast<int64_t>(values[2]), -1);
  EXPECT_EQ(values[3], 9u);

  // A packed fixed32 payload must be a multiple of 4 bytes.
  Bytes bad;
  bad.bytesField(4, "abcde");
  ProtoReader r2(bad.ref(), 0, "t");
  auto field = r2.next();
  ASSERT_TRUE(!!field);
  EXPECT_EQ(errorOf(appendRepeated(*field, 4, "t.float_data", values)),
            "t.float_data: packed fixed32 payload of 5 bytes is not a "
            "multiple of 4 at byte 2");
}

TEST(OnnxProtoReader, ParsesModelStructure) {
  Bytes model = addModel();
  auto parsed = parseModel(model.ref());
  ASSERT_TRUE(!!parsed) << errorOf(parsed.takeError());
  EXPECT_EQ(parsed->irVersion, 8);
  EXPECT_EQ(parsed->getOpsetVersion("ai.onnx"), 17);
  ASSERT_EQ(parsed->graph.nodes.size(), 1u);
  EXPECT_EQ(parsed->graph.nodes[0].opType, "Add");
  ASSERT_EQ(parsed->graph.initializers.size(), 1u);
  const TensorProto &w = parsed->graph.initializers[0];
  EXPECT_EQ(w.name, "w");
  EXPECT_EQ(w.rawData.size(), 8u);
  // The payload is a view into the input, not a copy.
  EXPECT_GE(w.rawData.data(), model.ref().data());
  EXPECT_LT(w.rawData.data(), model.ref().data() + model.ref().size());
  ASSERT_EQ(parsed->graph.inputs.size(), 1u);
  ASSERT_EQ(parsed->graph.inputs[0].shape.size(), 1u);
  EXPECT_EQ(parsed->graph.inputs[0].shape[0].value, 2);
}

TEST(OnnxProtoReader, NotOnnxBytes) {
  std::string text = "module { func.func @main() { return } }";
  auto parsed = parseModel(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(text.data()), text.size()));
  EXPECT_FALSE(!!parsed);
  llvm::consumeError(parsed.takeError());
}

// Every prefix of a valid model must be rejected (or, for prefixes that
// happen to be complete messages, imported) without crashing, and every
// rejection must say why.
TEST(OnnxProtoReader, EveryTruncationFailsCleanly) {
  Bytes model = addModel();
  mlir::MLIRContext context;
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
  size_t imported = 0;
  for (size_t len = 0; len < model.data.size(); ++len) {
    llvm::ArrayRef<uint8_t> prefix = model.ref().take_front(len);
    auto parsed = parseModel(prefix);
    if (!parsed) {
      EXPECT_FALSE(errorOf(parsed.takeError()).empty());
      continue;
    }
    if (importOnnxBuffer(prefix, "prefix.onnx", &context, {}))
      ++imported;
  }
  // Only the full model imports: the graph is the last field.
  EXPECT_EQ(imported, 0u);
  EXPECT_TRUE(!!importOnnxBuffer(model.ref(), "full.onnx", &context, {}));
}
} // namespace
