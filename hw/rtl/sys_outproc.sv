// Output path for one accumulator row: bias, per-channel fixed-point
// multiplier with rounding shift, zero point, int8 saturation and activation
// (none, ReLU, ReLU6 clamped to [zp, clamp_max], or 256-entry lookup table).
// Bit-exact with systolic::requantize() in sim/golden/Arith.h.
module sys_outproc #(
  parameter int COLS = 16
) (
  // Per-column int32 values, column c in bits [c*32 +: 32].
  input  logic [COLS*32-1:0] acc,
  input  logic [COLS*32-1:0] bias,
  input  logic [COLS*32-1:0] mult,
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [COLS*32-1:0] shift,  // only the low 6 bits of each value are used
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [7:0]  zero_point,
  input  logic [7:0]  clamp_max,
  input  logic [1:0]  act,
  input  logic [2047:0] lut,        // entry e in bits [e*8 +: 8]
  output logic [COLS*8-1:0] out     // column c in bits [c*8 +: 8]
);
  for (genvar c = 0; c < COLS; c++) begin : g_col
    wire signed [31:0] biased = acc[c*32 +: 32] + bias[c*32 +: 32];
    wire signed [31:0] m = mult[c*32 +: 32];
    wire signed [63:0] prod = 64'(biased) * 64'(m);
    wire [5:0] s = shift[c*32 +: 6];
    wire signed [63:0] half = prod >>> (s - 6'd1);
    wire signed [63:0] rounded = s == 6'd0 ? prod : (half + 64'sd1) >>> 1;
    wire signed [63:0] with_zp = rounded + 64'($signed(zero_point));
    wire [7:0] sat = with_zp > 64'sd127 ? 8'h7f : with_zp < -64'sd128 ? 8'h80 : with_zp[7:0];
    wire [7:0] relu = $signed(sat) < $signed(zero_point) ? zero_point : sat;
    wire [7:0] relu6 = $signed(relu) > $signed(clamp_max) ? clamp_max : relu;
    always_comb
      case (act)
        2'd0: out[c*8 +: 8] = sat;
        2'd1: out[c*8 +: 8] = relu;
        2'd2: out[c*8 +: 8] = relu6;
        default: out[c*8 +: 8] = lut[sat*8 +: 8];
      endcase
  end
endmodule
