//===- NpyTest.cpp - .npy reader and writer -------------------------------===//
#include "runtime/Npy.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace systolic;
using namespace systolic::runtime;

namespace {

/// A .npy image with a hand-written header (version 1.0) and `payload` bytes.
std::vector<uint8_t> npy(const std::string &header, size_t payload, uint8_t major = 1) {
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  size_t len = header.size();
  out.push_back(len & 0xff);
  out.push_back((len >> 8) & 0xff);
  if (major != 1) {
    out.push_back(0);
    out.push_back(0);
  }
  out.insert(out.end(), header.begin(), header.end());
  out.resize(out.size() + payload, 0x11);
  return out;
}

std::string parseError(const std::vector<uint8_t> &bytes) {
  Expected<Tensor> t = parseNpy(bytes.data(), bytes.size());
  EXPECT_FALSE(t);
  return t ? "" : t.status().message();
}

TEST(NpyTest, RoundTripsEveryElementType) {
  for (int code = 0; code <= static_cast<int>(artifact::kLastElementType); ++code) {
    auto type = static_cast<ElementType>(code);
    if (type == ElementType::String)
      continue; // pointers, not bytes: ReadsAndWritesStrings
    for (const Shape &shape : {Shape{}, Shape{5}, Shape{2, 3, 4}, Shape{0, 3}}) {
      Expected<Tensor> t = Tensor::allocate(type, shape);
      ASSERT_TRUE(t);
      auto *bytes = static_cast<uint8_t *>(t->data());
      for (uint64_t i = 0; i < t->byteSize(); ++i)
        bytes[i] = type == ElementType::Bool ? i % 2 : static_cast<uint8_t>(i * 7);
      std::vector<uint8_t> file = encodeNpy(t->view());
      Expected<Tensor> back = parseNpy(file.data(), file.size());
      ASSERT_TRUE(back) << back.status().message();
      EXPECT_EQ(back->type(), type);
      EXPECT_EQ(back->shape(), shape);
      ASSERT_EQ(back->byteSize(), t->byteSize());
      EXPECT_EQ(std::memcmp(back->data(), t->data(), t->byteSize()), 0);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(back->data()) % 64, 0u);
    }
  }
}

TEST(NpyTest, WritesNumpyHeaderLayout) {
  Expected<Tensor> t = Tensor::allocate(ElementType::F32, {3});
  std::vector<uint8_t> file = encodeNpy(t->view());
  std::string header(file.begin() + 10, file.end() - 12);
  EXPECT_EQ(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 0), 0u);
  EXPECT_EQ(header.back(), '\n');
  EXPECT_EQ((file.size() - 12) % 64, 0u) << "data must start 64-byte aligned";
}

// numpy saves ml_dtypes arrays (float8, int4, bfloat16, ...) as untyped
// bytes: they read as the expected type when its size matches; the writer
// names the ml_dtypes type.
TEST(NpyTest, ReadsUntypedBytesAsTheExpectedType) {
  auto v1 = npy("{'descr': '<V1', 'fortran_order': False, 'shape': (3,), }\n", 3);
  Expected<Tensor> t = parseNpy(v1.data(), v1.size(), ElementType::F8E4M3FN);
  ASSERT_TRUE(t) << t.status().message();
  EXPECT_EQ(t->type(), ElementType::F8E4M3FN);
  auto e5m2 = npy("{'descr': '<f1', 'fortran_order': False, 'shape': (3,), }\n", 3);
  EXPECT_TRUE(parseNpy(e5m2.data(), e5m2.size(), ElementType::F8E5M2));
  auto v2 = npy("{'descr': '|V2', 'fortran_order': False, 'shape': (3,), }\n", 6);
  t = parseNpy(v2.data(), v2.size(), ElementType::BF16);
  ASSERT_TRUE(t) << t.status().message();
  EXPECT_EQ(t->type(), ElementType::BF16);
  EXPECT_NE(parseError(v1).find("untyped dtype '<V1' (1 byte per element, as numpy "
                                "saves ml_dtypes arrays) where no element type is known"),
            std::string::npos);
  Expected<Tensor> wrong = parseNpy(v2.data(), v2.size(), ElementType::I4);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.status().message().find("where the model expects i4"), std::string::npos);

  Expected<Tensor> i4 = Tensor::allocate(ElementType::I4, {2});
  std::vector<uint8_t> file = encodeNpy(i4->view());
  std::string header(file.begin() + 10, file.end() - 2);
  EXPECT_EQ(header.rfind("{'descr': 'int4', 'fortran_order': False, 'shape': (2,), }", 0), 0u);
}

TEST(NpyTest, AcceptsVersion2AndVariants) {
  std::vector<uint8_t> v2 =
      npy("{'fortran_order': False, 'shape': (2L, 2L), 'descr': '<i4'}\n", 16, 2);
  Expected<Tensor> t = parseNpy(v2.data(), v2.size());
  ASSERT_TRUE(t) << t.status().message();
  EXPECT_EQ(t->shape(), (Shape{2, 2}));
  // Fortran order is the same as C order for one dimension.
  auto oneD = npy("{'descr': '|u1', 'fortran_order': True, 'shape': (4,), }\n", 4);
  EXPECT_TRUE(parseNpy(oneD.data(), oneD.size()));
}

