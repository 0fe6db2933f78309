//===- ProgramTranslation.h - systolic.program <-> binary/text --*- C++ -*-===//
//
// Converts between the ISA ops of the systolic dialect and sim/isa programs
// (`systolic::Program`, 128-bit words), and writes/reads a program's binary
// image and its text form (the disassembly of sim/isa/Assembler.h, which
// `systolic-asm` and `systolic::assemble` read back). Round trips are exact:
// importProgram then exportProgram returns the same words, for any words
// (those that are not field-form instructions become `systolic.isa.word`).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_LOWERING_ACCEL_PROGRAMTRANSLATION_H
#define SYSTOLIC_LOWERING_ACCEL_PROGRAMTRANSLATION_H

#include "dialects/systolic/SystolicISA.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace systolic::accel {

/// The words of `program`, in program order. `program` must verify (every
/// field fits its width); use tryExportProgram otherwise.
::systolic::Program exportProgram(ProgramOp program);

/// The same, reporting an instruction whose fields do not fit on that op.
mlir::FailureOr<::systolic::Program> tryExportProgram(ProgramOp program);

/// A `systolic.program` for `config` at the builder's insertion point, with
/// one instruction op per word of `program`. It is not verified here.
ProgramOp importProgram(mlir::OpBuilder &builder, mlir::Location loc,
                        const ::systolic::Program &program,
                        const ::systolic::HwConfig &config);

/// The forms a program is written in.
enum class ProgramFormat {
  Binary, ///< 16 bytes per instruction, little endian (systolic::toBytes)
  Text,   ///< one disassembled instruction per line (systolic::disassemble)
};

/// Writes `program` in `format` to `os`. The text form starts with a comment
/// naming the hardware configuration. Fails (with a diagnostic) only when an
/// instruction's fields do not fit.
mlir::LogicalResult emitProgram(ProgramOp program, ProgramFormat format,
                                llvm::raw_ostream &os);

/// The binary image / disassembly of a verified program (for drivers such as
/// `systolic-compile --emit`).
std::vector<uint8_t> programBinary(ProgramOp program);
std::string programText(ProgramOp program);

/// Parses a program written in `format`. On failure returns false with the
/// assembler's message (naming the line) or the image's size problem.
bool parseProgram(llvm::StringRef data, ProgramFormat format,
                  ::systolic::Program &program, std::string &error);

/// The one `systolic.program` that is `root` or nested in it; fails with a
/// diagnostic on `root` when there is none or more than one.
mlir::FailureOr<ProgramOp> findProgram(mlir::Operation *root);

/// Parses a hardware configuration "RxC" with optional ",key=value" settings
/// (sp_rows, sp_banks, acc_rows, acc_banks, queue_depth, dram_bytes), e.g.
/// "16x16" or "8x8,sp_rows=1024,acc_rows=256"; unset fields keep
/// systolic::HwConfig's defaults. Returns false with a message on error.
bool parseHwConfig(llvm::StringRef spec, ::systolic::HwConfig &config,
                   std::string &error);

} // namespace systolic::accel

#endif // SYSTOLIC_LOWERING_ACCEL_PROGRAMTRANSLATION_H
