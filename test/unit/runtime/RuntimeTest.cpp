//===- RuntimeTest.cpp - Modules, sessions and the CPU device -------------===//
#include "runtime/Runtime.h"
#include "runtime/artifact/ArtifactBuilder.h"
#include "runtime/driver/DriverSupport.h"
#include "test/unit/runtime/TestModels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

using namespace systolic;
using namespace systolic::runtime;

namespace {

std::shared_ptr<const Module> loadTestModel(const std::string &name) {
  Expected<std::vector<uint8_t>> bytes = testmodels::buildTestModel(name);
  EXPECT_TRUE(bytes) << bytes.status().message();
  Expected<std::shared_ptr<const Module>> module =
      Module::fromBytes(bytes->data(), bytes->size());
  EXPECT_TRUE(module) << module.status().message();
  return *module;
}

std::vector<std::shared_ptr<Device>> cpu() {
  return {DeviceRegistry::withBuiltinDevices().create("cpu").take()};
}

std::unique_ptr<Session> newSession(std::shared_ptr<const Module> module) {
  Expected<std::unique_ptr<Session>> session = Session::create(std::move(module), cpu());
  EXPECT_TRUE(session) << session.status().message();
  return session.take();
}

TensorView f32(const std::vector<float> &values, Shape shape) {
  return {values.data(), ElementType::F32, std::move(shape)};
}

/// relu(x * W + b) in plain C++.
std::vector<float> mlpReference(const std::vector<float> &x) {
  std::vector<float> y(6);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      float acc = testmodels::kMlpBias[j];
      for (int k = 0; k < 4; ++k)
        acc += x[i * 4 + k] * testmodels::kMlpWeights[k * 3 + j];
      y[i * 3 + j] = std::max(acc, 0.0f);
    }
  return y;
}

TEST(RuntimeTest, RunsAdd) {
  std::unique_ptr<Session> s = newSession(loadTestModel("add"));
  std::vector<float> x = {1, 2, 3, 4, 5, 6}, y = {10, 20, 30, 40, 50, 60};
  ASSERT_TRUE(s->setInput(0, f32(x, {2, 3})).isOk());
  ASSERT_TRUE(s->setInput(1, f32(y, {2, 3})).isOk());
  Status status = s->run();
  ASSERT_TRUE(status.isOk()) << status.message();
  TensorView z = s->output(0);
  EXPECT_EQ(z.shape, (Shape{2, 3}));
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(z.as<float>()[i], x[i] + y[i]);
  ASSERT_EQ(s->dispatchNanoseconds().size(), 1u);
  EXPECT_EQ(s->dispatchDevice(0).name(), "cpu");
}

TEST(RuntimeTest, RunsMlpWithConstantsIntermediatesAndScratch) {
  std::unique_ptr<Session> s = newSession(loadTestModel("mlp"));
  std::vector<float> x = {1, -2, 0.5, 3, -1, 0.25, 2, -0.75};
  ASSERT_TRUE(s->setInput(0, f32(x, {2, 4})).isOk());
  ASSERT_TRUE(s->run().isOk());
  std::vector<float> expected = mlpReference(x);
  for (int i = 0; i < 6; ++i)
    EXPECT_FLOAT_EQ(s->output(0).as<float>()[i], expected[i]) << i;
  EXPECT_EQ(s->module().totalFlops(), 60u);
}

TEST(RuntimeTest, IntermediatesShareMemoryWhenNotLiveTogether) {
  std::shared_ptr<const Module> module = loadTestModel("chain");
  ArenaPlan plan = planIntermediates(module->artifact());
  // Buffers: x=0, t1=1, t2=2, t3=3, y=4. t1 lives over dispatches 0-1, t2 over
  // 1-2, t3 over 2-3: t1 and t3 share, t2 sits after them.
  EXPECT_EQ(plan.offsets[1], 0u);
  EXPECT_EQ(plan.offsets[2], 64u);
  EXPECT_EQ(plan.offsets[3], 0u);
  EXPECT_EQ(plan.size, 88u);
  EXPECT_EQ(plan.unsharedSize, 3 * 64u);

  std::unique_ptr<Session> s = newSession(module);
  EXPECT_EQ(s->intermediateArena().size, 88u);
  std::vector<float> x = {-3, -1, 0, 0.5, 2, 7};
  ASSERT_TRUE(s->setInput(0, f32(x, {2, 3})).isOk());
  ASSERT_TRUE(s->run().isOk());
  for (int i = 0; i < 6; ++i) {
    float expected = 2 * std::max(std::max(x[i], 0.0f) + x[i], 0.0f);
    EXPECT_EQ(s->output(0).as<float>()[i], expected) << i;
  }
}

