// Encoding, decoding, legality checks and the text assembler/disassembler.
#include "isa/Assembler.h"
#include "isa/Isa.h"

#include <gtest/gtest.h>

#include <random>

using namespace systolic;

namespace {

Instr randomInstr(std::mt19937_64& rng) {
  Instr in;
  in.op = static_cast<Opcode>(rng() % kNumOpcodes);
  in.popPrev = rng() & 1, in.popNext = rng() & 1, in.pushPrev = rng() & 1, in.pushNext = rng() & 1;
  for (const FieldSpec& f : fieldsOf(in.op)) {
    uint64_t v = rng() & ((1ull << f.width) - 1);
    int64_t sv = int64_t(v);
    if (f.isSigned && (v >> (f.width - 1))) sv -= int64_t(1) << f.width;
    in.*f.member = sv;
  }
  return in;
}

TEST(Isa, EncodeDecodeRoundTripsEveryField) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 5000; ++i) {
    Instr in = randomInstr(rng), back;
    Word w;
    ASSERT_TRUE(encode(in, &w).ok());
    ASSERT_TRUE(decode(w, &back).ok());
    Word again;
    ASSERT_TRUE(encode(back, &again).ok());
    ASSERT_EQ(w, again);
    for (const FieldSpec& f : fieldsOf(in.op)) ASSERT_EQ(in.*f.member, back.*f.member) << f.name;
  }
}

TEST(Isa, FieldsOfAnOpcodeDoNotOverlap) {
  for (unsigned op = 0; op < kNumOpcodes; ++op) {
    unsigned used[128] = {};
    for (unsigned b = 0; b < 8; ++b) used[b] = 1;
    for (const FieldSpec& f : fieldsOf(static_cast<Opcode>(op)))
      for (unsigned b = f.lsb; b < f.lsb + f.width; ++b) {
        ASSERT_LT(b, 128u);
        EXPECT_EQ(used[b]++, 0u) << opcodeName(static_cast<Opcode>(op)) << " bit " << b << " (" << f.name << ")";
      }
  }
}

TEST(Isa, EncodeRejectsValuesThatDoNotFit) {
  Instr in;
  in.op = Opcode::Matmul;
  in.m = 4096;
  Word w;
  Status s = encode(in, &w);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error, "matmul: field 'm' = 4096 does not fit [0, 4095]");
  in.m = 1;
  in.op = Opcode::Output;
  in.zeroPoint = -129;
  EXPECT_FALSE(encode(in, &w).ok());
}

TEST(Isa, AssemblerRoundTripsDisassembly) {
  std::mt19937_64 rng(11);
  Program p;
  for (int i = 0; i < 2000; ++i) {
    Word w;
    ASSERT_TRUE(encode(randomInstr(rng), &w).ok());
    p.push_back(w);
  }
  p.push_back(Word{{0x3full | (1ull << 63), 5}});  // reserved bits: kept as .word
  p.push_back(Word{{0xe, 0}});                       // illegal opcode
  std::string text = disassemble(p);
  Program back;
  Status s = assemble(text, &back);
  ASSERT_TRUE(s.ok()) << s.error;
  EXPECT_EQ(p, back);
  EXPECT_NE(text.find(".word 0x"), std::string::npos);
}

TEST(Isa, AssemblerAcceptsCommentsAnyFieldOrderAndDefaults) {
  Program p;
  ASSERT_TRUE(assemble("# a comment\n\n  matmul n=4 k=2 m=3 df=os push_next ; tail\n", &p).ok());
  ASSERT_EQ(p.size(), 1u);
  Instr in;
  ASSERT_TRUE(decode(p[0], &in).ok());
  EXPECT_EQ(in.op, Opcode::Matmul);
  EXPECT_EQ(in.dataflow, 1);
  EXPECT_EQ(in.m, 3);
  EXPECT_EQ(in.aRow, 0);
  EXPECT_TRUE(in.pushNext);
  EXPECT_FALSE(in.popPrev);
}

