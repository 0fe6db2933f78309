//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reads and writes the .npy format (versions 1.0, 2.0 and 3.0 headers) for
// little-endian, C-ordered f16/f32/f64/i8/i16/i32/i64/u8/bool arrays. Anything
// else (Fortran order, big-endian, other dtypes, truncated data) is rejected
// with a message that says what was found and how to fix it.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_NPY_H
#define SYSTOLIC_RUNTIME_NPY_H

#include "runtime/Tensor.h"

namespace systolic::runtime {

/// Parses a whole .npy file image; errors do not name a file.
Expected<Tensor> parseNpy(const uint8_t *data, size_t size);
/// Reads a .npy file; errors start with the path.
Expected<Tensor> readNpyFile(const std::string &path);

/// Encodes a tensor as a version 1.0 .npy image (2.0 if the header needs it).
std::vector<uint8_t> encodeNpy(const TensorView &tensor);
Status writeNpyFile(const std::string &path, const TensorView &tensor);

} // namespace systolic::runtime

#endif // SYSTOLIC_RUNTIME_NPY_H
