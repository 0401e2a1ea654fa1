#include "quality/runner.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "warehouse/test_batches.h"

namespace arxivflow::quality {
namespace {

using warehouse::Batch;
using warehouse::testing::GeneratedBatch;

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto wh = warehouse::Warehouse::Open(*warehouse::ParseConnection("sqlite::memory:"));
    ASSERT_TRUE(wh.ok());
    wh_ = std::move(wh).value();
    ASSERT_TRUE(wh_->CreateTables({}).ok());
  }
  void Load(schema::TableId id, int rows, int first = 0) {
    std::vector<Batch> batches;
    batches.push_back(GeneratedBatch(schema::Table(id), rows, first));
    auto source = warehouse::MakeMemoryBatchSource(std::move(batches));
    warehouse::TableLoadInput input;
    input.source = source.get();
    ASSERT_TRUE(wh_->LoadTable(schema::Table(id), input).ok());
  }
  std::unique_ptr<warehouse::Warehouse> wh_;
};

TEST_F(RunnerTest, DefaultsPassOnConsistentData) {
  for (const auto& t : schema::StarSchema()) Load(t.id, 20);
  warehouse::ParquetArea area;
  for (const auto& t : schema::StarSchema()) area.manifest.tables[t.name].rows = 20;
  auto results = RunChecks(*wh_, *DefaultChecks(), &area);
  EXPECT_TRUE(AllPassed(results)) << FormatResults(results);
  for (const auto& r : results) EXPECT_EQ(r.verdict, Verdict::kPass) << r.name << " " << r.message;
  const std::string table = FormatResults(results);
  const size_t line = table.find("papers_matches_manifest ");
  ASSERT_NE(line, std::string::npos) << table;
  const std::string row = table.substr(line, table.find('\n', line) - line);
  EXPECT_NE(row.find(" 20 "), std::string::npos) << row;
  EXPECT_NE(row.find("result == 20"), std::string::npos) << row;
  EXPECT_EQ(row.substr(row.size() - 4), "PASS") << row;
}

TEST_F(RunnerTest, WithoutManifestReconciliationIsSkipped) {
  for (const auto& t : schema::StarSchema()) Load(t.id, 5);
  auto results = RunChecks(*wh_, *DefaultChecks(), nullptr);
  EXPECT_TRUE(AllPassed(results));
  int skipped = 0;
  for (const auto& r : results) skipped += r.verdict == Verdict::kSkip;
  EXPECT_EQ(skipped, 6);
}

TEST_F(RunnerTest, FailuresAreReportedClearly) {
  Load(schema::TableId::kPapers, 10);
  Load(schema::TableId::kAuthors, 12);  // two authors of papers that do not exist
  warehouse::ParquetArea area;
  area.manifest.tables["papers"].rows = 11;
  auto results = RunChecks(*wh_, *DefaultChecks(), &area);
  EXPECT_FALSE(AllPassed(results));
  auto find = [&](const std::string& name) -> const CheckResult& {
    for (const auto& r : results) {
      if (r.name == name) return r;
    }
    static CheckResult none;
    ADD_FAILURE() << "no result " << name;
    return none;
  };
  EXPECT_EQ(find("titles_has_rows").verdict, Verdict::kFail);
  EXPECT_EQ(find("titles_has_rows").message, "observed 0, expected result >= 1");
  EXPECT_EQ(find("papers_matches_manifest").verdict, Verdict::kFail);
  EXPECT_EQ(find("papers_matches_manifest").message, "observed 10, expected result == 11");
  EXPECT_EQ(find("authors_id_in_papers").verdict, Verdict::kFail);
  EXPECT_EQ(find("authors_id_in_papers").observed, "2");
  EXPECT_EQ(find("authors_matches_manifest").verdict, Verdict::kError);
  EXPECT_NE(find("authors_matches_manifest").message.find("manifest.authors.rows"), std::string::npos);
  const std::string table = FormatResults(results);
  EXPECT_NE(table.find("FAIL authors_id_in_papers: observed 2, expected result == 0"), std::string::npos) << table;
}

TEST_F(RunnerTest, MissingTableIsAnError) {
  auto checks = ParseChecks("checks: [{name: x, table: nosuch, row_count: true, condition: result >= 1}]", "t");
  ASSERT_TRUE(checks.ok());
  auto results = RunChecks(*wh_, *checks, nullptr);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].verdict, Verdict::kError);
  EXPECT_NE(results[0].message.find("no such table: nosuch"), std::string::npos) << results[0].message;
}

TEST_F(RunnerTest, CustomSqlMustBeReadOnly) {
  Load(schema::TableId::kPapers, 3);
  auto checks = ParseChecks(
      "checks: [{name: x, table: papers, sql: 'DELETE FROM papers', condition: result >= 1},"
      " {name: y, table: papers, sql: \"SELECT COUNT(*) FROM papers WHERE title LIKE 'title %'\", condition: result == 3}]",
      "t");
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  auto results = RunChecks(*wh_, *checks, nullptr);
  EXPECT_EQ(results[0].verdict, Verdict::kError);
  EXPECT_EQ(results[1].verdict, Verdict::kPass) << results[1].message;
  EXPECT_EQ(wh_->QueryScalar("SELECT COUNT(*) FROM papers")->integer, 3);
}

