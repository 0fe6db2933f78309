// Programs whose cross-unit accesses are all ordered by token chains verify.
// RUN: systolic-opt %s -split-input-file | FileCheck %s

// The double-buffered pattern of docs/isa.md: operand slots 0 (rows 0..7)
// and 1 (rows 8..15), output buffers 32..35 and 36..39. A LOAD refilling a
// slot waits for the compute that released it; an OUTPUT refilling a buffer
// waits for the store that drained it. One push covers every earlier
// instruction of its unit.
// CHECK-LABEL: systolic.program
systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  systolic.isa.load acc row = 60 dram = 4096 bytes = 16 x = 1 y = 3 ystride = 16
  systolic.isa.load sp dram = 0 bytes = 4 x = 1 y = 8 ystride = 4 push_next
  systolic.isa.load sp row = 8 dram = 32 bytes = 4 x = 1 y = 8 ystride = 4 push_next
  systolic.isa.matmul ws a = 4 b = 0 m = 4 k = 4 n = 4 pop_prev push_prev
  systolic.isa.output relu dst = 32 param = 60 rows = 4 push_next
  systolic.isa.load sp dram = 64 bytes = 4 x = 1 y = 8 ystride = 4 pop_next push_next
  systolic.isa.matmul ws a = 12 b = 8 m = 4 k = 4 n = 4 pop_prev push_prev
  systolic.isa.output relu dst = 36 param = 60 rows = 4 push_next
  systolic.isa.store sp row = 32 dram = 8192 bytes = 4 x = 1 y = 4 ystride = 4 pop_prev push_prev
  systolic.isa.store sp row = 36 dram = 8208 bytes = 4 x = 1 y = 4 ystride = 4 pop_prev push_prev
  systolic.isa.matmul ws a = 4 b = 0 m = 4 k = 4 n = 4 pop_prev
  systolic.isa.output relu dst = 32 param = 60 rows = 4 pop_next push_next
  systolic.isa.store sp row = 32 dram = 8224 bytes = 4 x = 1 y = 4 ystride = 4 pop_prev
}

// -----

// A transitive chain: the store's data reaches DRAM before the store pushes
// to compute, compute pushes to load after that, so the LOAD may read the
// bytes the STORE wrote (RAW through DRAM across three units).
// CHECK-LABEL: systolic.program
systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  systolic.isa.output none dst = 100 param = 60 rows = 4 push_next
  systolic.isa.store sp row = 100 dram = 1024 bytes = 4 x = 1 y = 4 ystride = 4 pop_prev push_prev
  systolic.isa.vector max acc a = 0 b = 0 dst = 0 rows = 1 pop_next push_prev
  systolic.isa.load sp dram = 1024 bytes = 4 x = 1 y = 4 ystride = 4 pop_next
}

// -----

// Accesses that do not overlap need no tokens: strided DRAM elements that
// interleave, and disjoint rows.
// CHECK-LABEL: systolic.program
systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
  systolic.isa.load sp dram = 1024 bytes = 4 x = 4 y = 1 xstride = 8
  systolic.isa.store sp row = 100 dram = 1028 bytes = 4 x = 4 y = 1 xstride = 8
  systolic.isa.matmul ws a = 200 b = 204 m = 4 k = 4 n = 4
}
