`include "sys_isa.svh"
// Systolic accelerator top level: dispatcher, load / compute / store queues
// with dependency-token counters, scratchpad and accumulator SRAMs, error
// state, deadlock detection and performance counters. Off-chip memory is
// outside: a tagged read request/response channel and a write channel.
module sys_top #(
  parameter int ROWS = 16,
  parameter int COLS = 16,
  parameter int SP_ROWS = 8192,
  parameter int SP_BANKS = 4,
  parameter int ACC_ROWS = 2048,
  parameter int ACC_BANKS = 2,
  parameter int QUEUE_DEPTH = 16,
  localparam int W = ROWS > COLS ? ROWS : COLS,
  localparam int BUS_BYTES = W > 4 * COLS ? W : 4 * COLS,
  localparam int NUM_COUNTERS = 17
) (
  input  logic                   clk,
  input  logic                   rst,
  // program, one instruction per handshake, in order
  input  logic                   cmd_valid,
  input  logic [127:0]           cmd_data,
  output logic                   cmd_ready,
  input  logic [31:0]            prog_len,
  input  logic [32:0]            dram_bytes,
  // DRAM
  output logic                   rd_req_valid,
  input  logic                   rd_req_ready,
  output logic [31:0]            rd_req_addr,
  output logic [8:0]             rd_req_bytes,
  output logic [16:0]            rd_req_tag,
  input  logic                   rd_resp_valid,
  output logic                   rd_resp_ready,  // 0: the SRAM write port is taken, hold the response
  input  logic [16:0]            rd_resp_tag,
  input  logic [BUS_BYTES*8-1:0] rd_resp_data,
  output logic                   wr_valid,
  input  logic                   wr_ready,
  output logic [31:0]            wr_addr,
  output logic [8:0]             wr_bytes,
  output logic [BUS_BYTES*8-1:0] wr_data,
  // status
  output logic                   done,
  output logic [3:0]             err_code,
  output logic [31:0]            err_index,   // valid when err_code != 0
  output logic [NUM_COUNTERS*64-1:0] counters  // counter c in bits [c*64 +: 64]
);
  localparam int SP_AW = $clog2(SP_ROWS);
  localparam int ACC_AW = $clog2(ACC_ROWS);

  // ---------------------------------------------------------------- dispatch
  logic [2:0] queue_full, queue_push, queue_empty, queue_pop;
  logic [159:0] queue_head [3];
  logic [31:0] index;
  logic all_dispatched, head_blocked, disp_err;
  logic [3:0] disp_code;
  sys_dispatch #(.ROWS(ROWS), .COLS(COLS), .SP_ROWS(SP_ROWS), .ACC_ROWS(ACC_ROWS)) dispatch (
    .clk(clk), .rst(rst), .cmd_valid(cmd_valid), .cmd_data(cmd_data), .cmd_ready(cmd_ready),
    .prog_len(prog_len), .dram_bytes(dram_bytes), .queue_full(queue_full),
    .queue_push(queue_push), .index(index), .all_dispatched(all_dispatched),
    .head_blocked(head_blocked), .err_valid(disp_err), .err_code(disp_code)
  );
  for (genvar u = 0; u < 3; u++) begin : g_queue
    sys_fifo #(.WIDTH(160), .DEPTH(QUEUE_DEPTH)) queue (
      .clk(clk), .rst(rst), .push(queue_push[u]), .din({index, cmd_data}),
      .pop(queue_pop[u]), .dout(queue_head[u]), .empty(queue_empty[u]), .full(queue_full[u])
    );
  end

  // ---------------------------------------------------------------- tokens
  // l2c: load -> compute, c2l: compute -> load, c2s, s2c likewise.
  logic [15:0] l2c, c2l, c2s, s2c;
  logic ld_tok_pop, ld_tok_push, st_tok_pop, st_tok_push;
  logic cp_pop_prev, cp_pop_next, cp_push_prev, cp_push_next;
  always_ff @(posedge clk) begin
    if (rst) begin
      l2c <= '0; c2l <= '0; c2s <= '0; s2c <= '0;
    end else begin
      l2c <= l2c + 16'(ld_tok_push) - 16'(cp_pop_prev);
      c2l <= c2l + 16'(cp_push_prev) - 16'(ld_tok_pop);
      c2s <= c2s + 16'(cp_push_next) - 16'(st_tok_pop);
      s2c <= s2c + 16'(st_tok_push) - 16'(cp_pop_next);
`ifndef SYNTHESIS
      assert (!((&l2c && ld_tok_push) || (&c2l && cp_push_prev) || (&c2s && cp_push_next) || (&s2c && st_tok_push)))
        else $error("sys_top: dependency-token counter overflow");
