//===- AccelTest.cpp - Accel codegen, executable format and devices -------===//
//
// Layer dispatches written in MLIR are compiled by the accel code generator,
// packed into artifacts with the ArtifactBuilder and run on the accel devices
// (Verilated RTL and golden model); results are compared bit for bit with a
// plain C++ model of the layer ops' integer semantics
// (dialects/systolic/SystolicOps.td), counters with the layer's figures.
// Independent of the CPU backend: the CPU reference path is tested with a C
// kernel standing in for the compiled dispatch.
//
//===----------------------------------------------------------------------===//
#include "lowering/accel/AccelCodegen.h"
#include "runtime/Runtime.h"
#include "runtime/artifact/ArtifactBuilder.h"
#include "test/unit/runtime/TestModels.h"

#include "dialects/systolic/SystolicDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

using namespace systolic;
using namespace systolic::runtime;
using artifact::ElementType;
using artifact::accel::AccelExecutableDesc;
using artifact::accel::HwDescription;

namespace {

//===----------------------------------------------------------------------===//
// Reference semantics
//===----------------------------------------------------------------------===//

enum class Act { None, Relu, Relu6, Lut };

struct OutputPath {
  std::vector<int32_t> params; // [3, C]: bias, multiplier, shift
  std::vector<int8_t> lut;     // 256 entries
  int64_t zeroPoint = 0, clampMax = 127;
  Act act = Act::None;

  int8_t apply(int32_t acc, int64_t c, int64_t channels) const {
    int32_t x = static_cast<int32_t>(static_cast<uint32_t>(acc) +
                                     static_cast<uint32_t>(params[c]));
    int64_t p = int64_t(x) * int64_t(params[channels + c]);
    int64_t s = params[2 * channels + c] & 63;
    int64_t q = s == 0 ? p : ((p >> (s - 1)) + 1) >> 1;
    int64_t v = std::clamp<int64_t>(q + zeroPoint, -128, 127);
    if (act == Act::Relu || act == Act::Relu6)
      v = std::max(v, zeroPoint);
    if (act == Act::Relu6)
      v = std::min(v, clampMax);
    if (act == Act::Lut)
      v = lut[static_cast<uint8_t>(v)];
    return static_cast<int8_t>(v);
  }
};

std::vector<int8_t> randomI8(std::mt19937 &rng, size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (int8_t &x : v)
    x = static_cast<int8_t>(d(rng));
  return v;
}

OutputPath randomOutputPath(std::mt19937 &rng, int64_t channels, Act act) {
  OutputPath o;
  o.act = act;
  std::uniform_int_distribution<int> bias(-2000, 2000), mult(1 << 20, 1 << 21),
      shift(25, 27);
  o.params.resize(3 * channels);
  for (int64_t c = 0; c < channels; ++c) {
    o.params[c] = bias(rng);
    o.params[channels + c] = mult(rng);
    o.params[2 * channels + c] = shift(rng);
  }
  o.lut = randomI8(rng, 256, -128, 127);
  return o;
}

struct ConvShape {
  int64_t n, h, w, c, kh, kw, f, sh, sw, pt, pl, pb, pr;
  int64_t oh() const { return (h + pt + pb - kh) / sh + 1; }
  int64_t ow() const { return (w + pl + pr - kw) / sw + 1; }
};

std::vector<int8_t> referenceConv(const ConvShape &s, const std::vector<int8_t> &in,
                                  const std::vector<int8_t> &w, const OutputPath &o) {
  std::vector<int8_t> out(s.n * s.oh() * s.ow() * s.f);
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t y = 0; y < s.oh(); ++y)
      for (int64_t x = 0; x < s.ow(); ++x)
        for (int64_t f = 0; f < s.f; ++f) {
          int32_t acc = 0;
          for (int64_t i = 0; i < s.kh; ++i)
            for (int64_t j = 0; j < s.kw; ++j) {
              int64_t iy = y * s.sh + i - s.pt, ix = x * s.sw + j - s.pl;
              if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w)
                continue;
              for (int64_t c = 0; c < s.c; ++c)
                acc += int32_t(in[((n * s.h + iy) * s.w + ix) * s.c + c]) *
                       int32_t(w[((i * s.kw + j) * s.c + c) * s.f + f]);
            }
          out[((n * s.oh() + y) * s.ow() + x) * s.f + f] = o.apply(acc, f, s.f);
        }
  return out;
}

std::vector<int8_t> referenceMatmul(int64_t m, int64_t k, int64_t n,
                                    const std::vector<int8_t> &a,
                                    const std::vector<int8_t> &b, const OutputPath &o) {
  std::vector<int8_t> out(m * n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int32_t acc = 0;
      for (int64_t t = 0; t < k; ++t)
        acc += int32_t(a[i * k + t]) * int32_t(b[t * n + j]);
      out[i * n + j] = o.apply(acc, j, n);
    }
  return out;
}

