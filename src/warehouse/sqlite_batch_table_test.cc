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
    Exec("CREATE VIRTUAL TABLE docs USING fts5(title, content='', detail=none)");
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

  // A stream of `batches` (sizes), rowids numbered on from 1.
  BatchFeed::NextBatch Stream(const std::vector<int>& sizes, int fail_at = -1) {
    batches_.clear();
    int first = 0;
    for (int n : sizes) {
      batches_.push_back(testing::GeneratedBatch(Titles(), n, first));
      first += n;
    }
    next_ = 0;
    rowid_ = 1;
    return [this, fail_at](const Batch** batch, int64_t* first_rowid) -> Result<bool> {
      if (static_cast<int>(next_) == fail_at) return Status::Corruption("titles.parquet: bad page");
      if (next_ == batches_.size()) return false;
      *batch = &batches_[next_];
      *first_rowid = rowid_;
      rowid_ += batches_[next_].rows;
      ++next_;
      return true;
    };
  }
  static const schema::TableDef& Titles() { return schema::Table(schema::TableId::kTitles); }

  sqlite3* db_ = nullptr;
  BatchFeed* feed_ = nullptr;
  std::vector<Batch> batches_;
  size_t next_ = 0;
  int64_t rowid_ = 1;
};

TEST_F(BatchTableTest, OneBatchPerStatement) {
  Batch batch = testing::GeneratedBatch(Titles(), 3);
  feed_->Set(&Titles(), &batch, 10);
  ASSERT_EQ(Exec(BatchInsertSql(Titles(), "titles")), SQLITE_OK);
  feed_->Clear();
  EXPECT_EQ(Int("SELECT COUNT(*) FROM titles"), 3);
  EXPECT_EQ(Int("SELECT MIN(rowid) FROM titles"), 10);
  EXPECT_EQ(Int("SELECT MAX(rowid) FROM titles"), 12);
  // Nothing set: the table is empty.
  ASSERT_EQ(Exec(BatchInsertSql(Titles(), "titles")), SQLITE_OK);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM titles"), 3);
}

TEST_F(BatchTableTest, AStreamIsCopiedByOneStatementAcrossBatches) {
  feed_->SetStream(&Titles(), Stream({4, 0, 1, 5}));
  ASSERT_EQ(Exec(BatchInsertSql(Titles(), "titles")), SQLITE_OK);
  EXPECT_TRUE(feed_->stream_status().ok());
  feed_->Clear();
  EXPECT_EQ(Int("SELECT COUNT(*) FROM titles"), 10);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM titles WHERE rowid BETWEEN 1 AND 10"), 10);
  // Row k of the stream has rowid k + 1 and the k-th generated values.
  EXPECT_EQ(Int("SELECT rowid FROM titles WHERE id = '2301.10004'"), 5);
  EXPECT_EQ(Int("SELECT rowid FROM titles WHERE title = 'title 9'"), 10);
}

TEST_F(BatchTableTest, AnEmptyStreamCopiesNothing) {
  feed_->SetStream(&Titles(), Stream({}));
  ASSERT_EQ(Exec(BatchInsertSql(Titles(), "titles")), SQLITE_OK);
  feed_->SetStream(&Titles(), Stream({0, 0}));
  ASSERT_EQ(Exec(BatchInsertSql(Titles(), "titles")), SQLITE_OK);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM titles"), 0);
}

TEST_F(BatchTableTest, AStreamErrorFailsTheStatementWithItsMessage) {
  for (int fail_at : {0, 2}) {
    feed_->SetStream(&Titles(), Stream({3, 3, 3}, fail_at));
    std::string error;
    EXPECT_NE(Exec("BEGIN; " + BatchInsertSql(Titles(), "titles") + "; COMMIT", &error), SQLITE_OK);
    EXPECT_NE(error.find("titles.parquet: bad page"), std::string::npos) << error;
    EXPECT_EQ(feed_->stream_status().code(), Status::Code::kCorruption);
    Exec("ROLLBACK");
    EXPECT_EQ(Int("SELECT COUNT(*) FROM titles"), 0) << "fail at batch " << fail_at;
  }
  // The next statement starts clean.
  feed_->SetStream(&Titles(), Stream({2}));
  ASSERT_EQ(Exec(BatchInsertSql(Titles(), "titles")), SQLITE_OK);
  EXPECT_TRUE(feed_->stream_status().ok());
  EXPECT_EQ(Int("SELECT COUNT(*) FROM titles"), 2);
}

// Why streams exist: FTS5 writes a segment at the end of every statement that
// inserts several rows, so a statement per batch leaves a segment per batch.
TEST_F(BatchTableTest, FtsGetsOneSegmentFromAStreamAndOnePerBatchOtherwise) {
  const std::string insert = "INSERT INTO docs (rowid, title) SELECT rowid, c1 FROM arxivflow_batch";
  Exec("INSERT INTO docs(docs, rank) VALUES('automerge', 0)");
  Exec("BEGIN");
  feed_->SetStream(&Titles(), Stream({5, 5, 5, 5}));
  ASSERT_EQ(Exec(insert), SQLITE_OK);
  Exec("COMMIT");
  EXPECT_EQ(Int("SELECT COUNT(DISTINCT segid) FROM docs_idx"), 1);

  Exec("INSERT INTO docs(docs) VALUES('delete-all')");
  EXPECT_EQ(Int("SELECT COUNT(*) FROM docs_idx"), 0);
  Exec("BEGIN");
  for (int i = 0; i < 4; ++i) {
    Batch batch = testing::GeneratedBatch(Titles(), 5, 5 * i);
    feed_->Set(&Titles(), &batch, 1 + 5 * i);
    ASSERT_EQ(Exec(insert), SQLITE_OK);
  }
  Exec("COMMIT");
  feed_->Clear();
  EXPECT_EQ(Int("SELECT COUNT(DISTINCT segid) FROM docs_idx"), 4);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM docs WHERE docs MATCH 'title'"), 20);
}

}  // namespace
}  // namespace arxivflow::warehouse
