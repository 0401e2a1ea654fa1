#include "warehouse/loader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/scoped_temp_dir_test_util.h"
#include "warehouse/test_area.h"
#include "warehouse/word_index_test_util.h"

namespace arxivflow::warehouse {
namespace {

namespace fs = std::filesystem;

class LoaderTest : public ::testing::Test {
 protected:
  const ScopedTempDir tmp_{"af_loader_test_"};
  const fs::path dir_ = tmp_.path();
};

TEST_F(LoaderTest, ParquetAreaIntoSqliteTwice) {
  ASSERT_TRUE(testing::WriteTestArea(dir_ / "area", 300).ok());
  auto area = OpenParquetArea((dir_ / "area").string());
  ASSERT_TRUE(area.ok()) << area.status().ToString();
  EXPECT_EQ(area->tables.at("papers").files.size(), 2u);
  EXPECT_EQ(area->ManifestNumber({"papers", "rows"}), 300);
  EXPECT_EQ(area->ManifestNumber({"records", "accepted"}), 300);
  EXPECT_EQ(area->ManifestNumber({"nothing"}), std::nullopt);
  auto spec = ParseConnection("sqlite://" + (dir_ / "w.db").string());
  ASSERT_TRUE(spec.ok());
  auto wh = Warehouse::Open(*spec);
  ASSERT_TRUE(wh.ok());
  ASSERT_TRUE((*wh)->CreateTables({}).ok());
  for (int round = 0; round < 2; ++round) {
    auto report = LoadArea(**wh, *area, {});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_EQ(report->tables.size(), 6u);
    for (const auto& r : report->tables) EXPECT_EQ(r.rows, 300) << r.table;
  }
  auto origin = (*wh)->QueryScalar("SELECT hex(origin) FROM titles LIMIT 1");
  ASSERT_TRUE(origin.ok());
  EXPECT_EQ(origin->text, "6172586976");
  auto v = (*wh)->QueryScalar("SELECT COUNT(DISTINCT origin) FROM titles WHERE origin = 'arXiv'");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->integer, 1);
  auto title = (*wh)->QueryScalar("SELECT title FROM papers WHERE id = '2301.10299'");
  ASSERT_TRUE(title.ok());
  EXPECT_EQ(title->text, "title 299");
  EXPECT_EQ(testing::CountIndexed((dir_ / "w.db").string(), "title"), 300);
}

TEST_F(LoaderTest, SelectedTablesOnly) {
  ASSERT_TRUE(testing::WriteTestArea(dir_ / "area", 10, 1).ok());
  auto area = OpenParquetArea((dir_ / "area").string());
  ASSERT_TRUE(area.ok());
  auto spec = ParseConnection("sqlite:" + (dir_ / "w.db").string());
  auto wh = Warehouse::Open(*spec);
  ASSERT_TRUE(wh.ok());
  ASSERT_TRUE((*wh)->CreateTables({}).ok());
  auto tables = ParseTableList("authors, titles");
  ASSERT_TRUE(tables.ok());
  LoadOptions options;
  options.tables = *tables;
  auto report = LoadArea(**wh, *area, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->tables.size(), 2u);
  EXPECT_EQ((*wh)->QueryScalar("SELECT COUNT(*) FROM papers")->integer, 0);
  EXPECT_EQ((*wh)->QueryScalar("SELECT COUNT(*) FROM titles")->integer, 10);
}

TEST_F(LoaderTest, InMemoryWarehouseBuildsItsSearchIndexAtThePublishAndLeavesNoFile) {
  ASSERT_TRUE(testing::WriteTestArea(dir_ / "area", 10, 1).ok());
  auto area = OpenParquetArea((dir_ / "area").string());
  ASSERT_TRUE(area.ok());
  const fs::path cwd = fs::current_path();
  fs::current_path(dir_);  // where a file named after ":memory:" would land
  auto wh = Warehouse::Open(*ParseConnection("sqlite::memory:"));
  ASSERT_TRUE(wh.ok());
  ASSERT_TRUE((*wh)->CreateTables({}).ok());
  auto report = LoadArea(**wh, *area, {});
  fs::current_path(cwd);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->published);
  EXPECT_FALSE(report->search_index);  // no file to build beside
  EXPECT_GT((*wh)->QueryScalar("SELECT COUNT(*) FROM papers_fts")->integer, 0);
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir_)) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"area"});
}

TEST_F(LoaderTest, UnknownTableIsRejected) {
  auto tables = ParseTableList("papers,bogus");
  ASSERT_FALSE(tables.ok());
  EXPECT_NE(tables.status().message().find("bogus"), std::string::npos);
  EXPECT_NE(tables.status().message().find("papers, authors"), std::string::npos);
}

TEST_F(LoaderTest, FolderWithoutManifestIsRefused) {
  auto area = OpenParquetArea(dir_.string());
  ASSERT_FALSE(area.ok());
  EXPECT_NE(area.status().message().find("_manifest.json"), std::string::npos);
  EXPECT_FALSE(OpenParquetArea((dir_ / "missing").string()).ok());
}

TEST_F(LoaderTest, ManifestWithoutFilesGlobsTheFolders) {
  ASSERT_TRUE(testing::WriteTestArea(dir_, 6, 3).ok());
  std::ofstream(dir_ / "_manifest.json") << R"({"tables": {"papers": {"rows": 6}}})";
  auto area = OpenParquetArea(dir_.string());
  ASSERT_TRUE(area.ok()) << area.status().ToString();
  EXPECT_EQ(area->tables.at("papers").files.size(), 3u);
  EXPECT_EQ(area->tables.at("authors").files.size(), 3u);
  EXPECT_FALSE(area->tables.at("authors").rows.has_value());
}

TEST_F(LoaderTest, ManifestPathsMustStayInside) {
  std::ofstream(dir_ / "_manifest.json") << R"({"tables": {"papers": {"files": [{"path": "../etc/passwd"}]}}})";
  auto area = OpenParquetArea(dir_.string());
  ASSERT_FALSE(area.ok());
  EXPECT_NE(area.status().message().find(".."), std::string::npos);
  std::ofstream(dir_ / "_manifest.json") << "{not json";
  EXPECT_EQ(OpenParquetArea(dir_.string()).status().code(), Status::Code::kCorruption);
}

TEST_F(LoaderTest, SchemaMismatchNamesFileAndColumn) {
  ASSERT_TRUE(testing::WriteTestArea(dir_ / "area", 4, 1).ok());
  // Put titles' file where papers' should be.
  fs::copy_file(dir_ / "area/titles/part-00000.parquet", dir_ / "area/papers/part-00000.parquet",
                fs::copy_options::overwrite_existing);
  auto area = OpenParquetArea((dir_ / "area").string());
  ASSERT_TRUE(area.ok());
  auto wh = Warehouse::Open(*ParseConnection("sqlite::memory:"));
  ASSERT_TRUE(wh.ok());
  ASSERT_TRUE((*wh)->CreateTables({}).ok());
  LoadOptions options;
  options.tables = {"papers"};
  auto report = LoadArea(**wh, *area, options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("papers/part-00000.parquet"), std::string::npos)
      << report.status().message();
  EXPECT_NE(report.status().message().find("categories"), std::string::npos) << report.status().message();
}

}  // namespace
}  // namespace arxivflow::warehouse