std::vector<int8_t> referenceScaledAdd(int64_t pixels, int64_t channels,
                                       const std::vector<int8_t> &a,
                                       const std::vector<int8_t> &b, int64_t wa,
                                       int64_t wb, const OutputPath &o) {
  std::vector<int8_t> out(pixels * channels);
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t c = 0; c < channels; ++c)
      out[p * channels + c] = o.apply(
          int32_t(wa * a[p * channels + c] + wb * b[p * channels + c]), c, channels);
  return out;
}

//===----------------------------------------------------------------------===//
// MLIR text
//===----------------------------------------------------------------------===//

/// A dense literal of any shape as raw little-endian hex.
template <typename T>
std::string dense(const std::vector<T> &values, const std::string &type) {
  std::string out = "dense<\"0x";
  const auto *bytes = reinterpret_cast<const uint8_t *>(values.data());
  for (size_t i = 0; i < values.size() * sizeof(T); ++i) {
    char hex[3];
    std::snprintf(hex, sizeof(hex), "%02X", bytes[i]);
    out += hex;
  }
  return out + "\"> : " + type;
}

std::string tensorType(const std::vector<int64_t> &shape, const char *element) {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + element + ">";
}

const char *actName(Act a) {
  switch (a) {
  case Act::None: return "none";
  case Act::Relu: return "relu";
  case Act::Relu6: return "relu6";
  case Act::Lut: return "lut";
  }
  return "";
}

/// Parses a module and compiles it for the accelerator; diagnostics are
/// collected into `errors`.
struct Compiler {
  mlir::MLIRContext context;
  std::string errors;
  mlir::ScopedDiagnosticHandler handler{&context, [this](mlir::Diagnostic &d) {
    errors += d.str() + "\n";
    return mlir::success();
  }};
  Compiler() {
    context.loadDialect<mlir::func::FuncDialect, mlir::arith::ArithDialect,
                        accel::SystolicDialect>();
  }
  std::optional<AccelExecutableDesc> compile(const std::string &text,
                                             const HwDescription &hw) {
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(text, &context);
    if (!module)
      return std::nullopt;
    mlir::FailureOr<AccelExecutableDesc> exe = accel::buildAccelExecutable(*module, hw);
    if (mlir::failed(exe))
      return std::nullopt;
    return *exe;
  }
};

//===----------------------------------------------------------------------===//
// Artifacts
//===----------------------------------------------------------------------===//

