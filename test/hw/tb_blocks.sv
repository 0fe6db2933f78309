// Thin wrappers that fix the parameters of the blocks under test (Verilator
// top modules cannot take parameters from the C++ test).
module tb_array (
  input  logic         clk,
  input  logic         os_mode,
  input  logic         left_valid,
  input  logic [31:0]  left_data,
  input  logic         left_bank,
  input  logic         left_first,
  input  logic         top_valid,
  input  logic [23:0]  top_data,
  input  logic         top_bank,
  input  logic         top_drain,
  output logic         out_valid,
  output logic [95:0]  out_data
);
  sys_array #(.ROWS(4), .COLS(3)) array (.*);
endmodule

module tb_outproc (
  input  logic [127:0]  acc, bias, mult, shift,
  input  logic [7:0]    zero_point, clamp_max,
  input  logic [1:0]    act,
  input  logic [2047:0] lut,
  output logic [31:0]   out
);
  sys_outproc #(.COLS(4)) outproc (.*);
endmodule

module tb_vector (
  input  logic [1:0]   op,
  input  logic [4:0]   shift,
  input  logic [63:0]  a8, b8,
  input  logic [127:0] a32, b32,
  output logic [63:0]  out8,
  output logic [127:0] out32
);
  sys_vector #(.LANES8(8), .LANES32(4)) vector (.*);
endmodule
