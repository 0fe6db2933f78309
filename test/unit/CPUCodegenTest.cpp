//===- CPUCodegenTest.cpp - linalg -> shared object, run and checked ------===//
//
// Compiles small modules through the CPU pipeline, loads the shared object
// the way the runtime does (memfd + dlopen) and checks the numbers against
// reference loops.
//
//===----------------------------------------------------------------------===//
#include "lowering/cpu/CPUCompiler.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <dlfcn.h>
#include <random>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

using namespace systolic::cpu;

namespace {
using EntryPoint = void (*)(void **);

/// A loaded shared object; unloaded (and its memfd closed) on destruction.
class LoadedExecutable {
public:
  explicit LoadedExecutable(const std::string &bytes) {
    fd = memfd_create("systolic-cpu-test", MFD_CLOEXEC);
    if (fd < 0 || write(fd, bytes.data(), bytes.size()) != ssize_t(bytes.size()))
      return;
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  }
  ~LoadedExecutable() {
    if (handle)
      dlclose(handle);
    if (fd >= 0)
      close(fd);
  }
  EntryPoint lookup(const char *name) const {
    return handle ? reinterpret_cast<EntryPoint>(dlsym(handle, name)) : nullptr;
  }
  const char *error() const { return handle ? "" : dlerror(); }

private:
  int fd = -1;
  void *handle = nullptr;
};

/// 64-byte aligned buffer, as the runtime allocates them.
template <typename T> struct Buffer {
  explicit Buffer(size_t n, T fill = T()) : size(n) {
    data = static_cast<T *>(std::aligned_alloc(64, ((n * sizeof(T) + 63) / 64) * 64));
    std::fill(data, data + n, fill);
  }
  ~Buffer() { std::free(data); }
  Buffer(const Buffer &) = delete;
  T &operator[](size_t i) { return data[i]; }
  T *data;
  size_t size;
};

template <typename T> void randomize(Buffer<T> &buffer, int lo, int hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  for (size_t i = 0; i < buffer.size; ++i)
    buffer[i] = std::is_floating_point_v<T> ? T(dist(gen)) / T(8) : T(dist(gen));
}

class CPUCodegenTest : public ::testing::Test {
protected:
  CPUCodegenTest() {
    mlir::DialectRegistry registry;
    registerCPUCodegenDialects(registry);
    context.appendDialectRegistry(registry);
  }

  /// Compiles `source` and loads the result; fails the test on error.
  std::unique_ptr<LoadedExecutable> compile(const std::string &source,
                                            unsigned threads = 1) {
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(source, &context);
    if (!module) {
      ADD_FAILURE() << "cannot parse the test module";
      return nullptr;
    }
    CPUCodegenOptions options;
    options.threads = threads;
    llvm::Expected<CPUExecutable> executable =
        compileToSharedObject(*module, options);
    if (!executable) {
      ADD_FAILURE() << llvm::toString(executable.takeError());
      return nullptr;
    }
    EXPECT_EQ(executable->usesOpenMP, threads > 1);
    auto loaded = std::make_unique<LoadedExecutable>(executable->sharedObject);
    EXPECT_STREQ(loaded->error(), "");
    return loaded;
  }

