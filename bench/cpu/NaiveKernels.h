//===- NaiveKernels.h - Reference loops for the CPU benchmark ---*- C++ -*-===//
#ifndef SYSTOLIC_BENCH_CPU_NAIVEKERNELS_H
#define SYSTOLIC_BENCH_CPU_NAIVEKERNELS_H

namespace systolic::bench {
/// c[m x n] = a[m x k] * b[k x n], row-major, i-k-j order (vectorizable).
void naiveGemm(const float *a, const float *b, float *c, int m, int n, int k);

/// Copies a channels x height x width image into the interior of a
/// channels x (height+2) x (width+2) buffer with a zero border of 1.
void padBorder1(const float *x, float *padded, int channels, int height,
                int width);

/// NCHW x FCHW convolution, batch 1, stride 1, 3x3 window over an input
/// already padded by 1: y[f][h][w] = sum x[c][h+i][w+j] * w[f][c][i][j].
void naiveConv3x3(const float *paddedX, const float *w, float *y, int channels,
                  int filters, int height, int width);

/// The padded input unrolled into a (channels*9) x (height*width) matrix,
/// so that the convolution is one sgemm (im2col).
void im2col3x3(const float *paddedX, float *columns, int channels, int height,
               int width);
} // namespace systolic::bench

#endif // SYSTOLIC_BENCH_CPU_NAIVEKERNELS_H