struct Tensor8 {
  std::string name;
  ElementType type;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

template <typename T>
Tensor8 tensor(std::string name, std::vector<int64_t> shape, const std::vector<T> &v) {
  Tensor8 t{std::move(name), sizeof(T) == 1 ? ElementType::I8 : ElementType::I32,
            std::move(shape), {}};
  t.bytes.resize(v.size() * sizeof(T));
  std::memcpy(t.bytes.data(), v.data(), t.bytes.size());
  return t;
}

/// One accel dispatch (entry point 0) reading `inputs` (model inputs, in the
/// function's argument order) and writing output `y`.
std::vector<uint8_t> singleDispatchArtifact(const AccelExecutableDesc &exe,
                                            const std::vector<Tensor8> &inputs,
                                            const std::vector<int64_t> &outShape,
                                            std::vector<uint8_t> executableBytes = {},
                                            const std::vector<uint8_t> *reference = nullptr) {
  artifact::ArtifactBuilder b;
  std::vector<uint32_t> operands;
  for (const Tensor8 &t : inputs)
    operands.push_back(b.addInput(t.name, t.type, t.shape));
  uint32_t y = b.addOutput("y", ElementType::I8, outShape);
  if (executableBytes.empty())
    executableBytes = artifact::accel::serializeAccelExecutable(exe);
  uint32_t e = b.addExecutable("accel", "systolic-accel-v1", executableBytes.data(),
                               executableBytes.size(), {exe.entryPoints[0].name});
  std::optional<artifact::DispatchReference> ref;
  if (reference) {
    uint32_t cpu = b.addExecutable("cpu", "elf-shared-object", reference->data(),
                                   reference->size(), {"reference"});
    ref = artifact::DispatchReference{cpu, 0};
  }
  b.addDispatch("layer", e, 0, "accel", operands, {y}, 2 * exe.entryPoints[0].macs, 0,
                ref);
  Expected<std::vector<uint8_t>> file = b.finish();
  EXPECT_TRUE(file) << file.status().message();
  return file ? *file : std::vector<uint8_t>();
}

struct RunOutcome {
  Status status;
  std::vector<int8_t> output;
  DeviceCounters counters;
  bool usedReference = false;
};

RunOutcome runOn(const std::vector<uint8_t> &file, const std::vector<Tensor8> &inputs,
                 const std::vector<std::string> &deviceNames) {
  RunOutcome r;
  Expected<std::shared_ptr<const Module>> module = Module::fromBytes(file.data(), file.size());
  if (!module) {
    r.status = module.status();
    return r;
  }
  DeviceRegistry registry = DeviceRegistry::withBuiltinDevices();
  std::vector<std::shared_ptr<Device>> devices;
  for (const std::string &name : deviceNames) {
    Expected<std::shared_ptr<Device>> d = registry.create(name);
    if (!d) {
      r.status = d.status();
      return r;
    }
    devices.push_back(d.take());
  }
  Expected<std::unique_ptr<Session>> session = Session::create(*module, devices);
  if (!session) {
    r.status = session.status();
    return r;
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    Status s = (*session)->setInput(
        i, TensorView{inputs[i].bytes.data(), inputs[i].type, inputs[i].shape});
    if (!s) {
      r.status = s;
      return r;
    }
  }
  r.status = (*session)->run();
  if (!r.status)
    return r;
  TensorView y = (*session)->output(0);
  const auto *data = static_cast<const int8_t *>(y.data);
  r.output.assign(data, data + y.numElements());
  r.counters = (*session)->dispatchCounters()[0];
  r.usedReference = (*session)->dispatchUsesReference(0);
  return r;
}

#define REQUIRE_ACCEL_DEVICES()                                                \
  if (!DeviceRegistry::hasAccelDevices())                                      \
  GTEST_SKIP() << "built without the simulator (SYSTOLIC_ENABLE_SIM)"

/// Runs on both accel devices, checks results against `expected` and the
/// counters against the executable's figures.
void checkOnDevices(const AccelExecutableDesc &exe, const std::vector<Tensor8> &inputs,
                    const std::vector<int64_t> &outShape,
                    const std::vector<int8_t> &expected) {
  std::vector<uint8_t> file = singleDispatchArtifact(exe, inputs, outShape);
  const artifact::accel::AccelEntryPoint &e = exe.entryPoints[0];
  DeviceCounters rtl;
  for (const char *device : {"accel", "accel-golden"}) {
    SCOPED_TRACE(device);
    RunOutcome r = runOn(file, inputs, {device});
    ASSERT_TRUE(r.status) << r.status.message();
    EXPECT_EQ(r.output, expected);
    const DeviceCounters &c = r.counters;
    ASSERT_TRUE(c.valid);
    EXPECT_EQ(c.arrayMacs, e.programMacs); // what the array executed
    EXPECT_EQ(c.macs, e.macs);             // the layer's own work
    EXPECT_EQ(c.programs, e.programs.size());
    EXPECT_EQ(c.idealCycles, e.idealCycles);
    EXPECT_EQ(c.estimatedCycles, e.estimatedCycles());
    EXPECT_EQ(c.layer, e.layer);
    EXPECT_GT(c.dramReadBytes, 0u);
    EXPECT_EQ(c.dramWriteBytes, expected.size());
    EXPECT_GT(c.spWrites, 0u);
    EXPECT_GT(c.accWrites, 0u);
    if (std::string(device) == "accel") {
      rtl = c;
      EXPECT_TRUE(c.cycleAccurate);
      EXPECT_GT(c.cycles, 0u);
      EXPECT_GT(c.computeBusy, 0u);
      EXPECT_LE(c.computeBusy, c.cycles);
      EXPECT_GT(c.utilization(), 0.0);
      EXPECT_LE(c.utilization(), 1.0);
    } else {
      // Exact events, estimated cycles, no busy/stall counts.
      EXPECT_FALSE(c.cycleAccurate);
      EXPECT_EQ(c.computeBusy, 0u);
      for (auto field : {&DeviceCounters::macs, &DeviceCounters::spReads,
                         &DeviceCounters::spWrites, &DeviceCounters::accReads,
                         &DeviceCounters::accWrites, &DeviceCounters::dramReadBytes,
                         &DeviceCounters::dramWriteBytes})
        EXPECT_EQ(c.*field, rtl.*field);
      // The golden model's timing estimate tracks the RTL closely.
      if (c.cycles)
        EXPECT_NEAR(double(c.cycles), double(rtl.cycles), 0.05 * rtl.cycles);
    }
  }
  // The compiler's cost model (the golden model's timing model run at compile
  // time) tracks the RTL closely.
  EXPECT_NEAR(double(e.estimatedCycles()), double(rtl.cycles), 0.05 * rtl.cycles);
}

HwDescription config(const std::string &spec) {
  llvm::Expected<HwDescription> hw = accel::parseAccelConfig(spec);
  EXPECT_TRUE(bool(hw)) << llvm::toString(hw.takeError());
  return hw ? *hw : HwDescription();
}

//===----------------------------------------------------------------------===//
// Tests
//===----------------------------------------------------------------------===//

TEST(AccelConfig, Parses) {
  HwDescription hw = config("8x8");
  EXPECT_EQ(hw.rows, 8u);
  EXPECT_EQ(hw.cols, 8u);
  EXPECT_EQ(hw.spRows, 8192u);
  hw = config("16x16, dram-bw=8, dram-latency=100, dram-bytes=16M, dataflows=ws");
  EXPECT_EQ(hw.dramBytesPerCycle, 8.0);
  EXPECT_EQ(hw.dramLatency, 100u);
  EXPECT_EQ(hw.dramBytes, 16u << 20);
  EXPECT_TRUE(hw.supportsWeightStationary);
  EXPECT_FALSE(hw.supportsOutputStationary);
  EXPECT_EQ(config("4").cols, 4u);

  auto error = [](const char *spec) {
    llvm::Expected<HwDescription> hw = accel::parseAccelConfig(spec);
    return hw ? std::string() : llvm::toString(hw.takeError());
  };
  EXPECT_EQ(error("big"), "invalid --accel-config 'big': it must start with the "
                          "array size, e.g. 16x16 or 8");
  EXPECT_EQ(error("8x8,banks=2"),
            "invalid --accel-config '8x8,banks=2': unknown key 'banks' (known: "
            "sp-rows, sp-banks, acc-rows, acc-banks, queue-depth, dram-bytes, "
            "dram-bw, dram-latency, dataflows)");
  EXPECT_EQ(error("128x128"), "invalid --accel-config '128x128': invalid hardware "
                              "config: rows=128 must be in [2, 64]");
  EXPECT_EQ(error("8x8,dataflows=is"),
            "invalid --accel-config '8x8,dataflows=is': 'dataflows' must be ws, os "
            "or ws+os, got 'is'");
}

/// conv2d: batch 2, stride 2, asymmetric zero padding, relu; the weight is a
/// binding (a plan constant), the params an inlined constant.
TEST(AccelCodegen, Conv2dMatchesReferenceOnRtlAndGolden) {
  REQUIRE_ACCEL_DEVICES();
  std::mt19937 rng(1);
  ConvShape s{2, 7, 7, 8, 3, 3, 16, 2, 2, 1, 1, 1, 1};
  std::vector<int8_t> in = randomI8(rng, s.n * s.h * s.w * s.c, -20, 20);
  std::vector<int8_t> w = randomI8(rng, s.kh * s.kw * s.c * s.f, -20, 20);
  OutputPath o = randomOutputPath(rng, s.f, Act::Relu);
  o.zeroPoint = -5;
  std::vector<int64_t> outShape = {s.n, s.oh(), s.ow(), s.f};
  std::string text =
      "func.func @d0_conv(%x: " + tensorType({s.n, s.h, s.w, s.c}, "i8") +
      ", %w: " + tensorType({s.kh, s.kw, s.c, s.f}, "i8") + ") -> " +
      tensorType(outShape, "i8") +
      " attributes {systolic.dispatch = \"conv\", systolic.device = \"accel\"} {\n"
      "  %p = arith.constant " + dense(o.params, tensorType({3, s.f}, "i32")) + "\n"
      "  %y = systolic.conv2d %x, %w, %p {strides = array<i64: 2, 2>, pads = "
      "array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, input_zero_point = 0 "
      ": i64, output_zero_point = -5 : i64, activation = #systolic.activation<relu>} : (" +
      tensorType({s.n, s.h, s.w, s.c}, "i8") + ", " +
      tensorType({s.kh, s.kw, s.c, s.f}, "i8") + ", " + tensorType({3, s.f}, "i32") +
      ") -> " + tensorType(outShape, "i8") + "\n  return %y : " +
      tensorType(outShape, "i8") + "\n}\n";
  Compiler compiler;
  std::optional<AccelExecutableDesc> exe = compiler.compile(text, config("16x16"));
  ASSERT_TRUE(exe) << compiler.errors;
  const auto &e = exe->entryPoints.at(0);
  EXPECT_EQ(e.layer, "conv2d");
  EXPECT_EQ(e.images, 2u);
  EXPECT_EQ(e.programs.size(), 2u);
  EXPECT_EQ(e.m, uint64_t(s.oh() * s.ow()));
  EXPECT_EQ(e.k, uint64_t(s.kh * s.kw * s.c));
  EXPECT_EQ(e.macs, uint64_t(s.n * s.oh() * s.ow() * s.f * s.kh * s.kw * s.c));
  EXPECT_EQ(e.dataflow, artifact::accel::AccelDataflow::WeightStationary);
  EXPECT_NE(e.dataflowReason.find("implicit-im2col"), std::string::npos);
  ASSERT_EQ(e.constants.size(), 1u);
  EXPECT_EQ(e.constants[0].what, "params");
  EXPECT_EQ(e.bindings.size(), 3u);
  checkOnDevices(*exe, {tensor("x", {s.n, s.h, s.w, s.c}, in),
                        tensor("w", {s.kh, s.kw, s.c, s.f}, w)},
                 outShape, referenceConv(s, in, w, o));
}

std::string matmulText(int64_t m, int64_t k, int64_t n, const OutputPath &o,
                       const std::vector<int8_t> *constantLhs,
                       const std::vector<int8_t> *constantRhs) {
  std::string a = tensorType({m, k}, "i8"), b = tensorType({k, n}, "i8"),
              p = tensorType({3, n}, "i32"), y = tensorType({m, n}, "i8");
  std::string args;
  if (!constantLhs)
    args += "%a: " + a;
  if (!constantRhs)
    args += std::string(args.empty() ? "" : ", ") + "%b: " + b;
  args += std::string(args.empty() ? "" : ", ") + "%p: " + p;
  std::string body;
  if (constantLhs)
    body += "  %a = arith.constant " + dense(*constantLhs, a) + "\n";
  if (constantRhs)
    body += "  %b = arith.constant " + dense(*constantRhs, b) + "\n";
  bool lut = o.act == Act::Lut;
  if (lut)
    body += "  %l = arith.constant " + dense(o.lut, "tensor<256xi8>") + "\n";
  body += "  %y = systolic.matmul %a, %b, %p" + std::string(lut ? " lut %l" : "") +
          " {output_zero_point = " + std::to_string(o.zeroPoint) +
          " : i64, activation = #systolic.activation<" + actName(o.act) +
          ">, clamp_max = " + std::to_string(o.clampMax) + " : i64} : (" + a + ", " + b +
          ", " + p + (lut ? ", tensor<256xi8>" : "") + ") -> " + y + "\n";
  return "func.func @d1_matmul(" + args + ") -> " + y +
         " attributes {systolic.dispatch = \"fc\", systolic.device = \"accel\"} {\n" +
         body + "  return %y : " + y + "\n}\n";
}

/// matmul with a lookup-table activation; rhs and lut inlined constants.
TEST(AccelCodegen, MatmulWithLutMatchesReference) {
  REQUIRE_ACCEL_DEVICES();
  std::mt19937 rng(2);
  const int64_t m = 20, k = 40, n = 24;
  std::vector<int8_t> a = randomI8(rng, m * k, -30, 30), b = randomI8(rng, k * n, -30, 30);
  OutputPath o = randomOutputPath(rng, n, Act::Lut);
  Compiler compiler;
  std::optional<AccelExecutableDesc> exe =
      compiler.compile(matmulText(m, k, n, o, nullptr, &b), config("8x8"));
  ASSERT_TRUE(exe) << compiler.errors;
  const auto &e = exe->entryPoints.at(0);
  EXPECT_EQ(e.macs, uint64_t(m * k * n));
  EXPECT_EQ(e.programMacs, e.macs);
  EXPECT_EQ(e.dataflow, artifact::accel::AccelDataflow::WeightStationary);
  EXPECT_NE(e.dataflowReason.find("os: not applicable, the lhs is produced at run time"),
            std::string::npos)
      << e.dataflowReason;
  EXPECT_EQ(e.osEstimatedCycles, 0u);
  checkOnDevices(*exe, {tensor("a", {m, k}, a), tensor("p", {3, n}, o.params)}, {m, n},
                 referenceMatmul(m, k, n, a, b, o));
}

/// A constant lhs makes output-stationary applicable: the cost model picks
/// the cheaper one, and either way the result is exact.
TEST(AccelCodegen, CostModelChoosesBetweenDataflows) {
  REQUIRE_ACCEL_DEVICES();
  std::mt19937 rng(3);
  for (auto [m, k, n] : {std::tuple<int64_t, int64_t, int64_t>{8, 200, 8},
                         std::tuple<int64_t, int64_t, int64_t>{64, 8, 8}}) {
    SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n));
    std::vector<int8_t> a = randomI8(rng, m * k, -10, 10),
                        b = randomI8(rng, k * n, -10, 10);
    OutputPath o = randomOutputPath(rng, n, Act::Relu6);
    o.clampMax = 90;
    Compiler compiler;
    std::optional<AccelExecutableDesc> exe =
        compiler.compile(matmulText(m, k, n, o, &a, nullptr), config("8x8"));
    ASSERT_TRUE(exe) << compiler.errors;
    const auto &e = exe->entryPoints.at(0);
    ASSERT_GT(e.wsEstimatedCycles, 0u);
    ASSERT_GT(e.osEstimatedCycles, 0u);
    auto chosen = e.osEstimatedCycles < e.wsEstimatedCycles
                      ? artifact::accel::AccelDataflow::OutputStationary
                      : artifact::accel::AccelDataflow::WeightStationary;
    EXPECT_EQ(e.dataflow, chosen) << e.dataflowReason;
    checkOnDevices(*exe, {tensor("b", {k, n}, b), tensor("p", {3, n}, o.params)},
                   {m, n}, referenceMatmul(m, k, n, a, b, o));
  }
}

