#include "parquet/rle.h"

#include <gtest/gtest.h>

#include <random>

namespace arxivflow::parquet {
namespace {

std::vector<uint32_t> RoundTrip(const std::vector<uint32_t>& in, int bw) {
  std::string enc;
  RleEncode(in.data(), in.size(), bw, &enc);
  std::vector<uint32_t> out(in.size());
  RleDecoder dec(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), bw);
  Status st = dec.Decode(out.data(), out.size());
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(Rle, RoundTripsRunsAndLiterals) {
  std::mt19937 rng(42);
  for (int bw : {1, 2, 3, 7, 8, 13, 20, 32}) {
    std::vector<uint32_t> v;
    uint64_t max = bw == 32 ? 0xffffffffull : (1ull << bw) - 1;
    for (int block = 0; block < 200; ++block) {
      int len = static_cast<int>(rng() % 40);
      uint32_t x = static_cast<uint32_t>(rng() % (max + 1));
      bool run = rng() % 2;
      for (int i = 0; i < len; ++i) v.push_back(run ? x : static_cast<uint32_t>(rng() % (max + 1)));
    }
    EXPECT_EQ(RoundTrip(v, bw), v) << "bit width " << bw;
  }
}

TEST(Rle, RoundTripsEdgeLengths) {
  for (size_t n : {0, 1, 7, 8, 9, 15, 16, 17, 1000}) {
    std::vector<uint32_t> same(n, 1), alt(n);
    for (size_t i = 0; i < n; ++i) alt[i] = i % 2;
    EXPECT_EQ(RoundTrip(same, 1), same);
    EXPECT_EQ(RoundTrip(alt, 1), alt);
  }
}

TEST(Rle, LevelsRoundTrip) {
  std::vector<uint8_t> levels(10000);
  for (size_t i = 0; i < levels.size(); ++i) levels[i] = (i / 37) % 3 != 0;
  std::string enc;
  RleEncode(levels.data(), levels.size(), 1, &enc);
  std::vector<uint8_t> out(levels.size());
  RleDecoder dec(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), 1);
  ASSERT_TRUE(dec.Decode(out.data(), out.size()).ok());
  EXPECT_EQ(out, levels);
}

TEST(Rle, TruncatedInputFails) {
  std::vector<uint32_t> v(100, 5);
  std::string enc;
  RleEncode(v.data(), v.size(), 3, &enc);
  std::vector<uint32_t> out(200);
  RleDecoder dec(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), 3);
  EXPECT_EQ(dec.Decode(out.data(), out.size()).code(), Status::Code::kCorruption);
  RleDecoder empty(nullptr, 0, 3);
  EXPECT_FALSE(empty.Decode(out.data(), 1).ok());
}

TEST(Rle, RejectsBadBitWidth) {
  std::string enc = "\x02\x01";
  uint32_t out;
  RleDecoder dec(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), 33);
  EXPECT_FALSE(dec.Decode(&out, 1).ok());
}

}  // namespace
}  // namespace arxivflow::parquet
