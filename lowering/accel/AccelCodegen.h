//===- AccelCodegen.h - Accel dispatches -> accelerator programs -*- C++ -*-===//
//
// The code generator of target "accel": every dispatch function marked
// `systolic.device = "accel"` (one systolic.conv2d / matmul / scaled_add /
// max_pool / lstm, or a chain of matmuls that systolic-fuse-dense-chains
// merged, and its inlined constants) becomes one entry point of an accel
// executable (format "systolic-accel-v1", runtime/artifact/AccelExecutable.h):
// Systolic programs built with the kernel library (sim/kernels), a DRAM layout for the
// whole executable (constant images written once at load; each entry point's
// bindings in a scratch region shared by all entry points), the layer's MACs,
// SCALE-Sim's ideal cycles and the dataflow a cost model chose.
// docs/accel-backend.md describes the layout and the cost model.
//
// This header does not include the simulator's headers (their
// systolic::Status differs from the runtime's), so the compiler driver can
// use it next to the artifact builder.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ACCEL_ACCELCODEGEN_H
#define SYSTOLIC_LOWERING_ACCEL_ACCELCODEGEN_H

#include "lowering/accel/AccelConfig.h"
#include "runtime/artifact/AccelExecutable.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace systolic::accel {

using artifact::accel::AccelExecutableDesc;
using artifact::accel::HwDescription;


/// Builds the accel executable of every function in `module` carrying
/// `systolic.device = "accel"`, in module order (entry point names are the
/// function names). Emits an error on the offending op (or function) and
/// fails when a layer cannot be tiled onto `hw`, when the DRAM layout does not
/// fit, or when a function is not in the form the outliner produces.
mlir::FailureOr<AccelExecutableDesc>
buildAccelExecutable(mlir::ModuleOp module, const HwDescription &hw);

/// A readable report of an executable: the configuration, the DRAM layout and
/// per entry point its shape, MACs, cycle figures and dataflow decision; with
/// `disassemble` also every program in assembler syntax.
void printAccelExecutable(const AccelExecutableDesc &executable,
                          llvm::raw_ostream &os, bool disassemble);

} // namespace systolic::accel

#endif // SYSTOLIC_LOWERING_ACCEL_ACCELCODEGEN_H