TEST(AccelCodegen, ScaledAddMatchesReference) {
  REQUIRE_ACCEL_DEVICES();
  std::mt19937 rng(4);
  const int64_t pixels = 25, channels = 24;
  std::vector<int8_t> a = randomI8(rng, pixels * channels, -128, 127),
                      b = randomI8(rng, pixels * channels, -128, 127);
  OutputPath o = randomOutputPath(rng, channels, Act::None);
  o.zeroPoint = 3;
  std::string t = tensorType({1, 5, 5, channels}, "i8"),
              p = tensorType({3, channels}, "i32");
  std::string text =
      "func.func @d2_add(%a: " + t + ", %b: " + t + ", %p: " + p + ") -> " + t +
      " attributes {systolic.dispatch = \"add\", systolic.device = \"accel\"} {\n"
      "  %y = systolic.scaled_add %a, %b, %p {lhs_weight = 100 : i64, rhs_weight = "
      "-60 : i64, output_zero_point = 3 : i64, activation = "
      "#systolic.activation<none>} : (" + t + ", " + t + ", " + p + ") -> " + t +
      "\n  return %y : " + t + "\n}\n";
  Compiler compiler;
  std::optional<AccelExecutableDesc> exe = compiler.compile(text, config("16x16"));
  ASSERT_TRUE(exe) << compiler.errors;
  EXPECT_EQ(exe->entryPoints[0].macs, uint64_t(2 * pixels * channels));
  checkOnDevices(*exe,
                 {tensor("a", {1, 5, 5, channels}, a), tensor("b", {1, 5, 5, channels}, b),
                  tensor("p", {3, channels}, o.params)},
                 {1, 5, 5, channels},
                 referenceScaledAdd(pixels, channels, a, b, 100, -60, o));
}

