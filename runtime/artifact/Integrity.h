//===- Integrity.h - The artifact's whole-file checksum (internal) -*- C++ -*-===//
//
// Shared by the builder and the reader: CRC-32 of the whole file with the four
// bytes of Integrity.crc32 counted as zeros (they hold the checksum itself).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_ARTIFACT_INTEGRITY_H
#define SYSTOLIC_RUNTIME_ARTIFACT_INTEGRITY_H

#include <cstddef>
#include <cstdint>

#include <zlib.h>

namespace systolic::artifact::detail {

/// Offset of `crc32` inside the Integrity struct (after the 8-byte file_size).
constexpr size_t kCrcOffsetInIntegrity = 8;

/// `crcOffset` is the file offset of Integrity.crc32.
inline uint32_t fileChecksum(const uint8_t *data, size_t size, size_t crcOffset) {
  static const uint8_t zeros[4] = {};
  uLong crc = crc32_z(0, nullptr, 0);
  crc = crc32_z(crc, data, crcOffset);
  crc = crc32_z(crc, zeros, sizeof(zeros));
  crc = crc32_z(crc, data + crcOffset + 4, size - crcOffset - 4);
  return static_cast<uint32_t>(crc);
}

} // namespace systolic::artifact::detail

#endif // SYSTOLIC_RUNTIME_ARTIFACT_INTEGRITY_H
