// ROWS x COLS systolic array with input skew and output deskew. Inputs are
// presented unskewed (one full row per cycle); outputs leave as a full,
// aligned row of COLS int32 with out_valid. Timing (cycle of injection = 0):
//  WS: activation row t reaches PE(i,j) at t+i+j; its result leaves at
//      t+ROWS+COLS-1. Weights injected on the top port at cycles L..L+ROWS-1
//      (row ROWS-1 first) are usable by activations injected from L+ROWS on.
//  OS: data for step t meets at PE(i,j) at t+i+j; a drain injected at D
//      (D >= last data + ROWS) emits PE rows ROWS-1..0 at D+COLS .. D+COLS+ROWS-1.
module sys_array #(
  parameter int ROWS = 16,
  parameter int COLS = 16
) (
  input  logic        clk,
  input  logic        os_mode,
  input  logic        left_valid,
  input  logic [ROWS*8-1:0] left_data,   // row i in bits [i*8 +: 8]
  input  logic        left_bank,
  input  logic        left_first,
  input  logic        top_valid,    // WS: weight shift, OS: operand b valid
  input  logic [COLS*8-1:0] top_data,    // column j in bits [j*8 +: 8]
  input  logic        top_bank,
  input  logic        top_drain,
  output logic        out_valid,
  output logic [COLS*32-1:0] out_data   // column j in bits [j*32 +: 32]
);
  // Skew lines: row i (column j) sees its input i (j) cycles late.
  logic [7:0] lsk_data [ROWS][ROWS];
  logic       lsk_valid [ROWS][ROWS];
  logic       lsk_bank [ROWS][ROWS];
  logic       lsk_first [ROWS][ROWS];
  logic [7:0] tsk_data [COLS][COLS];
  logic       tsk_valid [COLS][COLS];
  logic       tsk_bank [COLS][COLS];
  logic       tsk_drain [COLS][COLS];

  always_ff @(posedge clk) begin
    for (int i = 1; i < ROWS; i++) begin
      lsk_data[i][0] <= left_data[i*8 +: 8];
      lsk_valid[i][0] <= left_valid;
      lsk_bank[i][0] <= left_bank;
      lsk_first[i][0] <= left_first;
      for (int d = 1; d < i; d++) begin
        lsk_data[i][d] <= lsk_data[i][d-1];
        lsk_valid[i][d] <= lsk_valid[i][d-1];
        lsk_bank[i][d] <= lsk_bank[i][d-1];
        lsk_first[i][d] <= lsk_first[i][d-1];
      end
    end
    for (int j = 1; j < COLS; j++) begin
      tsk_data[j][0] <= top_data[j*8 +: 8];
      tsk_valid[j][0] <= top_valid;
      tsk_bank[j][0] <= top_bank;
      tsk_drain[j][0] <= top_drain;
      for (int d = 1; d < j; d++) begin
        tsk_data[j][d] <= tsk_data[j][d-1];
        tsk_valid[j][d] <= tsk_valid[j][d-1];
        tsk_bank[j][d] <= tsk_bank[j][d-1];
        tsk_drain[j][d] <= tsk_drain[j][d-1];
      end
    end
  end

  // Signals between PEs: index [i][j] is the output of PE(i,j).
  logic       a_valid [ROWS][COLS];
  logic [7:0] a_data [ROWS][COLS];
  logic       a_bank [ROWS][COLS];
  logic       a_first [ROWS][COLS];
  logic [7:0] b_data [ROWS][COLS];
  logic [7:0] w_data [ROWS][COLS];
  logic       p_valid [ROWS][COLS];
  logic [31:0] p_data [ROWS][COLS];

  for (genvar i = 0; i < ROWS; i++) begin : g_row
    wire       row_valid = i == 0 ? left_valid : lsk_valid[i][i-1 < 0 ? 0 : i-1];
    wire [7:0] row_data  = i == 0 ? left_data[7:0] : lsk_data[i][i-1 < 0 ? 0 : i-1];
    wire       row_bank  = i == 0 ? left_bank : lsk_bank[i][i-1 < 0 ? 0 : i-1];
    wire       row_first = i == 0 ? left_first : lsk_first[i][i-1 < 0 ? 0 : i-1];
    for (genvar j = 0; j < COLS; j++) begin : g_col
      wire       col_valid = j == 0 ? top_valid : tsk_valid[j][j-1 < 0 ? 0 : j-1];
      wire [7:0] col_data  = j == 0 ? top_data[7:0] : tsk_data[j][j-1 < 0 ? 0 : j-1];
      wire       col_bank  = j == 0 ? top_bank : tsk_bank[j][j-1 < 0 ? 0 : j-1];
      wire       col_drain = j == 0 ? top_drain : tsk_drain[j][j-1 < 0 ? 0 : j-1];
      sys_pe pe (
        .clk(clk), .os_mode(os_mode),
        .a_valid_in(j == 0 ? row_valid : a_valid[i][j == 0 ? 0 : j-1]),
        .a_in(j == 0 ? row_data : a_data[i][j == 0 ? 0 : j-1]),
        .a_bank_in(j == 0 ? row_bank : a_bank[i][j == 0 ? 0 : j-1]),
        .a_first_in(j == 0 ? row_first : a_first[i][j == 0 ? 0 : j-1]),
        .a_valid_out(a_valid[i][j]), .a_out(a_data[i][j]),
        .a_bank_out(a_bank[i][j]), .a_first_out(a_first[i][j]),
        .b_in(i == 0 ? col_data : b_data[i == 0 ? 0 : i-1][j]), .b_out(b_data[i][j]),
        .wshift(col_valid && !os_mode), .wbank(col_bank),
        .w_in(i == 0 ? col_data : w_data[i == 0 ? 0 : i-1][j]), .w_out(w_data[i][j]),
        .drain(col_drain && os_mode),
        .psum_valid_in(i == 0 ? 1'b0 : p_valid[i == 0 ? 0 : i-1][j]),
        .psum_in(i == 0 ? 32'd0 : p_data[i == 0 ? 0 : i-1][j]),
        .psum_valid_out(p_valid[i][j]), .psum_out(p_data[i][j])
      );
    end
  end

  // Deskew: column j waits COLS-1-j cycles so that a row leaves aligned.
  logic [31:0] dsk_data [COLS][COLS];
  logic        dsk_valid [COLS][COLS];
  always_ff @(posedge clk)
    for (int j = 0; j < COLS - 1; j++) begin
      dsk_data[j][0] <= p_data[ROWS-1][j];
      dsk_valid[j][0] <= p_valid[ROWS-1][j];
      for (int d = 1; d < COLS - 1 - j; d++) begin
        dsk_data[j][d] <= dsk_data[j][d-1];
        dsk_valid[j][d] <= dsk_valid[j][d-1];
      end
    end

  assign out_valid = dsk_valid[0][COLS-2];
  for (genvar j = 0; j < COLS - 1; j++) begin : g_out
    assign out_data[j*32 +: 32] = dsk_data[j][COLS-2-j];
  end
  assign out_data[(COLS-1)*32 +: 32] = p_data[ROWS-1][COLS-1];

`ifndef SYNTHESIS
  always_ff @(posedge clk)
    assert (p_valid[ROWS-1][COLS-1] == out_valid)
      else $error("sys_array: output columns are misaligned");
`endif
endmodule