TEST(AccelCodegen, PreciseErrors) {
  std::mt19937 rng(5);
  OutputPath o = randomOutputPath(rng, 8, Act::None);
  std::vector<int8_t> b = randomI8(rng, 16 * 8, -5, 5);
  {
    Compiler compiler;
    EXPECT_FALSE(compiler.compile(matmulText(4, 16, 8, o, nullptr, &b),
                                  config("8x8,dataflows=os")));
    EXPECT_NE(compiler.errors.find(
                  "cannot run systolic.matmul on an output-stationary-only "
                  "configuration: output-stationary needs the lhs transposed (K x "
                  "M) in DRAM, and this lhs is produced at run time (M x K)"),
              std::string::npos)
        << compiler.errors;
  }
  {
    Compiler compiler;
    std::vector<int8_t> big = randomI8(rng, 2048 * 64, -5, 5);
    OutputPath o64 = randomOutputPath(rng, 64, Act::None);
    EXPECT_FALSE(compiler.compile(matmulText(64, 2048, 64, o64, nullptr, &big),
                                  config("8x8,dram-bytes=64K")));
    EXPECT_NE(compiler.errors.find("accel codegen: the accel executable needs "),
              std::string::npos)
        << compiler.errors;
    EXPECT_NE(compiler.errors.find("the configuration has 65536 (raise it with "
                                   "--accel-config=...,dram-bytes=N)"),
              std::string::npos)
        << compiler.errors;
  }
  {
    Compiler compiler;
    std::string text = R"(
func.func @d0(%x: tensor<4x8xi8>) -> tensor<4x8xi8> attributes {systolic.device = "accel"} {
  %y = arith.addi %x, %x : tensor<4x8xi8>
  return %y : tensor<4x8xi8>
})";
    EXPECT_FALSE(compiler.compile(text, config("8x8")));
    EXPECT_NE(compiler.errors.find("an accel dispatch holds constants and one "
                                   "systolic.conv2d, systolic.matmul, "
                                   "systolic.scaled_add, systolic.max_pool, "
                                   "systolic.lstm or systolic.gru (or a chain of "
                                   "systolic.matmul); found arith.addi"),
              std::string::npos)
        << compiler.errors;
  }
  {
    // Two matmuls of one input: not a chain.
    Compiler compiler;
    std::string text = R"(
func.func @d0(%x: tensor<4x8xi8>, %w: tensor<8x8xi8>, %p: tensor<3x8xi32>) -> tensor<4x8xi8> attributes {systolic.device = "accel"} {
  %a = systolic.matmul %x, %w, %p {output_zero_point = 0 : i64, activation = #systolic.activation<none>} : (tensor<4x8xi8>, tensor<8x8xi8>, tensor<3x8xi32>) -> tensor<4x8xi8>
  %b = systolic.matmul %x, %w, %p {output_zero_point = 0 : i64, activation = #systolic.activation<none>} : (tensor<4x8xi8>, tensor<8x8xi8>, tensor<3x8xi32>) -> tensor<4x8xi8>
  return %b : tensor<4x8xi8>
})";
    EXPECT_FALSE(compiler.compile(text, config("8x8")));
    EXPECT_NE(compiler.errors.find("in a dense chain each systolic.matmul's lhs must be "
                                   "the previous matmul's result, its only use"),
              std::string::npos)
        << compiler.errors;
  }
}

