//===- SystolicISA.cpp - Instruction-level ops and their verifiers --------===//
//
// Instruction ops name their attributes after sim/isa's FieldSpec keys, so the
// encoding is table driven: `fieldsOf(opcode)` gives name, bit range and
// signedness of every field, and the same table decodes words back into ops.
//
// Verification has three levels:
//  1. each instruction op: every field fits its bit width (encode());
//  2. the program, per instruction: systolic::check() against the program's
//     HwConfig (opcode, reserved bits, token flags, field values, scratchpad/
//     accumulator capacity, DRAM range, VECTOR operand overlap), in program
//     order, with the same index and message the golden model and RTL use;
//  3. the program as a whole:
//     * tokens: the k-th pop of a token counter is matched with the k-th push
//       of it, which must come earlier in program order (so program order is
//       a deadlock-free schedule at any queue depth); at most 65535 tokens may
//       be left on a counter (the RTL's 16-bit counters);
//     * races: two instructions of different units that touch the same
//       scratchpad/accumulator rows or DRAM bytes, at least one writing, must
//       be ordered by a chain of tokens (docs/isa.md "Dependency tokens and
//       hazards"); without one the result is undefined.
//  Bank conflicts are not an error: the SRAM banks (low-bit interleaved,
//  one read-port copy per reader, one write port per bank) can only collide
//  on a compute write and a DMA write to the same bank in the same cycle, and
//  the RTL arbitrates (compute wins, the DMA write is retried the next
//  cycle), so a conflict costs a cycle, never a wrong result; whether it
//  happens depends on timing, not on the program text.
//
//===----------------------------------------------------------------------===//
#include "dialects/systolic/SystolicISA.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <array>
#include <map>

using namespace mlir;
using namespace systolic::accel;
using ::systolic::Check;
using ::systolic::ErrorCode;
using ::systolic::FieldSpec;
using ::systolic::HwConfig;
using ::systolic::Instr;
using ::systolic::Opcode;
using ::systolic::Unit;
using ::systolic::Word;

//===----------------------------------------------------------------------===//
// Encoding
//===----------------------------------------------------------------------===//

std::optional<Opcode> systolic::accel::opcodeOf(Operation *op) {
  if (isa<IsaLoadOp>(op))
    return Opcode::Load;
  if (isa<IsaStoreOp>(op))
    return Opcode::Store;
  if (isa<IsaMatmulOp>(op))
    return Opcode::Matmul;
  if (isa<IsaOutputOp>(op))
    return Opcode::Output;
  if (isa<IsaVectorOp>(op))
    return Opcode::Vector;
  if (isa<IsaLutLoadOp>(op))
    return Opcode::LutLoad;
  return std::nullopt;
}

bool systolic::accel::isInstruction(Operation *op) {
  return opcodeOf(op).has_value() || isa<IsaWordOp>(op);
}

namespace {
/// The op name of each opcode.
StringRef opNameOf(Opcode opcode) {
  switch (opcode) {
  case Opcode::Load:
    return IsaLoadOp::getOperationName();
  case Opcode::Store:
    return IsaStoreOp::getOperationName();
  case Opcode::Matmul:
    return IsaMatmulOp::getOperationName();
  case Opcode::Output:
    return IsaOutputOp::getOperationName();
  case Opcode::Vector:
    return IsaVectorOp::getOperationName();
  case Opcode::LutLoad:
    return IsaLutLoadOp::getOperationName();
  }
  return "";
}

/// Fields of one bit without enumerated names are flags (MATMUL.acc): unit
/// attributes. Enumerated fields are i32 enum attributes; the rest i64.
bool isFlagField(const FieldSpec &field) {
  return field.width == 1 && !field.enumNames;
}

/// Number of named cases of an enumerated field.
int64_t enumCases(const FieldSpec &field) {
  int64_t n = 0;
  while (field.enumNames && field.enumNames[n])
    ++n;
  return n;
}

struct TokenFlag {
  const char *name;
  bool Instr::*member;
};
constexpr TokenFlag kTokenFlags[] = {{"pop_prev", &Instr::popPrev},
                                     {"pop_next", &Instr::popNext},
                                     {"push_prev", &Instr::pushPrev},
                                     {"push_next", &Instr::pushNext}};

/// The decoded fields of an instruction op (not range checked).
Instr instrOf(Operation *op, Opcode opcode) {
  Instr in;
  in.op = opcode;
  for (const TokenFlag &flag : kTokenFlags)
    in.*flag.member = op->getAttr(flag.name) != nullptr;
  for (const FieldSpec &field : ::systolic::fieldsOf(opcode)) {
    Attribute attr = op->getAttr(field.name);
    int64_t value = 0;
    if (isa_and_nonnull<UnitAttr>(attr))
      value = 1;
    else if (auto integer = dyn_cast_or_null<IntegerAttr>(attr))
      value = integer.getValue().getSExtValue();
    in.*field.member = value;
  }
  return in;
}
} // namespace

