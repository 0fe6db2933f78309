//===- ArtifactTest.cpp - Writer and verifying reader of .sysm files ------===//
#include "runtime/artifact/ArtifactBuilder.h"
#include "runtime/artifact/Artifact_generated.h"
#include "runtime/artifact/Integrity.h"
#include "test/unit/runtime/TestModels.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <unistd.h>

using namespace systolic;
using namespace systolic::artifact;

namespace {

class ArtifactTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    Expected<std::vector<uint8_t>> mlp = testmodels::buildTestModel("mlp");
    ASSERT_TRUE(mlp) << mlp.status().message();
    mlpBytes = new std::vector<uint8_t>(mlp.take());
  }
  static void TearDownTestSuite() { delete mlpBytes; }

  static Status load(const std::vector<uint8_t> &bytes) {
    return Artifact::fromBytes(bytes.data(), bytes.size()).status();
  }
  /// File offset of Integrity.crc32 in the test artifact.
  static size_t crcOffset() {
    const fb::Model *model = fb::GetModel(mlpBytes->data());
    return reinterpret_cast<const uint8_t *>(model->integrity()) - mlpBytes->data() +
           detail::kCrcOffsetInIntegrity;
  }
  /// Recomputes the checksum, so that only the structural and semantic checks
  /// can catch a change.
  static void reseal(std::vector<uint8_t> &bytes) {
    uint32_t crc = detail::fileChecksum(bytes.data(), bytes.size(), crcOffset());
    std::memcpy(bytes.data() + crcOffset(), &crc, sizeof(crc)); // little-endian host
  }
  static std::vector<uint8_t> resealed(void (*mutate)(fb::Model *)) {
    std::vector<uint8_t> bytes = *mlpBytes;
    mutate(fb::GetMutableModel(bytes.data()));
    reseal(bytes);
    return bytes;
  }

  static std::vector<uint8_t> *mlpBytes;
};
std::vector<uint8_t> *ArtifactTest::mlpBytes = nullptr;

void expectError(const Status &status, StatusCode code, const std::string &text) {
  EXPECT_FALSE(status.isOk());
  EXPECT_EQ(status.code(), code) << status.message();
  EXPECT_NE(status.message().find(text), std::string::npos)
      << "'" << status.message() << "' does not contain '" << text << "'";
}

TEST_F(ArtifactTest, RoundTripsEveryField) {
  auto loaded = Artifact::fromBytes(mlpBytes->data(), mlpBytes->size());
  ASSERT_TRUE(loaded) << loaded.status().message();
  const Artifact &a = **loaded;
  EXPECT_EQ(a.formatMajor(), kFormatMajor);
  EXPECT_EQ(a.producer(), "systolic runtime tests");
  ASSERT_EQ(a.inputs().size(), 1u);
  EXPECT_EQ(a.inputs()[0].name, "x");
  EXPECT_EQ(a.inputs()[0].type, ElementType::F32);
  EXPECT_EQ(a.inputs()[0].shape, (std::vector<int64_t>{2, 4}));
  ASSERT_EQ(a.outputs().size(), 1u);
  EXPECT_EQ(a.outputs()[0].name, "y");
  ASSERT_EQ(a.buffers().size(), 5u);
  EXPECT_EQ(a.buffers()[a.inputs()[0].buffer].kind, BufferKind::Input);
  EXPECT_EQ(a.buffers()[a.outputs()[0].buffer].size, 24u);
  ASSERT_EQ(a.constants().size(), 2u);
  ASSERT_EQ(a.constants()[0].size, sizeof(testmodels::kMlpWeights));
  EXPECT_EQ(std::memcmp(a.constants()[0].data, testmodels::kMlpWeights,
                        sizeof(testmodels::kMlpWeights)),
            0);
  ASSERT_EQ(a.executables().size(), 1u);
  EXPECT_EQ(a.executables()[0].target, "cpu");
  EXPECT_EQ(a.executables()[0].format, "elf-shared-object");
  EXPECT_EQ(a.executables()[0].entryPoints.size(), 3u);
  EXPECT_EQ(std::memcmp(a.executables()[0].data.data, "\x7f" "ELF", 4), 0);
  ASSERT_EQ(a.dispatches().size(), 2u);
  const DispatchSpec &fc = a.dispatches()[0];
  EXPECT_EQ(fc.name, "fc1/matmul");
  EXPECT_EQ(fc.device, "cpu");
  EXPECT_EQ(fc.entryPoint, 1u);
  EXPECT_EQ(fc.numOperands, 3u);
  EXPECT_EQ(fc.bindings.size(), 4u);
  EXPECT_EQ(fc.flops, 54u);
}

