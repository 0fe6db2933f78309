// RUN: systolic-opt %s --pass-pipeline="builtin.module(func.func(systolic-cpu-lower-vectors))" | FileCheck %s

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#acc = affine_map<(m, n, k) -> (m, n)>

// A bufferized register tile: the accumulator is read and written through a
// per-iteration subview inside the k loop. The subview folds into the
// transfers, the read/write pair is hoisted out of the k loop (the tile
// stays in registers, carried by the loop) and the contraction becomes one
// broadcast + FMA per accumulator row (A's elements loaded as scalars, which
// LLVM turns into broadcasts from memory). The sum starts from zero, C's
// rows are prefetched (into L2) before the loop and C is read and added
// after it, so no FMA waits on C.
// CHECK-LABEL: func.func @register_tile
// CHECK-SAME: (%[[A:[a-z0-9]+]]: memref<8x16xf32>, %[[B:[a-z0-9]+]]: memref<16x16xf32>, %[[C:[a-z0-9]+]]: memref<8x16xf32>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4x16xf32>
// CHECK: scf.for %[[I:[a-z0-9]+]] =
// CHECK:   memref.prefetch %[[C]][%[[I]], %{{.*}}], read, locality<2>, data
// CHECK-COUNT-3: memref.prefetch %[[C]]
// CHECK:   %[[SUM:.*]] = scf.for %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<4x16xf32>)
// CHECK-NOT: memref.subview
// CHECK:     memref.load %[[A]]
// CHECK-COUNT-4: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: vector.contract
// CHECK:     scf.yield %{{.*}} : vector<4x16xf32>
// CHECK:   %[[OLD:.*]] = vector.transfer_read %[[C]][%[[I]], %{{.*}}]{{.*}} : memref<8x16xf32>, vector<4x16xf32>
// CHECK:   %[[NEW:.*]] = arith.addf %[[OLD]], %[[SUM]] : vector<4x16xf32>
// CHECK:   vector.transfer_write %[[NEW]], %[[C]][%[[I]], %{{.*}}]{{.*}} : vector<4x16xf32>, memref<8x16xf32>
func.func @register_tile(%a: memref<8x16xf32>, %b: memref<16x16xf32>,
                         %c: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %pad = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c8 step %c4 {
    scf.for %k = %c0 to %c16 step %c1 {
      %tile = memref.subview %c[%i, 0] [4, 16] [1, 1]
          : memref<8x16xf32> to memref<4x16xf32, strided<[16, 1], offset: ?>>
      %va = vector.transfer_read %a[%i, %k], %pad {in_bounds = [true, true]}
          : memref<8x16xf32>, vector<4x1xf32>
      %vb = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]}
          : memref<16x16xf32>, vector<1x16xf32>
      %vc = vector.transfer_read %tile[%c0, %c0], %pad {in_bounds = [true, true]}
          : memref<4x16xf32, strided<[16, 1], offset: ?>>, vector<4x16xf32>
      %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc],
                            iterator_types = ["parallel", "parallel", "reduction"],
                            kind = #vector.kind<add>} %va, %vb, %vc
          : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
      vector.transfer_write %r, %tile[%c0, %c0] {in_bounds = [true, true]}
          : vector<4x16xf32>, memref<4x16xf32, strided<[16, 1], offset: ?>>
    }
  }
  return
}

// A strided copy (from bufferizing a slice insertion) becomes linalg.copy,
// not memref.copy (whose lowering calls into the MLIR runner library).
// CHECK-LABEL: func.func @strided_copy
// CHECK: linalg.copy
// CHECK-NOT: memref.copy
func.func @strided_copy(%src: memref<4x4xf32>, %dst: memref<8x8xf32>) {
  %view = memref.subview %dst[2, 2] [4, 4] [1, 1]
      : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 18>>
  memref.copy %src, %view : memref<4x4xf32> to memref<4x4xf32, strided<[8, 1], offset: 18>>
  return
}

