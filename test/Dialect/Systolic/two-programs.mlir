// RUN: systolic-opt %s | FileCheck %s
// Input of translate.test: a module with two programs (the exporter wants one).
// CHECK-COUNT-2: systolic.program
systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
}
systolic.program rows = 4 cols = 4 sp_rows = 256 sp_banks = 1 acc_rows = 64 acc_banks = 1 queue_depth = 4 {
}
