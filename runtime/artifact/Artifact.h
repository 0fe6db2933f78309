//===- Artifact.h - The compiled-model file: types and reader ---*- C++ -*-===//
//
// A verified, read-only view of a .sysm artifact. The reader accepts any bytes
// and either returns an Artifact whose every index, size and binding has been
// checked, or a Status naming what is wrong (truncated, corrupted, not an
// artifact, newer format version, inconsistent plan). It never crashes on bad
// input. The descriptions are plain C++; constant and executable bytes point
// into the artifact's own storage (an mmap of the file, or an aligned copy).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_ARTIFACT_ARTIFACT_H
#define SYSTOLIC_RUNTIME_ARTIFACT_ARTIFACT_H

#include "runtime/Status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace systolic::artifact {

/// The format version this library writes and the newest major it reads.
constexpr uint16_t kFormatMajor = 1;
constexpr uint16_t kFormatMinor = 4;
/// Alignment of every buffer and of constant data inside the file.
constexpr uint32_t kBufferAlignment = 64;
/// Largest buffer the reader accepts (1 TiB): keeps size arithmetic far from
/// overflow whatever a file claims.
constexpr uint64_t kMaxBufferSize = uint64_t(1) << 40;

enum class ElementType : uint8_t {
  F16, F32, F64, I8, I16, I32, I64, U8, Bool,
  U16, U32, U64, // format 1.2
  // Format 1.3 (one byte each, bf16 two; sub-byte values in the low bits).
  BF16, F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ, F4E2M1FN, F8E8M0FNU,
  I4, U4, I2, U2,
  // Format 1.4: a pointer to NUL-terminated UTF-8 bytes per element, in
  // memory only (no constant or file holds them; see docs/runtime.md).
  String,
};
/// The last code this library knows; a file with a larger one needs a newer
/// runtime.
constexpr ElementType kLastElementType = ElementType::String;

/// Bytes per element (bool is one byte, a string a pointer).
size_t elementSize(ElementType type);
/// "f32", "i8", "bool", ...: the spelling used in messages and by the tools.
const char *elementTypeName(ElementType type);
std::optional<ElementType> parseElementType(std::string_view name);

/// "[2, 3]", or "[]" for a scalar.
std::string formatShape(const std::vector<int64_t> &shape);
/// Number of elements, or nullopt for a negative dimension or overflow.
std::optional<uint64_t> elementCount(const std::vector<int64_t> &shape);

enum class BufferKind : uint8_t { Input, Output, Constant, Intermediate };
const char *bufferKindName(BufferKind kind);

/// One model input or output.
struct TensorSpec {
  std::string name;
  ElementType type = ElementType::F32;
  std::vector<int64_t> shape;
  uint32_t buffer = 0; ///< Index of the buffer holding its data.

  uint64_t byteSize() const;
};

/// One tensor the plan touches.
struct BufferSpec {
  uint64_t size = 0;
  uint32_t alignment = kBufferAlignment;
  BufferKind kind = BufferKind::Intermediate;
  uint32_t constant = 0; ///< For BufferKind::Constant: index into constants.
};

/// A read-only byte range inside an artifact (or a caller's memory).
struct ByteSpan {
  const uint8_t *data = nullptr;
  size_t size = 0;
};

struct ExecutableSpec {
  std::string target; ///< "cpu" | "opencl" | "accel"
  std::string format; ///< e.g. "elf-shared-object"
  std::vector<std::string> entryPoints;
  ByteSpan data;
};

struct DispatchSpec {
  std::string name; ///< Layer / ONNX node name, for reports.
  uint32_t executable = 0;
  uint32_t entryPoint = 0;
  std::string device; ///< "cpu", "accel" (later "opencl").
  /// Buffer indices: operands (read) first, then results (written).
  std::vector<uint32_t> bindings;
  uint32_t numOperands = 0;
  uint64_t flops = 0;
  uint64_t bytes = 0;
  /// Format 1.1: an entry point of another executable computing the same
  /// results bit for bit (accel dispatches: their CPU reference), run when
  /// the session has no device of kind `device`.
  std::optional<uint32_t> referenceExecutable;
  uint32_t referenceEntryPoint = 0;
};

/// A loaded, verified artifact. Immutable; share it freely between threads.
class Artifact {
public:
  /// Maps the file read-only (constants are used in place) and verifies it.
  static Expected<std::shared_ptr<const Artifact>> load(const std::string &path);
  /// Copies `bytes` into 64-byte aligned storage and verifies them.
  static Expected<std::shared_ptr<const Artifact>> fromBytes(const void *bytes,
                                                             size_t size);

  /// Runs every check of fromBytes on the caller's bytes, without copying.
  static Status verifyBytes(const void *bytes, size_t size);

  ~Artifact();
  Artifact(const Artifact &) = delete;
  Artifact &operator=(const Artifact &) = delete;

  uint16_t formatMajor() const { return major_; }
  uint16_t formatMinor() const { return minor_; }
  const std::string &producer() const { return producer_; }
  const std::vector<TensorSpec> &inputs() const { return inputs_; }
  const std::vector<TensorSpec> &outputs() const { return outputs_; }
  const std::vector<BufferSpec> &buffers() const { return buffers_; }
  const std::vector<ByteSpan> &constants() const { return constants_; }
  const std::vector<ExecutableSpec> &executables() const { return executables_; }
  const std::vector<DispatchSpec> &dispatches() const { return dispatches_; }
  /// The whole file.
  ByteSpan bytes() const { return {storage_, size_}; }

private:
  class Storage;
  Artifact() = default;
  static Expected<std::shared_ptr<const Artifact>>
  parse(std::unique_ptr<Storage> storage);
  Status verifySemantics() const;

  std::unique_ptr<Storage> owner_;
  const uint8_t *storage_ = nullptr;
  size_t size_ = 0;
  uint16_t major_ = 0, minor_ = 0;
  std::string producer_;
  std::vector<TensorSpec> inputs_, outputs_;
  std::vector<BufferSpec> buffers_;
  std::vector<ByteSpan> constants_;
  std::vector<ExecutableSpec> executables_;
  std::vector<DispatchSpec> dispatches_;
};

} // namespace systolic::artifact

#endif // SYSTOLIC_RUNTIME_ARTIFACT_ARTIFACT_H
