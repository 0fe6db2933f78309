//===- ProgramTranslation.cpp - systolic.program <-> binary/text ----------===//
#include "lowering/accel/ProgramTranslation.h"

#include "isa/Assembler.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;
using namespace systolic::accel;

FailureOr<::systolic::Program>
systolic::accel::tryExportProgram(ProgramOp program) {
  ::systolic::Program words;
  for (Operation &op : program.getInstructions()) {
    ::systolic::Word word;
    std::string error;
    if (failed(encodeInstruction(&op, word, &error)))
      return op.emitOpError(error);
    words.push_back(word);
  }
  return words;
}

::systolic::Program systolic::accel::exportProgram(ProgramOp program) {
  FailureOr<::systolic::Program> words = tryExportProgram(program);
  if (failed(words))
    llvm::report_fatal_error("exportProgram: the program does not verify");
  return std::move(*words);
}

ProgramOp systolic::accel::importProgram(OpBuilder &builder, Location loc,
                                         const ::systolic::Program &program,
                                         const ::systolic::HwConfig &config) {
  auto op = ProgramOp::create(builder, loc, config);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(&op.getBody().front());
  for (const ::systolic::Word &word : program)
    buildInstruction(builder, loc, word);
  return op;
}

LogicalResult systolic::accel::emitProgram(ProgramOp program,
                                           ProgramFormat format,
                                           llvm::raw_ostream &os) {
  FailureOr<::systolic::Program> words = tryExportProgram(program);
  if (failed(words))
    return failure();
  if (format == ProgramFormat::Binary) {
    std::vector<uint8_t> bytes = ::systolic::toBytes(*words);
    os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    return success();
  }
  os << "# systolic program: " << program.getHwConfig().describe() << "\n"
     << ::systolic::disassemble(*words);
  return success();
}

std::vector<uint8_t> systolic::accel::programBinary(ProgramOp program) {
  return ::systolic::toBytes(exportProgram(program));
}

std::string systolic::accel::programText(ProgramOp program) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (failed(emitProgram(program, ProgramFormat::Text, os)))
    llvm::report_fatal_error("programText: the program does not verify");
  return text;
}

bool systolic::accel::parseProgram(StringRef data, ProgramFormat format,
                                   ::systolic::Program &program,
                                   std::string &error) {
  ::systolic::Status status =
      format == ProgramFormat::Binary
          ? ::systolic::fromBytes(
                std::vector<uint8_t>(data.bytes_begin(), data.bytes_end()),
                &program)
          : ::systolic::assemble(data.str(), &program);
  error = status.error;
  return status.ok();
}

FailureOr<ProgramOp> systolic::accel::findProgram(Operation *root) {
  SmallVector<ProgramOp> programs;
  root->walk([&](ProgramOp program) { programs.push_back(program); });
  if (programs.size() == 1)
    return programs.front();
  return root->emitError(programs.empty()
                             ? "expected a systolic.program, found none"
                             : "expected one systolic.program, found ")
         << (programs.empty() ? "" : std::to_string(programs.size()));
}

bool systolic::accel::parseHwConfig(StringRef spec,
                                    ::systolic::HwConfig &config,
                                    std::string &error) {
  SmallVector<StringRef> parts;
  spec.split(parts, ',');
  auto [rows, cols] = parts.front().split('x');
  if (rows.trim().getAsInteger(10, config.rows) ||
      cols.trim().getAsInteger(10, config.cols)) {
    error = "expected the array size as ROWSxCOLS, got '" +
            parts.front().str() + "'";
    return false;
  }
  for (StringRef part : llvm::drop_begin(parts)) {
    auto [key, value] = part.split('=');
    key = key.trim();
    uint64_t number;
    if (value.trim().getAsInteger(0, number)) {
      error = "expected key=number, got '" + part.str() + "'";
      return false;
    }
    if (key != "dram_bytes" && number > UINT32_MAX) {
      error = key.str() + "=" + std::to_string(number) + " is out of range";
      return false;
    }
    if (key == "sp_rows")
      config.spRows = number;
    else if (key == "sp_banks")
      config.spBanks = number;
    else if (key == "acc_rows")
      config.accRows = number;
    else if (key == "acc_banks")
      config.accBanks = number;
    else if (key == "queue_depth")
      config.queueDepth = number;
    else if (key == "dram_bytes")
      config.dramBytes = number;
    else {
      error = "unknown configuration key '" + key.str() +
              "' (expected sp_rows, sp_banks, acc_rows, acc_banks, "
              "queue_depth or dram_bytes)";
      return false;
    }
  }
  ::systolic::Status status = config.validate();
  error = status.error;
  return status.ok();
}
