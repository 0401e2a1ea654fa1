// A staged file written without SQLite must hold exactly what SQLite's own
// INSERT of the same batches stores (values, types, rowids), with every
// index, pass SQLite's integrity check, and fail on the rows SQLite refuses.
#include "warehouse/sqlite_stage_file.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"
#include "warehouse/ddl.h"
#include "warehouse/sqlite_batch_table.h"
#include "warehouse/test_batches.h"

namespace arxivflow::warehouse {
namespace {

using testing::GeneratedBatch;

class Sqlite {
 public:
  explicit Sqlite(const std::string& path) { EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK); }
  ~Sqlite() { sqlite3_close(db_); }
  sqlite3* raw() { return db_; }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << sql << ": " << (err ? err : "");
    sqlite3_free(err);
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Two batches of the table, with NULLs in its nullable columns.
std::vector<Batch> Batches(const schema::TableDef& table) {
  std::vector<Batch> batches;
  batches.push_back(GeneratedBatch(table, 700, 0));
  batches.push_back(GeneratedBatch(table, 300, 700));
  for (auto& b : batches) {
    for (size_t c = 0; c < table.schema.columns.size(); ++c) {
      if (!table.schema.columns[c].nullable) continue;
      for (size_t r = c % 7; r < static_cast<size_t>(b.rows); r += 7) b.columns[c].valid[r] = 0;
    }
  }
  return batches;
}

Result<StagedFile> Stage(const std::string& path, const schema::TableDef& table, const std::vector<Batch>& batches) {
  AF_ASSIGN_OR_RETURN(auto writer, StageFileWriter::Create(path, table, 4096));
  for (const auto& b : batches) AF_RETURN_IF_ERROR(writer->Append(b));
  return writer->Finish();
}

TEST(StageFileTest, EveryTableHoldsWhatSqlitesInsertStoresWithItsIndexes) {
  const ScopedTempDir tmp("af_stage_file_");
  for (const auto& table : schema::StarSchema()) {
    SCOPED_TRACE(table.name);
    const auto batches = Batches(table);
    const std::string staged_path = tmp.File(table.name + ".staged").string();
    auto staged = Stage(staged_path, table, batches);
    ASSERT_TRUE(staged.ok()) << staged.status().message();
    EXPECT_EQ(staged->rows, 1000);
    EXPECT_TRUE(staged->has_indexes);

    Sqlite reference(tmp.File(table.name + ".reference").string());
    auto feed = RegisterBatchTable(reference.raw());
    ASSERT_TRUE(feed.ok());
    reference.Exec(StageTableSql(Dialect::kSqlite, table, table.name));
    for (const auto& b : batches) {
      (*feed)->Set(&table, &b);
      reference.Exec(BatchInsertSql(table, table.name));
      (*feed)->Clear();
    }
    reference.Exec("ATTACH '" + staged_path + "' AS staged");
    EXPECT_EQ(reference.Text("PRAGMA staged.integrity_check"), "ok");
    const std::string t = "\"" + table.name + "\"";
    // A table stored by its key has no rowids; the others' are 1..N.
    const std::string cols = SqliteStoredByKey(table) ? "*" : "rowid, *";
    EXPECT_EQ(reference.Text("SELECT count(*) FROM staged." + t), "1000");
    EXPECT_EQ(reference.Text("SELECT count(*) FROM (SELECT " + cols + " FROM main." + t + " EXCEPT SELECT " + cols + " FROM staged." + t + ")"), "0");
    EXPECT_EQ(reference.Text("SELECT count(*) FROM (SELECT " + cols + " FROM staged." + t + " EXCEPT SELECT " + cols + " FROM main." + t + ")"), "0");
    // The stored records too, in the table's own order (for a table stored
    // by its key: its key's).
    // (With the last column, which no index covers: a scan of the table.)
    const std::string scan = "SELECT group_concat(quote(id) || quote(\"" + table.schema.columns.back().name + "\")) FROM ";
    EXPECT_EQ(reference.Text(scan + "staged." + t), reference.Text(scan + "main." + t));
    EXPECT_EQ(reference.Text("SELECT count(*) FROM staged.sqlite_master WHERE type = 'index' AND tbl_name = '" + table.name + "'"),
              std::to_string(SqliteIndexes(table, table.name).size()));
  }
}

TEST(StageFileTest, RowsOutOfKeyOrderAreIndexedInOrder) {
  const ScopedTempDir tmp("af_stage_file_order_");
  const auto& titles = schema::Table(schema::TableId::kTitles);
  std::vector<Batch> batches;
  for (int first : {800, 400, 0}) batches.push_back(GeneratedBatch(titles, 400, first));
  const std::string path = tmp.File("t.staged").string();
  auto staged = Stage(path, titles, batches);
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  Sqlite db(path);
  EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(db.Text("SELECT group_concat(rowid) FROM (SELECT rowid FROM titles INDEXED BY titles_id_origin_key "
                    "WHERE id IN ('2301.10000', '2301.10400', '2301.10800') ORDER BY id)"),
            "801,401,1");
}

TEST(StageFileTest, ATableStoredByItsKeyIsInKeyOrderWhateverOrderItsRowsCameIn) {
  const ScopedTempDir tmp("af_stage_file_by_key_");
  const auto& authors = schema::Table(schema::TableId::kAuthors);
  ASSERT_TRUE(SqliteStoredByKey(authors));
  std::vector<Batch> batches;
  for (int first : {800, 400, 0}) batches.push_back(GeneratedBatch(authors, 400, first));
  const std::string path = tmp.File("a.staged").string();
  // Small sort runs: the rows and the index entries are spilled and merged.
  auto writer = StageFileWriter::Create(path, authors, 4096, 1);
  ASSERT_TRUE(writer.ok());
  for (const auto& b : batches) ASSERT_TRUE((*writer)->Append(b).ok());
  auto staged = (*writer)->Finish();
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  EXPECT_EQ(staged->rows, 1200);
  EXPECT_TRUE(staged->has_indexes);
  Sqlite db(path);
  EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(db.Text("SELECT count(*) FROM authors"), "1200");
  // A scan of the table (suffix: not of the index, which covers id) is in
  // key order.
  EXPECT_EQ(db.Text("SELECT sum(ok) FROM (SELECT id > lag(id) OVER () AS ok, suffix FROM authors)"), "1199");
  EXPECT_EQ(db.Text("SELECT author || '|' || position FROM authors WHERE id = '2301.10400'"), "author 400|400");
  // The index's entries end with the key: a lookup by author finds the row.
  EXPECT_EQ(db.Text("SELECT id FROM authors INDEXED BY authors_author_idx WHERE author = 'author 801'"), "2301.10801");

  auto dup = StageFileWriter::Create(tmp.File("dup").string(), authors, 4096);
  ASSERT_TRUE(dup.ok());
  ASSERT_TRUE((*dup)->Append(GeneratedBatch(authors, 5, 0)).ok());
  ASSERT_TRUE((*dup)->Append(GeneratedBatch(authors, 5, 3)).ok());
  auto failed = (*dup)->Finish();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "UNIQUE constraint failed: authors.id, authors.position");
}

TEST(StageFileTest, RowsSqliteRefusesFailTheSameWay) {
  const ScopedTempDir tmp("af_stage_file_errors_");
  const auto& papers = schema::Table(schema::TableId::kPapers);
  std::vector<Batch> dup;
  dup.push_back(GeneratedBatch(papers, 5, 0));
  dup.push_back(GeneratedBatch(papers, 5, 3));
  auto st = Stage(tmp.File("dup").string(), papers, dup);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().message(), "UNIQUE constraint failed: papers.id");