  mlir::MLIRContext context;
};

/// C = A x B with A: m x k, B: k x n, as convert-nn-to-linalg emits it.
std::string matmulSource(int m, int n, int k) {
  std::string a = "tensor<" + std::to_string(m) + "x" + std::to_string(k) + "xf32>";
  std::string b = "tensor<" + std::to_string(k) + "x" + std::to_string(n) + "xf32>";
  std::string c = "tensor<" + std::to_string(m) + "x" + std::to_string(n) + "xf32>";
  return "func.func @matmul(%a: " + a + ", %b: " + b + ") -> " + c + " {\n"
         "  %zero = arith.constant 0.0 : f32\n"
         "  %empty = tensor.empty() : " + c + "\n"
         "  %c = linalg.fill ins(%zero : f32) outs(%empty : " + c + ") -> " + c + "\n"
         "  %0 = linalg.matmul ins(%a, %b : " + a + ", " + b + ") outs(%c : " + c + ") -> " + c + "\n"
         "  return %0 : " + c + "\n}\n";
}

void checkMatmulF32(EntryPoint entry, int m, int n, int k) {
  Buffer<float> a(m * k), b(k * n), c(m * n, -1.0f);
  randomize(a, -8, 8, 1);
  randomize(b, -8, 8, 2);
  void *bindings[] = {a.data, b.data, c.data};
  entry(bindings);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      float ref = 0;
      for (int p = 0; p < k; ++p)
        ref += a[i * k + p] * b[p * n + j];
      ASSERT_NEAR(c[i * n + j], ref, 1e-4f) << "at (" << i << ", " << j << ")";
    }
}

// Sizes that no register tile divides: exercises the remainder splitting.
TEST_F(CPUCodegenTest, MatmulF32OddSizes) {
  auto exe = compile(matmulSource(37, 45, 29));
  ASSERT_TRUE(exe);
  EntryPoint entry = exe->lookup("matmul");
  ASSERT_NE(entry, nullptr);
  checkMatmulF32(entry, 37, 45, 29);
}

// Even sizes, so that a loop splits over the two threads (OpenMP), and more
// than the 1 M multiply-adds below which an op stays on one thread
// (120 x 96 x 96 = 1.1 M).
TEST_F(CPUCodegenTest, MatmulF32TwoThreads) {
  auto exe = compile(matmulSource(120, 96, 96), /*threads=*/2);
  ASSERT_TRUE(exe);
  EntryPoint entry = exe->lookup("matmul");
  ASSERT_NE(entry, nullptr);
  checkMatmulF32(entry, 120, 96, 96);
}

TEST_F(CPUCodegenTest, MatmulI8) {
  auto exe = compile(R"mlir(
func.func @qmatmul(%a: tensor<13x24xi8>, %b: tensor<24x17xi8>, %c: tensor<13x17xi32>) -> tensor<13x17xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<13x24xi8>, tensor<24x17xi8>)
                     outs(%c : tensor<13x17xi32>) -> tensor<13x17xi32>
  return %0 : tensor<13x17xi32>
}
)mlir");
  ASSERT_TRUE(exe);
  EntryPoint entry = exe->lookup("qmatmul");
  ASSERT_NE(entry, nullptr);
  const int m = 13, k = 24, n = 17;
  Buffer<int8_t> a(m * k), b(k * n);
  Buffer<int32_t> c(m * n), out(m * n, 0);
  randomize(a, -128, 127, 3);
  randomize(b, -128, 127, 4);
  randomize(c, -1000, 1000, 5);
  void *bindings[] = {a.data, b.data, c.data, out.data};
  entry(bindings);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      int32_t ref = c[i * n + j];
      for (int p = 0; p < k; ++p)
        ref += int32_t(a[i * k + p]) * int32_t(b[p * n + j]);
      ASSERT_EQ(out[i * n + j], ref) << "at (" << i << ", " << j << ")";
    }
}