LogicalResult systolic::accel::encodeInstruction(Operation *op, Word &word,
                                                 std::string *error) {
  if (auto raw = dyn_cast<IsaWordOp>(op)) {
    word.w[0] = raw.getLowAttr().getValue().getZExtValue();
    word.w[1] = raw.getHighAttr().getValue().getZExtValue();
    return success();
  }
  std::optional<Opcode> opcode = opcodeOf(op);
  if (!opcode) {
    if (error)
      *error =
          "'" + op->getName().getStringRef().str() + "' is not an instruction";
    return failure();
  }
  ::systolic::Status status = ::systolic::encode(instrOf(op, *opcode), &word);
  if (!status.ok()) {
    if (error)
      *error = status.error;
    return failure();
  }
  return success();
}

Operation *systolic::accel::buildInstruction(OpBuilder &b, Location loc,
                                             const Word &word) {
  Instr in;
  Word back;
  bool fieldForm = ::systolic::decode(word, &in).ok() &&
                   ::systolic::encode(in, &back).ok() && back == word;
  if (fieldForm)
    for (const FieldSpec &field : ::systolic::fieldsOf(in.op))
      if (field.enumNames && in.*field.member >= enumCases(field))
        fieldForm = false;
  if (!fieldForm)
    return IsaWordOp::create(b, loc, word.w[0], word.w[1]).getOperation();

  OperationState state(loc, opNameOf(in.op));
  for (const FieldSpec &field : ::systolic::fieldsOf(in.op)) {
    int64_t value = in.*field.member;
    if (isFlagField(field)) {
      if (value)
        state.addAttribute(field.name, b.getUnitAttr());
    } else if (field.enumNames) {
      state.addAttribute(field.name, b.getI32IntegerAttr(value));
    } else {
      state.addAttribute(field.name, b.getI64IntegerAttr(value));
    }
  }
  for (const TokenFlag &flag : kTokenFlags)
    if (in.*flag.member)
      state.addAttribute(flag.name, b.getUnitAttr());
  return b.create(state);
}

namespace {
/// Level 1: the fields fit the encoding.
LogicalResult verifyFields(Operation *op) {
  Word word;
  std::string error;
  if (failed(encodeInstruction(op, word, &error)))
    return op->emitOpError(error);
  return success();
}
} // namespace

LogicalResult IsaLoadOp::verify() { return verifyFields(*this); }
LogicalResult IsaStoreOp::verify() { return verifyFields(*this); }
LogicalResult IsaMatmulOp::verify() { return verifyFields(*this); }
LogicalResult IsaOutputOp::verify() { return verifyFields(*this); }
LogicalResult IsaVectorOp::verify() { return verifyFields(*this); }
LogicalResult IsaLutLoadOp::verify() { return verifyFields(*this); }
LogicalResult IsaWordOp::verify() { return success(); }

//===----------------------------------------------------------------------===//
// systolic.program
//===----------------------------------------------------------------------===//

void ProgramOp::build(OpBuilder &b, OperationState &state,
                      const HwConfig &config) {
  build(b, state, config.rows, config.cols, config.spRows, config.spBanks,
        config.accRows, config.accBanks, config.queueDepth, config.dramBytes,
        config.supportsWeightStationary, config.supportsOutputStationary);
  state.regions.front()->emplaceBlock();
}

