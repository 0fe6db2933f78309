//===- SystolicISA.td - Instruction-level ops --------------*- tablegen -*-===//
//
// One op per instruction of docs/isa.md, inside a `systolic.program` that
// carries the hardware configuration. Every field of the binary encoding is an
// attribute named like the assembler key (sim/isa FieldSpec::name); numeric
// fields default to 0 and are printed only when non-zero, enumerated fields
// are keywords, token flags are unit attributes. Instruction order in the
// block is program order.
//
// Verification reuses sim/isa: each op checks that its fields fit their bit
// widths (encode()), and the program checks every instruction with
// systolic::check() against its configuration, then the whole-program rules
// (dependency tokens, cross-unit races); see SystolicISA.cpp and
// docs/systolic-dialect.md.
//
//===----------------------------------------------------------------------===//

#ifndef SYSTOLIC_SYSTOLIC_ISA_TD
#define SYSTOLIC_SYSTOLIC_ISA_TD

include "dialects/systolic/SystolicBase.td"
include "dialects/systolic/SystolicISAEnums.td"
include "mlir/IR/OpAsmInterface.td"

def Systolic_ProgramOp : Systolic_Op<"program", [NoTerminator, SingleBlock,
    IsolatedFromAbove]> {
  let summary = "A program for the Systolic accelerator and the hardware it "
                "is built for";
  let description = [{
    The region holds the instructions (`systolic.isa.*`) in program order.
    The attributes are the RTL parameters of `systolic::HwConfig` (array
    `rows` x `cols`, scratchpad and accumulator rows and banks, queue depth)
    plus the DRAM size and the supported dataflows, against which every
    instruction is checked.

    ```mlir
    systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1
        acc_rows = 64 acc_banks = 1 queue_depth = 4 {
      systolic.isa.load sp bytes = 4 x = 1 y = 4 ystride = 4 push_next
      systolic.isa.matmul ws a = 0 b = 0 m = 4 k = 4 n = 4 pop_prev
    }
    ```
  }];
  let arguments = (ins I64Attr:$rows, I64Attr:$cols, I64Attr:$sp_rows,
      I64Attr:$sp_banks, I64Attr:$acc_rows, I64Attr:$acc_banks,
      I64Attr:$queue_depth,
      DefaultValuedAttr<I64Attr, "67108864">:$dram_bytes,
      DefaultValuedAttr<BoolAttr, "true">:$weight_stationary,
      DefaultValuedAttr<BoolAttr, "true">:$output_stationary);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `rows` `=` $rows `cols` `=` $cols `sp_rows` `=` $sp_rows
    `sp_banks` `=` $sp_banks `acc_rows` `=` $acc_rows `acc_banks` `=` $acc_banks
    `queue_depth` `=` $queue_depth (`dram_bytes` `=` $dram_bytes^)?
    attr-dict-with-keyword $body
  }];
  let builders = [
    OpBuilder<(ins "const ::systolic::HwConfig &":$config)>,
  ];
  let extraClassDeclaration = [{
    /// The configuration the attributes describe (not validated).
    ::systolic::HwConfig getHwConfig();
    /// The instructions in program order.
    ::mlir::Block::OpListType &getInstructions() {
      return getBody().front().getOperations();
    }
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

// Instructions live only directly inside a program.
class Systolic_IsaOp<string mnemonic, list<Trait> traits = []>
    : Systolic_Op<"isa." # mnemonic,
                  !listconcat(traits, [HasParent<"ProgramOp">])> {
  let hasVerifier = 1;
}

// A numeric instruction field: 0 when omitted.
def Systolic_IsaField : DefaultValuedAttr<I64Attr, "0">;

// The token flags of the common header, then the discardable attributes.
defvar tokenArgs = (ins UnitAttr:$pop_prev, UnitAttr:$pop_next,
                        UnitAttr:$push_prev, UnitAttr:$push_next);
defvar tokenFormat = [{
  (`pop_prev` $pop_prev^)? (`pop_next` $pop_next^)?
  (`push_prev` $push_prev^)? (`push_next` $push_next^)? attr-dict
}];

// LOAD and STORE share the 2-D strided DMA fields.
class Systolic_IsaDmaOp<string mnemonic, string summaryText>
    : Systolic_IsaOp<mnemonic> {
  let summary = summaryText;
  let arguments = !con((ins Systolic_IsaMemAttr:$mem,
      Systolic_IsaField:$row, Systolic_IsaField:$dram,
      Systolic_IsaField:$bytes, Systolic_IsaField:$x, Systolic_IsaField:$y,
      Systolic_IsaField:$xstride, Systolic_IsaField:$ystride,
      Systolic_IsaField:$pad_top, Systolic_IsaField:$pad_bottom,
      Systolic_IsaField:$pad_left, Systolic_IsaField:$pad_right), tokenArgs);
  let assemblyFormat = !strconcat([{
    $mem (`row` `=` $row^)? (`dram` `=` $dram^)? (`bytes` `=` $bytes^)?
    (`x` `=` $x^)? (`y` `=` $y^)? (`xstride` `=` $xstride^)?
    (`ystride` `=` $ystride^)? (`pad_top` `=` $pad_top^)?
    (`pad_bottom` `=` $pad_bottom^)? (`pad_left` `=` $pad_left^)?
    (`pad_right` `=` $pad_right^)?
  }], tokenFormat);
}

def Systolic_IsaLoadOp : Systolic_IsaDmaOp<"load",
    "LOAD: 2-D strided, zero-padded DMA from DRAM into on-chip rows"> {
  let description = [{
    Writes `(pad_top + y + pad_bottom) x (pad_left + x + pad_right)` rows of
    `mem` from `row`; see docs/isa.md, LOAD.
  }];
}

def Systolic_IsaStoreOp : Systolic_IsaDmaOp<"store",
    "STORE: 2-D strided DMA from on-chip rows to DRAM"> {
  let description = [{
    Writes bytes `[0, bytes)` of rows `row .. row + x*y - 1` to DRAM; the pad
    fields must be zero. See docs/isa.md, STORE.
  }];
}

def Systolic_IsaMatmulOp : Systolic_IsaOp<"matmul"> {
  let summary = "MATMUL: int8 tile product into accumulator rows";
  let description = [{
    Weight-stationary (`ws`): `acc[c+t] (+)= A[a+t][0..k) x B[b..b+k)[0..n)`
    for `t < m`; output-stationary (`os`): A stored transposed. `acc` adds to
    the accumulator rows instead of overwriting them. See docs/isa.md.
  }];
  let arguments = !con((ins Systolic_IsaDfAttr:$df, UnitAttr:$acc,
      Systolic_IsaField:$a, Systolic_IsaField:$b, Systolic_IsaField:$c,
      Systolic_IsaField:$m, Systolic_IsaField:$k, Systolic_IsaField:$n),
      tokenArgs);
  let assemblyFormat = !strconcat([{
    $df (`acc` $acc^)? (`a` `=` $a^)? (`b` `=` $b^)? (`c` `=` $c^)?
    (`m` `=` $m^)? (`k` `=` $k^)? (`n` `=` $n^)?
  }], tokenFormat);
}

def Systolic_IsaOutputOp : Systolic_IsaOp<"output"> {
  let summary = "OUTPUT: accumulator rows to scratchpad through the output "
                "path";
  let description = [{
    Bias, multiplier and shift come from accumulator rows `param`, `+1`,
    `+2`; `zp` and `max` are signed. See docs/isa.md, OUTPUT.
  }];
  let arguments = !con((ins Systolic_IsaActAttr:$act,
      Systolic_IsaField:$src, Systolic_IsaField:$dst, Systolic_IsaField:$param,
      Systolic_IsaField:$rows, Systolic_IsaField:$zp, Systolic_IsaField:$max),
      tokenArgs);
  let assemblyFormat = !strconcat([{
    $act (`src` `=` $src^)? (`dst` `=` $dst^)? (`param` `=` $param^)?
    (`rows` `=` $rows^)? (`zp` `=` $zp^)? (`max` `=` $max^)?
  }], tokenFormat);
}

def Systolic_IsaVectorOp : Systolic_IsaOp<"vector"> {
  let summary = "VECTOR: elementwise add/mul/max on scratchpad or "
                "accumulator rows";
  let description = [{
    int8 lanes saturate, int32 lanes wrap; `shift` shifts products right.
    The destination must equal a source range or not overlap it. See
    docs/isa.md, VECTOR.
  }];
  let arguments = !con((ins Systolic_IsaVecOpAttr:$op,
      Systolic_IsaMemAttr:$mem, Systolic_IsaField:$a, Systolic_IsaField:$b,
      Systolic_IsaField:$dst, Systolic_IsaField:$rows,
      Systolic_IsaField:$shift), tokenArgs);
  let assemblyFormat = !strconcat([{
    $op $mem (`a` `=` $a^)? (`b` `=` $b^)? (`dst` `=` $dst^)?
    (`rows` `=` $rows^)? (`shift` `=` $shift^)?
  }], tokenFormat);
}

def Systolic_IsaLutLoadOp : Systolic_IsaOp<"lutload"> {
  let summary = "LUTLOAD: the 256-entry activation table from scratchpad "
                "rows";
  let arguments = !con((ins Systolic_IsaField:$row), tokenArgs);
  let assemblyFormat = !strconcat([{ (`row` `=` $row^)? }], tokenFormat);
}

def Systolic_IsaWordOp : Systolic_IsaOp<"word"> {
  let summary = "A raw 128-bit instruction word";
  let description = [{
    The `.word LOW HIGH` directive of the assembler: an instruction word that
    does not decode to the field form (illegal opcode, reserved bits, an
    enumerated field out of its cases). It keeps a binary program's import
    exact; a program holding one does not verify, since no such word is a
    legal instruction.
  }];
  let arguments = (ins I64Attr:$low, I64Attr:$high);
  let assemblyFormat = "$low `,` $high attr-dict";
}

#endif // SYSTOLIC_SYSTOLIC_ISA_TD