// NCHW convolution with padding, as converted from ONNX.
TEST_F(CPUCodegenTest, ConvNCHWPadded) {
  auto exe = compile(R"mlir(
func.func @conv(%x: tensor<1x3x9x10xf32>, %w: tensor<5x3x3x3xf32>) -> tensor<1x5x9x10xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x3x9x10xf32> to tensor<1x3x11x12xf32>
  %empty = tensor.empty() : tensor<1x5x9x10xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x5x9x10xf32>) -> tensor<1x5x9x10xf32>
  %0 = linalg.conv_2d_nchw_fchw
         {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%padded, %w : tensor<1x3x11x12xf32>, tensor<5x3x3x3xf32>)
         outs(%init : tensor<1x5x9x10xf32>) -> tensor<1x5x9x10xf32>
  return %0 : tensor<1x5x9x10xf32>
}
)mlir");
  ASSERT_TRUE(exe);
  EntryPoint entry = exe->lookup("conv");
  ASSERT_NE(entry, nullptr);
  const int c = 3, h = 9, w = 10, f = 5;
  Buffer<float> x(c * h * w), wt(f * c * 9), y(f * h * w, 7.0f);
  randomize(x, -8, 8, 6);
  randomize(wt, -8, 8, 7);
  void *bindings[] = {x.data, wt.data, y.data};
  entry(bindings);
  for (int o = 0; o < f; ++o)
    for (int i = 0; i < h; ++i)
      for (int j = 0; j < w; ++j) {
        float ref = 0;
        for (int ci = 0; ci < c; ++ci)
          for (int kh = 0; kh < 3; ++kh)
            for (int kw = 0; kw < 3; ++kw) {
              int ii = i + kh - 1, jj = j + kw - 1;
              if (ii >= 0 && ii < h && jj >= 0 && jj < w)
                ref += x[(ci * h + ii) * w + jj] * wt[((o * c + ci) * 3 + kh) * 3 + kw];
            }
        ASSERT_NEAR(y[(o * h + i) * w + j], ref, 1e-4f)
            << "at (" << o << ", " << i << ", " << j << ")";
      }
}

// Elementwise with a broadcast operand, and a reduction along rows.
TEST_F(CPUCodegenTest, ElementwiseAndReduction) {
  auto exe = compile(R"mlir(
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#red = affine_map<(d0, d1) -> (d0)>
func.func @bias_relu_sum(%x: tensor<3x70xf32>, %b: tensor<70xf32>) -> (tensor<3x70xf32>, tensor<3xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<3x70xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<3x70xf32>, tensor<70xf32>) outs(%empty : tensor<3x70xf32>) {
  ^bb0(%xi: f32, %bi: f32, %o: f32):
    %s = arith.addf %xi, %bi : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<3x70xf32>
  %e = tensor.empty() : tensor<3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  %sum = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["parallel", "reduction"]}
      ins(%y : tensor<3x70xf32>) outs(%init : tensor<3xf32>) {
  ^bb0(%yi: f32, %acc: f32):
    %s = arith.addf %yi, %acc : f32
    linalg.yield %s : f32
  } -> tensor<3xf32>
  return %y, %sum : tensor<3x70xf32>, tensor<3xf32>
}
)mlir");
  ASSERT_TRUE(exe);
  EntryPoint entry = exe->lookup("bias_relu_sum");
  ASSERT_NE(entry, nullptr);
  Buffer<float> x(3 * 70), b(70), y(3 * 70), sum(3);
  randomize(x, -16, 16, 8);
  randomize(b, -16, 16, 9);
  void *bindings[] = {x.data, b.data, y.data, sum.data};
  entry(bindings);
  for (int i = 0; i < 3; ++i) {
    float total = 0;
    for (int j = 0; j < 70; ++j) {
      float ref = std::max(x[i * 70 + j] + b[j], 0.0f);
      total += ref;
      ASSERT_EQ(y[i * 70 + j], ref) << "at (" << i << ", " << j << ")";
    }
    ASSERT_NEAR(sum[i], total, 1e-3f) << "row " << i;
  }
}

TEST_F(CPUCodegenTest, DynamicShapeIsAnError) {
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(R"mlir(
func.func @dyn(%a: tensor<?xf32>) -> tensor<?xf32> {
  return %a : tensor<?xf32>
}
)mlir",
                                              &context);
  ASSERT_TRUE(module);
  llvm::Expected<CPUExecutable> executable =
      compileToSharedObject(*module, CPUCodegenOptions());
  ASSERT_FALSE(bool(executable));
  std::string message = llvm::toString(executable.takeError());
  EXPECT_NE(message.find("cannot make 'dyn' a CPU entry point"),
            std::string::npos)
      << message;
}
} // namespace