TEST_F(ArtifactTest, ConstantsAre64ByteAlignedInFileAndMemory) {
  char path[] = "/tmp/systolic-artifact-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  ASSERT_TRUE(writeFile(path, *mlpBytes).isOk());
  auto mapped = Artifact::load(path);
  ::unlink(path);
  ASSERT_TRUE(mapped) << mapped.status().message();
  for (const ByteSpan &c : (*mapped)->constants()) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(c.data) % kBufferAlignment, 0u);
    EXPECT_EQ((c.data - (*mapped)->bytes().data) % kBufferAlignment, 0);
  }
}

TEST_F(ArtifactTest, LoadReportsMissingFile) {
  expectError(Artifact::load("/nonexistent/m.sysm").status(), StatusCode::NotFound,
              "cannot load '/nonexistent/m.sysm': No such file or directory");
}

TEST_F(ArtifactTest, EveryTruncationIsReported) {
  for (size_t size = 0; size < mlpBytes->size(); ++size) {
    Status status = Artifact::fromBytes(mlpBytes->data(), size).status();
    ASSERT_FALSE(status.isOk()) << "truncated to " << size << " bytes";
    EXPECT_EQ(status.code(), StatusCode::DataLoss) << status.message();
  }
  expectError(Artifact::fromBytes(mlpBytes->data(), 1000).status(),
              StatusCode::DataLoss,
              "truncated artifact: the header records " +
                  std::to_string(mlpBytes->size()) + " bytes, the file has 1000");
}

TEST_F(ArtifactTest, EveryFlippedByteIsReported) {
  std::vector<uint8_t> bytes = *mlpBytes;
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] ^= 0x5a;
    Status status = load(bytes);
    ASSERT_FALSE(status.isOk()) << "flipped byte " << i;
    bytes[i] ^= 0x5a;
  }
  bytes[bytes.size() / 2] ^= 1;
  expectError(load(bytes), StatusCode::DataLoss,
              "corrupted artifact: checksum mismatch");
}

TEST_F(ArtifactTest, TrailingDataIsReported) {
  std::vector<uint8_t> bytes = *mlpBytes;
  bytes.push_back(0);
  expectError(load(bytes), StatusCode::DataLoss, "(trailing data?)");
}

TEST_F(ArtifactTest, WrongIdentifier) {
  std::vector<uint8_t> bytes = *mlpBytes;
  std::memcpy(bytes.data() + 4, "ONNX", 4);
  expectError(load(bytes), StatusCode::DataLoss,
              "not a Systolic artifact: file identifier is 'ONNX', expected 'SYSM'");
  expectError(load(std::vector<uint8_t>{'\x7f', 'E', 'L', 'F', 2, 1, 1, 0}),
              StatusCode::DataLoss, "file identifier is '\\x02\\x01\\x01\\x00'");
}

TEST_F(ArtifactTest, NewerAndOlderMajorVersions) {
  std::vector<uint8_t> bytes = *mlpBytes;
  fb::Model *model = fb::GetMutableModel(bytes.data());
  model->mutable_version()->mutate_major(kFormatMajor + 1);
  model->mutable_version()->mutate_minor(3);
  // The version is checked before the checksum: a newer writer may define it
  // differently.
  expectError(load(bytes), StatusCode::Unimplemented,
              "artifact format version " + std::to_string(kFormatMajor + 1) +
                  ".3 is newer than this runtime supports");
  model->mutable_version()->mutate_major(0);
  expectError(load(bytes), StatusCode::Unimplemented, "is older than this runtime");
}

TEST_F(ArtifactTest, NewerMinorVersionIsAccepted) {
  std::vector<uint8_t> bytes = resealed([](fb::Model *m) {
    m->mutable_version()->mutate_minor(kFormatMinor + 1);
  });
  EXPECT_TRUE(load(bytes).isOk()) << load(bytes).message();
}

