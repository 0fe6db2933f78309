//===- Tensor.h - Dense host tensors ----------------------------*- C++ -*-===//
//
// TensorView: a borrowed dense row-major tensor (data, element type, shape).
// Tensor: one that owns 64-byte aligned storage, as the CPU ABI requires.
// A string tensor's elements are `const char *` to NUL-terminated UTF-8
// bytes; a Tensor owns those bytes too.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_TENSOR_H
#define SYSTOLIC_RUNTIME_TENSOR_H

#include "runtime/artifact/Artifact.h"

#include <cstdlib>
#include <memory>

namespace systolic::runtime {

using artifact::ElementType;
using Shape = std::vector<int64_t>;

struct TensorView {
  const void *data = nullptr;
  ElementType type = ElementType::F32;
  Shape shape;

  uint64_t numElements() const { return artifact::elementCount(shape).value_or(0); }
  uint64_t byteSize() const { return numElements() * artifact::elementSize(type); }
  template <typename T> const T *as() const { return static_cast<const T *>(data); }
};

/// 64-byte aligned heap bytes; at least one aligned block even when empty.
class AlignedBuffer {
public:
  AlignedBuffer() = default;
  /// Zero-filled; nullptr data() means the allocation failed.
  explicit AlignedBuffer(uint64_t size);
  uint8_t *data() const { return data_.get(); }
  uint64_t size() const { return size_; }

private:
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data_;
  uint64_t size_ = 0;
};

class Tensor {
public:
  Tensor() = default;
  /// A zero-filled tensor; fails only when memory runs out.
  static Expected<Tensor> allocate(ElementType type, Shape shape);
  /// A string tensor holding copies of `strings` (row-major, one per
  /// element; a string must not contain NUL).
  static Expected<Tensor> fromStrings(Shape shape,
                                      const std::vector<std::string> &strings);

  ElementType type() const { return type_; }
  const Shape &shape() const { return shape_; }
  void *data() { return storage_.data(); }
  const void *data() const { return storage_.data(); }
  uint64_t byteSize() const { return view().byteSize(); }
  TensorView view() const { return {storage_.data(), type_, shape_}; }

private:
  ElementType type_ = ElementType::F32;
  Shape shape_;
  AlignedBuffer storage_;
  std::vector<char> text_; // string tensors: every element's bytes and NUL
};

/// Element `i` of a string tensor ("" for an unset, null element).
inline std::string_view stringAt(const TensorView &tensor, uint64_t i) {
  const char *text = tensor.as<const char *>()[i];
  return text ? text : "";
}

/// "f32 [2, 3]": how messages and summaries describe a tensor type.
std::string describe(ElementType type, const Shape &shape);

} // namespace systolic::runtime

#endif // SYSTOLIC_RUNTIME_TENSOR_H
