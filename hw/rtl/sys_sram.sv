// Banked on-chip SRAM: ROWS rows of LANES x LANE_BITS, split into BANKS banks
// by the high address bits. NREAD registered read ports (data holds until the
// port's next read) and two lane-masked write ports (0: compute, 1: DMA).
// Reads return the value before a same-cycle write. Ports are flat vectors,
// port p in bits [p*WIDTH +: WIDTH] (Yosys 0.23 has no unpacked-array ports).
module sys_sram #(
  parameter int ROWS = 1024,
  parameter int BANKS = 2,
  parameter int LANES = 16,
  parameter int LANE_BITS = 8,
  parameter int NREAD = 3,
  localparam int AW = $clog2(ROWS),
  localparam int W = LANES * LANE_BITS
) (
  input  logic                   clk,
  input  logic [NREAD-1:0]       re,
  input  logic [NREAD*AW-1:0]    raddr,
  output logic [NREAD*W-1:0]     rdata,
  input  logic [1:0]             we,
  input  logic [2*AW-1:0]        waddr,
  input  logic [2*W-1:0]         wdata,
  input  logic [2*LANES-1:0]     wmask
);
  localparam int BW = $clog2(BANKS);
  localparam int BROWS = ROWS / BANKS;
  localparam int IW = $clog2(BROWS);

  logic [AW-1:0] ra [NREAD];
  logic [AW-1:0] wa [2];
  logic [W-1:0] wd [2];
  logic [LANES-1:0] wm [2];
  for (genvar p = 0; p < NREAD; p++) begin : g_rport
    assign ra[p] = raddr[p*AW +: AW];
  end
  for (genvar p = 0; p < 2; p++) begin : g_wport
    assign wa[p] = waddr[p*AW +: AW];
    assign wd[p] = wdata[p*W +: W];
    assign wm[p] = wmask[p*LANES +: LANES];
  end

  // The bank is the top BW address bits (bank 0 when there is one bank).
  function automatic logic [BW > 0 ? BW-1 : 0:0] bank_of(input logic [AW-1:0] a);
    /* verilator lint_off UNUSEDSIGNAL */
    logic [AW-1:0] shifted;
    /* verilator lint_on UNUSEDSIGNAL */
    shifted = a >> IW;
    bank_of = shifted[BW > 0 ? BW-1 : 0:0];
  endfunction

  logic [W-1:0] bank_rdata [BANKS][NREAD];
  logic [BW > 0 ? BW-1 : 0:0] rbank [NREAD];

  for (genvar b = 0; b < BANKS; b++) begin : g_bank
    logic [W-1:0] mem [BROWS];
    always_ff @(posedge clk) begin
      for (int p = 0; p < NREAD; p++)
        if (re[p] && bank_of(ra[p]) == b) bank_rdata[b][p] <= mem[ra[p][IW-1:0]];
      for (int p = 0; p < 2; p++)
        if (we[p] && bank_of(wa[p]) == b) begin
          if (&wm[p]) mem[wa[p][IW-1:0]] <= wd[p];
          else
            for (int l = 0; l < LANES; l++)
              if (wm[p][l]) mem[wa[p][IW-1:0]][l*LANE_BITS +: LANE_BITS] <= wd[p][l*LANE_BITS +: LANE_BITS];
        end
    end
  end

  always_ff @(posedge clk)
    for (int p = 0; p < NREAD; p++)
      if (re[p]) rbank[p] <= bank_of(ra[p]);

  for (genvar p = 0; p < NREAD; p++) begin : g_rdata
    assign rdata[p*W +: W] = bank_rdata[rbank[p]][p];
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk)
    assert (!(we[0] && we[1] && wa[0] == wa[1]))
      else $error("sys_sram: compute and DMA write row %0d in the same cycle", wa[0]);
`endif
endmodule
