//===- NaiveKernels.cpp - Reference loops for the CPU benchmark -----------===//
#include "bench/cpu/NaiveKernels.h"

#include <algorithm>

void systolic::bench::naiveGemm(const float *a, const float *b, float *c, int m,
                                int n, int k) {
  std::fill(c, c + m * n, 0.0f);
  for (int i = 0; i < m; ++i)
    for (int p = 0; p < k; ++p) {
      float av = a[i * k + p];
      for (int j = 0; j < n; ++j)
        c[i * n + j] += av * b[p * n + j];
    }
}

void systolic::bench::naiveConv3x3(const float *x, const float *w, float *y,
                                   int channels, int filters, int height,
                                   int width) {
  const int pw = width + 2, ph = height + 2;
  std::fill(y, y + filters * height * width, 0.0f);
  for (int f = 0; f < filters; ++f)
    for (int c = 0; c < channels; ++c)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
          float wv = w[((f * channels + c) * 3 + i) * 3 + j];
          for (int h = 0; h < height; ++h)
            for (int v = 0; v < width; ++v)
              y[(f * height + h) * width + v] +=
                  wv * x[(c * ph + h + i) * pw + v + j];
        }
}

void systolic::bench::im2col3x3(const float *x, float *columns, int channels,
                                int height, int width) {
  const int pw = width + 2, ph = height + 2;
  for (int c = 0; c < channels; ++c)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        float *row = columns + ((c * 3 + i) * 3 + j) * height * width;
        for (int h = 0; h < height; ++h)
          std::copy(x + (c * ph + h + i) * pw + j,
                    x + (c * ph + h + i) * pw + j + width, row + h * width);
      }
}

void systolic::bench::padBorder1(const float *x, float *padded, int channels,
                                 int height, int width) {
  const int pw = width + 2, ph = height + 2;
  std::fill(padded, padded + channels * ph * pw, 0.0f);
  for (int c = 0; c < channels; ++c)
    for (int h = 0; h < height; ++h)
      std::copy(x + (c * height + h) * width, x + (c * height + h + 1) * width,
                padded + (c * ph + h + 1) * pw + 1);
}