HwConfig ProgramOp::getHwConfig() {
  HwConfig config;
  config.rows = static_cast<uint32_t>(getRows());
  config.cols = static_cast<uint32_t>(getCols());
  config.spRows = static_cast<uint32_t>(getSpRows());
  config.spBanks = static_cast<uint32_t>(getSpBanks());
  config.accRows = static_cast<uint32_t>(getAccRows());
  config.accBanks = static_cast<uint32_t>(getAccBanks());
  config.queueDepth = static_cast<uint32_t>(getQueueDepth());
  config.dramBytes = getDramBytes();
  config.supportsWeightStationary = getWeightStationary();
  config.supportsOutputStationary = getOutputStationary();
  return config;
}

LogicalResult ProgramOp::verify() {
  // HwConfig holds 32-bit sizes; reject what would wrap before validating.
  std::pair<StringRef, int64_t> sizes[] = {
      {"rows", int64_t(getRows())},
      {"cols", int64_t(getCols())},
      {"sp_rows", int64_t(getSpRows())},
      {"sp_banks", int64_t(getSpBanks())},
      {"acc_rows", int64_t(getAccRows())},
      {"acc_banks", int64_t(getAccBanks())},
      {"queue_depth", int64_t(getQueueDepth())}};
  for (auto [name, value] : sizes)
    if (value < 0 || value > int64_t(UINT32_MAX))
      return emitOpError(name) << " = " << value << " is out of range";
  if (int64_t(getDramBytes()) < 0)
    return emitOpError("dram_bytes = ")
           << int64_t(getDramBytes()) << " is out of range";
  ::systolic::Status status = getHwConfig().validate();
  if (!status.ok())
    return emitOpError(status.error);
  return success();
}

namespace {
constexpr int kUnits = 3;

int unitIndex(Unit unit) { return static_cast<int>(unit); }

const char *unitLabel(int unit) {
  return ::systolic::unitName(static_cast<Unit>(unit));
}

/// The four token counters, by (from, to) unit.
struct TokenCounter {
  int from, to;
  const char *name;
};
constexpr TokenCounter kCounters[] = {{0, 1, "load->compute"},
                                      {1, 0, "compute->load"},
                                      {1, 2, "compute->store"},
                                      {2, 1, "store->compute"}};
int counterIndex(int from, int to) {
  for (int c = 0; c < 4; ++c)
    if (kCounters[c].from == from && kCounters[c].to == to)
      return c;
  return -1;
}

/// The largest value on a range of addresses, for disjoint ranges that are
/// overwritten by later assignments (values only grow).
class RangeMax {
public:
  /// Largest value on [begin, end), 0 if none.
  uint32_t query(uint64_t begin, uint64_t end) const {
    uint32_t best = 0;
    auto it = ranges.upper_bound(begin);
    if (it != ranges.begin())
      --it;
    for (; it != ranges.end() && it->first < end; ++it)
      if (it->second.first > begin)
        best = std::max(best, it->second.second);
    return best;
  }

  void assign(uint64_t begin, uint64_t end, uint32_t value) {
    if (begin >= end)
      return;
    split(begin);
    split(end);
    ranges.erase(ranges.lower_bound(begin), ranges.lower_bound(end));
    ranges[begin] = {end, value};
  }

private:
  /// Makes `at` a range boundary.
  void split(uint64_t at) {
    auto it = ranges.upper_bound(at);
    if (it == ranges.begin())
      return;
    --it;
    uint64_t start = it->first, end = it->second.first;
    if (start < at && at < end) {
      uint32_t value = it->second.second;
      it->second.first = at;
      ranges[at] = {end, value};
    }
  }

