//===- ProtoReader.h - Strict protobuf wire-format reader -------*- C++ -*-===//
//
// A small, bounds-checked reader for the protobuf wire format, enough to read
// ONNX files without libprotobuf. It walks a byte range and yields one field at
// a time; length-delimited payloads are views into the underlying buffer (no
// copies). Every failure names the field path and the absolute byte offset.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ONNX_PROTOREADER_H
#define SYSTOLIC_LOWERING_ONNX_PROTOREADER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace systolic::onnx {

enum class WireType : uint8_t {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
};

/// One decoded field. `bytes` is set for length-delimited fields and views the
/// reader's buffer; `value` holds varint and fixed-width payloads.
struct ProtoField {
  uint32_t number = 0;
  WireType wireType = WireType::Varint;
  uint64_t value = 0;
  llvm::ArrayRef<uint8_t> bytes;
  /// Absolute offset of the field's key and of its payload.
  uint64_t offset = 0;
  uint64_t payloadOffset = 0;
};

/// Reads the fields of one message. `baseOffset` is the absolute offset of
/// `data[0]` in the file, so diagnostics point at real bytes.
class ProtoReader {
public:
  ProtoReader(llvm::ArrayRef<uint8_t> data, uint64_t baseOffset,
              std::string path)
      : data(data), baseOffset(baseOffset), path(std::move(path)) {}

  bool atEnd() const { return pos == data.size(); }

  /// Reads the next field; fails on truncation, a malformed varint, field
  /// number 0, or a group wire type (deprecated, never written by ONNX).
  llvm::Expected<ProtoField> next();

  const std::string &getPath() const { return path; }

  /// An error at `offset` for the field path `fieldPath`.
  static llvm::Error error(llvm::StringRef fieldPath, uint64_t offset,
                           const llvm::Twine &problem);

private:
  llvm::Expected<uint64_t> readVarint(llvm::StringRef what);

  llvm::ArrayRef<uint8_t> data;
  uint64_t baseOffset;
  std::string path;
  size_t pos = 0;
};

/// Decodes one varint from `bytes` starting at `pos`, advancing it. Returns
/// false on truncation or on a varint longer than 10 bytes.
bool decodeVarint(llvm::ArrayRef<uint8_t> bytes, size_t &pos, uint64_t &value);

/// Field accessors: check the wire type the schema requires and convert.
llvm::Expected<int64_t> getInt(const ProtoField &field, llvm::StringRef path);
llvm::Expected<float> getFloat(const ProtoField &field, llvm::StringRef path);
llvm::Expected<llvm::StringRef> getString(const ProtoField &field,
                                          llvm::StringRef path);
llvm::Expected<llvm::ArrayRef<uint8_t>> getBytes(const ProtoField &field,
                                                 llvm::StringRef path);

/// Appends the values of a repeated scalar field, accepting both the packed
/// (length-delimited) and the unpacked encoding, as protobuf parsers must.
/// `width` is 0 for varint elements and 4 or 8 for fixed-width ones.
llvm::Error appendRepeated(const ProtoField &field, unsigned width,
                           llvm::StringRef path,
                           llvm::SmallVectorImpl<uint64_t> &values);

} // namespace systolic::onnx

#endif // SYSTOLIC_LOWERING_ONNX_PROTOREADER_H
