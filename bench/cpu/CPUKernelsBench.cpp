//===- CPUKernelsBench.cpp - Generated CPU code vs OpenBLAS vs naive ------===//
//
// Compiles an f32 GEMM 1024^3 and a ResNet-18 3x3 convolution (NCHW, 64->64
// channels, 56x56, padding 1, batch 1) -- written as convert-nn-to-linalg
// produces them -- through the CPU pipeline in-process, loads the shared
// objects the way the runtime does (memfd + dlopen), checks them against
// OpenBLAS and a naive loop, then times all three with 1 and 2 threads.
//
//===----------------------------------------------------------------------===//
#include "bench/cpu/NaiveKernels.h"
#include "lowering/cpu/CPUCompiler.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <dlfcn.h>
#include <functional>
#include <random>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

using namespace systolic;
using llvm::format;

static llvm::cl::opt<std::string>
    threadList("thread-counts", llvm::cl::desc("Comma-separated thread counts"),
               llvm::cl::init("1,2"));
static llvm::cl::opt<double>
    minSeconds("min-seconds",
               llvm::cl::desc("Minimum timed seconds per measurement"),
               llvm::cl::init(0.5));
static llvm::cl::opt<bool> threadClock(
    "thread-clock",
    llvm::cl::desc("Time the 1-thread rows by the calling thread's CPU time "
                   "instead of wall-clock time: steadier on a loaded machine "
                   "(time the thread is descheduled does not count); the "
                   "2-thread rows stay wall-clock"),
    llvm::cl::init(false));
static llvm::cl::opt<std::string>
    targetCpu("target-cpu", llvm::cl::desc("Target CPU (default: host)"));
static llvm::cl::opt<std::string>
    targetFeatures("target-features", llvm::cl::desc("Target features"));

namespace {
using EntryPoint = void (*)(void **);

/// A float buffer aligned as the runtime allocates them (64 bytes).
struct Buffer {
  explicit Buffer(size_t n) : size(n) {
    data = static_cast<float *>(std::aligned_alloc(64, (n * 4 + 63) / 64 * 64));
    std::fill(data, data + n, 0.0f);
  }
  ~Buffer() { std::free(data); }
  Buffer(const Buffer &) = delete;
  float *data;
  size_t size;
};

void randomize(Buffer &b, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (size_t i = 0; i < b.size; ++i)
    b.data[i] = dist(gen);
}

float maxAbsDiff(const Buffer &a, const Buffer &b) {
  float m = 0;
  for (size_t i = 0; i < a.size; ++i)
    m = std::max(m, std::fabs(a.data[i] - b.data[i]));
  return m;
}

/// CPU time of the calling thread (for --thread-clock).
double threadSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/// Best (minimum) time of each of `runs`, after one warm-up each, run in
/// turn (a, b, a, b, ...) for at least --min-seconds in all: on a shared
/// machine each implementation sees the same phases of the other load, and
/// the minimum is the least disturbed run.
std::vector<double> bestSeconds(const std::vector<std::function<void()>> &runs,
                                unsigned threads) {
  using clock = std::chrono::steady_clock;
  bool cpuTime = threadClock && threads == 1;
  for (const auto &run : runs)
    run();
  std::vector<double> best(runs.size(), 1e30);
  double total = 0;
  int rounds = 0;
  while (total < minSeconds || rounds < 3) {
    for (size_t i = 0; i < runs.size(); ++i) {
      auto start = clock::now();
      double startCpu = threadSeconds();
      runs[i]();
      double wall =
          std::chrono::duration<double>(clock::now() - start).count();
      total += wall;
      best[i] = std::min(best[i], cpuTime ? threadSeconds() - startCpu : wall);
    }
    ++rounds;
  }
  return best;
}

double bestSeconds(const std::function<void()> &run, unsigned threads) {
  return bestSeconds(std::vector<std::function<void()>>{run}, threads)[0];
}

/// A compiled and loaded kernel.
struct Kernel {
  EntryPoint entry = nullptr;
  void *handle = nullptr;
  int fd = -1;
  double compileSeconds = 0;
  ~Kernel() {
    if (handle)
      dlclose(handle);
    if (fd >= 0)
      close(fd);
  }
};

bool compileKernel(const std::string &source, const char *name,
                   unsigned threads, Kernel &kernel) {
  mlir::DialectRegistry registry;
  cpu::registerCPUCodegenDialects(registry);
  mlir::MLIRContext context(registry);
  auto start = std::chrono::steady_clock::now();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module)
    return false;
  cpu::CPUCodegenOptions options;
  options.threads = threads;
  options.target.cpu = targetCpu;
  options.target.features = targetFeatures;
  llvm::Expected<cpu::CPUExecutable> exe =
      cpu::compileToSharedObject(*module, options);
  if (!exe) {
    llvm::errs() << "bench-cpu-kernels: " << llvm::toString(exe.takeError())
                 << "\n";
    return false;
  }
  kernel.compileSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  kernel.fd = memfd_create(name, MFD_CLOEXEC);
  if (kernel.fd < 0 ||
      write(kernel.fd, exe->sharedObject.data(), exe->sharedObject.size()) !=
          ssize_t(exe->sharedObject.size()))
    return false;
  std::string path = "/proc/self/fd/" + std::to_string(kernel.fd);
  kernel.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!kernel.handle) {
    llvm::errs() << "bench-cpu-kernels: dlopen: " << dlerror() << "\n";
    return false;
  }
  kernel.entry = reinterpret_cast<EntryPoint>(dlsym(kernel.handle, name));
  return kernel.entry != nullptr;
}