AccelExecutableDesc smallMatmul(const std::string &spec, std::vector<int8_t> *a,
                                std::vector<int8_t> *b, OutputPath *o) {
  std::mt19937 rng(6);
  *a = randomI8(rng, 4 * 16, -10, 10);
  *b = randomI8(rng, 16 * 8, -10, 10);
  *o = randomOutputPath(rng, 8, Act::None);
  Compiler compiler;
  std::optional<AccelExecutableDesc> exe =
      compiler.compile(matmulText(4, 16, 8, *o, nullptr, b), config(spec));
  EXPECT_TRUE(exe) << compiler.errors;
  return exe ? *exe : AccelExecutableDesc();
}

TEST(AccelDevices, ArraySizeWithoutRtlBuild) {
  REQUIRE_ACCEL_DEVICES();
  std::vector<int8_t> a, b;
  OutputPath o;
  AccelExecutableDesc exe = smallMatmul("12x12", &a, &b, &o);
  std::vector<Tensor8> inputs = {tensor("a", {4, 16}, a), tensor("p", {3, 8}, o.params)};
  std::vector<uint8_t> file = singleDispatchArtifact(exe, inputs, {4, 8});
  RunOutcome rtl = runOn(file, inputs, {"accel"});
  ASSERT_FALSE(rtl.status);
  EXPECT_EQ(rtl.status.code(), StatusCode::FailedPrecondition);
  const std::string &m = rtl.status.message();
  EXPECT_EQ(m.rfind("executable 0 on device 'accel': the accel executable was compiled "
                    "for a 12x12 array (",
                    0),
            0u)
      << m;
  EXPECT_NE(m.find("but the 'accel' device (Verilated RTL) has no build of that "
                   "configuration; RTL builds: "),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Recompile with systolic-compile --target=accel "
                   "--accel-config=<a built configuration>, run on --device=accel-golden"),
            std::string::npos)
      << m;
  // The golden model takes any configuration.
  RunOutcome golden = runOn(file, inputs, {"accel-golden"});
  ASSERT_TRUE(golden.status) << golden.status.message();
  EXPECT_EQ(golden.output, referenceMatmul(4, 16, 8, a, b, o));
  EXPECT_EQ(golden.counters.rows, 12u);
}

