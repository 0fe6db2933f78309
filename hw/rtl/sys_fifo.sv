// Synchronous FIFO with first-word fall-through; DEPTH must be a power of two.
module sys_fifo #(
  parameter int WIDTH = 8,
  parameter int DEPTH = 4
) (
  input  logic             clk,
  input  logic             rst,
  input  logic             push,
  input  logic [WIDTH-1:0] din,
  input  logic             pop,
  output logic [WIDTH-1:0] dout,
  output logic             empty,
  output logic             full
);
  localparam int AW = $clog2(DEPTH);
  logic [WIDTH-1:0] mem [DEPTH];
  logic [AW-1:0] rd_ptr, wr_ptr;
  logic [AW:0] count;

  assign empty = count == 0;
  assign full = count == (AW+1)'(DEPTH);
  assign dout = mem[rd_ptr];

  always_ff @(posedge clk) begin
    if (rst) begin
      rd_ptr <= '0;
      wr_ptr <= '0;
      count <= '0;
    end else begin
      if (push) begin
        mem[wr_ptr] <= din;
        wr_ptr <= wr_ptr + 1'b1;
      end
      if (pop) rd_ptr <= rd_ptr + 1'b1;
      count <= count + (AW+1)'(push) - (AW+1)'(pop);
`ifndef SYNTHESIS
      assert (!(push && full && !pop)) else $error("sys_fifo: push into a full FIFO");
      assert (!(pop && empty)) else $error("sys_fifo: pop from an empty FIFO");
`endif
    end
  end
endmodule
