//===- ProtoReader.cpp - Strict protobuf wire-format reader ---------------===//
#include "lowering/onnx/ProtoReader.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"

#include <cstring>

using namespace llvm;
using namespace systolic::onnx;

Error ProtoReader::error(StringRef fieldPath, uint64_t offset,
                         const Twine &problem) {
  return createStringError(inconvertibleErrorCode(),
                           fieldPath + ": " + problem + " at byte " +
                               Twine(offset));
}

bool systolic::onnx::decodeVarint(ArrayRef<uint8_t> bytes, size_t &pos,
                                  uint64_t &value) {
  value = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (pos >= bytes.size())
      return false;
    uint8_t byte = bytes[pos++];
    // The tenth byte may only contribute the top bit of a 64-bit value.
    if (shift == 63 && byte > 1)
      return false;
    value |= uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80))
      return true;
  }
  return false;
}

Expected<uint64_t> ProtoReader::readVarint(StringRef what) {
  size_t start = pos;
  uint64_t value;
  if (decodeVarint(data, pos, value))
    return value;
  bool truncated = pos >= data.size();
  return error(path, baseOffset + start,
               truncated ? "truncated " + what : "malformed " + what);
}

Expected<ProtoField> ProtoReader::next() {
  ProtoField field;
  field.offset = baseOffset + pos;
  Expected<uint64_t> key = readVarint("field key");
  if (!key)
    return key.takeError();
  uint64_t number = *key >> 3;
  unsigned wire = *key & 7;
  if (number == 0 || number > (1u << 29) - 1)
    return error(path, field.offset, "invalid field number " + Twine(number));
  field.number = number;
  field.wireType = static_cast<WireType>(wire);
  field.payloadOffset = baseOffset + pos;
  switch (field.wireType) {
  case WireType::Varint: {
    Expected<uint64_t> value = readVarint("varint field #" + std::to_string(number));
    if (!value)
      return value.takeError();
    field.value = *value;
    return field;
  }
  case WireType::Fixed64:
  case WireType::Fixed32: {
    size_t width = field.wireType == WireType::Fixed64 ? 8 : 4;
    if (data.size() - pos < width)
      return error(path, field.payloadOffset,
                   "truncated fixed" + Twine(width * 8) + " field #" +
                       Twine(number));
    field.value = width == 8
                      ? support::endian::read64le(data.data() + pos)
                      : support::endian::read32le(data.data() + pos);
    pos += width;
    return field;
  }
  case WireType::LengthDelimited: {
    Expected<uint64_t> length =
        readVarint("length of field #" + std::to_string(number));
    if (!length)
      return length.takeError();
    field.payloadOffset = baseOffset + pos;
    if (*length > data.size() - pos)
      return error(path, field.payloadOffset,
                   "truncated length-delimited field #" + Twine(number) +
                       " (needs " + Twine(*length) + " bytes, " +
                       Twine(data.size() - pos) + " left)");
    field.bytes = data.slice(pos, *length);
    pos += *length;
    return field;
  }
  case WireType::StartGroup:
  case WireType::EndGroup:
    return error(path, field.offset,
                 "unsupported group wire type in field #" + Twine(number));
  }
  return error(path, field.offset,
               "invalid wire type " + Twine(wire) + " in field #" +
                   Twine(number));
}

static Error wrongWireType(const ProtoField &field, StringRef path,
                           StringRef expected) {
  return ProtoReader::error(path, field.offset,
                            "wrong wire type " +
                                Twine(static_cast<unsigned>(field.wireType)) +
                                " (expected " + expected + ")");
}

Expected<int64_t> systolic::onnx::getInt(const ProtoField &field,
                                         StringRef path) {
  if (field.wireType != WireType::Varint)
    return wrongWireType(field, path, "varint");
  return static_cast<int64_t>(field.value);
}

Expected<float> systolic::onnx::getFloat(const ProtoField &field,
                                         StringRef path) {
  if (field.wireType != WireType::Fixed32)
    return wrongWireType(field, path, "fixed32");
  uint32_t bits = static_cast<uint32_t>(field.value);
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

Expected<ArrayRef<uint8_t>> systolic::onnx::getBytes(const ProtoField &field,
                                                     StringRef path) {
  if (field.wireType != WireType::LengthDelimited)
    return wrongWireType(field, path, "length-delimited");
  return field.bytes;
}

Expected<StringRef> systolic::onnx::getString(const ProtoField &field,
                                              StringRef path) {
  Expected<ArrayRef<uint8_t>> bytes = getBytes(field, path);
  if (!bytes)
    return bytes.takeError();
  return StringRef(reinterpret_cast<const char *>(bytes->data()),
                   bytes->size());
}

Error systolic::onnx::appendRepeated(const ProtoField &field, unsigned width,
                                     StringRef path,
                                     SmallVectorImpl<uint64_t> &values) {
  WireType single = width == 0   ? WireType::Varint
                    : width == 4 ? WireType::Fixed32
                                 : WireType::Fixed64;
  if (field.wireType == single) {
    values.push_back(field.value);
    return Error::success();
  }
  if (field.wireType != WireType::LengthDelimited)
    return wrongWireType(field, path,
                         width == 0 ? "varint or packed"
                                    : "fixed" + std::to_string(width * 8) +
                                          " or packed");
  ArrayRef<uint8_t> bytes = field.bytes;
  if (width != 0) {
    if (bytes.size() % width != 0)
      return ProtoReader::error(path, field.payloadOffset,
                                "packed fixed" + Twine(width * 8) +
                                    " payload of " + Twine(bytes.size()) +
                                    " bytes is not a multiple of " +
                                    Twine(width));
    values.reserve(values.size() + bytes.size() / width);
    for (size_t i = 0; i < bytes.size(); i += width)
      values.push_back(width == 8
                           ? support::endian::read64le(bytes.data() + i)
                           : support::endian::read32le(bytes.data() + i));
    return Error::success();
  }
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t start = pos;
    uint64_t value;
    if (!decodeVarint(bytes, pos, value))
      return ProtoReader::error(path, field.payloadOffset + start,
                                pos >= bytes.size()
                                    ? "truncated packed varint"
                                    : "malformed packed varint");
    values.push_back(value);
  }
  return Error::success();
}