  std::map<uint64_t, std::pair<uint64_t, uint32_t>> ranges; // begin -> end, v
};

enum Space { Scratchpad = 0, Accumulator = 1, Dram = 2 };
const char *spaceUnits(int space) {
  static const char *const names[] = {"scratchpad rows", "accumulator rows",
                                      "DRAM bytes"};
  return names[space];
}

struct Access {
  int space;
  uint64_t begin, end;
  bool write;
  const char *operand;
};

/// Every memory range an (already checked) instruction reads or writes.
SmallVector<Access> accessesOf(const Instr &in, const HwConfig &cfg) {
  SmallVector<Access> out;
  auto sram = [](int64_t mem) { return mem ? Accumulator : Scratchpad; };
  auto add = [&](int space, int64_t begin, int64_t count, bool write,
                 const char *operand) {
    out.push_back(
        {space, uint64_t(begin), uint64_t(begin + count), write, operand});
  };
  switch (in.op) {
  case Opcode::Load:
  case Opcode::Store: {
    bool load = in.op == Opcode::Load;
    add(sram(in.mem), in.sramRow,
        load ? ::systolic::loadRows(in) : in.xSize * in.ySize, load,
        load ? "destination" : "source");
    // DRAM: one range per line when its elements touch, else per element.
    for (int64_t y = 0; y < in.ySize; ++y) {
      uint64_t line = uint64_t(in.dramAddr) + uint64_t(y) * in.yStride;
      if (in.xSize == 1 || in.xStride <= in.elemBytes) {
        add(Dram, line, (in.xSize - 1) * in.xStride + in.elemBytes, !load,
            "DRAM");
        continue;
      }
      for (int64_t x = 0; x < in.xSize; ++x)
        add(Dram, line + uint64_t(x) * in.xStride, in.elemBytes, !load, "DRAM");
    }
    break;
  }
  case Opcode::Matmul: {
    bool ws = in.dataflow == 0;
    add(Scratchpad, in.aRow, ws ? in.m : in.k, false, "operand a");
    add(Scratchpad, in.bRow, in.k, false, "operand b");
    add(Accumulator, in.cRow, in.m, true, "result c");
    break;
  }
  case Opcode::Output:
    add(Accumulator, in.srcRow, in.rows, false, "source");
    add(Accumulator, in.paramRow, 3, false, "parameter");
    add(Scratchpad, in.dstRow, in.rows, true, "destination");
    break;
  case Opcode::Vector:
    add(sram(in.mem), in.srcA, in.rows, false, "source a");
    add(sram(in.mem), in.srcB, in.rows, false, "source b");
    add(sram(in.mem), in.dst, in.rows, true, "destination");
    break;
  case Opcode::LutLoad:
    add(Scratchpad, in.sramRow, cfg.lutRows(), false, "lookup table");
    break;
  }
  return out;
}

/// "instruction #3 (load)"
std::string describe(uint64_t index, Opcode opcode) {
  return "instruction #" + std::to_string(index) + " (" +
         ::systolic::opcodeName(opcode) + ")";
}
} // namespace

