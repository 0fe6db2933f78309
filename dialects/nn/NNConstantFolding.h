//===- NNConstantFolding.h - Evaluating nn ops on constants -----*- C++ -*-===//
//
// The machinery behind ConstantEvaluableOpInterface: broadcasting elementwise
// maps over DenseElementsAttr and element gathers for data movement. Shared
// by the op folders (small results) and nn-fold-constants (large ones).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_DIALECTS_NN_NNCONSTANTFOLDING_H
#define SYSTOLIC_DIALECTS_NN_NNCONSTANTFOLDING_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace systolic::nn {

/// Largest non-splat result, in elements, that a folder creates: shape
/// computations stay well below it, weights are left to nn-fold-constants.
inline constexpr int64_t kFoldElementLimit = 1024;

/// `attr` as a DenseElementsAttr: itself, or a copy of the contents of a
/// dense_resource blob; null for anything else (including a missing blob).
mlir::DenseElementsAttr getDenseElements(mlir::Attribute attr);

/// For each element (row-major) of a tensor of shape `shape`, the linear
/// index `offset + sum_d position[d] * strides[d]` into some source tensor.
llvm::SmallVector<int64_t> stridedIndices(llvm::ArrayRef<int64_t> shape,
                                          llvm::ArrayRef<int64_t> strides,
                                          int64_t offset);

/// Row-major strides of a tensor of shape `shape`.
llvm::SmallVector<int64_t> rowMajorStrides(llvm::ArrayRef<int64_t> shape);

/// For each element of a tensor of shape `result`, the linear index of the
/// element of a tensor of shape `source` that broadcasts to it.
llvm::SmallVector<int64_t> broadcastIndices(llvm::ArrayRef<int64_t> source,
                                            llvm::ArrayRef<int64_t> result);

/// Builds a constant of a given type element by element, copying elements of
/// other constants (raw bytes; i1 through bools since it is bit-packed).
class ElementGatherer {
public:
  explicit ElementGatherer(mlir::RankedTensorType type);
  /// Appends element `index` (row-major) of `source` (splats: any index).
  void append(mlir::DenseElementsAttr source, int64_t index);
  mlir::DenseElementsAttr finish() const;

private:
  mlir::RankedTensorType type;
  size_t elementBytes; // 0 for i1
  llvm::SmallVector<char> bytes;
  llvm::SmallVector<bool> bits;
};

/// `source` rearranged: element i of the result is `source[indices[i]]`.
mlir::DenseElementsAttr gatherElements(mlir::DenseElementsAttr source,
                                       mlir::RankedTensorType resultType,
                                       llvm::ArrayRef<int64_t> indices);

/// Applies `fn` elementwise to `inputs` broadcast to `resultType`. `In` and
/// `Out` are APInt or APFloat. Returns null when `fn` refuses an element or
/// a non-splat result would exceed `maxElements`.
template <typename In, typename Out>
mlir::DenseElementsAttr
mapElements(llvm::ArrayRef<mlir::DenseElementsAttr> inputs,
            mlir::RankedTensorType resultType, int64_t maxElements,
            llvm::function_ref<std::optional<Out>(llvm::ArrayRef<In>)> fn) {
  llvm::SmallVector<In, 3> args;
  if (llvm::all_of(inputs, [](mlir::DenseElementsAttr a) {
        return a.isSplat();
      })) {
    for (mlir::DenseElementsAttr input : inputs)
      args.push_back(input.getSplatValue<In>());
    std::optional<Out> value = fn(args);
    if (!value)
      return {};
    return mlir::DenseElementsAttr::get(resultType, llvm::ArrayRef<Out>(*value));
  }
  int64_t count = resultType.getNumElements();
  if (count > maxElements)
    return {};
  llvm::SmallVector<llvm::SmallVector<In>> values;
  llvm::SmallVector<llvm::SmallVector<int64_t>> indices;
  // Splats keep one value and same-shape inputs need no index map: both
  // leave `indices[k]` empty.
  for (mlir::DenseElementsAttr input : inputs) {
    indices.emplace_back();
    if (input.isSplat()) {
      values.push_back({input.getSplatValue<In>()});
      continue;
    }
    auto range = input.getValues<In>();
    values.emplace_back(range.begin(), range.end());
    if (input.getType().getShape() != resultType.getShape())
      indices.back() =
          broadcastIndices(input.getType().getShape(), resultType.getShape());
  }
  llvm::SmallVector<Out> results;
  results.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    args.clear();
    for (size_t k = 0; k < inputs.size(); ++k) {
      int64_t index = values[k].size() == 1 ? 0
                      : indices[k].empty()  ? i
                                            : indices[k][i];
      args.push_back(values[k][index]);
    }
    std::optional<Out> value = fn(args);
    if (!value)
      return {};
    results.push_back(std::move(*value));
  }
  return mlir::DenseElementsAttr::get(resultType, results);
}

} // namespace systolic::nn

#endif // SYSTOLIC_DIALECTS_NN_NNCONSTANTFOLDING_H
