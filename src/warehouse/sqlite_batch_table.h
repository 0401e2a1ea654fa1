// The virtual table `arxivflow_batch`: one decoded Batch seen by SQLite as
// rows, so that a whole batch is copied by one statement,
//
//   INSERT INTO "papers__stage_x" (rowid, "id", "title", ...)
//     SELECT rowid, c0, c1, ... FROM arxivflow_batch
//
// instead of binding, stepping and resetting an INSERT per row (about twice
// as fast). Columns c0..c31 are the batch's columns in the table's order
// (NULL past the table's width); rowid = first_rowid + the row's index.
// STRING values are handed to SQLite without a copy; DATE and TIMESTAMP as
// ISO-8601 text (value_format.h); INT16/INT32/INT64 as integers.
//
// Contract: RegisterBatchTable() installs the eponymous module on one
// connection and returns the feed it reads (owned by the connection, valid
// until it closes). Either Set() one batch before each statement (it must
// stay alive until the statement is reset), or SetStream() a function the
// table calls for the next batch whenever it has handed out every row of the
// current one, so that one statement copies a whole stream (a batch must
// stay alive until the function is called again or the statement is reset).
// The stream's error, if any, is stream_status() after the statement; the
// statement itself fails with its message. Only for load connections: a
// check query could otherwise read the current batch. Not thread-safe (like
// the connection).
//
// One statement per stream matters for FTS5: it writes its pending terms out
// as a new segment at every statement that inserts several rows (statement
// savepoint), whatever its hash size, and every segment is merged again
// later.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <string>

#include "common/status.h"
#include "schema/star_schema.h"
#include "warehouse/batch_source.h"

namespace arxivflow::warehouse {

inline constexpr int kBatchTableColumns = 32;

class BatchFeed {
 public:
  // Sets *batch and *first_rowid to the next batch and returns true, or
  // returns false at the end of the stream.
  using NextBatch = std::function<Result<bool>(const Batch** batch, int64_t* first_rowid)>;

  void Set(const schema::TableDef* table, const Batch* batch, int64_t first_rowid) {
    table_ = table;
    batch_ = batch;
    first_rowid_ = first_rowid;
    next_ = nullptr;
    stream_status_ = Status::OK();
  }
  void SetStream(const schema::TableDef* table, NextBatch next) {
    Set(table, nullptr, 1);
    next_ = std::move(next);
  }
  void Clear() { Set(nullptr, nullptr, 1); }

  const schema::TableDef* table() const { return table_; }
  const Batch* batch() const { return batch_; }
  int64_t first_rowid() const { return first_rowid_; }
  bool streaming() const { return next_ != nullptr; }
  const Status& stream_status() const { return stream_status_; }

  // Stream mode: moves to the next non-empty batch; false at the end or on
  // an error (kept in stream_status()).
  bool Advance() {
    while (true) {
      const Batch* batch = nullptr;
      int64_t first_rowid = 1;
      Result<bool> more = next_(&batch, &first_rowid);
      if (!more.ok()) {
        stream_status_ = more.status();
        batch_ = nullptr;
        return false;
      }
      if (!*more) {
        batch_ = nullptr;
        return false;
      }
      batch_ = batch;
      first_rowid_ = first_rowid;
      if (batch_->rows > 0) return true;
    }
  }

 private:
  const schema::TableDef* table_ = nullptr;
  const Batch* batch_ = nullptr;
  int64_t first_rowid_ = 1;
  NextBatch next_;
  Status stream_status_;
};

Result<BatchFeed*> RegisterBatchTable(sqlite3* db);

// "INSERT INTO <target> (rowid, <columns>) SELECT rowid, c0, ... FROM arxivflow_batch"
std::string BatchInsertSql(const schema::TableDef& table, const std::string& target);

}  // namespace arxivflow::warehouse
