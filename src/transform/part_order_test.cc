// `abstracts` stays in the order of `titles` across part files (what the
// search index relies on to read the two side by side), whichever worker
// takes which block and whenever parts roll over.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"
#include "parquet/reader.h"
#include "transform/transform.h"

namespace arxivflow::transform {
namespace {

namespace fs = std::filesystem;

// The `id` column of a table's parts, in file name order (as loaders read them).
std::vector<std::string> IdsInNameOrder(const fs::path& dir, std::vector<std::string>* files) {
  files->clear();
  for (const auto& e : fs::directory_iterator(dir)) files->push_back(e.path().filename().string());
  std::sort(files->begin(), files->end());
  std::vector<std::string> ids;
  for (const std::string& f : *files) {
    auto in = parquet::OpenLocalFile((dir / f).string());
    EXPECT_TRUE(in.ok());
    auto r = parquet::Reader::Open(std::move(in).value());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    for (size_t g = 0; g < (*r)->metadata().row_groups.size(); ++g) {
      auto col = (*r)->ReadColumn(static_cast<int>(g), 0);
      EXPECT_TRUE(col.ok());
      for (const auto& s : col->strings) ids.emplace_back(s);
    }
  }
  return ids;
}

TEST(PartOrder, AbstractsFollowTitlesAcrossPartsAndThreads) {
  const ScopedTempDir tmp("af-part-order-");
  const fs::path dir = tmp.path();
  {
    std::ofstream f(dir / "in.jsonl");
    for (int i = 0; i < 6000; ++i) {
      f << R"({"id":"p)" << i << R"(","title":"Title )" << i << '"';
      if (i % 7 != 3) f << R"(,"abstract":"Text of )" << i << '"';  // some records have none
      f << "}\n";
    }
  }
  for (int round = 0; round < 4; ++round) {
    TransformOptions o;
    o.input = (dir / "in.jsonl").string();
    o.output = (dir / ("out" + std::to_string(round))).string();
    o.threads = 3;
    o.block_bytes = 1024;    // many small blocks: the workers race
    o.rows_per_part = 700;   // several parts per worker
    o.progress = ProgressMode::kNever;
    TransformSummary summary;
    ASSERT_TRUE(RunTransform(o, &summary).ok());
    std::vector<std::string> title_files, abstract_files;
    const auto titles = IdsInNameOrder(fs::path(o.output) / "titles", &title_files);
    const auto abstracts = IdsInNameOrder(fs::path(o.output) / "abstracts", &abstract_files);
    ASSERT_EQ(titles.size(), 6000u);
    ASSERT_GT(title_files.size(), 3u);
    // Every abstracts part has the name of a titles part (they roll over together).
    for (const auto& a : abstract_files) {
      EXPECT_NE(std::find(title_files.begin(), title_files.end(), a), title_files.end()) << a;
    }
    // The abstracts are a subsequence of the titles, in order.
    size_t t = 0;
    for (const auto& id : abstracts) {
      while (t < titles.size() && titles[t] != id) ++t;
      ASSERT_LT(t, titles.size()) << "abstract " << id << " out of the titles' order (round " << round << ")";
      ++t;
    }
  }
}

}  // namespace
}  // namespace arxivflow::transform
