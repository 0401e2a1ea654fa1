#include "warehouse/sqlite_batch_table.h"

#include "warehouse/batch_value.h"
#include "warehouse/sql_identifier.h"

namespace arxivflow::warehouse {

namespace {


struct BatchVtab {
  sqlite3_vtab base;  // first: SQLite hands out pointers to it
  BatchFeed* feed;
};

struct BatchCursor {
  sqlite3_vtab_cursor base;  // first
  BatchFeed* feed;
  int64_t row;
  int64_t rows;
  BatchValueText text;
};

int Connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char**) {
  std::string sql = "CREATE TABLE x(";
  for (int i = 0; i < kBatchTableColumns; ++i) sql += (i ? ", c" : "c") + std::to_string(i);
  sql += ")";
  const int rc = sqlite3_declare_vtab(db, sql.c_str());
  if (rc != SQLITE_OK) return rc;
  auto* vtab = new BatchVtab();
  vtab->feed = static_cast<BatchFeed*>(aux);
  *out = &vtab->base;
  return SQLITE_OK;
}

int BestIndex(sqlite3_vtab*, sqlite3_index_info* info) {
  info->estimatedCost = 1e6;  // one full scan, whatever the query asks
  return SQLITE_OK;
}

int Disconnect(sqlite3_vtab* vtab) {
  delete reinterpret_cast<BatchVtab*>(vtab);
  return SQLITE_OK;
}

int OpenCursor(sqlite3_vtab* vtab, sqlite3_vtab_cursor** out) {
  auto* cursor = new BatchCursor();
  cursor->feed = reinterpret_cast<BatchVtab*>(vtab)->feed;
  *out = &cursor->base;
  return SQLITE_OK;
}

int CloseCursor(sqlite3_vtab_cursor* cursor) {
  delete reinterpret_cast<BatchCursor*>(cursor);
  return SQLITE_OK;
}

int Filter(sqlite3_vtab_cursor* base, int, const char*, int, sqlite3_value**) {
  auto* cursor = reinterpret_cast<BatchCursor*>(base);
  cursor->row = 0;
  if (!cursor->feed->table()) {
    cursor->rows = 0;
    return SQLITE_OK;
  }
  const Batch* batch = cursor->feed->batch();
  cursor->rows = batch ? batch->rows : 0;
  return SQLITE_OK;
}

int NextRow(sqlite3_vtab_cursor* base) {
  auto* cursor = reinterpret_cast<BatchCursor*>(base);
  ++cursor->row;
  return SQLITE_OK;
}

int Eof(sqlite3_vtab_cursor* base) {
  auto* cursor = reinterpret_cast<BatchCursor*>(base);
  return cursor->row >= cursor->rows;
}

int Rowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) {
  auto* cursor = reinterpret_cast<BatchCursor*>(base);
  *rowid = cursor->row;
  return SQLITE_OK;
}

int Column(sqlite3_vtab_cursor* base, sqlite3_context* ctx, int index) {
  auto* cursor = reinterpret_cast<BatchCursor*>(base);
  const schema::TableDef& table = *cursor->feed->table();
  const Batch& batch = *cursor->feed->batch();
  if (index < 0 || static_cast<size_t>(index) >= table.schema.columns.size() ||
      static_cast<size_t>(index) >= batch.columns.size()) {
    return SQLITE_OK;  // NULL
  }
  const auto& column = table.schema.columns[static_cast<size_t>(index)];
  const BatchValue value = BatchValueAt(column, batch.columns[static_cast<size_t>(index)],
                                        static_cast<size_t>(cursor->row), cursor->text);
  const int size = static_cast<int>(value.bytes.size());
  // Batch bytes outlive the statement; formatted text is the cursor's buffer.
  const auto lifetime = value.bytes.data() == cursor->text.data() ? SQLITE_TRANSIENT : SQLITE_STATIC;
  switch (value.kind) {
    case BatchValue::kNull: break;
    case BatchValue::kInteger: sqlite3_result_int64(ctx, value.integer); break;
    case BatchValue::kReal: sqlite3_result_double(ctx, value.real); break;
    case BatchValue::kText: sqlite3_result_text(ctx, value.bytes.data(), size, lifetime); break;
    case BatchValue::kBlob: sqlite3_result_blob(ctx, value.bytes.data(), size, lifetime); break;
  }
  return SQLITE_OK;
}

sqlite3_module MakeModule() {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous only: no CREATE VIRTUAL TABLE
  m.xConnect = Connect;
  m.xBestIndex = BestIndex;
  m.xDisconnect = Disconnect;
  m.xDestroy = Disconnect;
  m.xOpen = OpenCursor;
  m.xClose = CloseCursor;
  m.xFilter = Filter;
  m.xNext = NextRow;
  m.xEof = Eof;
  m.xColumn = Column;
  m.xRowid = Rowid;
  return m;
}

const sqlite3_module kModule = MakeModule();

void DeleteFeed(void* feed) { delete static_cast<BatchFeed*>(feed); }

}  // namespace

Result<BatchFeed*> RegisterBatchTable(sqlite3* db) {
  auto* feed = new BatchFeed();
  // On failure SQLite calls DeleteFeed itself.
  if (sqlite3_create_module_v2(db, "arxivflow_batch", &kModule, feed, DeleteFeed) != SQLITE_OK) {
    return Status::Internal(std::string("cannot register the batch table: ") + sqlite3_errmsg(db));
  }
  return feed;
}

std::string BatchInsertSql(const schema::TableDef& table, const std::string& target) {
  std::string columns, values;
  for (size_t i = 0; i < table.schema.columns.size(); ++i) {
    if (i) {
      columns += ", ";
      values += ", ";
    }
    columns += QuoteIdentifier(table.schema.columns[i].name);
    values += "c" + std::to_string(i);
  }
  return "INSERT INTO " + QuoteIdentifier(target) + " (" + columns + ") SELECT " + values + " FROM arxivflow_batch";
}

}  // namespace arxivflow::warehouse
