//===- CApiTest.cpp - The stable C API (libsystolic_runtime.so) -----------===//
#include "runtime/c/systolic_runtime.h"
#include "test/unit/runtime/TestModels.h"

#include <gtest/gtest.h>

#include <string>

#include <unistd.h>

extern "C" int systolic_c_header_check(const char *path, float *z);

namespace {

/// Takes ownership of a status and returns "CODE: message", or "" for success.
std::string consume(systolic_status *status) {
  if (!status)
    return "";
  std::string out = std::to_string(systolic_status_get_code(status)) + ": " +
                    systolic_status_message(status);
  systolic_status_free(status);
  return out;
}

class CApiTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto bytes = systolic::testmodels::buildTestModel("add");
    ASSERT_TRUE(bytes) << bytes.status().message();
    ASSERT_EQ(consume(systolic_module_load_bytes(bytes->data(), bytes->size(), &module)), "");
    ASSERT_EQ(consume(systolic_instance_create(&instance)), "");
  }
  void TearDown() override {
    systolic_module_free(module);
    systolic_instance_free(instance);
  }
  systolic_module *module = nullptr;
  systolic_instance *instance = nullptr;
};

TEST_F(CApiTest, RunsAndReports) {
  EXPECT_EQ(systolic_api_version(), SYSTOLIC_API_VERSION);
  // "cpu", and "accel", "accel-golden" when the simulator is built.
  size_t count = systolic_instance_device_count(instance);
  ASSERT_TRUE(count == 1u || count == 3u) << count;
  EXPECT_STREQ(systolic_instance_device_name(instance, count - 1), "cpu");
  if (count == 3) {
    EXPECT_STREQ(systolic_instance_device_name(instance, 0), "accel");
    EXPECT_STREQ(systolic_instance_device_name(instance, 1), "accel-golden");
  }
  EXPECT_EQ(systolic_instance_device_name(instance, count), nullptr);

  systolic_tensor_info info;
  ASSERT_EQ(consume(systolic_module_input_info(module, 1, &info)), "");
  EXPECT_STREQ(info.name, "y");
  EXPECT_EQ(info.element_type, SYSTOLIC_F32);
  ASSERT_EQ(info.rank, 2u);
  EXPECT_EQ(info.shape[1], 3);
  EXPECT_EQ(info.byte_size, 24u);

  const char *devices[] = {"cpu"};
  systolic_session *session = nullptr;
  ASSERT_EQ(consume(systolic_session_create(instance, module, devices, 1, &session)), "");
  // The session keeps the module alive.
  systolic_module_free(module);
  module = nullptr;
  float x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {6, 5, 4, 3, 2, 1};
  int64_t shape[2] = {2, 3};
  ASSERT_EQ(consume(systolic_session_set_input(session, 0, SYSTOLIC_F32, shape, 2, x, sizeof(x))), "");
  ASSERT_EQ(consume(systolic_session_set_input(session, 1, SYSTOLIC_F32, shape, 2, y, sizeof(y))), "");
  ASSERT_EQ(consume(systolic_session_run(session)), "");
  const void *data = nullptr;
  size_t size = 0;
  ASSERT_EQ(consume(systolic_session_output(session, 0, &data, &size)), "");
  ASSERT_EQ(size, sizeof(x));
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(static_cast<const float *>(data)[i], 7.0f);
  uint64_t ns = 0;
  EXPECT_EQ(consume(systolic_session_dispatch_time_ns(session, 0, &ns)), "");
  EXPECT_EQ(consume(systolic_session_dispatch_time_ns(session, 1, &ns)),
            "1: dispatch index 1 is out of range (count 1)");
  systolic_session_free(session);
}

TEST_F(CApiTest, ErrorsAreStatusObjects) {
  EXPECT_EQ(systolic_status_get_code(nullptr), SYSTOLIC_OK);
  EXPECT_STREQ(systolic_status_message(nullptr), "");
  systolic_status_free(nullptr);

  systolic_module *missing = nullptr;
  EXPECT_EQ(consume(systolic_module_load("/nonexistent.sysm", &missing)),
            "2: cannot load '/nonexistent.sysm': No such file or directory");
  EXPECT_EQ(missing, nullptr);
  EXPECT_EQ(consume(systolic_module_load_bytes("SYSM", 4, &missing)),
            "3: truncated artifact: 4 bytes, too short to hold the file header");
  EXPECT_EQ(consume(systolic_module_load(nullptr, &missing)),
            "1: systolic_module_load: `path` or `out` is NULL");

  const char *devices[] = {"npu"};
  systolic_session *session = nullptr;
  EXPECT_EQ(consume(systolic_session_create(instance, module, devices, 1, &session)),
            systolic_instance_device_count(instance) == 3
                ? "2: unknown device 'npu'; available: accel, accel-golden, cpu"
                : "2: unknown device 'npu'; available: cpu");
  devices[0] = "cpu";
  ASSERT_EQ(consume(systolic_session_create(instance, module, devices, 1, &session)), "");
  float x[6] = {};
  int64_t shape[2] = {2, 3};
  EXPECT_EQ(consume(systolic_session_set_input(session, 0, SYSTOLIC_F32, shape, 2, x, 20)),
            "1: systolic_session_set_input: 20 bytes of data do not match f32 [2, 3]");
  EXPECT_EQ(consume(systolic_session_set_input(session, 0, static_cast<systolic_element_type>(42),
                                               shape, 2, x, 24)),
            "1: systolic_session_set_input: unknown element type 42");
  EXPECT_EQ(consume(systolic_session_run(session)), "5: input 0 'x' has not been set");
  // Device counters: none on the cpu device; the struct size is checked.
  systolic_dispatch_counters counters = {};
  counters.struct_size = sizeof(counters);
  ASSERT_EQ(consume(systolic_session_dispatch_counters(session, 0, &counters)), "");
  EXPECT_EQ(counters.valid, 0);
  EXPECT_EQ(counters.uses_reference, 0);
  EXPECT_STREQ(counters.device, "cpu");
  EXPECT_EQ(counters.cycles, 0u);
  EXPECT_EQ(consume(systolic_session_dispatch_counters(session, 7, &counters)),
            "1: dispatch index 7 is out of range (count 1)");
  counters.struct_size = 8;
  EXPECT_EQ(consume(systolic_session_dispatch_counters(session, 0, &counters)),
            "1: systolic_session_dispatch_counters: struct_size is 8, expected at least " +
                std::to_string(sizeof(counters)) +
                " (set it to sizeof(systolic_dispatch_counters))");
  systolic_session_free(session);
}

TEST_F(CApiTest, HeaderIsPlainC) {
  auto bytes = systolic::testmodels::buildTestModel("add");
  ASSERT_TRUE(bytes);
  char path[] = "/tmp/systolic-capi-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, bytes->data(), bytes->size()), static_cast<ssize_t>(bytes->size()));
  ::close(fd);
  float z[6] = {};
  int rc = systolic_c_header_check(path, z);
  ::unlink(path);
  ASSERT_EQ(rc, 0);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(z[i], 2.0f * i);
}

} // namespace