// Transfers through a memref.expand_shape. Upstream's fold (minor identity
// maps only) built index ops before giving up on a broadcast read (softmax's
// normalisation reads its row maximum and sum like this) or on a vector of
// higher rank than the expand_shape's source (LSTM gates): the greedy driver
// never converged and the pass failed with no message. Now the broadcast
// folds (its dimension is contiguous in its group; the read of its single
// element becomes a scalar load), the LSTM read (two vector
// dimensions in one group) stays a read of the expand_shape, and a 1-D read
// folds into a linearized index.
// CHECK-LABEL: func.func @expand_shape_reads
// CHECK-SAME: (%[[ROW:[a-z0-9]+]]: memref<1xf32>, %[[FLAT:[a-z0-9]+]]: memref<96xf32>
// CHECK-DAG: memref.load %[[ROW]][%{{.*}}] : memref<1xf32>
// CHECK-DAG: %[[E2:.*]] = memref.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [2, 48]
// CHECK-DAG: vector.transfer_read %[[E2]]{{.*}} : memref<2x48xf32>, vector<1x32xf32>
// CHECK-DAG: vector.transfer_read %[[FLAT]][%{{.*}}], %{{.*}} {in_bounds = [true]} : memref<96xf32>, vector<16xf32>
func.func @expand_shape_reads(%row: memref<1xf32>, %flat: memref<96xf32>, %i: index)
    -> (vector<1x10xf32>, vector<1x32xf32>, vector<16xf32>) {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %pad = arith.constant 0.0 : f32
  %e1 = memref.expand_shape %row [[0, 1]] output_shape [1, 1]
      : memref<1xf32> into memref<1x1xf32>
  %bcast = vector.transfer_read %e1[%c0, %c0], %pad
      {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d0, 0)>}
      : memref<1x1xf32>, vector<1x10xf32>
  %e2 = memref.expand_shape %flat [[0, 1]] output_shape [2, 48]
      : memref<96xf32> into memref<2x48xf32>
  %rows = vector.transfer_read %e2[%i, %c0], %pad {in_bounds = [true, true]}
      : memref<2x48xf32>, vector<1x32xf32>
  %flat_read = vector.transfer_read %e2[%i, %c32], %pad {in_bounds = [true]}
      : memref<2x48xf32>, vector<16xf32>
  return %bcast, %rows, %flat_read : vector<1x10xf32>, vector<1x32xf32>, vector<16xf32>
}

// The accumulator of a packed contraction's register tile: C viewed as
// [m1][m0][n1][n0] (expand_shape), the tile read and written along m0 and n0
// (map (d1, d3)). The expand_shape folds away (each vector dimension is the
// innermost of its group), so the transfers are plain 2-D ones on C, hoisted
// out of the k loop (which then sums from zero; C is added after it).
// CHECK-LABEL: func.func @packed_accumulator
// CHECK-SAME: %[[C:[a-z0-9]+]]: memref<12x32xf32>
// CHECK-NOT: memref.expand_shape
// CHECK: %[[SUM:.*]] = scf.for {{.*}} -> (vector<6x16xf32>)
// CHECK-COUNT-6: vector.fma
// CHECK: %[[OLD:.*]] = vector.transfer_read %[[C]][%{{.*}}, %{{.*}}]{{.*}} : memref<12x32xf32>, vector<6x16xf32>
// CHECK: %[[NEW:.*]] = arith.addf %[[OLD]], %[[SUM]]
// CHECK: vector.transfer_write %[[NEW]], %[[C]][%{{.*}}, %{{.*}}]{{.*}} : vector<6x16xf32>, memref<12x32xf32>
func.func @packed_accumulator(%a: memref<2x8x6xf32>, %b: memref<2x8x16xf32>,
                              %c: memref<12x32xf32>, %i: index, %j: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %pad = arith.constant 0.0 : f32
  %view = memref.expand_shape %c [[0, 1], [2, 3]] output_shape [2, 6, 2, 16]
      : memref<12x32xf32> into memref<2x6x2x16xf32>
  scf.for %k = %c0 to %c8 step %c1 {
    %va = vector.transfer_read %a[%i, %k, %c0], %pad {in_bounds = [true, true],
        permutation_map = affine_map<(d0, d1, d2) -> (d2, d1)>}
        : memref<2x8x6xf32>, vector<6x1xf32>
    %vb = vector.transfer_read %b[%j, %k, %c0], %pad {in_bounds = [true, true]}
        : memref<2x8x16xf32>, vector<1x16xf32>
    %vc = vector.transfer_read %view[%i, %c0, %j, %c0], %pad {in_bounds = [true, true],
        permutation_map = affine_map<(d0, d1, d2, d3) -> (d1, d3)>}
        : memref<2x6x2x16xf32>, vector<6x16xf32>
    %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc],
                          iterator_types = ["parallel", "parallel", "reduction"],
                          kind = #vector.kind<add>} %va, %vb, %vc
        : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
    vector.transfer_write %r, %view[%i, %c0, %j, %c0] {in_bounds = [true, true],
        permutation_map = affine_map<(d0, d1, d2, d3) -> (d1, d3)>}
        : vector<6x16xf32>, memref<2x6x2x16xf32>
  }
  return
}
