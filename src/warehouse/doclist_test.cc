#include "warehouse/doclist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace arxivflow::warehouse {
namespace {

std::string Encode(const std::vector<int64_t>& docs) {
  std::string out;
  EXPECT_TRUE(EncodeDoclist(docs.data(), docs.size(), &out).ok());
  return out;
}

Status Decode(const std::string& bytes, std::vector<int64_t>* docs) { return DecodeDoclist(bytes, "test", docs); }

TEST(DoclistTest, RoundTripsNewestFirstAndIsCompact) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 200; ++round) {
    std::vector<int64_t> docs;
    int64_t at = 0;
    for (uint64_t n = 1 + rng() % 500; n > 0; --n) {
      at += 1 + static_cast<int64_t>(rng() % (round % 2 ? 3 : 100000));
      docs.push_back(at);
    }
    std::reverse(docs.begin(), docs.end());
    std::vector<int64_t> back;
    ASSERT_TRUE(Decode(Encode(docs), &back).ok());
    EXPECT_EQ(back, docs);
  }
  // Neighbouring documents cost a byte each.
  EXPECT_EQ(Encode({5, 4, 3, 2, 1}), std::string("\x05\x01\x01\x01\x01"));
  EXPECT_EQ(Encode({300}), std::string("\xac\x02"));
  const int64_t max = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> back;
  ASSERT_TRUE(Decode(Encode({max, 1}), &back).ok());
  EXPECT_EQ(back, (std::vector<int64_t>{max, 1}));
}

TEST(DoclistTest, EncodingRefusesWhatIsNotDescendingRowids) {
  std::string out;
  const std::vector<int64_t> zero = {0}, repeat = {4, 4}, up = {3, 5}, negative = {-2}, to_zero = {3, 0};
  for (const auto* docs : {&zero, &repeat, &up, &negative, &to_zero}) {
    EXPECT_EQ(EncodeDoclist(docs->data(), docs->size(), &out).code(), Status::Code::kInvalidArgument);
  }
}

TEST(DoclistTest, MalformedBytesAreCorruptionNeverAPartialList) {
  const std::vector<std::string> bad = {
      std::string(),                                     // empty
      std::string("\x05\x80", 2),                        // ends inside a number
      std::string("\x05\x00", 2),                        // a step of 0
      std::string("\x00", 1),                            // rowid 0
      std::string("\x05\x05", 2),                        // down to 0
      std::string("\x05\x09", 2),                        // below 1
      std::string("\x80\x00", 2),                        // overlong
      std::string("\x85\x80\x00", 3),                    // overlong
      std::string(10, '\xff') + std::string("\x01", 1),  // beyond 64 bits
      std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10),  // past INT64_MAX
      std::string(9, '\x80') + std::string("\x81\x01", 2),               // a 10th byte that goes on (found by fuzzing)
  };
  for (const auto& bytes : bad) {
    std::vector<int64_t> docs = {42};
    const Status st = Decode(bytes, &docs);
    EXPECT_EQ(st.code(), Status::Code::kCorruption) << bytes.size();
    EXPECT_TRUE(docs.empty());
    EXPECT_NE(st.message().find("test"), std::string::npos) << st.message();
  }
}

TEST(DoclistTest, ACursorReadsOnlyAsFarAsItIsMoved) {
  const std::string bytes = Encode({9, 7, 2}) + std::string("\x80", 1);  // a damaged tail
  DoclistCursor cursor(bytes, "test");
  ASSERT_TRUE(cursor.Next());
  EXPECT_EQ(cursor.rowid(), 9);
  ASSERT_TRUE(cursor.Next());
  EXPECT_EQ(cursor.rowid(), 7);
  ASSERT_TRUE(cursor.Next());
  EXPECT_EQ(cursor.rowid(), 2);
  EXPECT_TRUE(cursor.status().ok());
  EXPECT_FALSE(cursor.Next());
  EXPECT_EQ(cursor.status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace arxivflow::warehouse
