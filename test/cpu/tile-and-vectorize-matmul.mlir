// RUN: systolic-opt %s --pass-pipeline="builtin.module(func.func(systolic-cpu-tile-and-vectorize{vector-bits=256 vector-registers=16}))" | FileCheck %s
// RUN: systolic-opt %s --pass-pipeline="builtin.module(func.func(systolic-cpu-tile-and-vectorize{vector-bits=256 vector-registers=16 threads=2 min-parallel-iterations=1}))" | FileCheck %s --check-prefix=THREADS
// RUN: systolic-opt %s --pass-pipeline="builtin.module(func.func(systolic-cpu-tile-and-vectorize{vector-bits=256 vector-registers=16 threads=2}))" | FileCheck %s --check-prefix=SMALL
// RUN: systolic-opt %s --pass-pipeline="builtin.module(func.func(systolic-cpu-tile-and-vectorize{vector-bits=256 vector-registers=16 l1-cache-bytes=4096 l2-cache-bytes=16384 l3-cache-bytes=4096}))" | FileCheck %s --check-prefix=PACK

// AVX2-sized target: 16 registers of 8 floats. The model picks 6 rows x 2
// vectors (12 accumulators); loops n, m, k. 64 rows = 10 x 6 + 4: the last
// 4 rows are split off into their own 4-row tile, so every tile is static.
// The accumulator is a read-only argument: it is copied first (vectorized).
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<64x32xf32> {bufferization.writable = false}
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<32x48xf32> {bufferization.writable = false}
// CHECK-DAG: %[[C6:.*]] = arith.constant 6 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: vector.transfer_write {{.*}} : vector<1x32xf32>, tensor<64x32xf32>
// CHECK: scf.for %[[J:[a-z0-9]+]] = %{{.*}} to %{{.*}} step %[[C16]]
// CHECK:   scf.for %[[I:[a-z0-9]+]] = %{{.*}} to %{{.*}} step %[[C6]]
// CHECK:     scf.for %[[K:[a-z0-9]+]] =
// CHECK:       vector.transfer_read %[[A]][%[[I]], %[[K]]]{{.*}} : tensor<64x32xf32>, vector<6x1xf32>
// CHECK:       vector.transfer_read %[[B]][%[[K]], %[[J]]]{{.*}} : tensor<32x48xf32>, vector<1x16xf32>
// CHECK:       vector.transfer_read {{.*}} : tensor<60x48xf32>, vector<6x16xf32>
// CHECK:       vector.contract {{.*}} : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
// CHECK:       vector.transfer_write {{.*}} : vector<6x16xf32>, tensor<60x48xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// CHECK-NOT: linalg.matmul
// CHECK: return
func.func @matmul(%a: tensor<64x32xf32>, %b: tensor<32x48xf32>,
                  %c: tensor<64x48xf32>) -> tensor<64x48xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<64x32xf32>, tensor<32x48xf32>)
                     outs(%c : tensor<64x48xf32>) -> tensor<64x48xf32>
  return %0 : tensor<64x48xf32>
}

// A small problem: 3 vectors per row fit, rows split 8 + 2.
// CHECK-LABEL: func.func @matmul_remainder
// CHECK: vector.contract {{.*}} into vector<4x24xf32>
// CHECK: vector.contract {{.*}} into vector<2x24xf32>
// CHECK-NOT: linalg.matmul
// CHECK: return
func.func @matmul_remainder(%a: tensor<10x8xf32>, %b: tensor<8x24xf32>,
                            %c: tensor<10x24xf32>) -> tensor<10x24xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<10x8xf32>, tensor<8x24xf32>)
                     outs(%c : tensor<10x24xf32>) -> tensor<10x24xf32>
  return %0 : tensor<10x24xf32>
}

// int8: i8 x i8 -> i32 keeps explicit sign extensions before the
// contraction (the outer-product lowering would multiply in i8).
// CHECK-LABEL: func.func @matmul_i8
// CHECK: arith.extsi {{.*}} : vector<6x16x1xi8> to vector<6x16x1xi32>
// CHECK: arith.extsi {{.*}} : vector<6x16x1xi8> to vector<6x16x1xi32>
// CHECK: vector.contract {{.*}} : vector<6x16x1xi32>, vector<6x16x1xi32> into vector<6x16xi32>
// CHECK-NOT: linalg.matmul
// CHECK: return
func.func @matmul_i8(%a: tensor<16x16xi8>, %b: tensor<16x16xi8>,
                     %c: tensor<16x16xi32>) -> tensor<16x16xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<16x16xi8>, tensor<16x16xi8>)
                     outs(%c : tensor<16x16xi32>) -> tensor<16x16xi32>
  return %0 : tensor<16x16xi32>
}