TEST(AccelDevices, CorruptExecutable) {
  REQUIRE_ACCEL_DEVICES();
  std::vector<int8_t> a, b;
  OutputPath o;
  AccelExecutableDesc exe = smallMatmul("8x8", &a, &b, &o);
  std::vector<Tensor8> inputs = {tensor("a", {4, 16}, a), tensor("p", {3, 8}, o.params)};
  std::vector<uint8_t> good = artifact::accel::serializeAccelExecutable(exe);

  auto loadError = [&](std::vector<uint8_t> bytes) {
    RunOutcome r = runOn(singleDispatchArtifact(exe, inputs, {4, 8}, bytes), inputs,
                         {"accel-golden"});
    return r.status ? std::string() : r.status.message();
  };
  EXPECT_EQ(loadError({1, 2, 3, 4, 5, 6, 7, 8, 9}),
            "executable 0 on device 'accel-golden': not a valid systolic-accel-v1 "
            "executable: the identifier 'SYSA' is missing (9 bytes)");
  std::vector<uint8_t> truncated(good.begin(), good.begin() + good.size() / 2);
  EXPECT_EQ(loadError(truncated),
            "executable 0 on device 'accel-golden': not a valid systolic-accel-v1 "
            "executable: the FlatBuffers structure does not verify");
  // Layout rules: a binding moved onto the constant image.
  AccelExecutableDesc overlapping = exe;
  overlapping.entryPoints[0].bindings[0].address =
      overlapping.entryPoints[0].constants[0].address;
  std::string message = loadError(artifact::accel::serializeAccelExecutable(overlapping));
  EXPECT_NE(message.find("binding 0 of entry point 'd1_matmul' [0x0, 0x40) overlaps "
                         "entry point 0 'd1_matmul' constant 'rhs'"),
            std::string::npos)
      << message;
  // An illegal instruction is reported at load, with its index.
  AccelExecutableDesc illegal = exe;
  illegal.entryPoints[0].programs[0][4] |= 0xf; // instruction #2: opcode 15
  message = loadError(artifact::accel::serializeAccelExecutable(illegal));
  EXPECT_EQ(message, "executable 0 on device 'accel-golden': entry point 'd1_matmul' "
                     "program 0 is not a legal program for the 8x8 configuration: "
                     "instruction #2 has illegal opcode 15 (illegal-opcode)");
}

