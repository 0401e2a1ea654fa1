#include "warehouse/sqlite_batch_table.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>
#include <vector>

#include "warehouse/test_batches.h"

namespace arxivflow::warehouse {
namespace {

class BatchTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    auto feed = RegisterBatchTable(db_);
    ASSERT_TRUE(feed.ok());
    feed_ = *feed;
    Exec("CREATE TABLE titles (id TEXT, title TEXT, origin TEXT)");
  }
  void TearDown() override { sqlite3_close(db_); }

  int Exec(const std::string& sql, std::string* error = nullptr) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (error) *error = err ? err : "";
    sqlite3_free(err);
    return rc;
  }
  int64_t Int(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    int64_t v = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
  }

  static const schema::TableDef& Titles() { return schema::Table(schema::TableId::kTitles); }

  sqlite3* db_ = nullptr;
  BatchFeed* feed_ = nullptr;
};

TEST_F(BatchTableTest, OneBatchPerStatement) {
  Batch batch = testing::GeneratedBatch(Titles(), 3);
  feed_->Set(&Titles(), &batch);
  ASSERT_EQ(Exec(BatchInsertSql(Titles(), "titles")), SQLITE_OK);
  feed_->Clear();
  EXPECT_EQ(Int("SELECT COUNT(*) FROM titles"), 3);
  // Nothing set: the table is empty.
  ASSERT_EQ(Exec(BatchInsertSql(Titles(), "titles")), SQLITE_OK);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM titles"), 3);
}

// The table numbers the rows: 1..N in batch order from an empty table, and
// a later batch continues the numbering.
TEST_F(BatchTableTest, RowidsFollowBatchOrder) {
  Batch first = testing::GeneratedBatch(Titles(), 3);
  Batch second = testing::GeneratedBatch(Titles(), 2, 3);
  for (const Batch* batch : {&first, &second}) {
    feed_->Set(&Titles(), batch);
    ASSERT_EQ(Exec(BatchInsertSql(Titles(), "titles")), SQLITE_OK);
  }
  feed_->Clear();
  EXPECT_EQ(Int("SELECT COUNT(*) FROM titles"), 5);
  EXPECT_EQ(Int("SELECT MIN(rowid) FROM titles"), 1);
  EXPECT_EQ(Int("SELECT MAX(rowid) FROM titles"), 5);
  for (size_t i = 0; i < 3; ++i) {
    const std::string id(first.columns[0].strings[i]);
    EXPECT_EQ(Int("SELECT rowid FROM titles WHERE id = '" + id + "'"), static_cast<int64_t>(i + 1)) << id;
  }
  const std::string id(second.columns[0].strings[1]);
  EXPECT_EQ(Int("SELECT rowid FROM titles WHERE id = '" + id + "'"), 5);
}

}  // namespace
}  // namespace arxivflow::warehouse
