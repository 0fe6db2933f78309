//===- runtime-test-artifact.cpp - Writes a test model's artifact ---------===//
//
//   runtime-test-artifact <add|mlp|chain> <out.sysm>
//
// Lets the Python and lit suites use the same test models as the gtests.
//
//===----------------------------------------------------------------------===//
#include "test/unit/runtime/TestModels.h"
#include "runtime/artifact/ArtifactBuilder.h"

#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: runtime-test-artifact <add|mlp|chain> <out.sysm>\n");
    return 1;
  }
  systolic::Expected<std::vector<uint8_t>> bytes =
      systolic::testmodels::buildTestModel(argv[1]);
  systolic::Status status =
      bytes ? systolic::artifact::writeFile(argv[2], *bytes) : bytes.status();
  if (!status) {
    std::fprintf(stderr, "runtime-test-artifact: error: %s\n", status.message().c_str());
    return 1;
  }
  return 0;
}