TEST_F(ArtifactTest, SemanticChecksCatchResealedCorruption) {
  expectError(load(resealed([](fb::Model *m) {
                m->mutable_dispatches()->GetMutableObject(1)->mutable_bindings()->Mutate(0, 99);
              })),
              StatusCode::DataLoss,
              "invalid artifact: dispatch 1 'fc1/relu': binding 0 refers to buffer 99, "
              "but the artifact has 5 buffers");
  expectError(load(resealed([](fb::Model *m) {
                m->mutable_inputs()->GetMutableObject(0)->mutate_element_type(
                    static_cast<fb::ElementType>(200));
              })),
              StatusCode::DataLoss, "input 0 'x' has unknown element type code 200");
  expectError(load(resealed([](fb::Model *m) {
                m->mutable_inputs()->GetMutableObject(0)->mutable_shape()->Mutate(1, 5);
              })),
              StatusCode::DataLoss,
              "input 0 'x' (f32 [2, 5]) needs 40 bytes, but buffer 0 has 32");
  expectError(load(resealed([](fb::Model *m) {
                m->mutable_buffers()->GetMutableObject(3)->mutate_alignment(128);
              })),
              StatusCode::DataLoss,
              "buffer 3 (intermediate) has alignment 128; expected a power of two up to 64");
  expectError(load(resealed([](fb::Model *m) {
                m->mutable_dispatches()->GetMutableObject(0)->mutate_entry_point(7);
              })),
              StatusCode::DataLoss,
              "dispatch 0 'fc1/matmul' refers to entry point 7 of executable 0, which has 3");
}

// A crafted file can carry a valid checksum: every single-byte change of the
// metadata, resealed, must still be rejected cleanly or load consistently.
TEST_F(ArtifactTest, ResealedByteChangesNeverCrash) {
  auto original = Artifact::fromBytes(mlpBytes->data(), mlpBytes->size());
  ASSERT_TRUE(original);
  const Artifact &a = **original;
  // The object code is opaque to the reader (the CPU device checks it), and
  // the Integrity struct is covered by the tests above.
  size_t codeBegin = a.executables()[0].data.data - a.bytes().data;
  size_t codeEnd = codeBegin + a.executables()[0].data.size;
  size_t integrityBegin = crcOffset() - detail::kCrcOffsetInIntegrity;
  size_t rejected = 0, accepted = 0;
  for (size_t i = 0; i < mlpBytes->size(); ++i) {
    if ((i >= codeBegin && i < codeEnd) || (i >= integrityBegin && i < integrityBegin + 16))
      continue;
    std::vector<uint8_t> bytes = *mlpBytes;
    bytes[i] ^= 0xff;
    reseal(bytes);
    auto loaded = Artifact::fromBytes(bytes.data(), bytes.size());
    if (!loaded) {
      ++rejected;
      continue;
    }
    ++accepted;
    // Whatever loads passed every check: indices in range, sizes consistent.
    for (const DispatchSpec &d : (*loaded)->dispatches())
      for (uint32_t b : d.bindings)
        ASSERT_LT(b, (*loaded)->buffers().size());
  }
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(accepted, 0u); // e.g. characters of names, FLOP counts, padding
}

//===----------------------------------------------------------------------===//
// The builder rejects inconsistent plans with the reader's messages.
//===----------------------------------------------------------------------===//

const uint8_t kCode[] = {1, 2, 3};

TEST(ArtifactBuilderTest, OutputNeverWritten) {
  ArtifactBuilder b;
  b.addInput("x", ElementType::F32, {4});
  b.addOutput("y", ElementType::F32, {4});
  expectError(b.finish().status(), StatusCode::InvalidArgument,
              "ArtifactBuilder: invalid artifact: output 0 'y' is never written by the plan");
}

TEST(ArtifactBuilderTest, StringsOnlyAsInputs) {
  ArtifactBuilder b;
  uint32_t x = b.addInput("x", ElementType::String, {2});
  uint32_t y = b.addOutput("y", ElementType::String, {2});
  uint32_t e = b.addExecutable("cpu", "elf-shared-object", kCode, 3, {"f"});
  b.addDispatch("f", e, 0, "cpu", {x}, {y}, 0, 0);
  expectError(b.finish().status(), StatusCode::InvalidArgument,
              "output 0 'y' has element type string, which only inputs may have");
}

TEST(ArtifactBuilderTest, ReadBeforeWrite) {
  ArtifactBuilder b;
  uint32_t x = b.addInput("x", ElementType::I8, {4});
  uint32_t t = b.addIntermediate(4);
  uint32_t y = b.addOutput("y", ElementType::I8, {4});
  uint32_t e = b.addExecutable("cpu", "elf-shared-object", kCode, 3, {"a", "b"});
  b.addDispatch("second", e, 1, "cpu", {t}, {y}, 0, 0);
  b.addDispatch("first", e, 0, "cpu", {x}, {t}, 0, 0);
  expectError(b.finish().status(), StatusCode::InvalidArgument,
              "dispatch 0 'second' reads buffer 1 (intermediate) before any dispatch writes it");
}

