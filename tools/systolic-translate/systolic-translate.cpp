//===- systolic-translate.cpp - Accelerator programs to and from MLIR -----===//
//
//   systolic-translate --import-systolic-asm  prog.s [--systolic-config=16x16]
//   systolic-translate --import-systolic-bin  prog.bin [--systolic-config=...]
//   systolic-translate --export-systolic-asm  prog.mlir
//   systolic-translate --export-systolic-bin  prog.mlir -o prog.bin
//   systolic-translate --assemble-systolic    prog.s -o prog.bin
//   systolic-translate --test-systolic-roundtrip prog.bin
//
// Imports build one `systolic.program` (verified, so an illegal program is
// reported with the instruction index and, for text, its source line);
// exports write the program of a module as the binary image (16 bytes per
// instruction) or its disassembly, which `systolic-asm` and the importer read
// back. --test-systolic-roundtrip imports any words without verifying them
// and checks that exporting gives the same words.
//
//===----------------------------------------------------------------------===//
#include "dialects/systolic/SystolicDialect.h"
#include "dialects/systolic/SystolicISA.h"
#include "isa/Assembler.h"
#include "lowering/accel/ProgramTranslation.h"
#include "tools/common/ToolSupport.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace systolic::accel;

static llvm::cl::opt<std::string> configSpec(
    "systolic-config",
    llvm::cl::desc("Hardware configuration of imported programs: RxC with "
                   "optional ,key=value (sp_rows, sp_banks, acc_rows, "
                   "acc_banks, queue_depth, dram_bytes); default 16x16"),
    llvm::cl::init("16x16"));

namespace {
void registerDialects(DialectRegistry &registry) {
  registry.insert<SystolicDialect>();
}

/// The line of each instruction of assembler text: the lines that hold
/// something besides comments and blanks, as systolic::assemble counts them.
std::vector<unsigned> instructionLines(StringRef text) {
  std::vector<unsigned> lines;
  SmallVector<StringRef> all;
  text.split(all, '\n');
  for (auto [index, line] : llvm::enumerate(all)) {
    StringRef code =
        line.take_until([](char c) { return c == '#' || c == ';'; });
    if (!code.trim(" \t\r").empty())
      lines.push_back(index + 1);
  }
  return lines;
}

OwningOpRef<Operation *>
importFrom(const std::shared_ptr<llvm::SourceMgr> &sources,
           MLIRContext *context, ProgramFormat format) {
  const llvm::MemoryBuffer *buffer =
      sources->getMemoryBuffer(sources->getMainFileID());
  StringRef data = buffer->getBuffer();
  StringRef file = buffer->getBufferIdentifier();
  Location fileLoc = FileLineColLoc::get(context, file, 0, 0);
  ::systolic::HwConfig config;
  std::string error;
  if (!parseHwConfig(configSpec, config, error)) {
    emitError(fileLoc) << "--systolic-config: " << error;
    return nullptr;
  }
  ::systolic::Program program;
  if (!parseProgram(data, format, program, error)) {
    emitError(fileLoc) << error;
    return nullptr;
  }
  context->loadDialect<SystolicDialect>();
  OpBuilder builder(context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  ProgramOp op = importProgram(builder, fileLoc, program, config);
  if (format == ProgramFormat::Text) {
    // Point each instruction at its source line.
    std::vector<unsigned> lines = instructionLines(data);
    for (auto [index, instruction] : llvm::enumerate(op.getInstructions()))
      if (index < lines.size())
        instruction.setLoc(FileLineColLoc::get(context, file, lines[index], 1));
  }
  return OwningOpRef<Operation *>(module.release());
}

LogicalResult exportTo(Operation *root, llvm::raw_ostream &os,
                       ProgramFormat format) {
  FailureOr<ProgramOp> program = findProgram(root);
  if (failed(program))
    return failure();
  return emitProgram(*program, format, os);
}
} // namespace

int main(int argc, char **argv) {
  TranslateToMLIRRegistration importAsm(
      "import-systolic-asm", "assembler text -> systolic.program",
      [](const std::shared_ptr<llvm::SourceMgr> &sources, MLIRContext *ctx) {
        return importFrom(sources, ctx, ProgramFormat::Text);
      },
      registerDialects);
  TranslateToMLIRRegistration importBin(
      "import-systolic-bin", "binary program -> systolic.program",
      [](const std::shared_ptr<llvm::SourceMgr> &sources, MLIRContext *ctx) {
        return importFrom(sources, ctx, ProgramFormat::Binary);
      },
      registerDialects);
  TranslateFromMLIRRegistration exportAsm(
      "export-systolic-asm", "systolic.program -> assembler text (disassembly)",
      [](Operation *op, llvm::raw_ostream &os) {
        return exportTo(op, os, ProgramFormat::Text);
      },
      registerDialects);
  TranslateFromMLIRRegistration exportBin(
      "export-systolic-bin", "systolic.program -> binary program",
      [](Operation *op, llvm::raw_ostream &os) {
        return exportTo(op, os, ProgramFormat::Binary);
      },
      registerDialects);
  TranslateRegistration assemble(
      "assemble-systolic", "assembler text -> binary program (sim/isa only)",
      [](const std::shared_ptr<llvm::SourceMgr> &sources, llvm::raw_ostream &os,
         MLIRContext *ctx) -> LogicalResult {
        const llvm::MemoryBuffer *buffer =
            sources->getMemoryBuffer(sources->getMainFileID());
        ::systolic::Program program;
        std::string error;
        if (!parseProgram(buffer->getBuffer(), ProgramFormat::Text, program,
                          error))
          return emitError(UnknownLoc::get(ctx)) << error;
        std::vector<uint8_t> bytes = ::systolic::toBytes(program);
        os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
        return success();
      });
  TranslateRegistration roundTrip(
      "test-systolic-roundtrip",
      "binary program -> systolic.program (not verified) -> binary; prints "
      "whether the words are identical",
      [](const std::shared_ptr<llvm::SourceMgr> &sources, llvm::raw_ostream &os,
         MLIRContext *ctx) -> LogicalResult {
        const llvm::MemoryBuffer *buffer =
            sources->getMemoryBuffer(sources->getMainFileID());
        Location loc = UnknownLoc::get(ctx);
        ::systolic::Program words;
        std::string error;
        if (!parseProgram(buffer->getBuffer(), ProgramFormat::Binary, words,
                          error))
          return emitError(loc) << error;
        ctx->loadDialect<SystolicDialect>();
        OpBuilder builder(ctx);
        OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
        builder.setInsertionPointToEnd(module->getBody());
        ProgramOp program =
            importProgram(builder, loc, words, ::systolic::HwConfig());
        FailureOr<::systolic::Program> back = tryExportProgram(program);
        if (failed(back))
          return failure();
        size_t raw = 0;
        for (Operation &op : program.getInstructions())
          raw += isa<IsaWordOp>(op);
        if (back->size() != words.size())
          return emitError(loc) << "exported " << back->size()
                                << " words, imported " << words.size();
        for (size_t i = 0; i < words.size(); ++i)
          if (!((*back)[i] == words[i]))
            return emitError(loc)
                   << "word " << i << " differs after the round trip: "
                   << ::systolic::disassemble(words[i]) << " became "
                   << ::systolic::disassemble((*back)[i]);
        os << words.size() << " words identical after the round trip ("
           << words.size() - raw << " as instructions, " << raw
           << " as raw words)\n";
        return success();
      });

  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "Systolic " << systolic::getVersion() << "\n";
  });
  return failed(mlirTranslateMain(argc, argv,
                                  "Systolic accelerator program translation"));
}
