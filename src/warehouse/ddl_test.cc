// Golden tests of the generated SQL. Set ARXIVFLOW_UPDATE_GOLDEN=1 to rewrite
// the files under src/warehouse/testdata/ after an intended change, and
// review the diff.
#include "warehouse/ddl.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

#include "warehouse/redshift.h"
#include "warehouse/sql_executor.h"

namespace arxivflow::warehouse {
namespace {

std::string GoldenPath(const std::string& name) {
  return std::string(ARXIVFLOW_SOURCE_DIR) + "/src/warehouse/testdata/" + name;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = GoldenPath(name);
  if (std::getenv("ARXIVFLOW_UPDATE_GOLDEN")) {
    std::ofstream(path) << actual;
    return;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << path << " missing; run with ARXIVFLOW_UPDATE_GOLDEN=1";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "golden file " << path;
}

std::string Script(const std::vector<std::string>& statements) {
  std::string out;
  for (const auto& s : statements) out += s + ";\n";
  return out;
}

std::string AllTables(Dialect d, const VarcharWidths& widths = {}) {
  std::vector<std::string> statements;
  for (const auto& t : schema::StarSchema()) {
    for (auto& s : CreateTableSql(d, t, widths)) statements.push_back(s);
  }
  return Script(statements);
}

TEST(DdlTest, PostgresGolden) { ExpectGolden("ddl_postgres.sql", AllTables(Dialect::kPostgres)); }

TEST(DdlTest, SqliteGolden) {
  ExpectGolden("ddl_sqlite.sql", AllTables(Dialect::kSqlite) + Script({SqliteSearchIndexSql("papers_fts")}));
}

// A staging table, its keys after the rows, and the publish swap.
std::string StageAndPublish(Dialect d) {
  std::vector<std::string> statements;
  for (const auto& t : schema::StarSchema()) {
    const std::string stage = t.name + "__stage_0123456789ab";
    statements.push_back(StageTableSql(d, t, stage));
    for (auto& s : StageKeysSql(d, t, stage)) statements.push_back(s);
    for (auto& s : PublishTableSql(d, t, stage)) statements.push_back(s);
  }
  return Script(statements);
}

TEST(DdlTest, StageAndPublishGolden) {
  ExpectGolden("stage_publish_postgres.sql", StageAndPublish(Dialect::kPostgres));
  ExpectGolden("stage_publish_sqlite.sql", StageAndPublish(Dialect::kSqlite));
}

TEST(DdlTest, RedshiftGolden) {
  VarcharWidths widths;
  widths["abstracts"]["abstract"] = 6144;
  widths["papers"]["title"] = 512;
  ExpectGolden("ddl_redshift.sql", Script(RedshiftCreateSql(widths, /*drop=*/true)));
}

TEST(DdlTest, TypesPerDialect) {
  const auto& versions = schema::Table(schema::TableId::kVersions);
  const auto& created = versions.schema.columns[1];
  EXPECT_EQ(ColumnTypeSql(Dialect::kPostgres, created, 0), "TIMESTAMPTZ");
  EXPECT_EQ(ColumnTypeSql(Dialect::kRedshift, created, 0), "TIMESTAMP");
  EXPECT_EQ(ColumnTypeSql(Dialect::kSqlite, created, 0), "TEXT");
  EXPECT_EQ(ColumnTypeSql(Dialect::kPostgres, versions.schema.columns[3], 0), "SMALLINT");
}

// Records what a Redshift warehouse sends, with times replaced by <now>
// (golden files stay stable). Answers like a warehouse where the table
// exists, COPY stored `staged_rows` and the load's tables are staged.
class Recorder : public SqlExecutor {
 public:
  explicit Recorder(std::vector<std::string>* log, int64_t staged_rows) : log_(log), staged_rows_(staged_rows) {}
  Status Exec(const std::string& sql) override {
    log_->push_back(WithoutTimes(sql));
    return Status::OK();
  }
  Result<ScalarValue> QueryScalar(const std::string& sql) override {
    log_->push_back(WithoutTimes(sql));
    ScalarValue v;
    v.type = ScalarValue::Type::kInteger;
    if (sql.find("information_schema") != std::string::npos) {
      v.integer = 1;
    } else if (sql.find("\"area_id\"") != std::string::npos) {
      v.type = ScalarValue::Type::kText;
      v.text = "area-1";
    } else if (sql.find("'published'") != std::string::npos) {
      v.integer = 0;
    } else {
      v.integer = staged_rows_;
    }
    return v;
  }

 private:
  static std::string WithoutTimes(std::string sql) {
    static const std::regex kTime("'\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ'");
    return std::regex_replace(sql, kTime, "'<now>'");
  }
  std::vector<std::string>* log_;
  int64_t staged_rows_;
};

TEST(RedshiftTest, StageAndPublishGolden) {
  auto spec = ParseConnection(
      "redshift://awsuser:pw@example.redshift.amazonaws.com/dev?iam_role=arn:aws:iam::123456789012:role/dwh"
      "&s3_prefix=s3://arxiv-bucket/area");
  ASSERT_TRUE(spec.ok());
  std::vector<std::string> log;
  auto wh = MakeRedshiftWarehouse(*spec, std::make_unique<Recorder>(&log, 200));
  const LoadIdentity load = LoadIdentityForRun("manual__2026-11-23T23:55:01+00:00");
  for (const auto& t : schema::StarSchema()) {
    TableLoadInput input;
    input.expected_rows = 200;
    input.load = load;
    input.area_id = "area-1";
    auto rows = wh->StageTable(t, input);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  }
  PublishRequest request;
  request.load = load;
  for (const auto& t : schema::StarSchema()) request.tables.push_back(t.name);
  auto published = wh->Publish(request);
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(published->tables.size(), 6u);
  ExpectGolden("stage_publish_redshift.sql", Script(log));
}

TEST(RedshiftTest, LoadGolden) {
  auto spec = ParseConnection(
      "redshift://awsuser:pw@example.redshift.amazonaws.com/dev?iam_role=arn:aws:iam::123456789012:role/dwh"
      "&s3_prefix=s3://arxiv-bucket/area");
  ASSERT_TRUE(spec.ok());
  std::vector<std::string> log;
  auto wh = MakeRedshiftWarehouse(*spec, std::make_unique<Recorder>(&log, 200));
  TableLoadInput input;
  input.expected_rows = 200;
  input.load = LoadIdentityForRun("manual__2026-11-23T23:55:01+00:00");
  input.area_id = "area-1";
  auto rows = wh->StageTable(schema::Table(schema::TableId::kPapers), input);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, 200);
  ExpectGolden("load_redshift.sql", Script(log));
}

TEST(RedshiftTest, ManifestLoadGolden) {
  // An area on S3: COPY loads exactly the parts the area's manifest lists,
  // through a Redshift manifest written beside it (s3_prefix is not needed).
  auto spec = ParseConnection(
      "redshift://awsuser:pw@example.redshift.amazonaws.com/dev?iam_role=arn:aws:iam::123456789012:role/dwh");
  ASSERT_TRUE(spec.ok());
  std::vector<std::string> log;
  std::vector<std::string> puts;
  auto wh = MakeRedshiftWarehouse(*spec, std::make_unique<Recorder>(&log, 200),
                                  [&](const std::string& uri, const std::string& text) {
                                    puts.push_back(uri + "\n" + text);
                                    return Status::OK();
                                  });
  TableLoadInput input;
  input.area = "s3://arxiv-bucket/area/";
  input.files = {"s3://arxiv-bucket/area/papers/part-00000-20261123T235501Z-1a2b3c4d.parquet",
                 "s3://arxiv-bucket/area/papers/part-00001-20261123T235501Z-1a2b3c4d.parquet"};
  input.file_bytes = {123456, 7890};
  input.expected_rows = 200;
  input.load = LoadIdentityForRun("manual__2026-11-23T23:55:01+00:00");
  input.area_id = "area-1";
  auto rows = wh->StageTable(schema::Table(schema::TableId::kPapers), input);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(puts.size(), 1u);
  ExpectGolden("load_redshift_manifest.sql", Script(log) + "-- " + puts[0]);
}

TEST(RedshiftTest, ManifestLoadNeedsRole) {
  auto spec = ParseConnection("redshift://u:p@h/dev");
  ASSERT_TRUE(spec.ok());
  std::vector<std::string> log;
  auto wh = MakeRedshiftWarehouse(*spec, std::make_unique<Recorder>(&log, 0),
                                  [](const std::string&, const std::string&) { return Status::OK(); });
  TableLoadInput input;
  input.area = "s3://b/area";
  auto rows = wh->LoadTable(schema::Table(schema::TableId::kTitles), input);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("iam_role"), std::string::npos);
  EXPECT_TRUE(log.empty());
}

TEST(RedshiftTest, CountMismatchRollsBack) {
  auto spec = ParseConnection("redshift://u:p@h/dev?iam_role=arn:x&s3_prefix=s3://b/p");
  ASSERT_TRUE(spec.ok());
  std::vector<std::string> log;
  auto wh = MakeRedshiftWarehouse(*spec, std::make_unique<Recorder>(&log, 199));
  TableLoadInput input;
  input.expected_rows = 200;
  auto rows = wh->LoadTable(schema::Table(schema::TableId::kTitles), input);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("manifest says 200"), std::string::npos);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back(), "ROLLBACK");
  for (const auto& s : log) EXPECT_EQ(s.find("RENAME"), std::string::npos) << s;
  for (const auto& s : log) EXPECT_EQ(s.find("INSERT INTO \"arxivflow_loads\""), std::string::npos) << s;
}

TEST(RedshiftTest, LoadNeedsS3PrefixAndRole) {
  auto spec = ParseConnection("redshift://u:p@h/dev");
  ASSERT_TRUE(spec.ok());
  std::vector<std::string> log;
  auto wh = MakeRedshiftWarehouse(*spec, std::make_unique<Recorder>(&log, 0));
  auto rows = wh->LoadTable(schema::Table(schema::TableId::kTitles), {});
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("s3_prefix"), std::string::npos);
  EXPECT_TRUE(log.empty());
}

TEST(RedshiftTest, VarcharRounding) {
  EXPECT_EQ(RoundVarcharWidth(0), 256);
  EXPECT_EQ(RoundVarcharWidth(200), 256);
  EXPECT_EQ(RoundVarcharWidth(257), 512);
  EXPECT_EQ(RoundVarcharWidth(5000), 5120);
  EXPECT_EQ(RoundVarcharWidth(65400), 65535);
  EXPECT_EQ(RoundVarcharWidth(1 << 20), 65535);
}

}  // namespace
}  // namespace arxivflow::warehouse
