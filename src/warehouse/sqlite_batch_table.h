// The virtual table `arxivflow_batch`: one decoded Batch seen by SQLite as
// rows, so that a whole batch is copied by one statement,
//
//   INSERT INTO "papers__stage_x" ("id", "title", ...)
//     SELECT c0, c1, ... FROM arxivflow_batch
//
// instead of binding, stepping and resetting an INSERT per row (about twice
// as fast). Columns c0..c31 are the batch's columns in the table's order
// (NULL past the table's width); the rowid is the row's index in the batch.
//
// The target numbers the rows itself: each gets its largest rowid + 1, so a
// target that starts empty (every stage table does) holds rowids 1..N in
// batch order, the numbers the search index refers to titles by. Passing
// the rowid in would cost a search of the table per row, to check that it
// is new (authors, 20.5 M rows: staging 17.4-18.8 s instead of 9.5-11.8 s).
// STRING values are handed to SQLite without a copy; DATE and TIMESTAMP as
// ISO-8601 text (value_format.h); INT16/INT32/INT64 as integers.
//
// Contract: RegisterBatchTable() installs the eponymous module on one
// connection and returns the feed it reads (owned by the connection, valid
// until it closes). Set() one batch before each statement (it must stay
// alive until the statement is reset). Only for load connections: a check
// query could otherwise read the current batch. Not thread-safe (like the
// connection).
#pragma once

#include <sqlite3.h>

#include <string>

#include "common/status.h"
#include "schema/star_schema.h"
#include "warehouse/batch_source.h"

namespace arxivflow::warehouse {

inline constexpr int kBatchTableColumns = 32;

class BatchFeed {
 public:
  void Set(const schema::TableDef* table, const Batch* batch) {
    table_ = table;
    batch_ = batch;
  }
  void Clear() { Set(nullptr, nullptr); }

  const schema::TableDef* table() const { return table_; }
  const Batch* batch() const { return batch_; }

 private:
  const schema::TableDef* table_ = nullptr;
  const Batch* batch_ = nullptr;
};

Result<BatchFeed*> RegisterBatchTable(sqlite3* db);

// "INSERT INTO <target> (<columns>) SELECT c0, ... FROM arxivflow_batch"
std::string BatchInsertSql(const schema::TableDef& table, const std::string& target);

}  // namespace arxivflow::warehouse
