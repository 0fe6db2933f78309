// Systolic accelerator instruction set: encoding, hardware configuration and
// the legality rules shared by the golden model and the RTL dispatcher.
// See docs/isa.md for the normative description.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace systolic {

// Result of an operation that can fail: empty message means success.
struct Status {
  std::string error;
  bool ok() const { return error.empty(); }
  static Status success() { return {}; }
  static Status failure(std::string msg) { return Status{std::move(msg)}; }
};

enum class Dataflow : uint8_t { WeightStationary = 0, OutputStationary = 1 };

// Everything the hardware is parameterized by. The RTL parameters (all but the
// DRAM fields) must match a Verilated build exactly.
struct HwConfig {
  uint32_t rows = 16;            // PE rows (reduction dimension in WS)
  uint32_t cols = 16;            // PE columns (output channels)
  uint32_t spRows = 8192;        // scratchpad rows, each rowBytes() int8
  uint32_t spBanks = 4;
  uint32_t accRows = 2048;       // accumulator rows, each cols int32
  uint32_t accBanks = 2;
  uint32_t queueDepth = 16;      // per-unit instruction queue entries
  uint64_t dramBytes = 64ull << 20;
  double dramBytesPerCycle = 16.0;
  uint32_t dramLatency = 64;     // cycles from request acceptance to data
  bool supportsWeightStationary = true;
  bool supportsOutputStationary = true;

  // Width of a scratchpad row in bytes: large enough for a WS input row (rows
  // values) and an OS/WS weight row (cols values).
  uint32_t rowBytes() const { return rows > cols ? rows : cols; }
  uint32_t accRowBytes() const { return 4 * cols; }
  // Scratchpad rows that hold the 256-entry activation lookup table.
  uint32_t lutRows() const { return (256 + rowBytes() - 1) / rowBytes(); }
  Status validate() const;
  std::string describe() const;
  // True when the two configurations describe the same RTL build.
  bool sameRtl(const HwConfig& o) const;
};

enum class Opcode : uint8_t {
  Load = 0, Store = 1, Matmul = 2, Output = 3, Vector = 4, LutLoad = 5
};
constexpr unsigned kNumOpcodes = 6;

enum class Unit : uint8_t { Load = 0, Compute = 1, Store = 2 };
Unit unitOf(Opcode op);
const char* unitName(Unit u);
const char* opcodeName(Opcode op);

enum class Mem : uint8_t { Scratchpad = 0, Accumulator = 1 };
enum class Activation : uint8_t { None = 0, Relu = 1, Relu6 = 2, Lut = 3 };
enum class VecOp : uint8_t { Add = 0, Mul = 1, Max = 2 };

// Error codes reported by both the golden model and the RTL (err_code port).
enum class ErrorCode : uint8_t {
  Ok = 0,
  IllegalOpcode = 1,
  ReservedBitsSet = 2,
  BadTokenFlags = 3,
  BadFieldValue = 4,
  SramOutOfRange = 5,
  DramOutOfRange = 6,
  OperandOverlap = 7,
  Deadlock = 8,
  Timeout = 9,
};
const char* errorCodeName(ErrorCode c);

// One decoded instruction. Fields that an opcode does not use stay zero.
// All numeric fields are int64_t so that out-of-range values can be reported
// precisely by encode() instead of being silently truncated.
struct Instr {
  Opcode op = Opcode::Load;
  bool popPrev = false, popNext = false, pushPrev = false, pushNext = false;
  // LOAD / STORE (mem: Mem), LUTLOAD uses sramRow.
  int64_t mem = 0, sramRow = 0, dramAddr = 0, elemBytes = 0, xSize = 0, ySize = 0,
          xStride = 0, yStride = 0, padLeft = 0, padRight = 0, padTop = 0,
          padBottom = 0;
  // MATMUL (dataflow: Dataflow)
  int64_t dataflow = 0, accumulate = 0, aRow = 0, bRow = 0, cRow = 0, m = 0, k = 0,
          n = 0;
  // OUTPUT (act: Activation); rows is shared with VECTOR.
  int64_t act = 0, srcRow = 0, dstRow = 0, paramRow = 0, rows = 0, zeroPoint = 0,
          clampMax = 0;
  // VECTOR (vecOp: VecOp, mem selects int8 scratchpad or int32 accumulator)
  int64_t vecOp = 0, srcA = 0, srcB = 0, dst = 0, shift = 0;
};

// A 128-bit instruction word, little-endian: w[0] holds bits 0..63.
struct Word {
  uint64_t w[2] = {0, 0};
  bool operator==(const Word& o) const { return w[0] == o.w[0] && w[1] == o.w[1]; }
};

// Bit-level description of one instruction field, shared by the encoder,
// decoder, assembler and disassembler so they cannot disagree.
struct FieldSpec {
  const char* name;      // assembler keyword
  unsigned lsb, width;
  bool isSigned;
  int64_t Instr::*member;
  const char* const* enumNames;  // null-terminated names for enum fields, or null
};
const std::vector<FieldSpec>& fieldsOf(Opcode op);

// Encodes; fails if a field value does not fit its bit width.
Status encode(const Instr& in, Word* out);
// Decodes any word; the opcode must be known (use check() for full legality).
Status decode(const Word& w, Instr* out);

// Result of checking one instruction against a configuration.
struct Check {
  ErrorCode code = ErrorCode::Ok;
  std::string message;
};
// Legality of instruction word `w` (program index `index`) on `cfg`. The order
// of checks defines which error wins and is mirrored in hw/rtl/sys_dispatch.sv.
Check check(const Word& w, const HwConfig& cfg, uint64_t index);

using Program = std::vector<Word>;

// Binary program image: 16 bytes per instruction, little endian.
std::vector<uint8_t> toBytes(const Program& p);
Status fromBytes(const std::vector<uint8_t>& bytes, Program* out);

// Total scratchpad/accumulator rows written by a LOAD (including padding).
int64_t loadRows(const Instr& i);

}  // namespace systolic
