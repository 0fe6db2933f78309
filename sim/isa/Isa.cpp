#include "isa/Isa.h"

#include <sstream>

namespace systolic {
namespace {

const char* const kMemNames[] = {"sp", "acc", nullptr};
const char* const kDataflowNames[] = {"ws", "os", nullptr};
const char* const kActNames[] = {"none", "relu", "relu6", "lut", nullptr};
const char* const kVecOpNames[] = {"add", "mul", "max", nullptr};

using I = Instr;

const std::vector<FieldSpec> kDmaFields = {
    {"mem", 8, 1, false, &I::mem, kMemNames},
    {"row", 9, 16, false, &I::sramRow, nullptr},
    {"dram", 25, 32, false, &I::dramAddr, nullptr},
    {"pad_left", 57, 3, false, &I::padLeft, nullptr},
    {"pad_right", 60, 3, false, &I::padRight, nullptr},
    {"bytes", 64, 9, false, &I::elemBytes, nullptr},
    {"x", 73, 8, false, &I::xSize, nullptr},
    {"y", 81, 8, false, &I::ySize, nullptr},
    {"xstride", 89, 12, false, &I::xStride, nullptr},
    {"ystride", 101, 16, false, &I::yStride, nullptr},
    {"pad_top", 117, 3, false, &I::padTop, nullptr},
    {"pad_bottom", 120, 3, false, &I::padBottom, nullptr},
};
const std::vector<FieldSpec> kMatmulFields = {
    {"df", 8, 1, false, &I::dataflow, kDataflowNames},
    {"acc", 9, 1, false, &I::accumulate, nullptr},
    {"a", 10, 16, false, &I::aRow, nullptr},
    {"b", 26, 16, false, &I::bRow, nullptr},
    {"c", 42, 16, false, &I::cRow, nullptr},
    {"m", 64, 12, false, &I::m, nullptr},
    {"k", 76, 12, false, &I::k, nullptr},
    {"n", 88, 8, false, &I::n, nullptr},
};
const std::vector<FieldSpec> kOutputFields = {
    {"act", 8, 2, false, &I::act, kActNames},
    {"src", 10, 16, false, &I::srcRow, nullptr},
    {"dst", 26, 16, false, &I::dstRow, nullptr},
    {"param", 42, 16, false, &I::paramRow, nullptr},
    {"rows", 64, 12, false, &I::rows, nullptr},
    {"zp", 76, 8, true, &I::zeroPoint, nullptr},
    {"max", 84, 8, true, &I::clampMax, nullptr},
};
const std::vector<FieldSpec> kVectorFields = {
    {"op", 8, 2, false, &I::vecOp, kVecOpNames},
    {"mem", 10, 1, false, &I::mem, kMemNames},
    {"a", 11, 16, false, &I::srcA, nullptr},
    {"b", 27, 16, false, &I::srcB, nullptr},
    {"dst", 43, 16, false, &I::dst, nullptr},
    {"rows", 64, 12, false, &I::rows, nullptr},
    {"shift", 76, 5, false, &I::shift, nullptr},
};
const std::vector<FieldSpec> kLutFields = {
    {"row", 8, 16, false, &I::sramRow, nullptr},
};

uint64_t getBits(const Word& w, unsigned lsb, unsigned width) {
  uint64_t v = 0;
  for (unsigned b = 0; b < width; ++b) {
    unsigned bit = lsb + b;
    v |= ((w.w[bit / 64] >> (bit % 64)) & 1ull) << b;
  }
  return v;
}

void setBits(Word* w, unsigned lsb, unsigned width, uint64_t v) {
  for (unsigned b = 0; b < width; ++b) {
    unsigned bit = lsb + b;
    uint64_t mask = 1ull << (bit % 64);
    if ((v >> b) & 1) w->w[bit / 64] |= mask;
    else w->w[bit / 64] &= ~mask;
  }
}

// Mask of the bits an opcode defines (header plus its fields).
Word definedBits(Opcode op) {
  Word m;
  setBits(&m, 0, 8, 0xff);
  for (const FieldSpec& f : fieldsOf(op)) setBits(&m, f.lsb, f.width, ~0ull);
  return m;
}

std::string rangeText(int64_t start, int64_t count) {
  std::ostringstream os;
  os << "[" << start << ", " << start + count << ")";
  return os.str();
}

}  // namespace

Unit unitOf(Opcode op) {
  switch (op) {
    case Opcode::Load: return Unit::Load;
    case Opcode::Store: return Unit::Store;
    default: return Unit::Compute;
  }
}

const char* unitName(Unit u) {
  static const char* const names[] = {"load", "compute", "store"};
  return names[static_cast<int>(u)];
}

const char* opcodeName(Opcode op) {
  static const char* const names[] = {"load", "store", "matmul", "output", "vector", "lutload"};
  return static_cast<unsigned>(op) < kNumOpcodes ? names[static_cast<int>(op)] : "?";
}

const char* errorCodeName(ErrorCode c) {
  switch (c) {
    case ErrorCode::Ok: return "ok";
    case ErrorCode::IllegalOpcode: return "illegal-opcode";
    case ErrorCode::ReservedBitsSet: return "reserved-bits-set";
    case ErrorCode::BadTokenFlags: return "bad-token-flags";
    case ErrorCode::BadFieldValue: return "bad-field-value";
    case ErrorCode::SramOutOfRange: return "sram-out-of-range";
    case ErrorCode::DramOutOfRange: return "dram-out-of-range";
    case ErrorCode::OperandOverlap: return "operand-overlap";
    case ErrorCode::Deadlock: return "deadlock";
    case ErrorCode::Timeout: return "timeout";
  }
  return "unknown";
}

const std::vector<FieldSpec>& fieldsOf(Opcode op) {
  switch (op) {
    case Opcode::Load:
    case Opcode::Store: return kDmaFields;
    case Opcode::Matmul: return kMatmulFields;
    case Opcode::Output: return kOutputFields;
    case Opcode::Vector: return kVectorFields;
    case Opcode::LutLoad: return kLutFields;
  }
  return kLutFields;
}

static bool isPow2(uint64_t v) { return v && !(v & (v - 1)); }

Status HwConfig::validate() const {
  std::ostringstream os;
  if (rows < 2 || rows > 64) os << "rows=" << rows << " must be in [2, 64]";
  else if (cols < 2 || cols > 64) os << "cols=" << cols << " must be in [2, 64]";
  else if (!isPow2(spRows) || spRows < 256 || spRows > 65536)
    os << "spRows=" << spRows << " must be a power of two in [256, 65536]";
  else if (!isPow2(accRows) || accRows < 64 || accRows > 65536)
    os << "accRows=" << accRows << " must be a power of two in [64, 65536]";
  else if (!isPow2(spBanks) || spBanks > 16 || spBanks > spRows)
    os << "spBanks=" << spBanks << " must be a power of two in [1, 16]";
  else if (!isPow2(accBanks) || accBanks > 16 || accBanks > accRows)
    os << "accBanks=" << accBanks << " must be a power of two in [1, 16]";
  else if (!isPow2(queueDepth) || queueDepth < 2 || queueDepth > 64)
    os << "queueDepth=" << queueDepth << " must be a power of two in [2, 64]";
  else if (dramBytes < 4096 || dramBytes > (1ull << 32))
    os << "dramBytes=" << dramBytes << " must be in [4096, 2^32]";
  else if (!(dramBytesPerCycle >= 0.125 && dramBytesPerCycle <= 1024))
    os << "dramBytesPerCycle=" << dramBytesPerCycle << " must be in [0.125, 1024]";
  else if (dramLatency > 100000)
    os << "dramLatency=" << dramLatency << " must be at most 100000 cycles";
  else if (!supportsWeightStationary && !supportsOutputStationary)
    os << "at least one dataflow must be supported";
  std::string e = os.str();
  return e.empty() ? Status::success() : Status::failure("invalid hardware config: " + e);
}

std::string HwConfig::describe() const {
  std::ostringstream os;
  os << rows << "x" << cols << " array, scratchpad " << spRows << " rows x " << rowBytes()
     << " B in " << spBanks << " banks, accumulator " << accRows << " rows x " << cols
     << " int32 in " << accBanks << " banks, queues " << queueDepth << ", DRAM "
     << dramBytes << " B at " << dramBytesPerCycle << " B/cycle, latency " << dramLatency;
  return os.str();
}

bool HwConfig::sameRtl(const HwConfig& o) const {
  return rows == o.rows && cols == o.cols && spRows == o.spRows && spBanks == o.spBanks &&
         accRows == o.accRows && accBanks == o.accBanks && queueDepth == o.queueDepth;
}

Status encode(const Instr& in, Word* out) {
  if (static_cast<unsigned>(in.op) >= kNumOpcodes)
    return Status::failure("unknown opcode " + std::to_string(static_cast<int>(in.op)));
  Word w;
  setBits(&w, 0, 4, static_cast<uint64_t>(in.op));
  setBits(&w, 4, 1, in.popPrev);
  setBits(&w, 5, 1, in.popNext);
  setBits(&w, 6, 1, in.pushPrev);
  setBits(&w, 7, 1, in.pushNext);
  for (const FieldSpec& f : fieldsOf(in.op)) {
    int64_t v = in.*f.member;
    int64_t lo = f.isSigned ? -(int64_t(1) << (f.width - 1)) : 0;
    int64_t hi = f.isSigned ? (int64_t(1) << (f.width - 1)) - 1 : (int64_t(1) << f.width) - 1;
    if (v < lo || v > hi) {
      std::ostringstream os;
      os << opcodeName(in.op) << ": field '" << f.name << "' = " << v << " does not fit ["
         << lo << ", " << hi << "]";
      return Status::failure(os.str());
    }
    setBits(&w, f.lsb, f.width, static_cast<uint64_t>(v));
  }
  *out = w;
  return Status::success();
}

Status decode(const Word& w, Instr* out) {
  uint64_t op = getBits(w, 0, 4);
  if (op >= kNumOpcodes) return Status::failure("illegal opcode " + std::to_string(op));
  Instr in;
  in.op = static_cast<Opcode>(op);
  in.popPrev = getBits(w, 4, 1);
  in.popNext = getBits(w, 5, 1);
  in.pushPrev = getBits(w, 6, 1);
  in.pushNext = getBits(w, 7, 1);
  for (const FieldSpec& f : fieldsOf(in.op)) {
    uint64_t v = getBits(w, f.lsb, f.width);
    if (f.isSigned && (v >> (f.width - 1)) & 1) v |= ~0ull << f.width;
    in.*f.member = static_cast<int64_t>(v);
  }
  *out = in;
  return Status::success();
}

int64_t loadRows(const Instr& i) {
  return (i.padTop + i.ySize + i.padBottom) * (i.padLeft + i.xSize + i.padRight);
}

Check check(const Word& w, const HwConfig& cfg, uint64_t index) {
  Check c;
  std::ostringstream os;
  os << "instruction #" << index << " ";
  auto fail = [&](ErrorCode code, const std::string& what) {
    c.code = code;
    c.message = os.str() + what;
    return c;
  };
  Instr in;
  if (!decode(w, &in).ok())
    return fail(ErrorCode::IllegalOpcode, "has illegal opcode " + std::to_string(w.w[0] & 15));
  os << "(" << opcodeName(in.op) << "): ";
  Word defined = definedBits(in.op);
  if ((w.w[0] & ~defined.w[0]) || (w.w[1] & ~defined.w[1]))
    return fail(ErrorCode::ReservedBitsSet, "reserved bits are set");

  Unit u = unitOf(in.op);
  if (u == Unit::Load && (in.popPrev || in.pushPrev))
    return fail(ErrorCode::BadTokenFlags, "the load queue has no previous queue to exchange tokens with");
  if (u == Unit::Store && (in.popNext || in.pushNext))
    return fail(ErrorCode::BadTokenFlags, "the store queue has no next queue to exchange tokens with");

  const int64_t R = cfg.rows, C = cfg.cols, W = cfg.rowBytes();
  const int64_t SP = cfg.spRows, ACC = cfg.accRows;
  auto memRows = [&](int64_t mem) { return mem ? ACC : SP; };
  auto memName = [](int64_t mem) { return mem ? "accumulator" : "scratchpad"; };
  auto bad = [&](const std::string& what) { return fail(ErrorCode::BadFieldValue, what); };
  auto sram = [&](const char* what, int64_t mem, int64_t start, int64_t count) -> bool {
    if (start + count <= memRows(mem)) return false;
    fail(ErrorCode::SramOutOfRange, std::string(what) + " rows " + rangeText(start, count) +
                                        " exceed the " + memName(mem) + " (" +
                                        std::to_string(memRows(mem)) + " rows)");
    return true;
  };

  switch (in.op) {
    case Opcode::Load:
    case Opcode::Store: {
      int64_t maxBytes = in.mem ? 4 * C : W;
      if (in.elemBytes < 1 || in.elemBytes > maxBytes)
        return bad("bytes=" + std::to_string(in.elemBytes) + " must be in [1, " +
                   std::to_string(maxBytes) + "] for the " + memName(in.mem));
      if (in.mem && in.elemBytes % 4)
        return bad("bytes=" + std::to_string(in.elemBytes) + " must be a multiple of 4 for the accumulator");
      if (in.xSize < 1 || in.ySize < 1) return bad("x and y must be at least 1");
      bool padded = in.padLeft || in.padRight || in.padTop || in.padBottom;
      if (in.op == Opcode::Store && padded) return bad("store does not support padding");
      int64_t rowsUsed = in.op == Opcode::Load ? loadRows(in) : in.xSize * in.ySize;
      if (sram("transfer", in.mem, in.sramRow, rowsUsed)) return c;
      uint64_t end = uint64_t(in.dramAddr) + uint64_t(in.ySize - 1) * in.yStride +
                     uint64_t(in.xSize - 1) * in.xStride + in.elemBytes;
      if (end > cfg.dramBytes) {
        std::ostringstream e;
        e << "DRAM bytes [" << in.dramAddr << ", " << end << ") exceed DRAM size "
          << cfg.dramBytes;
        return fail(ErrorCode::DramOutOfRange, e.str());
      }
      return c;
    }
    case Opcode::Matmul: {
      bool ws = in.dataflow == 0;
      if (ws && !cfg.supportsWeightStationary) return bad("weight-stationary dataflow not supported");
      if (!ws && !cfg.supportsOutputStationary) return bad("output-stationary dataflow not supported");
      int64_t maxM = ws ? 4095 : R, maxK = ws ? R : 4095;
      if (in.m < 1 || in.m > maxM)
        return bad("m=" + std::to_string(in.m) + " must be in [1, " + std::to_string(maxM) + "]");
      if (in.k < 1 || in.k > maxK)
        return bad("k=" + std::to_string(in.k) + " must be in [1, " + std::to_string(maxK) + "]");
      if (in.n < 1 || in.n > C)
        return bad("n=" + std::to_string(in.n) + " must be in [1, " + std::to_string(C) + "]");
      if (sram("operand a", 0, in.aRow, ws ? in.m : in.k)) return c;
      if (sram("operand b", 0, in.bRow, in.k)) return c;
      if (sram("result c", 1, in.cRow, in.m)) return c;
      return c;
    }
    case Opcode::Output: {
      if (in.rows < 1) return bad("rows must be at least 1");
      if (sram("source", 1, in.srcRow, in.rows)) return c;
      if (sram("parameter", 1, in.paramRow, 3)) return c;
      if (sram("destination", 0, in.dstRow, in.rows)) return c;
      return c;
    }
    case Opcode::Vector: {
      if (in.vecOp > 2) return bad("op=" + std::to_string(in.vecOp) + " is not add, mul or max");
      if (in.rows < 1) return bad("rows must be at least 1");
      if (sram("source a", in.mem, in.srcA, in.rows)) return c;
      if (sram("source b", in.mem, in.srcB, in.rows)) return c;
      if (sram("destination", in.mem, in.dst, in.rows)) return c;
      for (int64_t src : {in.srcA, in.srcB}) {
        bool disjoint = in.dst + in.rows <= src || src + in.rows <= in.dst;
        if (src != in.dst && !disjoint)
          return fail(ErrorCode::OperandOverlap,
                      "destination rows " + rangeText(in.dst, in.rows) +
                          " partially overlap source rows " + rangeText(src, in.rows));
      }
      return c;
    }
    case Opcode::LutLoad: {
      if (sram("lookup table", 0, in.sramRow, cfg.lutRows())) return c;
      return c;
    }
  }
  return c;
}

std::vector<uint8_t> toBytes(const Program& p) {
  std::vector<uint8_t> out(p.size() * 16);
  for (size_t i = 0; i < p.size(); ++i)
    for (int b = 0; b < 16; ++b) out[i * 16 + b] = uint8_t(p[i].w[b / 8] >> (8 * (b % 8)));
  return out;
}

Status fromBytes(const std::vector<uint8_t>& bytes, Program* out) {
  if (bytes.size() % 16)
    return Status::failure("program image has " + std::to_string(bytes.size()) +
                           " bytes, not a multiple of the 16-byte instruction size");
  out->assign(bytes.size() / 16, Word{});
  for (size_t i = 0; i < out->size(); ++i)
    for (int b = 0; b < 16; ++b) (*out)[i].w[b / 8] |= uint64_t(bytes[i * 16 + b]) << (8 * (b % 8));
  return Status::success();
}

}  // namespace systolic
