#include "parquet/page_crc.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace arxivflow::parquet {
namespace {

TEST(PageCrcTest, KnownValues) {
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);  // the CRC-32 check value
  const std::string zeros(4096, '\0');
  EXPECT_EQ(Crc32(zeros), Crc32UpdatePortable(0, zeros));
}

TEST(PageCrcTest, EqualsZlibAtEveryLengthOffsetAndStartValue) {
  std::mt19937_64 rng(7);
  std::string buf(4096 + 64, '\0');
  for (char& c : buf) c = static_cast<char>(rng());
  for (size_t offset : {0, 1, 3, 8, 15}) {
    for (size_t n = 0; n <= 600; ++n) {
      const std::string_view s(buf.data() + offset, n);
      for (uint32_t start : {0u, 0xFFFFFFFFu, 0x12345678u}) {
        ASSERT_EQ(Crc32Update(start, s), Crc32UpdatePortable(start, s)) << "n=" << n << " offset=" << offset;
      }
    }
  }
  for (size_t n : {4096, 4095, 4033, 1024 + 17}) {
    const std::string_view s(buf.data() + 5, n);
    ASSERT_EQ(Crc32(s), Crc32UpdatePortable(0, s)) << n;
  }
}

TEST(PageCrcTest, CarriesOverSplitInput) {
  std::mt19937_64 rng(9);
  std::string buf(3000, '\0');
  for (char& c : buf) c = static_cast<char>(rng());
  const uint32_t whole = Crc32(buf);
  for (size_t cut : {0, 1, 63, 64, 65, 1000, 2999, 3000}) {
    const std::string_view a(buf.data(), cut), b(buf.data() + cut, buf.size() - cut);
    EXPECT_EQ(Crc32Update(Crc32(a), b), whole) << cut;
  }
}

TEST(PageCrcTest, PatternedInputs) {
  // Runs of one byte and repeating words: carries in every fold position.
  for (unsigned char fill : {0x00, 0xFF, 0x80, 0x01, 0x5A}) {
    for (size_t n : {64, 127, 128, 1 << 20}) {
      const std::string s(n, static_cast<char>(fill));
      ASSERT_EQ(Crc32(s), Crc32UpdatePortable(0, s)) << int(fill) << " " << n;
    }
  }
}

}  // namespace
}  // namespace arxivflow::parquet
