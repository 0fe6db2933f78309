`include "sys_isa.svh"
// Store unit: executes STORE instructions, reading one scratchpad or
// accumulator row per element (each row exactly once) and writing its first
// `bytes` bytes to DRAM with 2-D strides.
module sys_store #(
  parameter int SP_BYTES = 16,
  parameter int ACC_BYTES = 64,
  parameter int BUS_BYTES = 64
) (
  input  logic                   clk,
  input  logic                   rst,
  input  logic                   q_empty,
  input  logic [159:0]           q_data,
  output logic                   q_pop,
  input  logic                   tok_avail,   // compute -> store token available
  output logic                   tok_pop,
  output logic                   tok_push,    // store -> compute
  output logic                   sp_re,
  output logic                   acc_re,
  output logic [15:0]            raddr,
  input  logic [SP_BYTES*8-1:0]  sp_rdata,
  input  logic [ACC_BYTES*8-1:0] acc_rdata,
  output logic                   wr_valid,
  input  logic                   wr_ready,
  output logic [31:0]            wr_addr,
  output logic [8:0]             wr_bytes,
  output logic [BUS_BYTES*8-1:0] wr_data,
  output logic                   busy,
  output logic                   blocked,
  output logic                   stall_dram,
  output logic [31:0]            head_index
);
  logic active;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [127:0] ins;  // fields of the executing instruction
  /* verilator lint_on UNUSEDSIGNAL */
  /* verilator lint_off UNUSEDSIGNAL */
  wire [127:0] head_ins = q_data[127:0];  // instruction at the queue head
  /* verilator lint_on UNUSEDSIGNAL */
  logic [7:0] x, y;        // element whose row is (being) read
  logic [15:0] row;
  logic data_valid;        // rdata holds element (x, y)
  logic reads_done;

  wire head_ok = !q_empty && (!`I_POP_PREV(head_ins) || tok_avail);
  wire take = head_ok && !active;
  assign q_pop = take;
  assign tok_pop = take && `I_POP_PREV(head_ins);
  assign head_index = q_data[159:128];
  assign blocked = !q_empty && !head_ok && !active;

  wire accepted = data_valid && wr_ready;
  wire last_elem = x == `DMA_X(ins) - 8'd1 && y == `DMA_Y(ins) - 8'd1;
  // Read the next row when rdata is free or being consumed this cycle.
  wire do_read = active && !reads_done && (!data_valid || accepted);
  wire finishing = active && reads_done && accepted;
  assign tok_push = finishing && `I_PUSH_PREV(ins);

  // (x, y) advance on every read after the first, so the element being
  // written is always the one read last.
  logic [7:0] wx, wy;
  assign sp_re = do_read && !`DMA_MEM(ins);
  assign acc_re = do_read && `DMA_MEM(ins);
  assign raddr = row;
  assign wr_valid = data_valid;
  assign wr_addr = `DMA_DRAM(ins) + 32'(wy) * 32'(`DMA_YSTRIDE(ins)) + 32'(wx) * 32'(`DMA_XSTRIDE(ins));
  assign wr_bytes = `DMA_BYTES(ins);
  localparam int BUS_BITS = BUS_BYTES * 8;
  assign wr_data = `DMA_MEM(ins) ? BUS_BITS'(acc_rdata) : BUS_BITS'(sp_rdata);

  assign busy = active;
  assign stall_dram = data_valid && !wr_ready;

  always_ff @(posedge clk) begin
    if (rst) begin
      active <= 1'b0;
      data_valid <= 1'b0;
    end else begin
      if (take) begin
        active <= 1'b1;
        ins <= head_ins;
        x <= '0;
        y <= '0;
        row <= `DMA_ROW(head_ins);
        reads_done <= 1'b0;
      end
      if (finishing) active <= 1'b0;
      if (do_read) begin
        wx <= x;
        wy <= y;
        row <= row + 16'd1;
        if (last_elem) reads_done <= 1'b1;
        else if (x == `DMA_X(ins) - 8'd1) begin
          x <= '0;
          y <= y + 8'd1;
        end else x <= x + 8'd1;
      end
      data_valid <= do_read || (data_valid && !wr_ready);
    end
  end
endmodule
