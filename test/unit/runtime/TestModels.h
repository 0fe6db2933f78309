//===- TestModels.h - Small artifacts built at test time --------*- C++ -*-===//
//
// Until the compiler emits artifacts, the runtime tests build their own: C
// kernels that follow the CPU ABI, compiled with the host C compiler ($CC or
// cc) into a shared object, packed with the ArtifactBuilder.
//
//   add: z = x + y              (x, y, z: f32 [2, 3]; one dispatch)
//   mlp: y = relu(x * W + b)    (x: f32 [2, 4], W: [4, 3], b: [3] constants;
//        two dispatches through an intermediate; the matmul kernel mallocs
//        scratch and every kernel checks its buffers are 64-byte aligned)
//   chain: y = 2 * relu(relu(x) + x) through intermediates t1, t2, t3, of
//        which t1 and t3 are never live at once (they share arena memory)
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_TEST_UNIT_RUNTIME_TESTMODELS_H
#define SYSTOLIC_TEST_UNIT_RUNTIME_TESTMODELS_H

#include "runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace systolic::testmodels {

/// Compiles C source into an x86-64 ELF shared object (-shared -fPIC).
Expected<std::vector<uint8_t>> compileSharedObject(const std::string &source);

/// The artifact of a named test model ("add", "mlp" or "chain").
Expected<std::vector<uint8_t>> buildTestModel(const std::string &name);

/// The mlp's constants, for reference results.
extern const float kMlpWeights[4 * 3];
extern const float kMlpBias[3];

} // namespace systolic::testmodels

#endif // SYSTOLIC_TEST_UNIT_RUNTIME_TESTMODELS_H
