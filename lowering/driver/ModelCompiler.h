//===- ModelCompiler.h - nn module -> artifact ------------------*- C++ -*-===//
//
// The compiler behind systolic-compile: from a module in the nn dialect to
// the artifact the runtime loads, or to any intermediate form on request.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_DRIVER_MODELCOMPILER_H
#define SYSTOLIC_LOWERING_DRIVER_MODELCOMPILER_H

#include "lowering/cpu/CPUTarget.h"
#include "runtime/artifact/AccelExecutable.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <vector>

namespace systolic {

/// The forms systolic-compile can write.
enum class EmitKind {
  NN,       ///< the nn dialect after the graph pipeline
  Plan,     ///< the execution plan: buffers and dispatches, as text
  Linalg,   ///< the dispatches lowered to linalg on tensors
  LLVM,     ///< the CPU executable as optimized LLVM IR
  Asm,      ///< the CPU executable as assembly
  Artifact, ///< the compiled model (.sysm)
  Accel,    ///< the accel executable as a report (layout, dataflow, cycles)
  AccelAsm, ///< the report and every accelerator program disassembled
};

/// Sample inputs for post-training calibration (target "accel").
struct CalibrationOptions {
  /// One entry per sample; each names one .npy file per model input, in
  /// signature order.
  std::vector<std::vector<std::string>> samples;
  enum class Observer { MinMax, Percentile };
  Observer observer = Observer::MinMax;
  /// For Observer::Percentile: the range is [p_low, p_high] of each sample's
  /// values with p_low = 100 - percentile, averaged over the samples.
  double percentile = 99.99;
};

struct CompileOptions {
  /// The target the dispatches are compiled for: "cpu", or "accel" (layer
  /// dispatches on the accelerator, everything else and the accel
  /// dispatches' bit-exact references on the CPU).
  std::string target = "cpu";
  cpu::CPUCodegenOptions cpu;
  /// The accelerator configuration for target "accel" (default 16x16).
  artifact::accel::HwDescription accel;
  /// Target "accel": calibration samples, and whether to print where each
  /// graph op runs and why (to stderr).
  CalibrationOptions calibration;
  bool reportPlacement = false;
  /// Target "accel": merge chains of dense layers into one accel dispatch
  /// whose intermediates stay on chip (systolic-fuse-dense-chains).
  bool fuseDenseChains = true;
  /// With calibration samples: print the quantized model's error against
  /// the f32 model on them (stderr).
  bool reportQuantizationError = false;
  /// Producer string recorded in the artifact.
  std::string producer = "systolic-compile";
};

/// Compiles `module` (nn dialect, `@main` entry; modified in place) and
/// writes the form `emit` asks for to `os`. Problems are reported as
/// diagnostics on the module's context (or, for LLVM errors, on `@main`).
mlir::LogicalResult compileModel(mlir::ModuleOp module, EmitKind emit,
                                 const CompileOptions &options,
                                 llvm::raw_ostream &os);

} // namespace systolic

#endif // SYSTOLIC_LOWERING_DRIVER_MODELCOMPILER_H