// Two threads: the n loop (64 = 2 x 32, a multiple of the 16-column tile)
// is distributed over an scf.forall, the register tiling runs inside.
// THREADS-LABEL: func.func @matmul_threads(
// THREADS: scf.forall (%{{.*}}) = (0) to (64) step (32)
// THREADS:   scf.for
// THREADS:     scf.for
// THREADS:       scf.for
// THREADS:         vector.contract {{.*}} into vector<{{[0-9]+}}x16xf32>
// THREADS:   scf.forall.in_parallel
// With the default minimum (1 M multiply-adds) this 49 K one stays on one
// thread: splitting ops that small was measured slower than not.
// SMALL-LABEL: func.func @matmul_threads(
// SMALL-NOT: scf.forall
// SMALL: vector.contract
// SMALL-NOT: scf.forall
// SMALL: return
func.func @matmul_threads(%a: tensor<24x32xf32>, %b: tensor<32x64xf32>)
    -> tensor<24x64xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<24x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%empty : tensor<24x64xf32>) -> tensor<24x64xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<24x32xf32>, tensor<32x64xf32>)
                     outs(%c : tensor<24x64xf32>) -> tensor<24x64xf32>
  return %0 : tensor<24x64xf32>
}

// Cache blocking with packed operands (tiny caches so that a small problem
// is blocked: L1 4 KiB, L2 16 KiB, last level 4 KiB). K = 64 is split into
// k-blocks of 32 (a 32 x 16 panel of B is half of L1), N = 64 into n-blocks
// of 32, M = 96 into m-blocks of 48 rows (8 register tiles). B's block is
// packed into panels [n/16][k][16] once per (n, k) block, A's into
// [m/6][k][6] once per m-block; the 6 x 16 register tiles (loops n1, m1, k)
// read both contiguously and accumulate into C in place.
// PACK-LABEL: func.func @matmul_packed
// PACK-SAME: %[[A:[a-z0-9]+]]: tensor<96x64xf32>
// PACK-SAME: %[[B:[a-z0-9]+]]: tensor<64x64xf32>
// PACK: vector.transfer_write {{.*}} : vector<1x32xf32>, tensor<96x64xf32>
// PACK: scf.for %[[N:[a-z0-9]+]] = %{{.*}} to %{{.*}} step %[[C32:[a-z0-9]+]]
// PACK:   scf.for %[[K:[a-z0-9]+]] = %{{.*}} to %{{.*}} step %[[C32]]
// PACK:     %[[BS:.*]] = tensor.extract_slice %[[B]][%[[K]], %[[N]]] [32, 32] [1, 1]
// PACK:     %[[BX:.*]] = tensor.expand_shape %[[BS]] {{\[\[}}0], [1, 2]] output_shape [32, 2, 16]
// PACK:     %[[BP:.*]] = scf.for
// PACK:       vector.transfer_read %[[BX]]{{.*}} : tensor<32x2x16xf32>, vector<1x1x16xf32>
// PACK:       vector.transfer_write {{.*}} : vector<1x1x16xf32>, tensor<2x32x16xf32>
// PACK:     scf.for %[[M:[a-z0-9]+]] = %{{.*}} to %{{.*}} step %[[C48:[a-z0-9]+]]
// PACK:       %[[AP:.*]] = scf.for
// PACK:         vector.transfer_write {{.*}} : vector<1x1x6xf32>, tensor<8x32x6xf32>
// PACK:       scf.for %[[N1:[a-z0-9]+]] =
// PACK:         scf.for %[[M1:[a-z0-9]+]] =
// PACK:           scf.for %[[KK:[a-z0-9]+]] =
// PACK:             vector.transfer_read %[[AP]][%[[M1]], %[[KK]], %{{.*}}]{{.*}} : tensor<8x32x6xf32>, vector<6x1xf32>
// PACK:             vector.transfer_read %[[BP]][%[[N1]], %[[KK]], %{{.*}}]{{.*}} : tensor<2x32x16xf32>, vector<1x16xf32>
// PACK:             vector.contract {{.*}} : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
// PACK-NOT: linalg.matmul
// PACK: return
func.func @matmul_packed(%a: tensor<96x64xf32>, %b: tensor<64x64xf32>)
    -> tensor<96x64xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<96x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%empty : tensor<96x64xf32>) -> tensor<96x64xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<96x64xf32>, tensor<64x64xf32>)
                     outs(%c : tensor<96x64xf32>) -> tensor<96x64xf32>
  return %0 : tensor<96x64xf32>
}