constexpr int kN = 1024;
constexpr int kC = 64, kH = 56, kW = 56;
constexpr double kGemmFlop = 2.0 * kN * kN * kN;
constexpr double kConvFlop = 2.0 * kC * kC * 9 * kH * kW;

std::string gemmSource() {
  return R"mlir(
func.func @gemm(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1024x1024xf32>
  %c = linalg.fill ins(%zero : f32) outs(%empty : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<1024x1024xf32>, tensor<1024x1024xf32>)
                     outs(%c : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}
)mlir";
}

std::string convSource() {
  return R"mlir(
func.func @conv(%x: tensor<1x64x56x56xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x64x56x56xf32> to tensor<1x64x58x58xf32>
  %empty = tensor.empty() : tensor<1x64x56x56xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  %0 = linalg.conv_2d_nchw_fchw
         {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%padded, %w : tensor<1x64x58x58xf32>, tensor<64x64x3x3xf32>)
         outs(%init : tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  return %0 : tensor<1x64x56x56xf32>
}
)mlir";
}

struct Row {
  std::string kernel;
  unsigned threads;
  std::string impl;
  double seconds;
  double flop;
  double blasSeconds;
};

void printRow(const Row &r) {
  llvm::outs() << format("| %-26s | %7u | %-22s | %9.3f | %8.1f | %5.2fx |\n",
                         r.kernel.c_str(), r.threads, r.impl.c_str(),
                         r.seconds * 1e3, r.flop / r.seconds * 1e-9,
                         r.blasSeconds / r.seconds);
}
} // namespace

