//===- TestModels.cpp - Small artifacts built at test time ----------------===//
#include "test/unit/runtime/TestModels.h"
#include "runtime/artifact/ArtifactBuilder.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <sys/wait.h>
#include <unistd.h>

namespace systolic::testmodels {

using artifact::ElementType;

const float kMlpWeights[4 * 3] = {0.5f, -1.0f, 2.0f,  1.5f,  0.25f, -0.5f,
                                  -2.0f, 1.0f, 0.75f, 0.0f, -0.25f, 1.0f};
const float kMlpBias[3] = {0.1f, -0.2f, 0.3f};

// Every kernel poisons its result with NaN if a buffer is misaligned, so the
// numerical checks also check the ABI's 64-byte alignment promise.
static const char *kKernels = R"C(
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int aligned(void **b, int n) {
  for (int i = 0; i < n; ++i)
    if ((uintptr_t)b[i] % 64 != 0) return 0;
  return 1;
}

void add_2x3(void **b) {
  const float *x = b[0], *y = b[1];
  float *z = b[2];
  int ok = aligned(b, 3);
  for (int i = 0; i < 6; ++i) z[i] = ok ? x[i] + y[i] : NAN;
}

/* h[2,3] = x[2,4] * w[4,3] + bias[3], accumulated in malloc'ed scratch. */
void matmul_bias_2x4x3(void **b) {
  const float *x = b[0], *w = b[1], *bias = b[2];
  float *h = b[3];
  float *acc = malloc(6 * sizeof(float));
  int ok = aligned(b, 4);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      acc[i * 3 + j] = bias[j];
      for (int k = 0; k < 4; ++k) acc[i * 3 + j] += x[i * 4 + k] * w[k * 3 + j];
    }
  for (int i = 0; i < 6; ++i) h[i] = ok ? acc[i] : NAN;
  free(acc);
}

void relu_6(void **b) {
  const float *h = b[0];
  float *y = b[1];
  int ok = aligned(b, 2);
  for (int i = 0; i < 6; ++i) y[i] = ok ? (h[i] > 0 ? h[i] : 0) : NAN;
}
)C";

static Status failure(const std::string &message) {
  return Status(StatusCode::Internal, message);
}

Expected<std::vector<uint8_t>> compileSharedObject(const std::string &source) {
  char dirTemplate[] = "/tmp/systolic-test-XXXXXX";
  if (!::mkdtemp(dirTemplate))
    return failure("mkdtemp failed");
  std::string dir = dirTemplate, src = dir + "/kernels.c", so = dir + "/kernels.so";
  std::ofstream(src) << source;
  const char *cc = std::getenv("CC");
  std::string compiler = cc && *cc ? cc : "cc";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execlp(compiler.c_str(), compiler.c_str(), "-shared", "-fPIC", "-O2", "-o",
             so.c_str(), src.c_str(), static_cast<char *>(nullptr));
    ::_exit(127);
  }
  int wstatus = 0;
  bool ok = pid > 0 && ::waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus) &&
            WEXITSTATUS(wstatus) == 0;
  std::ifstream in(so, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  ::unlink(src.c_str());
  ::unlink(so.c_str());
  ::rmdir(dir.c_str());
  if (!ok || bytes.empty())
    return failure("'" + compiler + " -shared -fPIC' failed on the test kernels");
  return bytes;
}

Expected<std::vector<uint8_t>> buildTestModel(const std::string &name) {
  Expected<std::vector<uint8_t>> so = compileSharedObject(kKernels);
  if (!so)
    return so.status();
  artifact::ArtifactBuilder b;
  b.setProducer("systolic runtime tests");
  uint32_t exe = b.addExecutable("cpu", "elf-shared-object", so->data(), so->size(),
                                 {"add_2x3", "matmul_bias_2x4x3", "relu_6"});
  if (name == "add") {
    uint32_t x = b.addInput("x", ElementType::F32, {2, 3});
    uint32_t y = b.addInput("y", ElementType::F32, {2, 3});
    uint32_t z = b.addOutput("z", ElementType::F32, {2, 3});
    b.addDispatch("add", exe, 0, "cpu", {x, y}, {z}, /*flops=*/6, /*bytes=*/72);
  } else if (name == "mlp") {
    uint32_t x = b.addInput("x", ElementType::F32, {2, 4});
    uint32_t w = b.addConstant(kMlpWeights, sizeof(kMlpWeights));
    uint32_t bias = b.addConstant(kMlpBias, sizeof(kMlpBias));
    uint32_t h = b.addIntermediate(6 * sizeof(float));
    uint32_t y = b.addOutput("y", ElementType::F32, {2, 3});
    b.addDispatch("fc1/matmul", exe, 1, "cpu", {x, w, bias}, {h}, 2 * 2 * 4 * 3 + 6,
                  (8 + 12 + 3 + 6) * 4);
    b.addDispatch("fc1/relu", exe, 2, "cpu", {h}, {y}, 6, 12 * 4);
  } else if (name == "chain") {
    uint32_t x = b.addInput("x", ElementType::F32, {2, 3});
    uint32_t t1 = b.addIntermediate(24), t2 = b.addIntermediate(24),
             t3 = b.addIntermediate(24);
    uint32_t y = b.addOutput("y", ElementType::F32, {2, 3});
    b.addDispatch("relu1", exe, 2, "cpu", {x}, {t1}, 6, 48);
    b.addDispatch("add1", exe, 0, "cpu", {t1, x}, {t2}, 6, 72);
    b.addDispatch("relu2", exe, 2, "cpu", {t2}, {t3}, 6, 48);
    b.addDispatch("add2", exe, 0, "cpu", {t3, t3}, {y}, 6, 72);
  } else {
    return Status(StatusCode::NotFound, "unknown test model '" + name + "'");
  }
  return b.finish();
}

} // namespace systolic::testmodels
