// Bit positions of the 128-bit Systolic instruction (docs/isa.md). Shared by
// every unit so that the RTL decodes exactly what sim/isa/Isa.cpp encodes.
`ifndef SYS_ISA_SVH
`define SYS_ISA_SVH

`define OP_LOAD    4'd0
`define OP_STORE   4'd1
`define OP_MATMUL  4'd2
`define OP_OUTPUT  4'd3
`define OP_VECTOR  4'd4
`define OP_LUTLOAD 4'd5

`define I_OPC(w)       w[3:0]
`define I_POP_PREV(w)  w[4]
`define I_POP_NEXT(w)  w[5]
`define I_PUSH_PREV(w) w[6]
`define I_PUSH_NEXT(w) w[7]

// LOAD / STORE
`define DMA_MEM(w)     w[8]
`define DMA_ROW(w)     w[24:9]
`define DMA_DRAM(w)    w[56:25]
`define DMA_PADL(w)    w[59:57]
`define DMA_PADR(w)    w[62:60]
`define DMA_BYTES(w)   w[72:64]
`define DMA_X(w)       w[80:73]
`define DMA_Y(w)       w[88:81]
`define DMA_XSTRIDE(w) w[100:89]
`define DMA_YSTRIDE(w) w[116:101]
`define DMA_PADT(w)    w[119:117]
`define DMA_PADB(w)    w[122:120]
// MATMUL
`define MM_OS(w)       w[8]
`define MM_ACC(w)      w[9]
`define MM_A(w)        w[25:10]
`define MM_B(w)        w[41:26]
`define MM_C(w)        w[57:42]
`define MM_M(w)        w[75:64]
`define MM_K(w)        w[87:76]
`define MM_N(w)        w[95:88]
// OUTPUT
`define OUT_ACT(w)     w[9:8]
`define OUT_SRC(w)     w[25:10]
`define OUT_DST(w)     w[41:26]
`define OUT_PARAM(w)   w[57:42]
`define OUT_ROWS(w)    w[75:64]
`define OUT_ZP(w)      w[83:76]
`define OUT_MAX(w)     w[91:84]
// VECTOR
`define VEC_OP(w)      w[9:8]
`define VEC_MEM(w)     w[10]
`define VEC_A(w)       w[26:11]
`define VEC_B(w)       w[42:27]
`define VEC_DST(w)     w[58:43]
`define VEC_ROWS(w)    w[75:64]
`define VEC_SHIFT(w)   w[80:76]
// LUTLOAD
`define LUT_ROW(w)     w[23:8]

// Bits no field of the opcode defines; they must be zero.
`define RSV_DMA    128'hf8000000000000008000000000000000
`define RSV_MATMUL 128'hffffffff00000000fc00000000000000
`define RSV_OUTPUT 128'hfffffffff0000000fc00000000000000
`define RSV_VECTOR 128'hfffffffffffe0000f800000000000000
`define RSV_LUT    128'hffffffffffffffffffffffffff000000

// Error codes (sim/isa/Isa.h ErrorCode).
`define ERR_OK        4'd0
`define ERR_OPCODE    4'd1
`define ERR_RESERVED  4'd2
`define ERR_TOKENS    4'd3
`define ERR_FIELD     4'd4
`define ERR_SRAM      4'd5
`define ERR_DRAM      4'd6
`define ERR_OVERLAP   4'd7
`define ERR_DEADLOCK  4'd8

`endif
