//===- NNConstantFolding.cpp - Evaluating nn ops on constants -------------===//
#include "dialects/nn/NNConstantFolding.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace systolic::nn;

DenseElementsAttr systolic::nn::getDenseElements(Attribute attr) {
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(attr))
    return dense;
  auto resource = dyn_cast_if_present<DenseResourceElementsAttr>(attr);
  if (!resource)
    return {};
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return {};
  bool splat = false;
  if (!DenseElementsAttr::isValidRawBuffer(resource.getType(), blob->getData(),
                                           splat))
    return {};
  return DenseElementsAttr::getFromRawBuffer(resource.getType(),
                                             blob->getData());
}

SmallVector<int64_t> systolic::nn::rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

SmallVector<int64_t> systolic::nn::stridedIndices(ArrayRef<int64_t> shape,
                                                  ArrayRef<int64_t> strides,
                                                  int64_t offset) {
  int64_t rank = shape.size(), count = 1;
  for (int64_t dim : shape)
    count *= dim;
  SmallVector<int64_t> indices(count);
  SmallVector<int64_t> position(rank, 0);
  int64_t linear = offset;
  for (int64_t i = 0; i < count; ++i) {
    indices[i] = linear;
    // Odometer increment of `position`, keeping `linear` in sync.
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++position[d] < shape[d]) {
        linear += strides[d];
        break;
      }
      linear -= strides[d] * (shape[d] - 1);
      position[d] = 0;
    }
  }
  return indices;
}

SmallVector<int64_t> systolic::nn::broadcastIndices(ArrayRef<int64_t> source,
                                                    ArrayRef<int64_t> result) {
  // Source strides aligned to the result's trailing dims; broadcast (size-1
  // or missing) dimensions do not move through the source.
  SmallVector<int64_t> sourceStrides = rowMajorStrides(source);
  int64_t offset = result.size() - source.size();
  SmallVector<int64_t> strides(result.size(), 0);
  for (size_t d = 0; d < source.size(); ++d)
    if (source[d] != 1)
      strides[d + offset] = sourceStrides[d];
  return stridedIndices(result, strides, 0);
}

ElementGatherer::ElementGatherer(RankedTensorType type) : type(type) {
  unsigned width = type.getElementTypeBitWidth();
  elementBytes = width == 1 ? 0 : llvm::divideCeil(width, 8);
  if (elementBytes)
    bytes.reserve(type.getNumElements() * elementBytes);
  else
    bits.reserve(type.getNumElements());
}

void ElementGatherer::append(DenseElementsAttr source, int64_t index) {
  if (source.isSplat())
    index = 0;
  if (!elementBytes) {
    bits.push_back(*(source.value_begin<bool>() + index));
    return;
  }
  ArrayRef<char> data = source.getRawData().slice(index * elementBytes,
                                                  elementBytes);
  bytes.append(data.begin(), data.end());
}

DenseElementsAttr ElementGatherer::finish() const {
  if (!elementBytes)
    return DenseElementsAttr::get(type, bits);
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

DenseElementsAttr systolic::nn::gatherElements(DenseElementsAttr source,
                                               RankedTensorType resultType,
                                               ArrayRef<int64_t> indices) {
  if (source.isSplat())
    return DenseElementsAttr::get(resultType,
                                  source.getSplatValue<Attribute>());
  ElementGatherer gatherer(resultType);
  for (int64_t index : indices)
    gatherer.append(source, index);
  return gatherer.finish();
}
