// Vector unit: elementwise add / mul / max on a scratchpad row (int8,
// saturating, mul shifted right by `shift`) and on an accumulator row
// (int32, wrapping). Bit-exact with vectorOp8/vectorOp32 in sim/golden/Arith.h.
module sys_vector #(
  parameter int LANES8 = 16,
  parameter int LANES32 = 16
) (
  input  logic [1:0]             op,     // 0 add, 1 mul, 2 max
  input  logic [4:0]             shift,
  input  logic [LANES8*8-1:0]    a8,
  input  logic [LANES8*8-1:0]    b8,
  input  logic [LANES32*32-1:0]  a32,
  input  logic [LANES32*32-1:0]  b32,
  output logic [LANES8*8-1:0]    out8,
  output logic [LANES32*32-1:0]  out32
);
  function automatic logic [7:0] sat8(input logic signed [16:0] v);
    sat8 = v > 17'sd127 ? 8'h7f : v < -17'sd128 ? 8'h80 : v[7:0];
  endfunction

  for (genvar l = 0; l < LANES8; l++) begin : g_int8
    wire signed [7:0] a = a8[l*8 +: 8];
    wire signed [7:0] b = b8[l*8 +: 8];
    wire signed [16:0] sum = 17'(a) + 17'(b);
    wire signed [16:0] prod = 17'(a) * 17'(b);
    always_comb
      case (op)
        2'd0: out8[l*8 +: 8] = sat8(sum);
        2'd1: out8[l*8 +: 8] = sat8(prod >>> shift);
        default: out8[l*8 +: 8] = a > b ? a : b;
      endcase
  end
  for (genvar l = 0; l < LANES32; l++) begin : g_int32
    wire signed [31:0] a = a32[l*32 +: 32];
    wire signed [31:0] b = b32[l*32 +: 32];
    wire signed [63:0] prod = 64'(a) * 64'(b);
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [63:0] shifted = prod >>> shift;  // low 32 bits are the result
    /* verilator lint_on UNUSEDSIGNAL */
    always_comb
      case (op)
        2'd0: out32[l*32 +: 32] = a + b;
        2'd1: out32[l*32 +: 32] = shifted[31:0];
        default: out32[l*32 +: 32] = a > b ? a : b;
      endcase
  end
endmodule
