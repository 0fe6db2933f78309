//===- Calibration.h - Activation ranges from sample inputs -----*- C++ -*-===//
//
// Post-training calibration for the accelerator's int8 quantization: the f32
// model is compiled for the CPU with every intermediate value exposed as an
// extra output, run on the user's sample inputs, and the observed range of
// each value is written back onto the graph as `systolic.calibration`, which
// `systolic-quantize` reads.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_DRIVER_CALIBRATION_H
#define SYSTOLIC_LOWERING_DRIVER_CALIBRATION_H

#include "lowering/driver/ModelCompiler.h"

#include <string>
#include <vector>

namespace systolic {

/// The f32 model's outputs on each calibration sample: [sample][output].
using ReferenceOutputs = std::vector<std::vector<std::vector<float>>>;

/// Annotates the graph in `module` (`@main`, nn dialect after the graph
/// pipeline) with calibrated ranges, and returns the f32 model's (f32)
/// outputs on the samples in *reference. Emits a diagnostic and fails on an
/// unreadable or mismatching sample file or a failing compile or run.
mlir::LogicalResult calibrate(mlir::ModuleOp module,
                              const CalibrationOptions &calibration,
                              const CompileOptions &cpuOptions,
                              ReferenceOutputs *reference);

/// Runs the quantized `artifact` (accelerator dispatches through their
/// bit-exact CPU reference) on the calibration samples and prints, per f32
/// output, its error against `reference`: cosine similarity, relative RMS
/// error and largest absolute error, over all samples.
mlir::LogicalResult reportQuantizationError(mlir::ModuleOp module,
                                            llvm::ArrayRef<uint8_t> artifact,
                                            const CalibrationOptions &calibration,
                                            const ReferenceOutputs &reference,
                                            llvm::raw_ostream &os);

} // namespace systolic

#endif // SYSTOLIC_LOWERING_DRIVER_CALIBRATION_H
