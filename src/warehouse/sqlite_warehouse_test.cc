#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/scoped_temp_dir_test_util.h"
#include "warehouse/test_batches.h"
#include "warehouse/warehouse.h"
#include "warehouse/word_index_test_util.h"

namespace arxivflow::warehouse {
namespace {

using testing::GeneratedBatch;
using testing::StringVector;

class SqliteWarehouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto spec = ParseConnection("sqlite://" + (dir_ / "w.db").string());
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    auto wh = Warehouse::Open(*spec);
    ASSERT_TRUE(wh.ok()) << wh.status().ToString();
    wh_ = std::move(wh).value();
  }
  void TearDown() override { wh_.reset(); }

  int64_t Count(const std::string& sql) {
    auto v = wh_->QueryScalar(sql);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->integer : -1;
  }

  Result<int64_t> Load(schema::TableId id, int rows, std::optional<int64_t> expected = std::nullopt, int first = 0) {
    std::vector<Batch> batches;
    batches.push_back(GeneratedBatch(schema::Table(id), rows / 2, first));
    batches.push_back(GeneratedBatch(schema::Table(id), rows - rows / 2, first + rows / 2));
    auto source = MakeMemoryBatchSource(std::move(batches));
    TableLoadInput input;
    input.source = source.get();
    input.expected_rows = expected;
    return wh_->LoadTable(schema::Table(id), input);
  }

  const ScopedTempDir tmp_{"af_sqlite_test_"};  // first: removed after the warehouse closed
  const std::filesystem::path dir_ = tmp_.path();
  std::unique_ptr<Warehouse> wh_;
};

TEST_F(SqliteWarehouseTest, CreateIsIdempotentAndDropRecreates) {
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  ASSERT_TRUE(Load(schema::TableId::kPapers, 10).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM papers"), 10);
  CreateOptions drop;
  drop.drop = true;
  ASSERT_TRUE(wh_->CreateTables(drop).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM papers"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'papers_fts'"), 1);
  EXPECT_EQ(Count("SELECT rows FROM arxivflow_loads WHERE table_name = 'papers' AND state = 'published'"), 0);
}

TEST_F(SqliteWarehouseTest, LoadTwiceReplaces) {
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  for (int round = 0; round < 2; ++round) {
    for (const auto& t : schema::StarSchema()) {
      auto rows = Load(t.id, 25);
      ASSERT_TRUE(rows.ok()) << rows.status().ToString();
      EXPECT_EQ(*rows, 25);
    }
  }
  for (const auto& t : schema::StarSchema()) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM \"" + t.name + "\""), 25) << t.name;
  }
}

// Replacing a table frees the old one's pages without writing them again:
// Debian's SQLite would zero each freed page (secure_delete), i.e. write the
// whole old table once more (52 s for the full-scale authors, abstracts and
// search index). The old rows are then still in the file's free pages.
TEST_F(SqliteWarehouseTest, ReplacingATableDoesNotRewriteItsFreedPages) {
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  ASSERT_TRUE(Load(schema::TableId::kPapers, 3000).ok());
  ASSERT_TRUE(Load(schema::TableId::kPapers, 3000, std::nullopt, 500000).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM papers WHERE comments = 'comments 1234'"), 0);
  wh_.reset();  // the last connection checkpoints the log into the file
  std::ifstream in(dir_ / "w.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int old_rows_in_free_pages = 0;  // of 40 looked for (the new rows are "comments 5xxxxx")
  for (int i = 1000; i < 3000; i += 50) {
    old_rows_in_free_pages += bytes.find("comments " + std::to_string(i)) != std::string::npos;
  }
  EXPECT_GT(old_rows_in_free_pages, 30);
}

TEST_F(SqliteWarehouseTest, TypedValuesAreIsoText) {
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  ASSERT_TRUE(Load(schema::TableId::kPapers, 2).ok());
  ASSERT_TRUE(Load(schema::TableId::kVersions, 2).ok());
  auto date = wh_->QueryScalar("SELECT updatedate FROM papers WHERE id = '2301.10000'");
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(date->text, "2007-05-23");
  auto ts = wh_->QueryScalar("SELECT created FROM versions WHERE id = '2301.10001'");
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->text, "2007-04-02T19:18:43Z");
  auto month = wh_->QueryScalar("SELECT typeof(month) FROM versions LIMIT 1");
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(month->text, "integer");
}

TEST_F(SqliteWarehouseTest, ManifestMismatchKeepsPreviousContents) {
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  ASSERT_TRUE(Load(schema::TableId::kAuthors, 7).ok());
  auto bad = Load(schema::TableId::kAuthors, 9, /*expected=*/10);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("manifest says 10"), std::string::npos) << bad.status().message();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM authors"), 7);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'authors\\_\\_stage\\_%' ESCAPE '\\'"), 0);
}

