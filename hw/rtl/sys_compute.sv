`include "sys_isa.svh"
// Compute unit: executes MATMUL on the systolic array and OUTPUT, VECTOR and
// LUTLOAD on the row-wide output processor and vector unit.
//
// MATMUL is pipelined in two stages so that consecutive tiles overlap:
//   preload (WS only): shifts the k x n weight tile into the idle weight bank
//                      through the top of the array (ROWS cycles);
//   stream:            WS: streams m activation rows from the left, one per
//                      cycle, while the next tile preloads;
//                      OS: streams k steps of A^T and B rows, then drains.
// Results leave the array in order, paired with tags queued at injection,
// and are written (or accumulated, with forwarding) into the accumulator.
// Everything else runs alone on a drained pipeline, which also orders all
// accumulator/scratchpad hazards inside the compute queue.
// A token is pushed when the instruction's last result is written (for
// MATMUL the push travels with the tag of its last row), so a token always
// means "all results of this instruction are in SRAM" without stalling issue.
module sys_compute #(
  parameter int ROWS = 16,
  parameter int COLS = 16,
  localparam int W = ROWS > COLS ? ROWS : COLS,
  localparam int TAG_DEPTH = 1 << $clog2(2 * (ROWS + COLS) + 8)
) (
  input  logic              clk,
  input  logic              rst,
  input  logic              q_empty,
  input  logic [159:0]      q_data,
  output logic              q_pop,
  input  logic              tok_avail_prev,  // load -> compute
  input  logic              tok_avail_next,  // store -> compute
  output logic              tok_pop_prev,
  output logic              tok_pop_next,
  output logic              tok_push_prev,
  output logic              tok_push_next,
  // scratchpad: read ports A (bits 0) and B (bits 1), compute write port
  output logic [1:0]        sp_rd_en,
  output logic [31:0]       sp_rd_addr,
  input  logic [2*W*8-1:0]  sp_rd_data,
  output logic              sp_we,
  output logic [15:0]       sp_waddr,
  output logic [W*8-1:0]    sp_wdata,
  // accumulator: read ports A and B, compute write port (lane-masked)
  output logic [1:0]        acc_rd_en,
  output logic [31:0]       acc_rd_addr,
  input  logic [2*COLS*32-1:0] acc_rd_data,
  output logic              acc_we,
  output logic [15:0]       acc_waddr,
  output logic [COLS*32-1:0] acc_wdata,
  output logic [COLS-1:0]   acc_wmask,
  // status
  output logic              busy,
  output logic              blocked,
  output logic              stall_hazard,
  output logic [31:0]       head_index,
  output logic [12:0]       mac_inc
);
  localparam int LUT_ROWS = (256 + W - 1) / W;
  localparam int RW = $clog2(ROWS + 1);

  // Read ports as arrays: index 0 is port A, 1 is port B.
  logic sp_re [2], acc_re [2];
  logic [15:0] sp_raddr [2], acc_raddr [2];
  logic [W*8-1:0] sp_rdata [2];
  logic [COLS*32-1:0] acc_rdata [2];
  for (genvar p = 0; p < 2; p++) begin : g_ports
    assign sp_rd_en[p] = sp_re[p];
    assign sp_rd_addr[p*16 +: 16] = sp_raddr[p];
    assign sp_rdata[p] = sp_rd_data[p*W*8 +: W*8];
    assign acc_rd_en[p] = acc_re[p];
    assign acc_rd_addr[p*16 +: 16] = acc_raddr[p];
    assign acc_rdata[p] = acc_rd_data[p*COLS*32 +: COLS*32];
  end

  wire [127:0] head = q_data[127:0];
  assign head_index = q_data[159:128];
  wire [3:0] head_op = `I_OPC(head);

  // ---------------------------------------------------------------- state
  logic os_mode;
  logic next_bank;
  logic [RW:0] bank_cool [2];     // cycles until a weight bank may be rewritten

  // preload stage
  logic p_valid, p_bank;
  logic [RW-1:0] p_cnt;
  logic p_issued;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [127:0] p_ins;
  logic [127:0] s_ins;
  logic [127:0] e_ins;
  /* verilator lint_on UNUSEDSIGNAL */

  // stream stage
  logic s_valid, s_os, s_bank, s_drain_phase;
  logic [11:0] s_cnt;

  // exclusive stage (OUTPUT / VECTOR / LUTLOAD)
  logic e_valid, e_issued;
  logic [12:0] e_cnt;


  // one-cycle SRAM read delay: what arrives on rdata this cycle
  logic d_pre, d_pre_zero, d_pre_bank;
  logic d_str, d_str_first, d_str_os, d_str_bank, d_drain, d_os_tag;
  logic [12:0] d_mac;
  logic d_e;
  logic [12:0] d_e_step;

  // Write-back tag of an array result row.
  localparam int TAG_W = 28;  // width of tag_t (Yosys 0.23 has no $bits of a type)
  typedef struct packed {
    logic        push_prev;
    logic        push_next;
    logic        discard;
    logic        accumulate;
    logic [7:0]  n;
    logic [15:0] row;
  } tag_t;
  tag_t tag_in, tag_out;
  tag_t d_tag;                 // tag of the row injected this cycle
  wire wb_read;
  logic [15:0] inflight;       // tagged rows not yet written back
  logic w1_valid;
  logic tag_empty;

  // ---------------------------------------------------------------- issue
  wire tokens_ok = (!`I_POP_PREV(head) || tok_avail_prev) && (!`I_POP_NEXT(head) || tok_avail_next);
  wire d_any = d_pre || d_str || d_drain || d_os_tag || d_e;
  wire drained = !p_valid && !s_valid && !e_valid && !d_any && inflight == 0 && !w1_valid;
  wire head_is_ws = head_op == `OP_MATMUL && !`MM_OS(head);
  wire head_is_os = head_op == `OP_MATMUL && `MM_OS(head);
  wire bank_free = bank_cool[next_bank] == 0 && !(s_valid && !s_os && s_bank == next_bank);
  logic hazard_ok;
  always_comb begin
    // MATMULs overlap each other but never an OUTPUT / VECTOR / LUTLOAD.
    if (head_is_ws) hazard_ok = !p_valid && !e_valid && (!os_mode || drained) && bank_free;
    else if (head_is_os) hazard_ok = !p_valid && !s_valid && !e_valid && (os_mode || drained);
    else hazard_ok = drained;
  end
  wire issue = !q_empty && tokens_ok && hazard_ok;
  assign q_pop = issue;
  assign tok_pop_prev = issue && `I_POP_PREV(head);
  assign tok_pop_next = issue && `I_POP_NEXT(head);
  assign busy = !drained;
  assign blocked = !q_empty && !tokens_ok && drained;
  assign stall_hazard = !q_empty && tokens_ok && !hazard_ok;

  // ---------------------------------------------------------------- preload
  // Row ROWS-1-p_cnt of the weight tile enters first; rows >= k are zero.
  wire [RW-1:0] p_row = RW'(ROWS - 1) - p_cnt;
  wire p_row_used = 12'(p_row) < `MM_K(p_ins);
  wire p_issue = p_valid && !p_issued;
  wire p_last = p_issue && p_cnt == RW'(ROWS - 1);

  // ---------------------------------------------------------------- stream
  wire [11:0] s_len = s_os ? `MM_K(s_ins) : `MM_M(s_ins);
  wire s_data_issue = s_valid && !s_drain_phase;
  wire s_data_last = s_data_issue && s_cnt == s_len - 12'd1;
  wire s_drain_last = s_valid && s_drain_phase && s_cnt == 12'(ROWS - 1);
  wire s_done = (s_data_last && !s_os) || s_drain_last;
  wire s_free_next = !s_valid || s_done;
  wire handoff = p_valid && (p_issued || p_last) && s_free_next;

  // ---------------------------------------------------------------- exclusive
  wire [3:0] e_op = `I_OPC(e_ins);
  wire [12:0] e_len = e_op == `OP_OUTPUT ? 13'(`OUT_ROWS(e_ins)) + 13'd3 :
                      e_op == `OP_VECTOR ? 13'(`VEC_ROWS(e_ins)) : 13'(LUT_ROWS);
  wire e_issue = e_valid && !e_issued;
  wire e_last_issue = e_issue && e_cnt == e_len - 13'd1;
  wire e_finish = d_e && d_e_step == e_len - 13'd1;

  // ---------------------------------------------------------------- SRAM reads
  wire vec_acc = `VEC_MEM(e_ins);
  always_comb begin
    sp_re[0] = 1'b0; sp_raddr[0] = '0;
    sp_re[1] = 1'b0; sp_raddr[1] = '0;
    acc_re[0] = 1'b0; acc_raddr[0] = '0;
    acc_re[1] = 1'b0; acc_raddr[1] = '0;
    if (s_data_issue) begin
      sp_re[0] = 1'b1;
      sp_raddr[0] = `MM_A(s_ins) + 16'(s_cnt);
      if (s_os) begin
        sp_re[1] = 1'b1;
        sp_raddr[1] = `MM_B(s_ins) + 16'(s_cnt);
      end
    end
    if (p_issue && p_row_used) begin
      sp_re[1] = 1'b1;
      sp_raddr[1] = `MM_B(p_ins) + 16'(p_row);
    end
    if (e_issue) begin
      case (e_op)
        `OP_OUTPUT: begin
          acc_re[0] = 1'b1;
          acc_raddr[0] = e_cnt < 13'd3 ? `OUT_PARAM(e_ins) + 16'(e_cnt) : `OUT_SRC(e_ins) + 16'(e_cnt) - 16'd3;
        end
        `OP_VECTOR: begin
          sp_re[0] = !vec_acc; acc_re[0] = vec_acc;
          sp_re[1] = !vec_acc; acc_re[1] = vec_acc;
          sp_raddr[0] = `VEC_A(e_ins) + 16'(e_cnt); acc_raddr[0] = `VEC_A(e_ins) + 16'(e_cnt);
          sp_raddr[1] = `VEC_B(e_ins) + 16'(e_cnt); acc_raddr[1] = `VEC_B(e_ins) + 16'(e_cnt);
        end
        default: begin
          sp_re[1] = 1'b1;
          sp_raddr[1] = `LUT_ROW(e_ins) + 16'(e_cnt);
        end
      endcase
    end
    if (wb_read) begin
      acc_re[0] = 1'b1;
      acc_raddr[0] = tag_out.row;
    end
  end

  // ---------------------------------------------------------------- array
  wire [ROWS*8-1:0] left_data = sp_rdata[0][ROWS*8-1:0];
  wire [COLS*8-1:0] top_data = d_pre && d_pre_zero ? '0 : sp_rdata[1][COLS*8-1:0];
  logic out_valid;
  logic [COLS*32-1:0] out_data;
  sys_array #(.ROWS(ROWS), .COLS(COLS)) array (
    .clk(clk), .os_mode(os_mode),
    .left_valid(d_str), .left_data(left_data), .left_bank(d_str_bank), .left_first(d_str_first),
    .top_valid(d_pre || (d_str && d_str_os)), .top_data(top_data), .top_bank(d_pre_bank),
    .top_drain(d_drain),
    .out_valid(out_valid), .out_data(out_data)
  );

  // ---------------------------------------------------------------- tags
  wire tag_push = (d_str && !d_str_os) || d_os_tag;
  // Tags are formed when the row is read, as s_ins may change before it is injected.
  always_comb begin
    tag_in.accumulate = `MM_ACC(s_ins);
    tag_in.push_prev = `I_PUSH_PREV(s_ins) && (s_os ? s_drain_last : s_data_last);
    tag_in.push_next = `I_PUSH_NEXT(s_ins) && (s_os ? s_drain_last : s_data_last);
    tag_in.n = `MM_N(s_ins);
    if (s_drain_phase) begin
      // OS drains PE rows bottom-up: step q carries row ROWS-1-q.
      tag_in.row = `MM_C(s_ins) + 16'(ROWS - 1) - 16'(s_cnt);
      tag_in.discard = 12'(ROWS - 1) - s_cnt >= `MM_M(s_ins);
    end else begin
      tag_in.row = `MM_C(s_ins) + 16'(s_cnt);
      tag_in.discard = 1'b0;
    end
  end
  /* verilator lint_off UNUSEDSIGNAL */
  logic tag_full;
  /* verilator lint_on UNUSEDSIGNAL */
  sys_fifo #(.WIDTH(TAG_W), .DEPTH(TAG_DEPTH)) tags (
    .clk(clk), .rst(rst), .push(tag_push), .din(d_tag), .pop(out_valid), .dout(tag_out),
    .empty(tag_empty), .full(tag_full)
  );

  // ---------------------------------------------------------------- write-back
  // Cycle 1: read the old row (when accumulating); cycle 2: add and write.
  assign wb_read = out_valid && !tag_out.discard && tag_out.accumulate;
  tag_t w1_tag;
  logic [COLS*32-1:0] w1_data;
  logic lw_valid;
  logic [15:0] lw_row;
  logic [COLS*32-1:0] lw_data;
  logic [COLS-1:0] lw_mask;
  logic [COLS-1:0] w1_mask;
  logic [COLS*32-1:0] wb_data;
  logic [31:0] wb_old [COLS];
  always_comb begin
    for (int j = 0; j < COLS; j++) begin
      // The row written last cycle is not yet visible to the read: forward it.
      wb_old[j] = lw_valid && lw_row == w1_tag.row && lw_mask[j] ? lw_data[j*32 +: 32]
                                                                 : acc_rdata[0][j*32 +: 32];
      w1_mask[j] = 8'(j) < w1_tag.n;
      wb_data[j*32 +: 32] = w1_tag.accumulate ? wb_old[j] + w1_data[j*32 +: 32] : w1_data[j*32 +: 32];
    end
  end
  wire wb_write = w1_valid && !w1_tag.discard;
  assign tok_push_prev = (w1_valid && w1_tag.push_prev) || (e_finish && `I_PUSH_PREV(e_ins));
  assign tok_push_next = (w1_valid && w1_tag.push_next) || (e_finish && `I_PUSH_NEXT(e_ins));

  // ---------------------------------------------------------------- output / vector / LUT
  logic [COLS*32-1:0] bias, mult, shift;
  logic [7:0] lut [256];
  logic [2047:0] lut_flat;
  for (genvar e = 0; e < 256; e++) begin : g_lut
    assign lut_flat[e*8 +: 8] = lut[e];
  end
  logic [COLS*8-1:0] out_row;
  sys_outproc #(.COLS(COLS)) outproc (
    .acc(acc_rdata[0]), .bias(bias), .mult(mult), .shift(shift),
    .zero_point(`OUT_ZP(e_ins)), .clamp_max(`OUT_MAX(e_ins)), .act(`OUT_ACT(e_ins)),
    .lut(lut_flat), .out(out_row)
  );

  logic [W*8-1:0] vec8;
  logic [COLS*32-1:0] vec32;
  sys_vector #(.LANES8(W), .LANES32(COLS)) vector (
    .op(`VEC_OP(e_ins)), .shift(`VEC_SHIFT(e_ins)),
    .a8(sp_rdata[0]), .b8(sp_rdata[1]), .a32(acc_rdata[0]), .b32(acc_rdata[1]),
    .out8(vec8), .out32(vec32)
  );

  wire e_out_row = d_e && e_op == `OP_OUTPUT && d_e_step >= 13'd3;
  wire e_vec = d_e && e_op == `OP_VECTOR;
  always_comb begin
    sp_we = e_out_row || (e_vec && !vec_acc);
    sp_waddr = e_op == `OP_OUTPUT ? `OUT_DST(e_ins) + 16'(d_e_step) - 16'd3 : `VEC_DST(e_ins) + 16'(d_e_step);
    sp_wdata = '0;
    if (e_op == `OP_OUTPUT) sp_wdata[COLS*8-1:0] = out_row;
    else sp_wdata = vec8;
    acc_we = wb_write || (e_vec && vec_acc);
    acc_waddr = wb_write ? w1_tag.row : `VEC_DST(e_ins) + 16'(d_e_step);
    acc_wdata = wb_write ? wb_data : vec32;
    acc_wmask = wb_write ? w1_mask : '1;
  end

  assign mac_inc = d_str ? d_mac : 13'd0;

  // ---------------------------------------------------------------- sequencing
  always_ff @(posedge clk) begin
    if (rst) begin
      os_mode <= 1'b0;
      next_bank <= 1'b0;
      bank_cool[0] <= '0;
      bank_cool[1] <= '0;
      p_valid <= 1'b0;
      s_valid <= 1'b0;
      e_valid <= 1'b0;
      d_pre <= 1'b0;
      d_str <= 1'b0;
      d_drain <= 1'b0;
      d_os_tag <= 1'b0;
      d_e <= 1'b0;
      inflight <= '0;
      w1_valid <= 1'b0;
      lw_valid <= 1'b0;
    end else begin
      for (int b = 0; b < 2; b++)
        if (bank_cool[b] != 0) bank_cool[b] <= bank_cool[b] - 1'b1;

      if (issue) begin
        if (head_is_ws) begin
          os_mode <= 1'b0;
          p_valid <= 1'b1;
          p_ins <= head;
          p_bank <= next_bank;
          p_cnt <= '0;
          p_issued <= 1'b0;
          next_bank <= !next_bank;
        end else if (head_is_os) begin
          os_mode <= 1'b1;
          s_valid <= 1'b1;
          s_os <= 1'b1;
          s_ins <= head;
          s_cnt <= '0;
          s_drain_phase <= 1'b0;
        end else begin
          e_valid <= 1'b1;
          e_ins <= head;
          e_cnt <= '0;
          e_issued <= 1'b0;
        end
      end

      // preload
      if (p_issue) begin
        p_cnt <= p_cnt + 1'b1;
        if (p_last) p_issued <= 1'b1;
      end
      d_pre <= p_issue;
      d_pre_zero <= !p_row_used;
      d_pre_bank <= p_bank;

      // stream
      if (s_done) begin
        s_valid <= 1'b0;
        if (!s_os) bank_cool[s_bank] <= (RW+1)'(ROWS + 1);
      end
      if (s_data_last && s_os) begin
        s_drain_phase <= 1'b1;
        s_cnt <= '0;
      end else if (s_valid) s_cnt <= s_cnt + 12'd1;
      if (handoff) begin
        p_valid <= 1'b0;
        s_valid <= 1'b1;
        s_os <= 1'b0;
        s_bank <= p_bank;
        s_ins <= p_ins;
        s_cnt <= '0;
        s_drain_phase <= 1'b0;
      end
      d_str <= s_data_issue;
      d_str_first <= s_cnt == 0;
      d_str_os <= s_os;
      d_str_bank <= s_bank;
      d_mac <= s_os ? 13'(`MM_M(s_ins)) * 13'(`MM_N(s_ins)) : 13'(`MM_K(s_ins)) * 13'(`MM_N(s_ins));
      d_tag <= tag_in;
      d_os_tag <= s_valid && s_drain_phase;
      d_drain <= s_drain_last;

      // exclusive
      if (e_issue) begin
        e_cnt <= e_cnt + 13'd1;
        if (e_last_issue) e_issued <= 1'b1;
      end
      d_e <= e_issue;
      d_e_step <= e_cnt;
      if (e_finish) e_valid <= 1'b0;
      if (d_e && e_op == `OP_OUTPUT) begin
        if (d_e_step == 13'd0) bias <= acc_rdata[0];
        if (d_e_step == 13'd1) mult <= acc_rdata[0];
        if (d_e_step == 13'd2) shift <= acc_rdata[0];
      end
      if (d_e && e_op == `OP_LUTLOAD)
        for (int l = 0; l < W; l++)
          if (32'(d_e_step) * W + l < 256) lut[8'(32'(d_e_step) * W + l)] <= sp_rdata[1][l*8 +: 8];

      // write-back
      inflight <= inflight + 16'(tag_push) - 16'(w1_valid);
      w1_valid <= out_valid;
      w1_tag <= tag_out;
      w1_data <= out_data;
      lw_valid <= wb_write;
      lw_row <= w1_tag.row;
      lw_data <= wb_data;
      lw_mask <= w1_mask;
`ifndef SYNTHESIS
      assert (!(out_valid && tag_empty)) else $error("sys_compute: array result without a tag");
      assert (!(e_issue && (s_data_issue || p_issue)))
        else $error("sys_compute: exclusive instruction overlaps a MATMUL");
      assert (!(p_issue && p_row_used && s_os && s_data_issue))
        else $error("sys_compute: preload and OS stream both use scratchpad port B");
`endif
    end
  end
endmodule
