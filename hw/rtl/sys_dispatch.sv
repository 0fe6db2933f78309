`include "sys_isa.svh"
// In-order dispatcher: checks each instruction exactly like
// systolic::check() (same order of checks, so the same error wins) and routes
// legal ones to the load, compute or store queue. The first illegal
// instruction latches the error code and its program index and stops dispatch.
module sys_dispatch #(
  parameter int ROWS = 16,
  parameter int COLS = 16,
  parameter int SP_ROWS = 8192,
  parameter int ACC_ROWS = 2048
) (
  input  logic         clk,
  input  logic         rst,
  input  logic         cmd_valid,
  input  logic [127:0] cmd_data,
  output logic         cmd_ready,
  input  logic [31:0]  prog_len,
  input  logic [32:0]  dram_bytes,
  input  logic [2:0]   queue_full,      // bit 0 load, 1 compute, 2 store
  output logic [2:0]   queue_push,
  output logic [31:0]  index,            // program index of cmd_data
  output logic         all_dispatched,
  output logic         head_blocked,     // legal head waits for a full queue
  output logic         err_valid,
  output logic [3:0]   err_code
);
  localparam int W = ROWS > COLS ? ROWS : COLS;
  localparam int LUT_ROWS = (256 + W - 1) / W;

  wire [127:0] w = cmd_data;
  wire [3:0] opc = `I_OPC(w);

  // Widened operands so that sums cannot wrap.
  function automatic logic sram_bad(input logic [15:0] start, input logic [31:0] count,
                                    input logic is_acc);
    sram_bad = {16'd0, start} + count > (is_acc ? 32'(ACC_ROWS) : 32'(SP_ROWS));
  endfunction
  function automatic logic overlaps(input logic [15:0] dst, input logic [15:0] src,
                                    input logic [11:0] rows);
    overlaps = src != dst && !(17'(dst) + 17'(rows) <= 17'(src) || 17'(src) + 17'(rows) <= 17'(dst));
  endfunction

  logic [3:0] code;
  logic [1:0] unit;
  logic [31:0] load_rows, dma_rows;
  logic [39:0] dram_end;
  logic [8:0] max_bytes;
  logic [11:0] max_m, max_k;
  always_comb begin
    code = `ERR_OK;
    unit = 2'd1;
    load_rows = (32'(`DMA_PADT(w)) + 32'(`DMA_Y(w)) + 32'(`DMA_PADB(w))) *
                (32'(`DMA_PADL(w)) + 32'(`DMA_X(w)) + 32'(`DMA_PADR(w)));
    dma_rows = `I_OPC(w) == `OP_LOAD ? load_rows : 32'(`DMA_X(w)) * 32'(`DMA_Y(w));
    // x, y >= 1 whenever this is used (checked first).
    dram_end = 40'(`DMA_DRAM(w)) + (40'(`DMA_Y(w)) - 40'd1) * 40'(`DMA_YSTRIDE(w)) +
               (40'(`DMA_X(w)) - 40'd1) * 40'(`DMA_XSTRIDE(w)) + 40'(`DMA_BYTES(w));
    max_bytes = `DMA_MEM(w) ? 9'(4 * COLS) : 9'(W);
    max_m = `MM_OS(w) ? 12'(ROWS) : 12'd4095;
    max_k = `MM_OS(w) ? 12'd4095 : 12'(ROWS);
    case (opc)
      `OP_LOAD, `OP_STORE: begin
        unit = opc == `OP_LOAD ? 2'd0 : 2'd2;
        if (|(w & `RSV_DMA)) code = `ERR_RESERVED;
        else if (opc == `OP_LOAD ? (`I_POP_PREV(w) | `I_PUSH_PREV(w)) : (`I_POP_NEXT(w) | `I_PUSH_NEXT(w)))
          code = `ERR_TOKENS;
        else if (`DMA_BYTES(w) < 9'd1 || `DMA_BYTES(w) > max_bytes) code = `ERR_FIELD;
        else if (`DMA_MEM(w) && `DMA_BYTES(w) % 9'd4 != 0) code = `ERR_FIELD;
        else if (`DMA_X(w) == 0 || `DMA_Y(w) == 0) code = `ERR_FIELD;
        else if (opc == `OP_STORE && (`DMA_PADL(w) | `DMA_PADR(w) | `DMA_PADT(w) | `DMA_PADB(w)) != 0)
          code = `ERR_FIELD;
        else if (sram_bad(`DMA_ROW(w), dma_rows, `DMA_MEM(w))) code = `ERR_SRAM;
        else if (dram_end > 40'(dram_bytes)) code = `ERR_DRAM;
      end
      `OP_MATMUL: begin
        if (|(w & `RSV_MATMUL)) code = `ERR_RESERVED;
        else if (`MM_M(w) < 12'd1 || `MM_M(w) > max_m) code = `ERR_FIELD;
        else if (`MM_K(w) < 12'd1 || `MM_K(w) > max_k) code = `ERR_FIELD;
        else if (`MM_N(w) < 8'd1 || `MM_N(w) > 8'(COLS)) code = `ERR_FIELD;
        else if (sram_bad(`MM_A(w), `MM_OS(w) ? 32'(`MM_K(w)) : 32'(`MM_M(w)), 1'b0)) code = `ERR_SRAM;
        else if (sram_bad(`MM_B(w), 32'(`MM_K(w)), 1'b0)) code = `ERR_SRAM;
        else if (sram_bad(`MM_C(w), 32'(`MM_M(w)), 1'b1)) code = `ERR_SRAM;
      end
      `OP_OUTPUT: begin
        if (|(w & `RSV_OUTPUT)) code = `ERR_RESERVED;
        else if (`OUT_ROWS(w) == 0) code = `ERR_FIELD;
        else if (sram_bad(`OUT_SRC(w), 32'(`OUT_ROWS(w)), 1'b1)) code = `ERR_SRAM;
        else if (sram_bad(`OUT_PARAM(w), 32'd3, 1'b1)) code = `ERR_SRAM;
        else if (sram_bad(`OUT_DST(w), 32'(`OUT_ROWS(w)), 1'b0)) code = `ERR_SRAM;
      end
      `OP_VECTOR: begin
        if (|(w & `RSV_VECTOR)) code = `ERR_RESERVED;
        else if (`VEC_OP(w) > 2'd2 || `VEC_ROWS(w) == 0) code = `ERR_FIELD;
        else if (sram_bad(`VEC_A(w), 32'(`VEC_ROWS(w)), `VEC_MEM(w))) code = `ERR_SRAM;
        else if (sram_bad(`VEC_B(w), 32'(`VEC_ROWS(w)), `VEC_MEM(w))) code = `ERR_SRAM;
        else if (sram_bad(`VEC_DST(w), 32'(`VEC_ROWS(w)), `VEC_MEM(w))) code = `ERR_SRAM;
        else if (overlaps(`VEC_DST(w), `VEC_A(w), `VEC_ROWS(w)) ||
                 overlaps(`VEC_DST(w), `VEC_B(w), `VEC_ROWS(w))) code = `ERR_OVERLAP;
      end
      `OP_LUTLOAD: begin
        if (|(w & `RSV_LUT)) code = `ERR_RESERVED;
        else if (sram_bad(`LUT_ROW(w), 32'(LUT_ROWS), 1'b0)) code = `ERR_SRAM;
      end
      default: code = `ERR_OPCODE;
    endcase
  end

  assign all_dispatched = index == prog_len;
  wire active = cmd_valid && !err_valid && !all_dispatched;
  assign head_blocked = active && code == `ERR_OK && queue_full[unit];
  assign cmd_ready = active && code == `ERR_OK && !queue_full[unit];
  assign queue_push = cmd_ready ? 3'b001 << unit : 3'b000;

  always_ff @(posedge clk) begin
    if (rst) begin
      index <= '0;
      err_valid <= 1'b0;
      err_code <= `ERR_OK;
    end else if (active && code != `ERR_OK) begin
      err_valid <= 1'b1;
      err_code <= code;
    end else if (cmd_ready) begin
      index <= index + 1;
    end
  end
endmodule