`endif
    end
  end

  // ---------------------------------------------------------------- memories
  logic sp_re [3], acc_re [3];
  logic [SP_AW-1:0] sp_raddr [3];
  logic [ACC_AW-1:0] acc_raddr [3];
  logic [W*8-1:0] sp_rdata [3];
  logic [COLS*32-1:0] acc_rdata [3];
  logic sp_we [2], acc_we [2];
  logic [SP_AW-1:0] sp_waddr [2];
  logic [ACC_AW-1:0] acc_waddr [2];
  logic [W*8-1:0] sp_wdata [2];
  logic [COLS*32-1:0] acc_wdata [2];
  logic sp_w1_ok, acc_w1_ok;
  logic [COLS-1:0] cp_acc_wmask;  // lanes of the compute unit's accumulator write
  // Read ports: 0 and 1 compute (A, B), 2 store. Write ports: 0 compute, 1 DMA.
  logic [3*W*8-1:0] sp_rdata_flat;
  logic [3*COLS*32-1:0] acc_rdata_flat;
  sys_sram #(.ROWS(SP_ROWS), .BANKS(SP_BANKS), .LANES(W), .LANE_BITS(8), .NREAD(3)) scratchpad (
    .clk(clk), .re({sp_re[2], sp_re[1], sp_re[0]}), .raddr({sp_raddr[2], sp_raddr[1], sp_raddr[0]}),
    .rdata(sp_rdata_flat), .we({sp_we[1], sp_we[0]}), .waddr({sp_waddr[1], sp_waddr[0]}),
    .wdata({sp_wdata[1], sp_wdata[0]}), .wmask0('1), .w1_ok(sp_w1_ok)
  );
  sys_sram #(.ROWS(ACC_ROWS), .BANKS(ACC_BANKS), .LANES(COLS), .LANE_BITS(32), .NREAD(3)) accumulator (
    .clk(clk), .re({acc_re[2], acc_re[1], acc_re[0]}), .raddr({acc_raddr[2], acc_raddr[1], acc_raddr[0]}),
    .rdata(acc_rdata_flat), .we({acc_we[1], acc_we[0]}), .waddr({acc_waddr[1], acc_waddr[0]}),
    .wdata({acc_wdata[1], acc_wdata[0]}), .wmask0(cp_acc_wmask), .w1_ok(acc_w1_ok)
  );
  for (genvar p = 0; p < 3; p++) begin : g_rdata
    assign sp_rdata[p] = sp_rdata_flat[p*W*8 +: W*8];
    assign acc_rdata[p] = acc_rdata_flat[p*COLS*32 +: COLS*32];
  end

  // ---------------------------------------------------------------- load
  logic ld_we, ld_mem;
  // Unit addresses are 16 bits wide (the ISA field); the SRAMs use the low bits.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [15:0] ld_row, st_raddr, cp_sp_waddr, cp_acc_waddr;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [BUS_BYTES*8-1:0] ld_wdata;
  logic ld_busy, ld_blocked, ld_stall_dram, ld_sram_ready;
  logic [31:0] ld_head;
  sys_load #(.BUS_BYTES(BUS_BYTES)) load (
    .clk(clk), .rst(rst), .q_empty(queue_empty[0]), .q_data(queue_head[0]), .q_pop(queue_pop[0]),
    .tok_avail(c2l != 0), .tok_pop(ld_tok_pop), .tok_push(ld_tok_push),
    .rd_req_valid(rd_req_valid), .rd_req_ready(rd_req_ready), .rd_req_addr(rd_req_addr),
    .rd_req_bytes(rd_req_bytes), .rd_req_tag(rd_req_tag), .rd_resp_valid(rd_resp_valid),
    .rd_resp_ready(rd_resp_ready), .rd_resp_tag(rd_resp_tag), .rd_resp_data(rd_resp_data),
    .sram_we(ld_we), .sram_mem(ld_mem), .sram_row(ld_row), .sram_wdata(ld_wdata),
    .sram_ready(ld_sram_ready),
    .busy(ld_busy), .blocked(ld_blocked), .stall_dram(ld_stall_dram), .head_index(ld_head)
  );
  // The DMA write (request) happens only when compute does not write the same bank.
  assign sp_we[1] = ld_we && !ld_mem;
  assign sp_waddr[1] = SP_AW'(ld_row);
  assign sp_wdata[1] = ld_wdata[W*8-1:0];
  assign acc_we[1] = ld_we && ld_mem;
  assign acc_waddr[1] = ACC_AW'(ld_row);
  assign acc_wdata[1] = ld_wdata[COLS*32-1:0];
  assign ld_sram_ready = ld_mem ? acc_w1_ok : sp_w1_ok;

  // ---------------------------------------------------------------- compute
  logic [1:0] cp_sp_re, cp_acc_re;
  logic [31:0] cp_sp_raddr, cp_acc_raddr;
  logic cp_sp_we, cp_acc_we;
  logic cp_busy, cp_blocked, cp_stall_hazard;
  logic [31:0] cp_head;
  logic [12:0] mac_inc;
  sys_compute #(.ROWS(ROWS), .COLS(COLS)) compute (
    .clk(clk), .rst(rst), .q_empty(queue_empty[1]), .q_data(queue_head[1]), .q_pop(queue_pop[1]),
    .tok_avail_prev(l2c != 0), .tok_avail_next(s2c != 0),
    .tok_pop_prev(cp_pop_prev), .tok_pop_next(cp_pop_next),
    .tok_push_prev(cp_push_prev), .tok_push_next(cp_push_next),
    .sp_rd_en(cp_sp_re), .sp_rd_addr(cp_sp_raddr), .sp_rd_data(sp_rdata_flat[2*W*8-1:0]),
    .sp_we(cp_sp_we), .sp_waddr(cp_sp_waddr), .sp_wdata(sp_wdata[0]),
    .acc_rd_en(cp_acc_re), .acc_rd_addr(cp_acc_raddr), .acc_rd_data(acc_rdata_flat[2*COLS*32-1:0]),
    .acc_we(cp_acc_we), .acc_waddr(cp_acc_waddr), .acc_wdata(acc_wdata[0]), .acc_wmask(cp_acc_wmask),
    .busy(cp_busy), .blocked(cp_blocked), .stall_hazard(cp_stall_hazard),
    .head_index(cp_head), .mac_inc(mac_inc)
  );
  for (genvar p = 0; p < 2; p++) begin : g_cp_ports
    assign sp_re[p] = cp_sp_re[p];
    assign sp_raddr[p] = SP_AW'(cp_sp_raddr[p*16 +: 16]);
    assign acc_re[p] = cp_acc_re[p];
    assign acc_raddr[p] = ACC_AW'(cp_acc_raddr[p*16 +: 16]);
  end
  assign sp_we[0] = cp_sp_we;
  assign sp_waddr[0] = SP_AW'(cp_sp_waddr);
  assign acc_we[0] = cp_acc_we;
  assign acc_waddr[0] = ACC_AW'(cp_acc_waddr);

  // ---------------------------------------------------------------- store
  logic st_sp_re, st_acc_re;
  logic st_busy, st_blocked, st_stall_dram;
  logic [31:0] st_head;
  sys_store #(.SP_BYTES(W), .ACC_BYTES(4 * COLS), .BUS_BYTES(BUS_BYTES)) store (
    .clk(clk), .rst(rst), .q_empty(queue_empty[2]), .q_data(queue_head[2]), .q_pop(queue_pop[2]),
    .tok_avail(c2s != 0), .tok_pop(st_tok_pop), .tok_push(st_tok_push),
    .sp_re(st_sp_re), .acc_re(st_acc_re), .raddr(st_raddr),
    .sp_rdata(sp_rdata[2]), .acc_rdata(acc_rdata[2]),
    .wr_valid(wr_valid), .wr_ready(wr_ready), .wr_addr(wr_addr), .wr_bytes(wr_bytes),
    .wr_data(wr_data), .busy(st_busy), .blocked(st_blocked), .stall_dram(st_stall_dram),
    .head_index(st_head)
  );
  assign sp_re[2] = st_sp_re;
  assign sp_raddr[2] = SP_AW'(st_raddr);
  assign acc_re[2] = st_acc_re;
  assign acc_raddr[2] = ACC_AW'(st_raddr);

  // ---------------------------------------------------------------- completion
  // Deadlock: every unit is idle or waits for a token, at least one waits,
  // and dispatch cannot help (program exhausted or its queue is full).
  wire ld_idle = queue_empty[0] && !ld_busy;
  wire cp_idle = queue_empty[1] && !cp_busy;
  wire st_idle = queue_empty[2] && !st_busy;
  wire any_blocked = ld_blocked || cp_blocked || st_blocked;
  wire units_stuck = (ld_idle || ld_blocked) && (cp_idle || cp_blocked) && (st_idle || st_blocked);
  wire dispatch_stuck = all_dispatched || head_blocked || disp_err;
  logic stuck_prev;
  logic [31:0] blocked_min;
  always_comb begin
    blocked_min = 32'hffffffff;
    if (ld_blocked && ld_head < blocked_min) blocked_min = ld_head;
    if (cp_blocked && cp_head < blocked_min) blocked_min = cp_head;
    if (st_blocked && st_head < blocked_min) blocked_min = st_head;
  end
  wire stuck = units_stuck && dispatch_stuck && any_blocked;
  logic deadlock;
  logic [31:0] deadlock_index;
  wire finished = all_dispatched && ld_idle && cp_idle && st_idle;

  always_ff @(posedge clk) begin
    if (rst) begin
      done <= 1'b0;
      deadlock <= 1'b0;
      stuck_prev <= 1'b0;
      deadlock_index <= '0;
    end else if (!done) begin
      stuck_prev <= stuck;
      if (disp_err && units_stuck) done <= 1'b1;
      else if (stuck && stuck_prev) begin
        // Two quiet cycles in a row: no token can be in transit.
        deadlock <= 1'b1;
        deadlock_index <= blocked_min;
        done <= 1'b1;
      end else if (finished && !disp_err) done <= 1'b1;
    end
  end
  assign err_code = deadlock ? `ERR_DEADLOCK : disp_err ? disp_code : `ERR_OK;
  // Dispatch stops at the faulting instruction, so its index is the fault's.
  assign err_index = deadlock ? deadlock_index : index;

  // ---------------------------------------------------------------- counters
  logic [63:0] count [NUM_COUNTERS];
  for (genvar c = 0; c < NUM_COUNTERS; c++) begin : g_count
    assign counters[c*64 +: 64] = count[c];
  end
  function automatic logic [63:0] count2(input logic a, input logic b);
    count2 = 64'(a) + 64'(b);
  endfunction
  always_ff @(posedge clk) begin
    if (rst) begin
      for (int c = 0; c < NUM_COUNTERS; c++) count[c] <= '0;
    end else if (!done) begin
      count[0] <= count[0] + 64'd1;
      count[1] <= count[1] + 64'(ld_busy);
      count[2] <= count[2] + 64'(ld_blocked);
      count[3] <= count[3] + 64'(ld_stall_dram);
      count[4] <= count[4] + 64'(cp_busy);
      count[5] <= count[5] + 64'(cp_blocked);
      count[6] <= count[6] + 64'(cp_stall_hazard);
      count[7] <= count[7] + 64'(st_busy);
      count[8] <= count[8] + 64'(st_blocked);
      count[9] <= count[9] + 64'(st_stall_dram);
      count[10] <= count[10] + 64'(mac_inc);
      count[11] <= count[11] + count2(sp_re[0], sp_re[1]) + 64'(sp_re[2]);
      count[12] <= count[12] + count2(sp_we[0], sp_we[1] && sp_w1_ok);
      count[13] <= count[13] + count2(acc_re[0], acc_re[1]) + 64'(acc_re[2]);
      count[14] <= count[14] + count2(acc_we[0], acc_we[1] && acc_w1_ok);
      count[15] <= count[15] + (rd_req_valid && rd_req_ready ? 64'(rd_req_bytes) : 64'd0);
      count[16] <= count[16] + (wr_valid && wr_ready ? 64'(wr_bytes) : 64'd0);
    end
  end
endmodule
