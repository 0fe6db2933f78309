//===- ArtifactBuilder.h - Writing a compiled-model file --------*- C++ -*-===//
//
// The compiler's side of the artifact contract. Add the signature, constants,
// executables and the plan in any order that satisfies the indices, then
// finish(): it returns the file's bytes after checking them with the same
// verifier the runtime uses, so an inconsistent plan fails at compile time.
//
//   ArtifactBuilder b;
//   uint32_t x = b.addInput("x", ElementType::F32, {1, 4});
//   uint32_t w = b.addConstant(weights.data(), weights.size());
//   uint32_t y = b.addOutput("y", ElementType::F32, {1, 8});
//   uint32_t exe = b.addExecutable("cpu", "elf-shared-object", so.data(),
//                                  so.size(), {"matmul_0"});
//   b.addDispatch("fc1", exe, /*entryPoint=*/0, "cpu", {x, w}, {y},
//                 /*flops=*/64, /*bytes=*/176);
//   Expected<std::vector<uint8_t>> file = b.finish();
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_ARTIFACT_ARTIFACTBUILDER_H
#define SYSTOLIC_RUNTIME_ARTIFACT_ARTIFACTBUILDER_H

#include "runtime/artifact/Artifact.h"

#include <memory>
#include <optional>

namespace systolic::artifact {

/// An entry point of another executable (see DispatchSpec).
struct DispatchReference {
  uint32_t executable = 0;
  uint32_t entryPoint = 0;
};

class ArtifactBuilder {
public:
  ArtifactBuilder();
  ~ArtifactBuilder();
  ArtifactBuilder(const ArtifactBuilder &) = delete;
  ArtifactBuilder &operator=(const ArtifactBuilder &) = delete;

  /// Free-form provenance, e.g. "systolic-compile 0.1.0".
  void setProducer(std::string producer);

  /// Appends a model input (signature order) and returns its buffer index.
  uint32_t addInput(std::string name, ElementType type, std::vector<int64_t> shape);
  /// Appends a model output (signature order) and returns its buffer index.
  uint32_t addOutput(std::string name, ElementType type, std::vector<int64_t> shape);
  /// Copies `size` raw little-endian bytes into the file (64-byte aligned) and
  /// returns the index of a constant buffer holding them.
  uint32_t addConstant(const void *data, size_t size);
  /// Returns the index of a new scratch buffer of `size` bytes.
  uint32_t addIntermediate(uint64_t size);
  /// Copies an executable (e.g. an ELF shared object for target "cpu", format
  /// "elf-shared-object") into the file; returns its executable index.
  uint32_t addExecutable(std::string target, std::string format,
                         const void *data, size_t size,
                         std::vector<std::string> entryPoints);
  /// Appends a dispatch to the plan: entry point `entryPoint` of executable
  /// `executable`, run on `device`, bound to buffers operands then results.
  /// `reference` (format 1.1) names an entry point of another executable that
  /// computes the same results bit for bit (accel dispatches: the CPU
  /// reference), run when a session has no device of kind `device`.
  void addDispatch(std::string name, uint32_t executable, uint32_t entryPoint,
                   std::string device, std::vector<uint32_t> operands,
                   std::vector<uint32_t> results, uint64_t flops,
                   uint64_t bytes,
                   std::optional<DispatchReference> reference = std::nullopt);

  /// Serializes and verifies the artifact. The builder is spent afterwards.
  Expected<std::vector<uint8_t>> finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes bytes to `path` (replacing it); the error names the path.
Status writeFile(const std::string &path, const std::vector<uint8_t> &bytes);

} // namespace systolic::artifact

#endif // SYSTOLIC_RUNTIME_ARTIFACT_ARTIFACTBUILDER_H