TEST(ArtifactBuilderTest, WritesToReadOnlyBuffer) {
  ArtifactBuilder b;
  uint32_t x = b.addInput("x", ElementType::F32, {1});
  uint32_t c = b.addConstant(kCode, 3);
  uint32_t y = b.addOutput("y", ElementType::F32, {1});
  uint32_t e = b.addExecutable("cpu", "elf-shared-object", kCode, 3, {"f"});
  b.addDispatch("f", e, 0, "cpu", {x}, {c, y}, 0, 0);
  expectError(b.finish().status(), StatusCode::InvalidArgument,
              "dispatch 0 'f' writes buffer 1, which is read-only (constant)");
}

TEST(ArtifactBuilderTest, BadIndicesAndNames) {
  {
    ArtifactBuilder b;
    uint32_t y = b.addOutput("y", ElementType::F32, {1});
    b.addDispatch("f", /*executable=*/2, 0, "cpu", {}, {y}, 0, 0);
    expectError(b.finish().status(), StatusCode::InvalidArgument,
                "dispatch 0 'f' refers to executable 2, but the artifact has 0");
  }
  {
    ArtifactBuilder b;
    b.addInput("x", ElementType::F32, {1});
    b.addInput("x", ElementType::F32, {1});
    expectError(b.finish().status(), StatusCode::InvalidArgument,
                "input 1 'x' repeats the name of an earlier input");
  }
  {
    ArtifactBuilder b;
    b.addInput("x", ElementType::F32, {2, -1});
    expectError(b.finish().status(), StatusCode::InvalidArgument,
                "input 0 'x' has an invalid shape [2, -1]");
  }
  {
    ArtifactBuilder b;
    b.addExecutable("cpu", "elf-shared-object", kCode, 3, {"f", "f"});
    expectError(b.finish().status(), StatusCode::InvalidArgument,
                "executable 0 (cpu) has an empty or repeated entry point name 'f'");
  }
}

TEST(ArtifactBuilderTest, DispatchReferences) {
  // Format 1.1: an accel dispatch names its CPU reference entry point.
  auto build = [](uint32_t referenceExecutable, uint32_t referenceEntry) {
    ArtifactBuilder b;
    uint32_t x = b.addInput("x", ElementType::I8, {4});
    uint32_t y = b.addOutput("y", ElementType::I8, {4});
    uint32_t cpu = b.addExecutable("cpu", "elf-shared-object", kCode, 3, {"f", "g"});
    uint32_t accel = b.addExecutable("accel", "systolic-accel-v1", kCode, 3, {"g"});
    (void)cpu;
    b.addDispatch("layer", accel, 0, "accel", {x}, {y}, 8, 8,
                  DispatchReference{referenceExecutable, referenceEntry});
    return b.finish();
  };
  Expected<std::vector<uint8_t>> good = build(0, 1);
  ASSERT_TRUE(good) << good.status().message();
  auto loaded = Artifact::fromBytes(good->data(), good->size());
  ASSERT_TRUE(loaded) << loaded.status().message();
  EXPECT_EQ((*loaded)->formatMinor(), kFormatMinor);
  const DispatchSpec &d = (*loaded)->dispatches()[0];
  ASSERT_TRUE(d.referenceExecutable.has_value());
  EXPECT_EQ(*d.referenceExecutable, 0u);
  EXPECT_EQ(d.referenceEntryPoint, 1u);
  expectError(build(5, 0).status(), StatusCode::InvalidArgument,
              "dispatch 0 'layer' refers to reference executable 5, but the artifact has 2");
  expectError(build(1, 0).status(), StatusCode::InvalidArgument,
              "dispatch 0 'layer' names its own executable 1 as its reference");
  expectError(build(0, 2).status(), StatusCode::InvalidArgument,
              "dispatch 0 'layer' refers to reference entry point 2 of executable 0, "
              "which has 2");
  // Dispatches without one (and 1.0 files, which lack the field) have none.
  auto mlp = testmodels::buildTestModel("mlp");
  auto plain = Artifact::fromBytes(mlp->data(), mlp->size());
  ASSERT_TRUE(plain);
  EXPECT_FALSE((*plain)->dispatches()[0].referenceExecutable.has_value());
}

TEST(ArtifactBuilderTest, FinishTwice) {
  ArtifactBuilder b;
  EXPECT_TRUE(b.finish());
  expectError(b.finish().status(), StatusCode::FailedPrecondition, "called twice");
}

} // namespace
