#include "transform/input_digest.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <string>

namespace arxivflow::transform {
namespace {

std::string ZlibCrc32Hex(const std::string& bytes) {
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%08lx",
                ::crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
  return hex;
}

TEST(InputDigestTest, Crc32IsZlibsOverAllUpdatesAndSha256OnlyWhenAsked) {
  std::string bytes;
  for (int i = 0; i < 100000; ++i) bytes.push_back(static_cast<char>((i * 131) ^ (i >> 7)));
  InputDigest digest;
  EXPECT_EQ(digest.Crc32Hex(), "00000000");
  // Uneven pieces, below and above the 64-byte folding width.
  size_t at = 0;
  for (size_t piece : {1, 7, 63, 64, 65, 1000, 4096}) {
    digest.Update(bytes.data() + at, piece);
    at += piece;
  }
  digest.Update(bytes.data() + at, bytes.size() - at);
  EXPECT_EQ(digest.Crc32Hex(), ZlibCrc32Hex(bytes));
  EXPECT_FALSE(digest.sha256_enabled());
  EXPECT_EQ(digest.FinishSha256(), "");
}

TEST(InputDigestTest, Sha256WhenEnabled) {
  InputDigest digest;
  ASSERT_TRUE(digest.EnableSha256().ok());
  ASSERT_TRUE(digest.EnableSha256().ok());  // twice is once
  digest.Update("a", 1);
  digest.Update("bc", 2);
  EXPECT_EQ(digest.Crc32Hex(), "352441c2");  // zlib.crc32(b"abc")
  EXPECT_EQ(digest.FinishSha256(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace arxivflow::transform
