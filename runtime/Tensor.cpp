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

Expected<Tensor> Tensor::fromStrings(Shape shape,
                                     const std::vector<std::string> &strings) {
  Expected<Tensor> t = allocate(ElementType::String, std::move(shape));
  if (!t)
    return t;
  if (strings.size() != t->view().numElements())
    return Status(StatusCode::InvalidArgument,
                  std::to_string(strings.size()) + " strings for " +
                      describe(ElementType::String, t->shape()));
  size_t bytes = 0;
  for (size_t i = 0; i < strings.size(); ++i) {
    if (strings[i].find('\0') != std::string::npos)
      return Status(StatusCode::InvalidArgument,
                    "string " + std::to_string(i) +
                        " contains a NUL byte; strings are NUL-terminated");
    bytes += strings[i].size() + 1;
  }
  t->text_.reserve(bytes);
  std::vector<size_t> offsets;
  for (const std::string &s : strings) {
    offsets.push_back(t->text_.size());
    t->text_.insert(t->text_.end(), s.begin(), s.end());
    t->text_.push_back('\0');
  }
  auto *elements = static_cast<const char **>(t->data());
  for (size_t i = 0; i < offsets.size(); ++i)
    elements[i] = t->text_.data() + offsets[i];
  return t;
}

std::string describe(ElementType type, const Shape &shape) {
  return std::string(artifact::elementTypeName(type)) + " " +
         artifact::formatShape(shape);
}

} // namespace systolic::runtime