  std::vector<Batch> null_id;
  null_id.push_back(GeneratedBatch(papers, 5, 0));
  null_id.back().columns[0].valid[2] = 0;
  st = Stage(tmp.File("null").string(), papers, null_id);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().message(), "NOT NULL constraint failed: papers.id");

  EXPECT_FALSE(StageFileWriter::Create(tmp.File("no-such-dir/x").string(), papers, 4096).ok());
}

// A key this writer does not order (a REAL) leaves the indexes to SQLite.
TEST(StageFileTest, AKeyOfRealsIsLeftToSqlite) {
  const ScopedTempDir tmp("af_stage_file_real_");
  schema::TableDef table{schema::TableId::kPapers, "measures",
                         parquet::Schema{{parquet::StringColumn("id", false), parquet::DoubleColumn("value")}},
                         {"value"}, ""};
  Batch batch;
  batch.rows = 2;
  batch.columns.push_back(testing::StringVector({std::string("a"), std::string("b")}));
  parquet::ColumnVector values;
  values.physical = parquet::PhysicalType::kDouble;
  values.size = 2;
  values.valid = {1, 1};
  values.f64 = {2.5, 1.0};
  batch.columns.push_back(std::move(values));
  const std::string path = tmp.File("m.staged").string();
  std::vector<Batch> batches;
  batches.push_back(std::move(batch));
  auto staged = Stage(path, table, batches);
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  EXPECT_FALSE(staged->has_indexes);
  Sqlite db(path);
  EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(db.Text("SELECT group_concat(value) FROM measures"), "2.5,1.0");
  EXPECT_EQ(db.Text("SELECT count(*) FROM sqlite_master WHERE type = 'index'"), "0");
}

}  // namespace
}  // namespace arxivflow::warehouse