int main(int argc, char **argv) {
  // libomp threads spin for 200 ms after each parallel region by default;
  // on a 2-core machine that would steal the cores from the next
  // measurement (OpenBLAS). Read when libomp loads with the first kernel.
  setenv("KMP_BLOCKTIME", "0", /*overwrite=*/0);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "CPU kernels: generated code vs OpenBLAS vs naive loops\n");
  std::vector<unsigned> threadCounts;
  for (llvm::StringRef rest = threadList; !rest.empty();) {
    auto [item, tail] = rest.split(',');
    unsigned t;
    if (item.getAsInteger(10, t) || t == 0) {
      llvm::errs() << "bench-cpu-kernels: bad --thread-counts entry '" << item
                   << "'\n";
      return 1;
    }
    threadCounts.push_back(t);
    rest = tail;
  }

  Buffer a(kN * kN), b(kN * kN), cGen(kN * kN), cBlas(kN * kN),
      cNaive(kN * kN);
  randomize(a, 1);
  randomize(b, 2);
  Buffer x(kC * kH * kW), w(kC * kC * 9), yGen(kC * kH * kW),
      yBlas(kC * kH * kW), yNaive(kC * kH * kW);
  Buffer padded(kC * (kH + 2) * (kW + 2)), columns(kC * 9 * kH * kW);
  randomize(x, 3);
  randomize(w, 4);

  auto gemmBlas = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kN, kN, kN, 1.0f,
                a.data, kN, b.data, kN, 0.0f, cBlas.data, kN);
  };
  auto gemmNaive = [&] {
    bench::naiveGemm(a.data, b.data, cNaive.data, kN, kN, kN);
  };
  auto convBlas = [&] {
    bench::padBorder1(x.data, padded.data, kC, kH, kW);
    bench::im2col3x3(padded.data, columns.data, kC, kH, kW);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kC, kH * kW, kC * 9,
                1.0f, w.data, kC * 9, columns.data, kH * kW, 0.0f, yBlas.data,
                kH * kW);
  };
  auto convNaive = [&] {
    bench::padBorder1(x.data, padded.data, kC, kH, kW);
    bench::naiveConv3x3(padded.data, w.data, yNaive.data, kC, kC, kH, kW);
  };

  llvm::outs() << "| kernel                     | threads | implementation         "
                  "| time (ms) | GFLOP/s  | vs BLAS |\n"
               << "|----------------------------|---------|------------------------"
                  "|-----------|----------|---------|\n";
  bool ok = true;
  for (unsigned threads : threadCounts) {
    openblas_set_num_threads(int(threads));
    Kernel gemm, conv;
    if (!compileKernel(gemmSource(), "gemm", threads, gemm) ||
        !compileKernel(convSource(), "conv", threads, conv))
      return 1;
    auto gemmGen = [&] {
      void *bindings[] = {a.data, b.data, cGen.data};
      gemm.entry(bindings);
    };
    auto convGen = [&] {
      void *bindings[] = {x.data, w.data, yGen.data};
      conv.entry(bindings);
    };

    // Agreement first: generated vs OpenBLAS vs naive.
    gemmGen();
    gemmBlas();
    gemmNaive();
    convGen();
    convBlas();
    convNaive();
    float gemmErr = std::max(maxAbsDiff(cGen, cBlas), maxAbsDiff(cGen, cNaive));
    float convErr = std::max(maxAbsDiff(yGen, yBlas), maxAbsDiff(yGen, yNaive));
    llvm::errs() << format("threads=%u: max |generated - reference|: gemm "
                           "%.3g, conv %.3g; compile time: gemm %.2f s, conv "
                           "%.2f s\n",
                           threads, gemmErr, convErr, gemm.compileSeconds,
                           conv.compileSeconds);
    // Inputs in [-1, 1]: sums of 1024 (576) products, f32 rounding.
    if (!(gemmErr < 1e-3f) || !(convErr < 1e-3f)) {
      llvm::errs() << "bench-cpu-kernels: results disagree\n";
      ok = false;
      continue;
    }

    std::vector<double> t = bestSeconds({gemmBlas, gemmGen}, threads);
    double tBlas = t[0], tGen = t[1];
    // The naive loop is single-threaded: shown in the 1-thread rows only.
    if (threads == 1)
      printRow({"gemm 1024^3", threads, "naive loop (-O3 native)",
                bestSeconds(gemmNaive, threads), kGemmFlop, tBlas});
    printRow({"gemm 1024^3", threads, "OpenBLAS sgemm", tBlas, kGemmFlop,
              tBlas});
    printRow({"gemm 1024^3", threads, "systolic (generated)", tGen, kGemmFlop,
              tBlas});
    t = bestSeconds({convBlas, convGen}, threads);
    tBlas = t[0];
    tGen = t[1];
    if (threads == 1)
      printRow({"conv3x3 64->64 56x56 NCHW", threads, "naive loop (-O3 native)",
                bestSeconds(convNaive, threads), kConvFlop, tBlas});
    printRow({"conv3x3 64->64 56x56 NCHW", threads, "im2col + OpenBLAS", tBlas,
              kConvFlop, tBlas});
    printRow({"conv3x3 64->64 56x56 NCHW", threads, "systolic (generated)",
              tGen, kConvFlop, tBlas});
  }
  return ok ? 0 : 1;
}
