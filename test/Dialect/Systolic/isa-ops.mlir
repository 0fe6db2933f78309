// RUN: systolic-opt %s | FileCheck %s
// RUN: systolic-opt %s | systolic-opt | FileCheck %s
// RUN: systolic-opt %s -mlir-print-op-generic | systolic-opt | FileCheck %s

// Every instruction with every field, on a 4x4 array with small memories.
// Fields that are zero are omitted when printed; token flags are keywords.

// CHECK-LABEL: systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 2 acc_rows = 64 acc_banks = 1 queue_depth = 4 dram_bytes = 65536 {
systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 2 acc_rows = 64
    acc_banks = 1 queue_depth = 4 dram_bytes = 65536 {
  // CHECK-NEXT: systolic.isa.load sp row = 16 dram = 4096 bytes = 4 x = 2 y = 3 xstride = 8 ystride = 64 pad_top = 1 pad_bottom = 2 pad_left = 3 pad_right = 4
  systolic.isa.load sp row = 16 dram = 4096 bytes = 4 x = 2 y = 3 xstride = 8
      ystride = 64 pad_top = 1 pad_bottom = 2 pad_left = 3 pad_right = 4
  // CHECK-NEXT: systolic.isa.load sp bytes = 4 x = 1 y = 4 ystride = 4
  systolic.isa.load sp row = 0 bytes = 4 x = 1 y = 4 ystride = 4
  // CHECK-NEXT: systolic.isa.load acc row = 3 dram = 256 bytes = 16 x = 1 y = 3 ystride = 16 push_next
  systolic.isa.load acc row = 3 dram = 256 bytes = 16 x = 1 y = 3 ystride = 16 push_next
  // CHECK-NEXT: systolic.isa.matmul ws a = 16 b = 120 c = 8 m = 8 k = 4 n = 4 pop_prev
  systolic.isa.matmul ws a = 16 b = 120 c = 8 m = 8 k = 4 n = 4 pop_prev
  // CHECK-NEXT: systolic.isa.matmul os acc a = 16 c = 8 m = 4 k = 100 n = 3
  systolic.isa.matmul os acc a = 16 b = 0 c = 8 m = 4 k = 100 n = 3
  // CHECK-NEXT: systolic.isa.output lut src = 8 dst = 200 param = 3 rows = 8 zp = -128 max = -1
  systolic.isa.output lut src = 8 dst = 200 param = 3 rows = 8 zp = -128 max = -1
  // CHECK-NEXT: systolic.isa.output none src = 8 dst = 200 param = 3 rows = 1
  systolic.isa.output none src = 8 dst = 200 param = 3 rows = 1 zp = 0 max = 0
  // CHECK-NEXT: systolic.isa.output relu src = 8 dst = 208 param = 3 rows = 8 zp = 127
  systolic.isa.output relu src = 8 dst = 208 param = 3 rows = 8 zp = 127
  // CHECK-NEXT: systolic.isa.output relu6 src = 8 dst = 216 param = 3 rows = 8 zp = -3 max = 100
  systolic.isa.output relu6 src = 8 dst = 216 param = 3 rows = 8 zp = -3 max = 100
  // CHECK-NEXT: systolic.isa.vector add acc a = 20 b = 30 dst = 20 rows = 10
  systolic.isa.vector add acc a = 20 b = 30 dst = 20 rows = 10
  // CHECK-NEXT: systolic.isa.vector mul sp a = 100 b = 110 dst = 120 rows = 4 shift = 31
  systolic.isa.vector mul sp a = 100 b = 110 dst = 120 rows = 4 shift = 31
  // CHECK-NEXT: systolic.isa.vector max sp a = 130 b = 130 dst = 140 rows = 4
  systolic.isa.vector max sp a = 130 b = 130 dst = 140 rows = 4
  // CHECK-NEXT: systolic.isa.lutload row = 180
  systolic.isa.lutload row = 180
  // CHECK-NEXT: systolic.isa.lutload push_prev push_next
  systolic.isa.lutload row = 0 push_prev push_next
  // CHECK-NEXT: systolic.isa.store sp row = 200 dram = 8192 bytes = 4 x = 4 y = 6 xstride = 4 ystride = 16 pop_prev push_prev
  systolic.isa.store sp row = 200 dram = 8192 bytes = 4 x = 4 y = 6 xstride = 4
      ystride = 16 pop_prev push_prev
  // CHECK-NEXT: systolic.isa.store acc row = 20 dram = 12288 bytes = 16 x = 1 y = 10 ystride = 16
  systolic.isa.store acc row = 20 dram = 12288 bytes = 16 x = 1 y = 10 ystride = 16
  // CHECK-NEXT: systolic.isa.load sp row = 100 dram = 16384 bytes = 4 x = 1 y = 44 ystride = 4 pop_next push_next
  systolic.isa.load sp row = 100 dram = 16384 bytes = 4 x = 1 y = 44 ystride = 4
      pop_next push_next
  // CHECK-NEXT: systolic.isa.matmul ws a = 100 b = 104 c = 40 m = 4 k = 4 n = 4 pop_prev pop_next
  systolic.isa.matmul ws a = 100 b = 104 c = 40 m = 4 k = 4 n = 4 pop_prev pop_next
}

// Only the RTL parameters are required; DRAM size and dataflows have
// defaults (64 MiB, both dataflows) and are printed when they differ.
// CHECK-LABEL: systolic.program rows = 16 cols = 8 sp_rows = 8192 sp_banks = 4 acc_rows = 2048 acc_banks = 2 queue_depth = 16 attributes {output_stationary = false} {
// CHECK-NEXT: }
systolic.program rows = 16 cols = 8 sp_rows = 8192 sp_banks = 4 acc_rows = 2048
    acc_banks = 2 queue_depth = 16 attributes {output_stationary = false} {
}
