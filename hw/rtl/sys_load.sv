`include "sys_isa.svh"
// Load unit: executes LOAD instructions as 2-D strided DRAM reads, one
// scratchpad/accumulator row per request, writing zero rows for padding
// without touching DRAM. Requests carry their destination as a tag, so many
// can be outstanding and the next LOAD starts before earlier data returns;
// only an instruction that pushes a token waits for all of its data. The SRAM
// write port is shared with the compute unit, which has priority within a
// bank: when sram_ready is low the response is held (rd_resp_ready low) and a
// padding row waits.
module sys_load #(
  parameter int BUS_BYTES = 64
) (
  input  logic                   clk,
  input  logic                   rst,
  input  logic                   q_empty,
  input  logic [159:0]           q_data,      // {index, instruction}
  output logic                   q_pop,
  input  logic                   tok_avail,   // compute -> load token available
  output logic                   tok_pop,
  output logic                   tok_push,    // load -> compute
  output logic                   rd_req_valid,
  input  logic                   rd_req_ready,
  output logic [31:0]            rd_req_addr,
  output logic [8:0]             rd_req_bytes,
  output logic [16:0]            rd_req_tag,  // {mem, row}
  input  logic                   rd_resp_valid,
  output logic                   rd_resp_ready,
  input  logic [16:0]            rd_resp_tag,
  input  logic [BUS_BYTES*8-1:0] rd_resp_data,
  output logic                   sram_we,
  output logic                   sram_mem,
  output logic [15:0]            sram_row,
  output logic [BUS_BYTES*8-1:0] sram_wdata,
  input  logic                   sram_ready,  // the write requested by sram_we happens
  output logic                   busy,
  output logic                   blocked,     // head waits for a token
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
  logic [8:0] px, py;      // position in the padded tile
  logic [15:0] row;        // destination row of (py, px)
  logic [15:0] outstanding;
  logic elems_done;

  wire [8:0] width = 9'(`DMA_PADL(ins)) + 9'(`DMA_X(ins)) + 9'(`DMA_PADR(ins));
  wire [8:0] height = 9'(`DMA_PADT(ins)) + 9'(`DMA_Y(ins)) + 9'(`DMA_PADB(ins));
  wire [8:0] sx = px - 9'(`DMA_PADL(ins));
  wire [8:0] sy = py - 9'(`DMA_PADT(ins));
  wire is_pad = px < 9'(`DMA_PADL(ins)) || sx >= 9'(`DMA_X(ins)) ||
                py < 9'(`DMA_PADT(ins)) || sy >= 9'(`DMA_Y(ins));
  wire last_elem = px == width - 9'd1 && py == height - 9'd1;
  wire needs_push = `I_PUSH_NEXT(ins);

  wire head_ok = !q_empty && (!`I_POP_NEXT(head_ins) || tok_avail);
  wire finishing = active && elems_done && (!needs_push || outstanding == 0);
  wire take = head_ok && (!active || finishing);
  assign q_pop = take;
  assign tok_pop = take && `I_POP_NEXT(head_ins);
  assign tok_push = finishing && needs_push;
  assign head_index = q_data[159:128];
  assign blocked = !q_empty && !head_ok && !active && outstanding == 0;

  // One tile element per cycle: a DRAM request, or a zero row when the DMA
  // write port is not taken by returning data.
  wire elem_active = active && !elems_done;
  assign rd_req_valid = elem_active && !is_pad;
  assign rd_req_addr = `DMA_DRAM(ins) + 32'(sy) * 32'(`DMA_YSTRIDE(ins)) + 32'(sx) * 32'(`DMA_XSTRIDE(ins));
  assign rd_req_bytes = `DMA_BYTES(ins);
  assign rd_req_tag = {`DMA_MEM(ins), row};
  wire pad_write = elem_active && is_pad && !rd_resp_valid && sram_ready;
  wire resp_take = rd_resp_valid && sram_ready;
  assign rd_resp_ready = sram_ready;
  wire advance = (rd_req_valid && rd_req_ready) || pad_write;

  assign sram_we = rd_resp_valid || (elem_active && is_pad);
  assign sram_mem = rd_resp_valid ? rd_resp_tag[16] : `DMA_MEM(ins);
  assign sram_row = rd_resp_valid ? rd_resp_tag[15:0] : row;
  assign sram_wdata = rd_resp_valid ? rd_resp_data : '0;

  assign busy = active || outstanding != 0;
  assign stall_dram = (rd_req_valid && !rd_req_ready) ||
                      (active && elems_done && !finishing);

  always_ff @(posedge clk) begin
    if (rst) begin
      active <= 1'b0;
      outstanding <= '0;
    end else begin
      outstanding <= outstanding + 16'(rd_req_valid && rd_req_ready) - 16'(resp_take);
      if (take) begin
        active <= 1'b1;
        ins <= head_ins;
        px <= '0;
        py <= '0;
        row <= `DMA_ROW(head_ins);
        elems_done <= 1'b0;
      end else if (finishing) begin
        active <= 1'b0;
      end else if (advance) begin
        row <= row + 16'd1;
        if (last_elem) elems_done <= 1'b1;
        else if (px == width - 9'd1) begin
          px <= '0;
          py <= py + 9'd1;
        end else px <= px + 9'd1;
      end
`ifndef SYNTHESIS
      assert (!(rd_resp_valid && outstanding == 0)) else $error("sys_load: DRAM response without a request");
`endif
    end
  end
endmodule
