// One processing element: int8 x int8 -> int32 multiply-accumulate.
//  WS: two weight registers (double-buffered, selected by the activation's
//      bank tag) loaded through a column shift chain; partial sums flow down.
//  OS: the operand b flows down, the product accumulates in place, and a
//      column-wide drain copies the accumulator into the partial-sum chain.
module sys_pe (
  input  logic              clk,
  input  logic              os_mode,
  // activations flowing right
  input  logic              a_valid_in,
  input  logic [7:0]        a_in,
  input  logic              a_bank_in,   // WS: weight bank to multiply with
  input  logic              a_first_in,  // OS: first k step, restarts the sum
  output logic              a_valid_out,
  output logic [7:0]        a_out,
  output logic              a_bank_out,
  output logic              a_first_out,
  // OS operand b flowing down
  input  logic [7:0]        b_in,
  output logic [7:0]        b_out,
  // WS weight shift chain (column-wide enable and bank)
  input  logic              wshift,
  input  logic              wbank,
  input  logic [7:0]        w_in,
  output logic [7:0]        w_out,
  // OS drain (column-wide)
  input  logic              drain,
  // partial sums flowing down
  input  logic              psum_valid_in,
  input  logic [31:0]       psum_in,
  output logic              psum_valid_out,
  output logic [31:0]       psum_out
);
  logic [7:0] weight [2];
  logic [31:0] acc;

  wire [7:0] w_sel = weight[a_bank_in];
  // One multiplier per PE: its second operand is the weight (WS) or b (OS).
  wire [7:0] mul_b = os_mode ? b_in : w_sel;
  wire signed [15:0] prod = $signed(a_in) * $signed(mul_b);
  assign w_out = weight[wbank];

  always_ff @(posedge clk) begin
    a_valid_out <= a_valid_in;
    a_out <= a_in;
    a_bank_out <= a_bank_in;
    a_first_out <= a_first_in;
    if (os_mode) begin
      b_out <= b_in;
      if (a_valid_in) acc <= (a_first_in ? 32'd0 : acc) + {{16{prod[15]}}, prod};
      psum_valid_out <= drain | psum_valid_in;
      psum_out <= drain ? acc : psum_in;
    end else begin
      if (wshift) weight[wbank] <= w_in;
      psum_valid_out <= a_valid_in;
      psum_out <= psum_in + {{16{prod[15]}}, prod};
    end
  end
endmodule