TEST(RuntimeTest, InputErrorsNameTheInput) {
  std::unique_ptr<Session> s = newSession(loadTestModel("add"));
  std::vector<float> v(6);
  Status notSet = s->run();
  EXPECT_EQ(notSet.code(), StatusCode::FailedPrecondition);
  EXPECT_EQ(notSet.message(), "input 0 'x' has not been set");
  EXPECT_EQ(s->setInput(1, f32(v, {3, 2})).message(),
            "input 1 'y' expects f32 [2, 3], got f32 [3, 2]");
  std::vector<int32_t> ints(6);
  EXPECT_EQ(s->setInput(0, {ints.data(), ElementType::I32, {2, 3}}).message(),
            "input 0 'x' expects f32 [2, 3], got i32 [2, 3]");
  EXPECT_EQ(s->setInput(2, f32(v, {2, 3})).message(),
            "input index 2 is out of range: the model has 2 inputs");
}

TEST(RuntimeTest, DeviceSelection) {
  auto module = loadTestModel("add");
  Expected<std::unique_ptr<Session>> none = Session::create(module, {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.status().message(),
            "dispatch 0 'add' runs on device 'cpu', but the session has no devices");
  DeviceRegistry registry = DeviceRegistry::withBuiltinDevices();
  EXPECT_EQ(registry.create("tpu").status().message(),
            DeviceRegistry::hasAccelDevices()
                ? "unknown device 'tpu'; available: accel, accel-golden, cpu"
                : "unknown device 'tpu'; available: cpu");
  EXPECT_FALSE(registry.add("cpu", [] {
    return Expected<std::shared_ptr<Device>>(Status(StatusCode::Internal, "unused"));
  }));
}

// A plugin device: a registry entry serving kind "cpu" that counts loads,
// standing in for later devices (accel, opencl).
class CountingDevice final : public Device {
public:
  explicit CountingDevice(int &loads) : loads_(loads) {}
  const std::string &name() const override { return name_; }
  const std::string &kind() const override { return inner_->kind(); }
  Expected<std::unique_ptr<LoadedExecutable>>
  load(const artifact::ExecutableSpec &exe) override {
    ++loads_;
    return inner_->load(exe);
  }

private:
  int &loads_;
  std::string name_ = "counting";
  std::shared_ptr<Device> inner_ = DeviceRegistry::withBuiltinDevices().create("cpu").take();
};

TEST(RuntimeTest, PluginDevicesComeFromTheRegistry) {
  int loads = 0;
  DeviceRegistry registry = DeviceRegistry::withBuiltinDevices();
  ASSERT_TRUE(registry.add("counting", [&loads] {
    return Expected<std::shared_ptr<Device>>(std::make_shared<CountingDevice>(loads));
  }));
  std::vector<std::string> expected = {"counting", "cpu"};
  if (DeviceRegistry::hasAccelDevices())
    expected = {"accel", "accel-golden", "counting", "cpu"};
  EXPECT_EQ(registry.names(), expected);
  auto devices = driver::createDevices(registry, {"counting", "cpu"});
  ASSERT_TRUE(devices);
  auto session = Session::create(loadTestModel("mlp"), devices.take());
  ASSERT_TRUE(session) << session.status().message();
  // Two dispatches share one executable: it is loaded once, on the first device.
  EXPECT_EQ(loads, 1);
  EXPECT_EQ((*session)->dispatchDevice(1).name(), "counting");
}

TEST(RuntimeTest, AccelDevicesWithoutTheSimulator) {
  if (DeviceRegistry::hasAccelDevices())
    GTEST_SKIP() << "built with the simulator (the accel devices exist)";
  Expected<std::shared_ptr<Device>> accel =
      DeviceRegistry::withBuiltinDevices().create("accel-golden");
  ASSERT_FALSE(accel);
  EXPECT_EQ(accel.status().code(), StatusCode::NotFound);
  EXPECT_EQ(accel.status().message(),
            "device 'accel-golden' is not available: this runtime was built "
            "without the accelerator simulator (SYSTOLIC_ENABLE_SIM=OFF or no "
            "Verilator); rebuild with -DSYSTOLIC_ENABLE_SIM=ON, or use "
            "--device=cpu to run accel dispatches through their CPU reference");
}

TEST(RuntimeTest, CpuDeviceRejectsBadExecutables) {
  auto make = [](const std::vector<uint8_t> &code, std::vector<std::string> entries) {
    artifact::ArtifactBuilder b;
    uint32_t y = b.addOutput("y", ElementType::F32, {1});
    uint32_t e = b.addExecutable("cpu", "elf-shared-object", code.data(), code.size(),
                                 std::move(entries));
    b.addDispatch("d", e, 0, "cpu", {}, {y}, 0, 0);
    auto bytes = b.finish();
    auto module = Module::fromBytes(bytes->data(), bytes->size());
    return Session::create(*module, cpu()).status();
  };
  EXPECT_EQ(make({1, 2, 3}, {"f"}).message(),
            "executable 0 on device 'cpu': not a loadable shared object: no ELF header");
  Expected<std::vector<uint8_t>> so = testmodels::compileSharedObject("void f(void **b) {}\n");
  ASSERT_TRUE(so);
  EXPECT_EQ(make(*so, {"g"}).message(),
            "executable 0 on device 'cpu': entry point 'g' is not defined by the shared object");
  std::vector<uint8_t> arm = *so;
  arm[18] = 183; // e_machine = EM_AARCH64
  arm[19] = 0;
  EXPECT_EQ(make(arm, {"f"}).message(),
            "executable 0 on device 'cpu': not a loadable shared object: built for ELF "
            "machine 183, this host is x86-64");
  EXPECT_TRUE(make(*so, {"f"}).isOk());
}

TEST(RuntimeTest, ConcurrentSessionsOnOneModule) {
  std::shared_ptr<const Module> module = loadTestModel("mlp");
  constexpr int kThreads = 4, kRuns = 300;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::unique_ptr<Session> s = newSession(module);
      for (int r = 0; r < kRuns; ++r) {
        std::vector<float> x(8);
        for (int i = 0; i < 8; ++i)
          x[i] = static_cast<float>((t * 31 + r * 7 + i * 3) % 17) - 8.0f;
        if (!s->setInput(0, f32(x, {2, 4})).isOk() || !s->run().isOk()) {
          ++mismatches[t];
          continue;
        }
        std::vector<float> expected = mlpReference(x);
        for (int i = 0; i < 6; ++i)
          mismatches[t] += s->output(0).as<float>()[i] != expected[i];
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(RuntimeTest, SummaryAndInputAssignment) {
  std::vector<float> v = {1, 2, NAN, 4};
  EXPECT_EQ(driver::summarize({v.data(), ElementType::F32, {4}}, 3),
            "f32 [4]\n  values: [1, 2, nan, ... (1 more)]\n"
            "  min 1, max 4, mean 2.33333, 1 NaN\n");
  auto module = loadTestModel("add");
  auto paths = driver::assignFiles({"y=@b.npy", "@a.npy"}, module->inputs(), "--input");
  ASSERT_TRUE(paths);
  EXPECT_EQ(*paths, (std::vector<std::string>{"a.npy", "b.npy"}));
  EXPECT_EQ(driver::assignFiles({"@a", "@b", "@c"}, module->inputs(), "--input")
                .status()
                .message(),
            "the model has 2 inputs (x, y), but 3 --input values were given");
  EXPECT_EQ(driver::assignFiles({"w=@a"}, module->inputs(), "--input").status().message(),
            "--input=w=@a names no input of the model; its inputs are: x, y");
  EXPECT_EQ(driver::assignFiles({"a.npy"}, module->inputs(), "--input").status().message(),
            "--input value 'a.npy' must be '@file.npy' or 'name=@file.npy'");
}

} // namespace
