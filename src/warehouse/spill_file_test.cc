// A spill file gives back exactly the bytes appended, over any range and in
// any block size, whether it bypasses the page cache or not; it leaves
// nothing in its folder, and a range past what was written is an error.
#include "warehouse/spill_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow::warehouse {
namespace {

std::string ReadRange(const SpillFile& file, uint64_t begin, uint64_t end, size_t block, size_t piece) {
  SpillFile::Reader reader(&file, begin, end, block);
  std::string out;
  std::vector<char> buf(piece);
  while (true) {
    auto got = reader.Read(buf.data(), buf.size());
    EXPECT_TRUE(got.ok()) << got.status().message();
    if (!got.ok() || *got == 0) break;
    out.append(buf.data(), *got);
  }
  EXPECT_EQ(reader.remaining(), 0u);
  return out;
}

class SpillFileTest : public ::testing::TestWithParam<SpillFile::Caching> {};

TEST_P(SpillFileTest, GivesBackEveryRangeOfWhatWasAppended) {
  const ScopedTempDir tmp("af_spill_file_");
  auto file = SpillFile::Create(tmp.path().string(), "a test run", GetParam());
  ASSERT_TRUE(file.ok()) << file.status().message();
  if (GetParam() == SpillFile::Caching::kPageCache) {
    EXPECT_FALSE((*file)->direct());
  }
  // Pieces of uneven sizes, some larger than the write buffer, so that
  // ranges start and end off every alignment.
  std::mt19937_64 rng(7);
  std::string all;
  std::vector<uint64_t> bounds{0};
  for (int i = 0; i < 40; ++i) {
    const size_t n = i == 17 ? SpillFile::kWriteBuffer * 2 + 5 : rng() % 300000;
    std::string piece(n, '\0');
    for (auto& c : piece) c = static_cast<char>(rng());
    ASSERT_TRUE((*file)->Append(piece.data(), piece.size()).ok());
    all += piece;
    bounds.push_back(all.size());
    EXPECT_EQ((*file)->size(), all.size());
  }
  ASSERT_TRUE((*file)->FinishWriting().ok());
  EXPECT_FALSE((*file)->Append("x", 1).ok());
  for (size_t i = 0; i + 1 < bounds.size(); i += 3) {
    const uint64_t b = bounds[i], e = bounds[std::min(i + 4, bounds.size() - 1)];
    EXPECT_EQ(ReadRange(**file, b, e, 4096 * (1 + i % 5), 1 + i * 997 % 70000), all.substr(b, e - b)) << i;
  }
  EXPECT_EQ(ReadRange(**file, 0, all.size(), 1 << 20, 1 << 20), all);
  // Readers used in turn, as a merge does.
  SpillFile::Reader a(file->get(), bounds[1], bounds[3], 65536), b(file->get(), bounds[5], bounds[9], 65536);
  std::string got_a, got_b;
  char buf[5000];
  while (true) {
    auto x = a.Read(buf, sizeof(buf));
    ASSERT_TRUE(x.ok());
    got_a.append(buf, *x);
    auto y = b.Read(buf, sizeof(buf));
    ASSERT_TRUE(y.ok());
    got_b.append(buf, *y);
    if (*x == 0 && *y == 0) break;
  }
  EXPECT_EQ(got_a, all.substr(bounds[1], bounds[3] - bounds[1]));
  EXPECT_EQ(got_b, all.substr(bounds[5], bounds[9] - bounds[5]));
  // Unnamed: nothing in the folder.
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST_P(SpillFileTest, ARangePastTheFileIsAnError) {
  const ScopedTempDir tmp("af_spill_file_short_");
  auto file = SpillFile::Create(tmp.path().string(), "a test run", GetParam());
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("abc", 3).ok());
  ASSERT_TRUE((*file)->FinishWriting().ok());
  SpillFile::Reader reader(file->get(), 0, 1 << 20, 4096);
  char buf[8192];
  auto first = reader.Read(buf, sizeof(buf));
  ASSERT_TRUE(first.ok());
  auto next = reader.Read(buf, sizeof(buf));
  for (int i = 0; i < 4 && next.ok() && *next > 0; ++i) next = reader.Read(buf, sizeof(buf));
  ASSERT_FALSE(next.ok());
  EXPECT_NE(next.status().message().find("a test run"), std::string::npos) << next.status().message();
}

TEST(SpillFileCreateTest, AFolderThatIsNotThereIsAClearError) {
  auto file = SpillFile::Create("/nonexistent-arxivflow-dir", "a sort run");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("/nonexistent-arxivflow-dir"), std::string::npos);
  EXPECT_NE(file.status().message().find("a sort run"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Caching, SpillFileTest,
                         ::testing::Values(SpillFile::Caching::kBypassWhereAllowed, SpillFile::Caching::kPageCache),
                         [](const auto& info) {
                           return std::string(info.param == SpillFile::Caching::kPageCache ? "PageCache" : "Direct");
                         });

}  // namespace
}  // namespace arxivflow::warehouse
