//===- OnnxImporter.h - ONNX protobuf -> nn dialect --------------*- C++ -*-===//
//
// Imports an ONNX model file into a module holding `func.func @main` in the nn
// dialect. No Python and no libprotobuf are involved: the file is memory-mapped
// and read with the strict wire-format reader in ProtoReader.h.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ONNX_ONNXIMPORTER_H
#define SYSTOLIC_LOWERING_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

namespace systolic::onnx {

struct ImportOptions {
  /// Static shapes for graph inputs, by input name (from --input-shape).
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Size of a leading symbolic or unknown dimension (from --batch-size).
  std::optional<int64_t> batchSize;
  /// Constants larger than this become dense_resource blobs rather than
  /// inline dense attributes.
  uint64_t inlineConstantLimitBytes = 4096;
};

/// Parses `name:1x3x224x224` into `options.inputShapes`.
llvm::Error parseInputShapeOption(llvm::StringRef spec, ImportOptions &options);

/// Imports the ONNX model at `path`. On failure, emits every problem found as
/// MLIR diagnostics (each naming the ONNX node, input or field) and returns
/// null.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(llvm::StringRef path,
                                                 mlir::MLIRContext *context,
                                                 const ImportOptions &options);

/// Imports a serialized ModelProto held in memory. `path` names the model in
/// diagnostics and its directory anchors external data.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxBuffer(llvm::ArrayRef<uint8_t> bytes,
                                                   llvm::StringRef path,
                                                   mlir::MLIRContext *context,
                                                   const ImportOptions &options);

/// Whether `bytes` start like an ONNX ModelProto rather than MLIR text; used
/// by the drivers to pick the importer for inputs without a .onnx suffix.
bool looksLikeOnnx(llvm::StringRef path, llvm::StringRef bytes);

/// Writes the converter registry (op type, opsets, limits) as a Markdown
/// table; docs/supported-onnx-ops.md is generated from it.
void printSupportedOnnxOps(llvm::raw_ostream &os);

} // namespace systolic::onnx

#endif // SYSTOLIC_LOWERING_ONNX_ONNXIMPORTER_H