// The checks whose query differs by target count the same on each: SQLite
// here, PostgreSQL when ARXIVFLOW_TEST_PG_URI is set (CTest runs these under
// tests/support/pg_harness.py).
class ChecksOnTargetTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string uri = "sqlite::memory:";
    if (GetParam() == "postgres") {
      const char* pg = std::getenv("ARXIVFLOW_TEST_PG_URI");
      if (!pg || !*pg) GTEST_SKIP() << "ARXIVFLOW_TEST_PG_URI not set";
      uri = pg;
    }
    auto wh = warehouse::Warehouse::Open(*warehouse::ParseConnection(uri));
    ASSERT_TRUE(wh.ok()) << wh.status().ToString();
    wh_ = std::move(wh).value();
    warehouse::CreateOptions drop;
    drop.drop = true;
    ASSERT_TRUE(wh_->CreateTables(drop).ok());
  }
  void Load(schema::TableId id, Batch batch) {
    std::vector<Batch> batches;
    batches.push_back(std::move(batch));
    auto source = warehouse::MakeMemoryBatchSource(std::move(batches));
    warehouse::TableLoadInput input;
    input.source = source.get();
    auto rows = wh_->LoadTable(schema::Table(id), input);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  }
  std::string Observed(const std::string& yaml) {
    auto checks = ParseChecks(yaml, "t");
    EXPECT_TRUE(checks.ok()) << checks.status().ToString();
    if (!checks.ok()) return "";
    auto results = RunChecks(*wh_, *checks, nullptr);
    EXPECT_EQ(results.size(), 1u);
    EXPECT_NE(results[0].verdict, Verdict::kError) << results[0].message;
    return results[0].observed;
  }
  std::unique_ptr<warehouse::Warehouse> wh_;
};

TEST_P(ChecksOnTargetTest, BlankIsEmptyOrOnlySpaces) {
  const auto& titles = schema::Table(schema::TableId::kTitles);
  const std::vector<std::optional<std::string>> values = {"", " ", "   ", " a", "a ", "\t", "x", "  b  ", " \n", "!", "\x01"};
  Batch batch = GeneratedBatch(titles, static_cast<int>(values.size()));
  for (size_t c = 0; c < titles.schema.columns.size(); ++c) {
    if (titles.schema.columns[c].name == "title") batch.columns[c] = warehouse::testing::StringVector(values);
  }
  Load(schema::TableId::kTitles, std::move(batch));
  EXPECT_EQ(Observed("checks: [{name: x, table: titles, empty_count: title, condition: result == 3}]"), "3");
  EXPECT_EQ(Observed("checks: [{name: x, table: titles, where: {origin: NIPS}, empty_count: title, condition: "
                     "result == 0}]"),
            "0");
}

TEST_P(ChecksOnTargetTest, ForeignKeyCountsTheOrphanRows) {
  Load(schema::TableId::kPapers, GeneratedBatch(schema::Table(schema::TableId::kPapers), 10));
  Load(schema::TableId::kAuthors, GeneratedBatch(schema::Table(schema::TableId::kAuthors), 13));
  EXPECT_EQ(Observed("checks: [{name: x, table: authors, foreign_key: {column: id, references: papers.id}, "
                     "condition: result == 0}]"),
            "3");
  Load(schema::TableId::kVersions, GeneratedBatch(schema::Table(schema::TableId::kVersions), 12));
  EXPECT_EQ(Observed("checks: [{name: x, table: versions, where: {origin: arXiv}, foreign_key: {column: id, "
                     "references: papers.id}, condition: result == 0}]"),
            "2");
  EXPECT_EQ(Observed("checks: [{name: x, table: versions, where: {origin: NIPS}, foreign_key: {column: id, "
                     "references: papers.id}, condition: result == 0}]"),
            "0");
}

TEST_P(ChecksOnTargetTest, ForeignKeyCountsEveryRowOfARepeatedOrphan) {
  Load(schema::TableId::kPapers, GeneratedBatch(schema::Table(schema::TableId::kPapers), 3));
  // Papers 2301.10000-10002; the authors: two rows of a known paper, three
  // of one missing paper and one of another.
  const auto& authors = schema::Table(schema::TableId::kAuthors);
  const std::vector<std::optional<std::string>> ids = {"2301.10000", "2301.10000", "2301.99999",
                                                       "2301.99999", "2301.99999", "2301.88888"};
  Batch batch = GeneratedBatch(authors, static_cast<int>(ids.size()));
  for (size_t c = 0; c < authors.schema.columns.size(); ++c) {
    if (authors.schema.columns[c].name == "id") batch.columns[c] = warehouse::testing::StringVector(ids);
  }
  Load(schema::TableId::kAuthors, std::move(batch));
  EXPECT_EQ(Observed("checks: [{name: x, table: authors, foreign_key: {column: id, references: papers.id}, "
                     "condition: result == 0}]"),
            "4");
}

TEST_P(ChecksOnTargetTest, AColumnThatDoesNotExistIsAnErrorNeverAConstant) {
  Load(schema::TableId::kAuthors, GeneratedBatch(schema::Table(schema::TableId::kAuthors), 3));
  auto checks = ParseChecks("checks: [{name: x, table: authors, where: {origin: NIPS}, row_count: true, "
                            "condition: result == 0}]",
                            "t");
  ASSERT_TRUE(checks.ok());
  auto results = RunChecks(*wh_, *checks, nullptr);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].verdict, Verdict::kError);
  EXPECT_NE(results[0].message.find("origin"), std::string::npos) << results[0].message;
}

INSTANTIATE_TEST_SUITE_P(Targets, ChecksOnTargetTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace arxivflow::quality
