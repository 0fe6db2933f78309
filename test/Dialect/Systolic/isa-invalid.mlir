// RUN: systolic-opt %s -split-input-file -verify-diagnostics

// Level 1: every field fits its bit width (sim/isa encode()).

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{'systolic.isa.load' op load: field 'x' = 256 does not fit [0, 255]}}
  systolic.isa.load sp bytes = 4 x = 256 y = 1
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{output: field 'zp' = 128 does not fit [-128, 127]}}
  systolic.isa.output none rows = 1 zp = 128
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{matmul: field 'a' = -1 does not fit [0, 65535]}}
  systolic.isa.matmul ws a = -1 m = 1 k = 1 n = 1
}

// -----

// Structure: instructions only inside a program, programs hold only
// instructions.

func.func @outside() {
  // expected-error @+1 {{'systolic.isa.lutload' op expects parent op 'systolic.program'}}
  systolic.isa.lutload row = 0
  return
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{'arith.constant' op is not an instruction; a systolic.program holds only systolic.isa.* ops}}
  %c = arith.constant 0 : i32
}

// -----

// The hardware configuration (systolic::HwConfig::validate()).

// expected-error @+1 {{'systolic.program' op invalid hardware config: rows=1 must be in [2, 64]}}
systolic.program rows = 1 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
}

// -----

// expected-error @+1 {{invalid hardware config: spRows=1000 must be a power of two in [256, 65536]}}
systolic.program rows = 4 cols = 4 sp_rows = 1000 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
}

// -----

// expected-error @+1 {{invalid hardware config: accBanks=3 must be a power of two in [1, 16]}}
systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 3 queue_depth = 4 {
}

// -----

// expected-error @+1 {{invalid hardware config: queueDepth=1 must be a power of two in [2, 64]}}
systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 1 {
}

// -----

// expected-error @+1 {{'systolic.program' op cols = -4 is out of range}}
systolic.program rows = 4 cols = -4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
}

// -----

// expected-error @+1 {{invalid hardware config: dramBytes=1024 must be in [4096, 2^32]}}
systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 dram_bytes = 1024 {
}

// -----

// Level 2: each instruction on the program's configuration
// (systolic::check(), in its order; the code is the golden model's and the
// RTL's err_code).

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 has illegal opcode 6 [illegal-opcode]}}
  systolic.isa.word 6, 0
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  systolic.isa.lutload row = 0
  // Opcode 5 (lutload) with bit 30 set.
  // expected-error @+1 {{instruction #1 (lutload): reserved bits are set [reserved-bits-set]}}
  systolic.isa.word 1073741829, 0
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (load): the load queue has no previous queue to exchange tokens with [bad-token-flags]}}
  systolic.isa.load sp bytes = 4 x = 1 y = 1 pop_prev
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (store): the store queue has no next queue to exchange tokens with [bad-token-flags]}}
  systolic.isa.store sp bytes = 4 x = 1 y = 1 push_next
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (matmul): k=5 must be in [1, 4] [bad-field-value]}}
  systolic.isa.matmul ws m = 4 k = 5 n = 4
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (matmul): m=5 must be in [1, 4] [bad-field-value]}}
  systolic.isa.matmul os m = 5 k = 100 n = 4
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (load): bytes=0 must be in [1, 4] for the scratchpad [bad-field-value]}}
  systolic.isa.load sp x = 1 y = 1
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (load): bytes=6 must be a multiple of 4 for the accumulator [bad-field-value]}}
  systolic.isa.load acc bytes = 6 x = 1 y = 1
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (store): store does not support padding [bad-field-value]}}
  systolic.isa.store sp bytes = 4 x = 1 y = 1 pad_top = 1
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // VECTOR (opcode 4) with op = 3 and rows = 1: only representable as a word.
  // expected-error @+1 {{instruction #0 (vector): op=3 is not add, mul or max [bad-field-value]}}
  systolic.isa.word 772, 1
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 attributes {weight_stationary = false} {
  // expected-error @+1 {{instruction #0 (matmul): weight-stationary dataflow not supported [bad-field-value]}}
  systolic.isa.matmul ws m = 4 k = 4 n = 4
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (output): rows must be at least 1 [bad-field-value]}}
  systolic.isa.output relu
}

