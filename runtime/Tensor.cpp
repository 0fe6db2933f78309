//===- Tensor.cpp - Dense host tensors ------------------------------------===//
#include "runtime/Tensor.h"

#include <cstring>

namespace systolic::runtime {

AlignedBuffer::AlignedBuffer(uint64_t size) : size_(size) {
  constexpr uint64_t align = artifact::kBufferAlignment;
  if (size > artifact::kMaxBufferSize)
    return; // data() stays null: reported as out of memory.
  uint64_t rounded = size == 0 ? align : (size + align - 1) / align * align;
  data_.reset(static_cast<uint8_t *>(std::aligned_alloc(align, rounded)));
  if (data_)
    std::memset(data_.get(), 0, rounded);
}

Expected<Tensor> Tensor::allocate(ElementType type, Shape shape) {
  std::optional<uint64_t> count = artifact::elementCount(shape);
  if (!count)
    return Status(StatusCode::InvalidArgument,
                  "invalid tensor shape " + artifact::formatShape(shape));
  Tensor t;
  t.type_ = type;
  t.shape_ = std::move(shape);
  t.storage_ = AlignedBuffer(*count * artifact::elementSize(type));
  if (!t.storage_.data())
    return Status(StatusCode::Internal,
                  "out of memory allocating " + describe(type, t.shape_));
  return t;
}

std::string describe(ElementType type, const Shape &shape) {
  return std::string(artifact::elementTypeName(type)) + " " +
         artifact::formatShape(shape);
}

} // namespace systolic::runtime
