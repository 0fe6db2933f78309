// Banked on-chip SRAM built from simple dual-port (one read + one write port)
// memories, so that every bank maps to FPGA block RAM. ROWS rows of
// LANES x LANE_BITS are interleaved over BANKS banks by the low address bits.
// Each bank holds NREAD identical copies, one per read port; both write ports
// feed every copy through one per-bank write port:
//  * port 0 (compute) always writes (lane-masked);
//  * port 1 (DMA, whole rows) writes only when port 0 is not writing the same
//    bank in that cycle (w1_ok); otherwise the DMA client retries.
// Read ports are registered (data holds until the port's next read) and
// return the value before a same-cycle write. Ports are flat vectors, port p
// in bits [p*WIDTH +: WIDTH] (Yosys 0.23 has no unpacked-array ports).
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
  input  logic [LANES-1:0]       wmask0,  // lane mask of port 0 (port 1 writes whole rows)
  output logic                   w1_ok    // port 1's write (if any) happens this cycle
);
  localparam int BW = BANKS > 1 ? $clog2(BANKS) : 1;
  localparam int BROWS = ROWS / BANKS;
  localparam int IW = BROWS > 1 ? $clog2(BROWS) : 1;

  logic [AW-1:0] ra [NREAD];
  logic [AW-1:0] wa [2];
  logic [W-1:0] wd [2];
  for (genvar p = 0; p < NREAD; p++) begin : g_rport
    assign ra[p] = raddr[p*AW +: AW];
  end
  for (genvar p = 0; p < 2; p++) begin : g_wport
    assign wa[p] = waddr[p*AW +: AW];
    assign wd[p] = wdata[p*W +: W];
  end

  // Bank: low address bits; row within the bank: the remaining bits.
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [BW-1:0] bank_of(input logic [AW-1:0] a);
    bank_of = BANKS > 1 ? BW'(a) : '0;
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */
  function automatic logic [IW-1:0] index_of(input logic [AW-1:0] a);
    /* verilator lint_off UNUSEDSIGNAL */
    logic [AW-1:0] shifted;
    /* verilator lint_on UNUSEDSIGNAL */
    shifted = BANKS > 1 ? a >> BW : a;
    index_of = shifted[IW-1:0];
  endfunction

  assign w1_ok = !(we[0] && bank_of(wa[0]) == bank_of(wa[1]));

  logic [W-1:0] bank_rdata [BANKS][NREAD];
  logic [BW-1:0] rbank [NREAD];

  for (genvar b = 0; b < BANKS; b++) begin : g_bank
    // The bank's single write port: compute first, else DMA.
    wire bw_p0 = we[0] && bank_of(wa[0]) == BW'(b);
    wire bw_p1 = we[1] && bank_of(wa[1]) == BW'(b);
    wire bwe = bw_p0 || bw_p1;
    wire [IW-1:0] bwa = bw_p0 ? index_of(wa[0]) : index_of(wa[1]);
    wire [W-1:0] bwd = bw_p0 ? wd[0] : wd[1];
    wire [LANES-1:0] bwm = bw_p0 ? wmask0 : '1;
    for (genvar p = 0; p < NREAD; p++) begin : g_copy
      logic [W-1:0] mem [BROWS];
      always_ff @(posedge clk) begin
        if (re[p] && bank_of(ra[p]) == BW'(b)) bank_rdata[b][p] <= mem[index_of(ra[p])];
        if (bwe) begin
`ifndef SYNTHESIS
          // Simulation speed only: the same write as the lane loop below.
          if (&bwm) mem[bwa] <= bwd;
          else
`endif
          for (int l = 0; l < LANES; l++)
            if (bwm[l]) mem[bwa][l*LANE_BITS +: LANE_BITS] <= bwd[l*LANE_BITS +: LANE_BITS];
        end
      end
    end
  end

  always_ff @(posedge clk)
    for (int p = 0; p < NREAD; p++)
      if (re[p]) rbank[p] <= bank_of(ra[p]);

  for (genvar p = 0; p < NREAD; p++) begin : g_rdata
    assign rdata[p*W +: W] = bank_rdata[rbank[p]][p];
  end
endmodule