// -----

// Capacity: row ranges past sp_rows / acc_rows.

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (load): transfer rows [250, 260) exceed the scratchpad (256 rows) [sram-out-of-range]}}
  systolic.isa.load sp row = 250 bytes = 4 x = 1 y = 10 ystride = 4
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // The padded tile is (1 + 2 + 1) x (1 + 60 + 1) = 248 rows.
  // expected-error @+1 {{instruction #0 (load): transfer rows [10, 258) exceed the scratchpad (256 rows) [sram-out-of-range]}}
  systolic.isa.load sp row = 10 bytes = 4 x = 60 y = 2 xstride = 4 ystride = 240 pad_top = 1 pad_bottom = 1 pad_left = 1 pad_right = 1
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (matmul): result c rows [62, 66) exceed the accumulator (64 rows) [sram-out-of-range]}}
  systolic.isa.matmul ws c = 62 m = 4 k = 4 n = 4
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (matmul): operand a rows [200, 300) exceed the scratchpad (256 rows) [sram-out-of-range]}}
  systolic.isa.matmul os a = 200 m = 4 k = 100 n = 4
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (output): parameter rows [62, 65) exceed the accumulator (64 rows) [sram-out-of-range]}}
  systolic.isa.output none param = 62 rows = 1
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // 256 entries of 4 bytes per row: 64 rows.
  // expected-error @+1 {{instruction #0 (lutload): lookup table rows [200, 264) exceed the scratchpad (256 rows) [sram-out-of-range]}}
  systolic.isa.lutload row = 200
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (vector): destination rows [60, 70) exceed the accumulator (64 rows) [sram-out-of-range]}}
  systolic.isa.vector add acc dst = 60 rows = 10
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 dram_bytes = 4096 {
  // expected-error @+1 {{instruction #0 (load): DRAM bytes [4090, 4098) exceed DRAM size 4096 [dram-out-of-range]}}
  systolic.isa.load sp dram = 4090 bytes = 4 x = 1 y = 2 ystride = 4
}

// -----

// Operand overlap: a VECTOR destination equals a source or is disjoint
// from it.

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  systolic.isa.vector add sp a = 0 b = 8 dst = 0 rows = 4
  // expected-error @+1 {{instruction #1 (vector): destination rows [2, 6) partially overlap source rows [0, 4) [operand-overlap]}}
  systolic.isa.vector add sp a = 0 b = 8 dst = 2 rows = 4
}

// -----

