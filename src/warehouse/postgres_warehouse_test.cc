// Runs against a real PostgreSQL when ARXIVFLOW_TEST_PG_URI is set (CTest runs
// these under tests/support/pg_harness.py, label integration); skipped
// otherwise.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "common/scoped_temp_dir_test_util.h"
#include "warehouse/loader.h"
#include "warehouse/pg_connection.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/test_area.h"
#include "warehouse/test_batches.h"
#include "warehouse/warehouse.h"

namespace arxivflow::warehouse {
namespace {

using testing::GeneratedBatch;
namespace fs = std::filesystem;

class PostgresWarehouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* uri = std::getenv("ARXIVFLOW_TEST_PG_URI");
    if (!uri || !*uri) GTEST_SKIP() << "ARXIVFLOW_TEST_PG_URI not set";
    uri_ = uri;
    auto spec = ParseConnection(uri_);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    spec_ = *spec;
    auto wh = Warehouse::Open(spec_);
    ASSERT_TRUE(wh.ok()) << wh.status().ToString();
    wh_ = std::move(wh).value();
    CreateOptions drop;
    drop.drop = true;
    ASSERT_TRUE(wh_->CreateTables(drop).ok());
  }

  ScalarValue Query(const std::string& sql) {
    auto v = wh_->QueryScalar(sql);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ScalarValue{};
  }

  Result<int64_t> Load(schema::TableId id, int rows, std::optional<int64_t> expected = std::nullopt) {
    std::vector<Batch> batches;
    batches.push_back(GeneratedBatch(schema::Table(id), rows / 2));
    batches.push_back(GeneratedBatch(schema::Table(id), rows - rows / 2, rows / 2));
    auto source = MakeMemoryBatchSource(std::move(batches));
    TableLoadInput input;
    input.source = source.get();
    input.expected_rows = expected;
    return wh_->LoadTable(schema::Table(id), input);
  }

  // Stages `rows` generated papers for `load` without publishing them.
  Result<int64_t> StagePapers(const LoadIdentity& load, int rows) {
    std::vector<Batch> batches;
    batches.push_back(GeneratedBatch(schema::Table(schema::TableId::kPapers), rows));
    auto source = MakeMemoryBatchSource(std::move(batches));
    TableLoadInput input;
    input.source = source.get();
    input.load = load;
    return wh_->StageTable(schema::Table(schema::TableId::kPapers), input);
  }

  std::string uri_;
  ConnectionSpec spec_;
  std::unique_ptr<Warehouse> wh_;
};

TEST_F(PostgresWarehouseTest, CreateIsIdempotent) {
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  ASSERT_TRUE(wh_->CreateTables({}).ok());
  // The six tables and the load ledger.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'").integer, 7);
  EXPECT_EQ(Query("SELECT data_type FROM information_schema.columns WHERE table_name = 'versions' AND "
                  "column_name = 'created'").text,
            "timestamp with time zone");
  EXPECT_EQ(Query("SELECT data_type FROM information_schema.columns WHERE table_name = 'papers' AND "
                  "column_name = 'updatedate'").text,
            "date");
}

TEST_F(PostgresWarehouseTest, LoadTwiceReplacesWithTypedValues) {
  for (int round = 0; round < 2; ++round) {
    for (const auto& t : schema::StarSchema()) {
      auto rows = Load(t.id, 1000);
      ASSERT_TRUE(rows.ok()) << rows.status().ToString();
      EXPECT_EQ(*rows, 1000);
    }
  }
  for (const auto& t : schema::StarSchema()) {
    EXPECT_EQ(Query("SELECT COUNT(*) FROM \"" + t.name + "\"").integer, 1000) << t.name;
  }
  EXPECT_EQ(Query("SELECT updatedate::text FROM papers WHERE id = '2301.10000'").text, "2007-05-23");
  EXPECT_EQ(Query("SELECT to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM versions WHERE "
                  "id = '2301.10001'").text,
            "2007-04-02T19:18:43");
  EXPECT_EQ(Query("SELECT month FROM versions WHERE id = '2301.10007'").integer, 7);
  EXPECT_EQ(Query("SELECT title FROM papers WHERE id = '2301.10999'").text, "title 999");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM titles WHERE origin = 'arXiv'").integer, 1000);
}

TEST_F(PostgresWarehouseTest, ParquetAreaEndToEnd) {
  const ScopedTempDir tmp("af_pg_area_");
  const fs::path dir = tmp.path() / "area";
  ASSERT_TRUE(testing::WriteTestArea(dir, 500, 3).ok());
  auto area = OpenParquetArea(dir.string());
  ASSERT_TRUE(area.ok()) << area.status().ToString();
  LoadOptions options;
  options.jobs = 3;  // three connections at once
  auto report = LoadArea(*wh_, *area, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->tables.size(), 6u);
  for (const auto& r : report->tables) EXPECT_EQ(r.rows, 500) << r.table;
  EXPECT_EQ(Query("SELECT COUNT(DISTINCT id) FROM authors").integer, 500);
  // Keys, indexes and constraints carry their canonical names after publish.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM pg_indexes WHERE indexname IN ('papers_pkey', 'authors_pkey', "
                  "'authors_author_idx', 'versions_id_version_origin_key', 'versions_year_month_idx')")
                .integer,
            5);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM pg_class WHERE relname LIKE '%\\_\\_stage\\_%'").integer, 0);
  EXPECT_EQ(Query("SELECT rows FROM arxivflow_loads WHERE table_name = 'authors' AND state = 'published'").integer, 500);
  // A set with a missing stage publishes nothing.
  const LoadIdentity next = LoadIdentityForRun("pg-next");
  ASSERT_TRUE(StagePapers(next, 7).ok());
  PublishRequest request;
  request.load = next;
  request.tables = {"papers", "authors"};
  auto published = wh_->Publish(request);
  ASSERT_FALSE(published.ok());
  EXPECT_NE(published.status().message().find("not staged: authors"), std::string::npos)
      << published.status().message();
  EXPECT_EQ(Query("SELECT COUNT(*) FROM papers").integer, 500);
}

