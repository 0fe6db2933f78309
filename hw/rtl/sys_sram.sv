// Banked on-chip SRAM: ROWS rows of LANES x LANE_BITS, split into BANKS banks
// by the high address bits. NREAD registered read ports (data holds until the
// port's next read) and two lane-masked write ports (compute and DMA).
// Reads return the value before a same-cycle write.
module sys_sram #(
  parameter int ROWS = 1024,
  parameter int BANKS = 2,
  parameter int LANES = 16,
  parameter int LANE_BITS = 8,
  parameter int NREAD = 3,
  localparam int AW = $clog2(ROWS),
  localparam int W = LANES * LANE_BITS
) (
  input  logic             clk,
  input  logic             re    [NREAD],
  input  logic [AW-1:0]    raddr [NREAD],
  output logic [W-1:0]     rdata [NREAD],
  input  logic             we    [2],
  input  logic [AW-1:0]    waddr [2],
  input  logic [W-1:0]     wdata [2],
  input  logic [LANES-1:0] wmask [2]
);
  localparam int BW = $clog2(BANKS);
  localparam int BROWS = ROWS / BANKS;
  localparam int IW = $clog2(BROWS);

  logic [W-1:0] bank_rdata [BANKS][NREAD];
  logic [BW > 0 ? BW-1 : 0:0] rbank [NREAD];

  // The bank is the top BW address bits (bank 0 when there is one bank).
  function automatic logic [BW > 0 ? BW-1 : 0:0] bank_of(input logic [AW-1:0] a);
    /* verilator lint_off UNUSEDSIGNAL */
    logic [AW-1:0] shifted = a >> IW;
    /* verilator lint_on UNUSEDSIGNAL */
    bank_of = shifted[BW > 0 ? BW-1 : 0:0];
  endfunction

  for (genvar b = 0; b < BANKS; b++) begin : g_bank
    logic [W-1:0] mem [BROWS];
    always_ff @(posedge clk) begin
      for (int p = 0; p < NREAD; p++)
        if (re[p] && bank_of(raddr[p]) == b) bank_rdata[b][p] <= mem[raddr[p][IW-1:0]];
      for (int p = 0; p < 2; p++)
        if (we[p] && bank_of(waddr[p]) == b) begin
          if (&wmask[p]) mem[waddr[p][IW-1:0]] <= wdata[p];
          else
            for (int l = 0; l < LANES; l++)
              if (wmask[p][l]) mem[waddr[p][IW-1:0]][l*LANE_BITS +: LANE_BITS] <= wdata[p][l*LANE_BITS +: LANE_BITS];
        end
    end
  end

  always_ff @(posedge clk)
    for (int p = 0; p < NREAD; p++)
      if (re[p]) rbank[p] <= bank_of(raddr[p]);

  always_comb
    for (int p = 0; p < NREAD; p++) rdata[p] = bank_rdata[rbank[p]][p];

`ifndef SYNTHESIS
  always_ff @(posedge clk)
    assert (!(we[0] && we[1] && waddr[0] == waddr[1]))
      else $error("sys_sram: compute and DMA write row %0d in the same cycle", waddr[0]);
`endif
endmodule