// Level 3: tokens. Every pop takes a token pushed earlier in program order.

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-error @+1 {{instruction #0 (matmul): pop_prev takes load->compute token 1, but only 0 is pushed before it in program order and the program pushes 0 in all: the run deadlocks}}
  systolic.isa.matmul ws m = 4 k = 4 n = 4 pop_prev
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  systolic.isa.load sp bytes = 4 x = 1 y = 4 ystride = 4 push_next
  systolic.isa.matmul ws m = 4 k = 4 n = 4 pop_prev push_prev
  systolic.isa.load sp bytes = 4 x = 1 y = 4 ystride = 4 pop_next push_next
  systolic.isa.matmul ws m = 4 k = 4 n = 4 pop_prev
  // The second token on compute->load was never pushed.
  // expected-error @+1 {{instruction #4 (load): pop_next takes compute->load token 2, but only 1 is pushed before it in program order and the program pushes 1 in all: the run deadlocks}}
  systolic.isa.load sp row = 8 bytes = 4 x = 1 y = 4 ystride = 4 pop_next
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // The hardware could run this (the store pushes while the matmul waits),
  // but program order would not be a schedule: rejected.
  // expected-error @+1 {{instruction #0 (matmul): pop_next takes store->compute token 1, but only 0 is pushed before it in program order (the program pushes it later); every token must be pushed before the instruction that pops it, so that program order is a deadlock-free schedule}}
  systolic.isa.matmul ws m = 4 k = 4 n = 4 pop_next
  systolic.isa.store sp row = 100 bytes = 4 x = 1 y = 1 push_prev
}

// -----

// Level 3: races between units, i.e. two accesses to the same rows or DRAM
// bytes, one writing, without a chain of tokens between them. (Bank
// conflicts are not errors: the RTL arbitrates a compute and a DMA write to
// one bank in the same cycle, which costs a cycle; what the ISA requires is
// that cross-unit RAW/WAR/WAW are ordered by tokens.)

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-note @+1 {{the other access: instruction #0 (load)}}
  systolic.isa.load sp bytes = 4 x = 1 y = 4 ystride = 4
  // expected-error @+1 {{instruction #1 (matmul) reads scratchpad rows [0, 4) (operand b) that instruction #0 (load) writes, and no chain of dependency tokens orders #0 (load unit) before #1 (compute unit): a race}}
  systolic.isa.matmul ws a = 4 b = 0 m = 4 k = 4 n = 4
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  systolic.isa.load sp bytes = 4 x = 1 y = 8 ystride = 4 push_next
  // expected-note @+1 {{the other access: instruction #1 (matmul)}}
  systolic.isa.matmul ws a = 4 b = 0 m = 4 k = 4 n = 4 pop_prev
  // Overwrites the weights the matmul reads (WAR) without waiting for it.
  // expected-error @+1 {{instruction #2 (load) writes scratchpad rows [0, 4) (destination) that instruction #1 (matmul) reads, and no chain of dependency tokens orders #1 (compute unit) before #2 (load unit): a race}}
  systolic.isa.load sp bytes = 4 x = 1 y = 4 ystride = 4
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-note @+1 {{the other access: instruction #0 (output)}}
  systolic.isa.output none src = 0 dst = 8 param = 10 rows = 4
  // Both write scratchpad rows 8..11 (WAW): which value remains depends on
  // timing.
  // expected-error @+1 {{instruction #1 (load) writes scratchpad rows [8, 12) (destination) that instruction #0 (output) writes, and no chain of dependency tokens orders #0 (compute unit) before #1 (load unit): a race}}
  systolic.isa.load sp row = 8 bytes = 4 x = 1 y = 4 ystride = 4
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  systolic.isa.matmul ws c = 8 m = 4 k = 4 n = 4 push_next
  // expected-note @+1 {{the other access: instruction #1 (matmul)}}
  systolic.isa.matmul ws c = 16 m = 4 k = 4 n = 4
  systolic.isa.store acc row = 8 bytes = 16 x = 1 y = 4 ystride = 16 pop_prev
  // The token from #0 does not cover #1.
  // expected-error @+1 {{instruction #3 (store) reads accumulator rows [16, 20) (source) that instruction #1 (matmul) writes, and no chain of dependency tokens orders #1 (compute unit) before #3 (store unit): a race}}
  systolic.isa.store acc row = 16 dram = 64 bytes = 16 x = 1 y = 4 ystride = 16
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-note @+1 {{the other access: instruction #0 (store)}}
  systolic.isa.store sp row = 100 dram = 1024 bytes = 4 x = 4 y = 1 xstride = 4
  // Reads back what the store writes to DRAM (RAW through DRAM).
  // expected-error @+1 {{instruction #1 (load) reads DRAM bytes [1024, 1040) (DRAM) that instruction #0 (store) writes, and no chain of dependency tokens orders #0 (store unit) before #1 (load unit): a race}}
  systolic.isa.load sp dram = 1024 bytes = 4 x = 4 y = 1 xstride = 4
}

// -----

systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  // expected-note @+1 {{the other access: instruction #0 (load)}}
  systolic.isa.load sp dram = 1024 bytes = 4 x = 4 y = 1 xstride = 8
  // Elements 0, 8, 16, 24 are read; the store overwrites byte 1032..1035 (WAR).
  // expected-error @+1 {{instruction #1 (store) writes DRAM bytes [1030, 1034) (DRAM) that instruction #0 (load) reads, and no chain of dependency tokens orders #0 (load unit) before #1 (store unit): a race}}
  systolic.isa.store sp row = 100 dram = 1030 bytes = 4 x = 1 y = 1
}