/// The elements of a string tensor.
std::vector<std::string> stringsOf(const Tensor &t) {
  std::vector<std::string> out;
  for (uint64_t i = 0; i < t.view().numElements(); ++i)
    out.emplace_back(stringAt(t.view(), i));
  return out;
}

TEST(NpyTest, ReadsAndWritesStrings) {
  // numpy's '<U3': three UTF-32LE code units per element, NUL-padded.
  std::vector<uint8_t> unicode =
      npy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", 24);
  const uint32_t units[6] = {'c', 'a', 't', 0xe9, 0x1f600, 0};
  std::memcpy(unicode.data() + unicode.size() - 24, units, 24);
  Expected<Tensor> t = parseNpy(unicode.data(), unicode.size());
  ASSERT_TRUE(t) << t.status().message();
  EXPECT_EQ(t->type(), ElementType::String);
  EXPECT_EQ(t->shape(), Shape{2});
  EXPECT_EQ(stringsOf(*t), (std::vector<std::string>{"cat", "\xc3\xa9\xf0\x9f\x98\x80"}));

  // '|S2': bytes, NUL-padded.
  std::vector<uint8_t> bytes =
      npy("{'descr': '|S2', 'fortran_order': False, 'shape': (3,), }", 6);
  std::memcpy(bytes.data() + bytes.size() - 6, "ab\0\0x\0", 6);
  t = parseNpy(bytes.data(), bytes.size());
  ASSERT_TRUE(t) << t.status().message();
  EXPECT_EQ(stringsOf(*t), (std::vector<std::string>{"ab", "", "x"}));

  // Written as '<U<longest>' and read back unchanged.
  Expected<Tensor> words = Tensor::fromStrings({2, 2}, {"", "h\xc3\xa9llo", "a", "\xe2\x82\xac"});
  ASSERT_TRUE(words);
  std::vector<uint8_t> file = encodeNpy(words->view());
  EXPECT_NE(std::string(file.begin(), file.end()).find("'descr': '<U5'"), std::string::npos);
  Expected<Tensor> back = parseNpy(file.data(), file.size());
  ASSERT_TRUE(back) << back.status().message();
  EXPECT_EQ(back->shape(), (Shape{2, 2}));
  EXPECT_EQ(stringsOf(*back), stringsOf(*words));
}

TEST(NpyTest, RejectsBadStrings) {
  std::vector<uint8_t> surrogate =
      npy("{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }", 4);
  const uint32_t unit = 0xd800;
  std::memcpy(surrogate.data() + surrogate.size() - 4, &unit, 4);
  EXPECT_NE(parseError(surrogate).find("string element 0 holds 55296, which is not a Unicode code point"),
            std::string::npos);
  EXPECT_NE(parseError(npy("{'descr': '<U4', 'fortran_order': False, 'shape': (2,), }", 20))
                .find("truncated .npy data: string [2] needs 32 bytes, the file holds 20"),
            std::string::npos);
  EXPECT_FALSE(Tensor::fromStrings({1}, {std::string("a\0b", 3)}));
  EXPECT_FALSE(Tensor::fromStrings({2}, {"only one"}));
}

TEST(NpyTest, RejectsWhatItCannotRead) {
  EXPECT_NE(parseError(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24))
                .find("Fortran-ordered data is not supported"),
            std::string::npos);
  EXPECT_NE(parseError(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8))
                .find("big-endian data (dtype '>f4') is not supported"),
            std::string::npos);
  EXPECT_NE(parseError(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", 16))
                .find("unsupported dtype '<c8'"),
            std::string::npos);
  EXPECT_NE(parseError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20))
                .find("truncated .npy data: f32 [2, 3] needs 24 bytes, the file holds 20"),
            std::string::npos);
  EXPECT_NE(parseError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 8))
                .find("malformed .npy header"),
            std::string::npos);
  // A header claiming a huge array is rejected before anything is allocated.
  EXPECT_NE(parseError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000,), }", 8))
                .find("truncated .npy data: f32 [100000000000] needs 400000000000 bytes"),
            std::string::npos);
  EXPECT_NE(parseError({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0})
                .find("not a .npy file"),
            std::string::npos);
  std::vector<uint8_t> cut = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);
  for (size_t size = 0; size < cut.size(); ++size)
    EXPECT_FALSE(parseNpy(cut.data(), size)) << "truncated to " << size;
}

TEST(NpyTest, ReadErrorsNameTheFile) {
  Expected<Tensor> t = readNpyFile("/nonexistent/x.npy");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.status().code(), StatusCode::NotFound);
  EXPECT_EQ(t.status().message(), "cannot read '/nonexistent/x.npy': No such file or directory");
}

} // namespace