TEST_F(SqliteWarehouseTest, DuplicateKeyFailsAndRollsBack) {
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  ASSERT_TRUE(Load(schema::TableId::kPapers, 3).ok());
  std::vector<Batch> batches;
  batches.push_back(GeneratedBatch(schema::Table(schema::TableId::kPapers), 2));
  batches.push_back(GeneratedBatch(schema::Table(schema::TableId::kPapers), 2));  // same ids again
  auto source = MakeMemoryBatchSource(std::move(batches));
  TableLoadInput input;
  input.source = source.get();
  auto rows = wh_->LoadTable(schema::Table(schema::TableId::kPapers), input);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("UNIQUE"), std::string::npos) << rows.status().message();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM papers"), 3);
}

TEST_F(SqliteWarehouseTest, MissingTableIsClear) {
  auto rows = Load(schema::TableId::kPapers, 3);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Status::Code::kNotFound);
  EXPECT_NE(rows.status().message().find("warehouse create"), std::string::npos);
  auto q = wh_->QueryScalar("SELECT COUNT(*) FROM papers");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("no such table: papers"), std::string::npos) << q.status().message();
}

TEST_F(SqliteWarehouseTest, QueryScalarIsReadOnlyAndSingleStatement) {
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  EXPECT_FALSE(wh_->QueryScalar("DELETE FROM papers").ok());
  EXPECT_FALSE(wh_->QueryScalar("SELECT 1; DROP TABLE papers").ok());
  EXPECT_TRUE(wh_->QueryScalar("SELECT 1;").ok());
  EXPECT_FALSE(wh_->QueryScalar("BEGIN").ok());
  EXPECT_FALSE(wh_->QueryScalar("PRAGMA journal_mode=DELETE").ok());
  EXPECT_FALSE(wh_->QueryScalar("PRAGMA writable_schema").ok());
  EXPECT_FALSE(wh_->QueryScalar("UPDATE sqlite_master SET sql = ''").ok());
  EXPECT_FALSE(wh_->QueryScalar("ATTACH '/tmp/af_should_not_exist.db' AS x").ok());
  EXPECT_FALSE(std::filesystem::exists("/tmp/af_should_not_exist.db"));
  EXPECT_TRUE(wh_->QueryScalar("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) "
                               "SELECT SUM(x) FROM n").ok());
  auto null = wh_->QueryScalar("SELECT NULL");
  ASSERT_TRUE(null.ok());
  EXPECT_TRUE(null->is_null());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'papers'"), 1);
}

TEST_F(SqliteWarehouseTest, SearchIndexIsRebuiltAfterLoad) {
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  const auto& titles = schema::Table(schema::TableId::kTitles);
  Batch b;
  b.rows = 2;
  b.columns.push_back(StringVector({std::string("0704.0001"), std::string("1")}));
  b.columns.push_back(StringVector({std::string("Calculation of prompt diphoton production"),
                                    std::string("Self-Organization of Associative Memory")}));
  b.columns.push_back(StringVector({std::string("arXiv"), std::string("NIPS")}));
  std::vector<Batch> batches;
  batches.push_back(std::move(b));
  auto source = MakeMemoryBatchSource(std::move(batches));
  TableLoadInput input;
  input.source = source.get();
  ASSERT_TRUE(wh_->LoadTable(titles, input).ok());
  // Contentless: documents are the titles rows, by rowid.
  const auto docs = testing::IndexedDocs((dir_ / "w.db").string(), "Diphoton");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM titles WHERE id = '0704.0001' AND rowid = " + std::to_string(docs[0])), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM papers_fts") > 0, true);
  EXPECT_EQ(Count("SELECT rows FROM arxivflow_loads WHERE table_name = 'papers_fts' AND state = 'published'"), 2);
}

TEST(SqliteOpenTest, BadPathIsClear) {
  auto spec = ParseConnection("sqlite:///nonexistent-dir/sub/w.db");
  ASSERT_TRUE(spec.ok());
  auto wh = Warehouse::Open(*spec);
  ASSERT_FALSE(wh.ok());
  EXPECT_NE(wh.status().message().find("/nonexistent-dir/sub/w.db"), std::string::npos);
}

}  // namespace
}  // namespace arxivflow::warehouse