LogicalResult ProgramOp::verifyRegions() {
  HwConfig cfg = getHwConfig();
  struct Decoded {
    Operation *op;
    Instr in;
    int unit;
    uint32_t position; // index within its unit
  };
  std::vector<Decoded> program;

  // Level 2: each instruction on this configuration.
  uint64_t index = 0;
  std::array<uint32_t, kUnits> unitCount{};
  for (Operation &op : getInstructions()) {
    if (!isInstruction(&op))
      return op.emitOpError("is not an instruction; a systolic.program holds "
                            "only systolic.isa.* ops");
    Word word;
    if (failed(encodeInstruction(&op, word)))
      return failure(); // reported by the op's verifier
    Check check = ::systolic::check(word, cfg, index);
    if (check.code != ErrorCode::Ok)
      return op.emitOpError(check.message)
             << " [" << ::systolic::errorCodeName(check.code) << "]";
    Instr in;
    (void)::systolic::decode(word, &in);
    int unit = unitIndex(::systolic::unitOf(in.op));
    program.push_back({&op, in, unit, unitCount[unit]++});
    ++index;
  }

  // Level 3a: tokens. totals[c]: pushes on counter c in the whole program.
  std::array<uint64_t, 4> totalPushes{}, totalPops{};
  auto countersOf = [](const Decoded &d, bool pops) {
    SmallVector<std::pair<int, const char *>, 2> counters;
    int prev = d.unit - 1, next = d.unit + 1;
    if (pops) {
      if (d.in.popPrev)
        counters.push_back({counterIndex(prev, d.unit), "pop_prev"});
      if (d.in.popNext)
        counters.push_back({counterIndex(next, d.unit), "pop_next"});
    } else {
      if (d.in.pushPrev)
        counters.push_back({counterIndex(d.unit, prev), "push_prev"});
      if (d.in.pushNext)
        counters.push_back({counterIndex(d.unit, next), "push_next"});
    }
    return counters;
  };
  for (const Decoded &d : program) {
    for (auto [counter, flag] : countersOf(d, /*pops=*/false))
      ++totalPushes[counter];
    for (auto [counter, flag] : countersOf(d, /*pops=*/true))
      ++totalPops[counter];
  }

  // Happens-before as vector clocks: known[i][u] = how many instructions of
  // unit u have completed (effects visible) when instruction i starts.
  std::array<std::vector<uint64_t>, 4> pushers; // program indices, in order
  std::array<uint64_t, 4> pops{};
  std::vector<std::array<uint32_t, kUnits>> known(program.size());
  std::array<std::array<uint32_t, kUnits>, kUnits> current{};
  std::array<std::vector<uint64_t>, kUnits> unitInstrs; // position -> index
  for (auto [i, d] : llvm::enumerate(program)) {
    unitInstrs[d.unit].push_back(i);
    for (auto [counter, flag] : countersOf(d, /*pops=*/true)) {
      uint64_t k = pops[counter]++;
      if (k >= pushers[counter].size()) {
        InFlightDiagnostic diag = d.op->emitOpError()
                                  << describe(i, d.in.op) << ": " << flag
                                  << " takes " << kCounters[counter].name
                                  << " token " << k + 1 << ", but only "
                                  << pushers[counter].size()
                                  << " is pushed before it in program order";
        if (totalPushes[counter] > k)
          diag << " (the program pushes it later); every token must be "
                  "pushed before the instruction that pops it, so that "
                  "program order is a deadlock-free schedule";
        else
          diag << " and the program pushes " << totalPushes[counter]
               << " in all: the run deadlocks";
        return diag;
      }
      // Everything the pusher's unit did up to the push is visible, and so
      // is everything that was visible to the pusher.
      const Decoded &pusher = program[pushers[counter][k]];
      std::array<uint32_t, kUnits> done = known[pushers[counter][k]];
      done[pusher.unit] = pusher.position + 1;
      for (int u = 0; u < kUnits; ++u)
        current[d.unit][u] = std::max(current[d.unit][u], done[u]);
    }
    current[d.unit][d.unit] = d.position;
    known[i] = current[d.unit];
    for (auto [counter, flag] : countersOf(d, /*pops=*/false))
      pushers[counter].push_back(i);
  }
  for (int counter = 0; counter < 4; ++counter)
    if (totalPushes[counter] - totalPops[counter] > 65535)
      return emitOpError("leaves ")
             << totalPushes[counter] - totalPops[counter] << " "
             << kCounters[counter].name
             << " tokens unpopped; the hardware's token counters hold at "
                "most 65535";

  // Level 3b: races. For each space and unit, the latest (largest position
  // + 1) instruction of that unit writing / reading each address.
  RangeMax writes[3][kUnits], reads[3][kUnits];
  for (auto [i, d] : llvm::enumerate(program)) {
    SmallVector<Access> accesses = accessesOf(d.in, cfg);
    for (const Access &access : accesses) {
      for (int u = 0; u < kUnits; ++u) {
        if (u == d.unit)
          continue; // a unit orders its own accesses
        uint32_t conflict =
            writes[access.space][u].query(access.begin, access.end);
        const char *theirs = "writes";
        if (access.write) {
          uint32_t read =
              reads[access.space][u].query(access.begin, access.end);
          if (read > conflict) {
            conflict = read;
            theirs = "reads";
          }
        }
        // Ordered when instruction `conflict - 1` of unit u has completed
        // before this one starts.
        if (conflict == 0 || known[i][u] >= conflict)
          continue;
        uint64_t other = unitInstrs[u][conflict - 1];
        InFlightDiagnostic diag =
            d.op->emitOpError()
            << describe(i, d.in.op) << " "
            << (access.write ? "writes" : "reads") << " "
            << spaceUnits(access.space) << " [" << access.begin << ", "
            << access.end << ") (" << access.operand << ") that "
            << describe(other, program[other].in.op) << " " << theirs
            << ", and no chain of dependency tokens orders #" << other << " ("
            << unitLabel(u) << " unit) before #" << i << " ("
            << unitLabel(d.unit) << " unit): a race";
        diag.attachNote(program[other].op->getLoc())
            << "the other access: " << describe(other, program[other].in.op);
        return diag;
      }
    }
    for (const Access &access : accesses)
      (access.write ? writes : reads)[access.space][d.unit].assign(
          access.begin, access.end, d.position + 1);
  }
  return success();
}

#define GET_OP_CLASSES
#include "dialects/systolic/SystolicISA.cpp.inc"