TEST(AccelDevices, BindingSizesAreChecked) {
  REQUIRE_ACCEL_DEVICES();
  std::vector<int8_t> a, b;
  OutputPath o;
  AccelExecutableDesc exe = smallMatmul("8x8", &a, &b, &o);
  exe.entryPoints[0].bindings[1].size = 4;
  std::vector<Tensor8> inputs = {tensor("a", {4, 16}, a), tensor("p", {3, 8}, o.params)};
  RunOutcome r = runOn(singleDispatchArtifact(exe, inputs, {4, 8}), inputs, {"accel-golden"});
  EXPECT_EQ(r.status.message(),
            "dispatch 0 'layer' on device 'accel-golden': accel entry point "
            "'d1_matmul' binding 1 is 4 bytes in DRAM, but the dispatch's buffer has 96");
}

/// Without an accel device, an accel dispatch runs its reference entry point
/// (here a C kernel standing in for the CPU compilation of the dispatch).
TEST(AccelDevices, CpuRunsTheReferenceEntryPoint) {
  std::vector<int8_t> a, b;
  OutputPath o;
  AccelExecutableDesc exe = smallMatmul("8x8", &a, &b, &o);
  std::vector<Tensor8> inputs = {tensor("a", {4, 16}, a), tensor("p", {3, 8}, o.params)};
  std::string source = "#include <stdint.h>\nstatic const int8_t B[128] = {";
  for (int8_t v : b)
    source += std::to_string(v) + ",";
  source += R"C(};
void reference(void **bind) {
  const int8_t *a = bind[0]; const int32_t *p = bind[1]; int8_t *y = bind[2];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 8; ++j) {
      int32_t acc = 0;
      for (int t = 0; t < 16; ++t) acc += a[i * 16 + t] * B[t * 8 + j];
      int32_t x = (int32_t)((uint32_t)acc + (uint32_t)p[j]);
      int64_t prod = (int64_t)x * p[8 + j];
      int s = p[16 + j] & 63;
      int64_t q = s == 0 ? prod : ((prod >> (s - 1)) + 1) >> 1;
      q += 0;
      y[i * 8 + j] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
    }
}
)C";
  Expected<std::vector<uint8_t>> so = testmodels::compileSharedObject(source);
  ASSERT_TRUE(so) << so.status().message();
  std::vector<uint8_t> file = singleDispatchArtifact(exe, inputs, {4, 8}, {}, &*so);
  RunOutcome cpu = runOn(file, inputs, {"cpu"});
  ASSERT_TRUE(cpu.status) << cpu.status.message();
  EXPECT_TRUE(cpu.usedReference);
  EXPECT_FALSE(cpu.counters.valid);
  EXPECT_EQ(cpu.output, referenceMatmul(4, 16, 8, a, b, o));
  if (DeviceRegistry::hasAccelDevices()) {
    RunOutcome golden = runOn(file, inputs, {"accel-golden", "cpu"});
    ASSERT_TRUE(golden.status) << golden.status.message();
    EXPECT_FALSE(golden.usedReference);
    EXPECT_EQ(golden.output, cpu.output);
  }
  // Without the reference, a session without an accel device cannot run it.
  std::vector<uint8_t> bare = singleDispatchArtifact(exe, inputs, {4, 8});
  EXPECT_EQ(runOn(bare, inputs, {"cpu"}).status.message(),
            "dispatch 0 'layer' runs on device 'accel', but the session has only: cpu");
}

} // namespace
