//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reads and writes the .npy format (versions 1.0, 2.0 and 3.0 headers) for
// little-endian, C-ordered f16/f32/f64/i8/i16/i32/i64/u8/u16/u32/u64/bool
// arrays, fixed-width strings (numpy's '<U<n>' and '|S<n>', read into string
// tensors as UTF-8, written as '<U<n>') and the ml_dtypes types (bfloat16,
// float8_*, float4_e2m1fn, int4, uint4, int2, uint2: one element per byte,
// bf16 two). Those are written with their ml_dtypes name as descr; numpy's own '<V1'/'<V2' (untyped bytes) is
// read as the type the caller expects. Anything else (Fortran order,
// big-endian, other dtypes, truncated data) is rejected with a message that
// says what was found and how to fix it.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_NPY_H
#define SYSTOLIC_RUNTIME_NPY_H

#include "runtime/Tensor.h"

namespace systolic::runtime {

/// Parses a whole .npy file image; errors do not name a file. Untyped data
/// ('<V1', '<V2') of `untypedAs`'s size is read as `untypedAs`.
Expected<Tensor> parseNpy(const uint8_t *data, size_t size,
                          std::optional<ElementType> untypedAs = std::nullopt);
/// Reads a .npy file; errors start with the path.
Expected<Tensor> readNpyFile(const std::string &path,
                             std::optional<ElementType> untypedAs = std::nullopt);

/// Encodes a tensor as a version 1.0 .npy image (2.0 if the header needs it).
std::vector<uint8_t> encodeNpy(const TensorView &tensor);
Status writeNpyFile(const std::string &path, const TensorView &tensor);

} // namespace systolic::runtime

#endif // SYSTOLIC_RUNTIME_NPY_H
