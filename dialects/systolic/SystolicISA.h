//===- SystolicISA.h - Instruction-level ops of the systolic dialect -*- C++
//-*-===//
//
// `systolic.program` and one op per instruction of docs/isa.md. The encoding,
// field widths and per-instruction legality come from sim/isa (Isa.h), which
// this header exposes as `::systolic::Word`, `::systolic::HwConfig`, ...
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_DIALECTS_SYSTOLIC_SYSTOLICISA_H
#define SYSTOLIC_DIALECTS_SYSTOLIC_SYSTOLICISA_H

#include "dialects/systolic/SystolicDialect.h"
#include "isa/Isa.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"

#include <optional>
#include <string>

#include "dialects/systolic/SystolicISAEnums.h.inc"

#define GET_OP_CLASSES
#include "dialects/systolic/SystolicISA.h.inc"

namespace systolic::accel {

/// The opcode of a `systolic.isa.*` op other than `systolic.isa.word`.
std::optional<::systolic::Opcode> opcodeOf(mlir::Operation *op);

/// True for every `systolic.isa.*` op (including raw words).
bool isInstruction(mlir::Operation *op);

/// The 128-bit word of an instruction op. Fails when a field does not fit its
/// bit width, with sim/isa's message in `*error` when given.
mlir::LogicalResult encodeInstruction(mlir::Operation *op,
                                      ::systolic::Word &word,
                                      std::string *error = nullptr);

/// Builds the op for one instruction word at the builder's insertion point:
/// the field form when the word decodes and re-encodes to itself with every
/// enumerated field in its cases, a `systolic.isa.word` otherwise. Encoding
/// the result gives `word` back exactly.
mlir::Operation *buildInstruction(mlir::OpBuilder &b, mlir::Location loc,
                                  const ::systolic::Word &word);

} // namespace systolic::accel

#endif // SYSTOLIC_DIALECTS_SYSTOLIC_SYSTOLICISA_H