TEST_F(PostgresWarehouseTest, PublishWaitsForASessionHoldingAStagedTable) {
  // Autovacuum takes a freshly loaded stage while the publish starts; the
  // publish must wait for it, not fail on a rename.
  const LoadIdentity load = LoadIdentityForRun("pg-held-stage");
  ASSERT_TRUE(StagePapers(load, 9).ok());
  auto holder = PgConnection::Connect(spec_);
  ASSERT_TRUE(holder.ok()) << holder.status().ToString();
  ASSERT_TRUE((*holder)->Exec("BEGIN").ok());
  ASSERT_TRUE((*holder)
                  ->Exec("LOCK TABLE " + QuoteIdentifier(StageTableName("papers", load.load_id)) +
                         " IN SHARE UPDATE EXCLUSIVE MODE")
                  .ok());
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    (void)(*holder)->Exec("COMMIT");
  });
  PublishRequest request;
  request.load = load;
  request.tables = {"papers"};
  auto published = wh_->Publish(request);
  release.join();
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(Query("SELECT COUNT(*) FROM papers").integer, 9);
}

TEST_F(PostgresWarehouseTest, ManifestMismatchKeepsPreviousContents) {
  ASSERT_TRUE(Load(schema::TableId::kCategories, 30).ok());
  auto bad = Load(schema::TableId::kCategories, 40, /*expected=*/41);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("manifest says 41"), std::string::npos) << bad.status().message();
  EXPECT_EQ(Query("SELECT COUNT(*) FROM categories").integer, 30);
}

TEST_F(PostgresWarehouseTest, DuplicateKeyFailsClearly) {
  ASSERT_TRUE(Load(schema::TableId::kPapers, 5).ok());
  std::vector<Batch> batches;
  batches.push_back(GeneratedBatch(schema::Table(schema::TableId::kPapers), 3));
  batches.push_back(GeneratedBatch(schema::Table(schema::TableId::kPapers), 3));
  auto source = MakeMemoryBatchSource(std::move(batches));
  TableLoadInput input;
  input.source = source.get();
  auto rows = wh_->LoadTable(schema::Table(schema::TableId::kPapers), input);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("could not create unique index"), std::string::npos)
      << rows.status().message();
  EXPECT_EQ(rows.status().message().find(spec_.Param("password")), std::string::npos);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM papers").integer, 5);
}

TEST_F(PostgresWarehouseTest, QueryScalarIsReadOnly) {
  auto del = wh_->QueryScalar("DELETE FROM papers RETURNING 1");
  ASSERT_FALSE(del.ok());
  EXPECT_NE(del.status().message().find("read-only"), std::string::npos) << del.status().message();
  EXPECT_FALSE(wh_->QueryScalar("SELECT 1; SELECT 2").ok());
  auto missing = wh_->QueryScalar("SELECT COUNT(*) FROM nosuch");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("\"nosuch\" does not exist"), std::string::npos);
  // The connection stays usable after errors.
  EXPECT_EQ(Query("SELECT 7").integer, 7);
}

TEST_F(PostgresWarehouseTest, QueryByMergeIsReadOnlyAndItsSettingsEndWithIt) {
  auto del = wh_->QueryScalarByMerge("DELETE FROM papers RETURNING 1");
  ASSERT_FALSE(del.ok());
  EXPECT_NE(del.status().message().find("read-only"), std::string::npos) << del.status().message();
  auto inside = wh_->QueryScalarByMerge("SELECT current_setting('enable_hashjoin') || current_setting('enable_nestloop')");
  ASSERT_TRUE(inside.ok()) << inside.status().ToString();
  EXPECT_EQ(inside->text, "offoff");
  EXPECT_EQ(Query("SELECT current_setting('enable_hashjoin') || current_setting('enable_nestloop')").text, "onon");
}

TEST_F(PostgresWarehouseTest, MissingTableOnLoad) {
  schema::TableDef absent = schema::Table(schema::TableId::kTitles);
  absent.name = "titles_absent";
  auto rows = wh_->LoadTable(absent, TableLoadInput{});
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Status::Code::kNotFound);
  EXPECT_NE(rows.status().message().find("warehouse create"), std::string::npos);
}

TEST_F(PostgresWarehouseTest, WrongPasswordAndClosedPort) {
  ConnectionSpec wrong = spec_;
  for (auto& [k, v] : wrong.params) {
    if (k == "password") v = "definitely-wrong-pw";
  }
  auto wh = Warehouse::Open(wrong);
  ASSERT_FALSE(wh.ok());
  EXPECT_EQ(wh.status().code(), Status::Code::kPermissionDenied) << wh.status().ToString();
  EXPECT_EQ(wh.status().message().find("definitely-wrong-pw"), std::string::npos);
  EXPECT_NE(wh.status().message().find("password authentication failed"), std::string::npos);

  auto closed = ParseConnection("postgresql://u:secretpw@127.0.0.1:1/db");
  ASSERT_TRUE(closed.ok());
  auto wh2 = Warehouse::Open(*closed);
  ASSERT_FALSE(wh2.ok());
  EXPECT_EQ(wh2.status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(wh2.status().message().find("secretpw"), std::string::npos);
  EXPECT_NE(wh2.status().message().find("127.0.0.1"), std::string::npos);
}

}  // namespace
}  // namespace arxivflow::warehouse
