// A new SQLite database file written directly (sqlite_btree_writer.h), not
// through SQLite: the B-trees first, then page 1 — the file header and the
// schema table naming each B-tree's root page and its CREATE statement.
//
// Contract: Create() truncates the file. Write the B-trees through pages(),
// Add() each to the schema once its root is known (a table before its
// indexes, as SQLite reads them back in order), then Finish(). The result
// is a rollback-journal database of schema format 4, UTF-8, with no journal
// and nothing synced: a scratch file, for SQLite to read (ATTACH) and copy
// from. Errors are returned as Status; after one the file is unusable. Not
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "warehouse/sqlite_btree_writer.h"

namespace arxivflow::warehouse {

class SqliteFileWriter {
 public:
  static Result<std::unique_ptr<SqliteFileWriter>> Create(const std::string& path, uint32_t page_size);

  PageFile* pages() { return pages_.get(); }
  // type: "table" or "index"; sql: the CREATE statement SQLite would store.
  void Add(std::string type, std::string name, std::string table, uint32_t root, std::string sql);
  Status Finish();

 private:
  explicit SqliteFileWriter(std::unique_ptr<PageFile> pages) : pages_(std::move(pages)) {}
  struct SchemaRow {
    std::string type, name, table;
    uint32_t root;
    std::string sql;
  };
  std::unique_ptr<PageFile> pages_;
  std::vector<SchemaRow> schema_;
};

}  // namespace arxivflow::warehouse