TEST(Isa, AssemblerErrorsNameTheLineAndProblem) {
  Program p;
  struct Case { const char* text; const char* error; } cases[] = {
      {"frobnicate x=1", "line 1: unknown mnemonic 'frobnicate'"},
      {"\nload rows=3", "line 2: unknown field 'rows' for load"},
      {"load x=1 x=2", "line 1: 'x' given twice"},
      {"load x=abc", "line 1: field 'x' has non-numeric value 'abc'"},
      {"matmul df=diagonal", "line 1: field 'df' has value 'diagonal'; expected one of ws, os"},
      {"store pop_sideways", "line 1: unknown flag 'pop_sideways' for store"},
      {"vector rows=5000", "line 1: vector: field 'rows' = 5000 does not fit [0, 4095]"},
      {".word 1", "line 1: .word needs exactly two 64-bit values"},
  };
  for (const Case& c : cases) {
    Status s = assemble(c.text, &p);
    EXPECT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.error.rfind(c.error, 0), 0u) << "got: " << s.error;
  }
}

TEST(Isa, CheckReportsEachErrorClass) {
  HwConfig cfg;
  cfg.rows = cfg.cols = 8;
  cfg.dramBytes = 1 << 20;
  struct Case { const char* text; ErrorCode code; } cases[] = {
      {"load mem=sp row=0 dram=0 bytes=8 x=1 y=1", ErrorCode::Ok},
      {".word 0x7 0", ErrorCode::IllegalOpcode},
      {".word 0x8000000000000000 0", ErrorCode::ReservedBitsSet},
      {"load bytes=8 x=1 y=1 pop_prev", ErrorCode::BadTokenFlags},
      {"store bytes=8 x=1 y=1 push_next", ErrorCode::BadTokenFlags},
      {"load mem=sp bytes=9 x=1 y=1", ErrorCode::BadFieldValue},
      {"load mem=acc bytes=6 x=1 y=1", ErrorCode::BadFieldValue},
      {"store bytes=8 x=1 y=1 pad_top=1", ErrorCode::BadFieldValue},
      {"matmul df=ws m=1 k=9 n=8", ErrorCode::BadFieldValue},
      {"matmul df=os m=9 k=100 n=8", ErrorCode::BadFieldValue},
      {"matmul df=os m=8 k=100 n=8 a=8100", ErrorCode::SramOutOfRange},
      {"load mem=sp row=8100 bytes=8 x=10 y=10 pad_left=2", ErrorCode::SramOutOfRange},
      {"output rows=1 param=2046", ErrorCode::SramOutOfRange},
      {"lutload row=8161", ErrorCode::SramOutOfRange},
      {"lutload row=8160", ErrorCode::Ok},
      {"load bytes=8 x=2 y=2 xstride=8 ystride=0xffff dram=0xf0000", ErrorCode::DramOutOfRange},
      {"vector rows=4 a=0 b=10 dst=2", ErrorCode::OperandOverlap},
      {"vector rows=4 a=2 b=10 dst=2", ErrorCode::Ok},
  };
  for (const Case& c : cases) {
    Program p;
    ASSERT_TRUE(assemble(c.text, &p).ok()) << c.text;
    Check chk = check(p[0], cfg, 3);
    EXPECT_EQ(errorCodeName(chk.code), std::string(errorCodeName(c.code))) << c.text << ": " << chk.message;
    if (chk.code != ErrorCode::Ok) EXPECT_EQ(chk.message.rfind("instruction #3", 0), 0u) << chk.message;
  }
}

TEST(Isa, ConfigValidationIsPrecise) {
  HwConfig cfg;
  EXPECT_TRUE(cfg.validate().ok());
  cfg.rows = 65;
  EXPECT_EQ(cfg.validate().error, "invalid hardware config: rows=65 must be in [2, 64]");
  cfg.rows = 16;
  cfg.spRows = 1000;
  EXPECT_EQ(cfg.validate().error, "invalid hardware config: spRows=1000 must be a power of two in [256, 65536]");
  cfg.spRows = 8192;
  cfg.dramBytesPerCycle = 0;
  EXPECT_FALSE(cfg.validate().ok());
}

TEST(Isa, BinaryImagesRejectPartialInstructions) {
  Program p;
  Status s = fromBytes(std::vector<uint8_t>(20), &p);
  EXPECT_EQ(s.error, "program image has 20 bytes, not a multiple of the 16-byte instruction size");
  Program q = {Word{{1, 2}}, Word{{3, 4}}};
  ASSERT_TRUE(fromBytes(toBytes(q), &p).ok());
  EXPECT_EQ(p, q);
}

}  // namespace
