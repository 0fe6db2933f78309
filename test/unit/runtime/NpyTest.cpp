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
  for (ElementType type : {ElementType::F16, ElementType::F32, ElementType::F64,
                           ElementType::I8, ElementType::I16, ElementType::I32,
                           ElementType::I64, ElementType::U8, ElementType::Bool,
                           ElementType::U16, ElementType::U32, ElementType::U64}) {
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
