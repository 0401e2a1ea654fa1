#include "warehouse/sqlite_stage_file.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <vector>

#include "warehouse/batch_value.h"
#include "warehouse/ddl.h"
#include "warehouse/index_sorter.h"
#include "warehouse/sqlite_btree_writer.h"
#include "warehouse/sqlite_file_writer.h"
#include "warehouse/sqlite_format.h"

namespace arxivflow::warehouse {

namespace {

using Value = BatchValue;

void Add(const Value& value, sqlite_format::RecordBuilder& record) {
  switch (value.kind) {
    case BatchValue::kNull: record.AddNull(); break;
    case BatchValue::kInteger: record.AddInteger(value.integer); break;
    case BatchValue::kReal: record.AddReal(value.real); break;
    case BatchValue::kText: record.AddText(value.bytes); break;
    case BatchValue::kBlob: record.AddBlob(value.bytes); break;
  }
}

}  // namespace

bool AppendSortKey(const BatchValue& value, std::string* key) {
  switch (value.kind) {
    case BatchValue::kNull: AppendSortKeyNull(key); return true;
    case BatchValue::kInteger: AppendSortKeyInteger(value.integer, key); return true;
    case BatchValue::kReal: return false;
    case BatchValue::kText: AppendSortKeyText(value.bytes, key); return true;
    case BatchValue::kBlob: AppendSortKeyBlob(value.bytes, key); return true;
  }
  return false;
}

class StageFileWriter::Impl {
 public:
  Impl(const schema::TableDef& table, std::unique_ptr<SqliteFileWriter> file, const std::string& spill_dir,
       size_t sort_memory_bytes, bool rows_in_key_order)
      : table_(table), file_(std::move(file)), rows_(file_->pages()), by_key_(SqliteStoredByKey(table)),
        rows_in_key_order_(by_key_ && rows_in_key_order), table_btree_(file_->pages()) {
    const auto defs = SqliteIndexes(table, table.name);
    const size_t sorters = defs.size() + (by_key_ && !rows_in_key_order_ ? 1 : 0);
    size_t per_index = kSortMemoryBytes;
    if (sort_memory_bytes > 0 && sorters > 0) {
      per_index = std::clamp(sort_memory_bytes / sorters, kMinSortMemoryBytes, kSortMemoryBytes);
    }
    if (by_key_) {
      // Stored by its key: a row is its key's columns, then the others in the
      // table's order, sorted as the key's entries are.
      for (const auto& name : table.key) key_columns_.push_back(static_cast<size_t>(table.schema.FindColumn(name)));
      storage_order_ = key_columns_;
      for (size_t c = 0; c < table.schema.columns.size(); ++c) {
        if (std::find(key_columns_.begin(), key_columns_.end(), c) == key_columns_.end()) storage_order_.push_back(c);
      }
      if (!rows_in_key_order_) {
        row_sorter_ = std::make_unique<IndexSorter>(spill_dir, per_index, UniqueError(table, table.key));
      }
    }
    for (auto& def : defs) {
      Index index;
      for (const auto& name : def.columns) {
        const int i = table.schema.FindColumn(name);
        if (i < 0) {
          indexes_usable_ = false;  // an index on a column the table lacks: SQLite will say so
          indexes_.clear();
          return;
        }
        index.columns.push_back(static_cast<size_t>(i));
      }
      if (by_key_) {
        // The entry ends with the key's columns instead of a rowid, and they
        // order equal values too. The key is the table's only UNIQUE index.
        if (def.unique) {
          indexes_usable_ = false;
          indexes_.clear();
          return;
        }
        for (size_t c : key_columns_) {
          if (std::find(index.columns.begin(), index.columns.end(), c) == index.columns.end()) {
            index.key_tail.push_back(c);
          }
        }
      }
      index.sorter = std::make_unique<IndexSorter>(spill_dir, per_index,
                                                   def.unique ? UniqueError(table, def.columns) : std::string());
      index.def = def;
      indexes_.push_back(std::move(index));
    }
  }

  Status Append(const Batch& batch, int64_t begin, int64_t end) {
    const auto& columns = table_.schema.columns;
    values_.resize(columns.size());
    texts_.resize(columns.size());
    for (int64_t row = begin; row < end; ++row) {
      const size_t r = static_cast<size_t>(row);
      ++rowid_;
      record_.Clear();
      for (size_t c = 0; c < columns.size(); ++c) {
        values_[c] = c < batch.columns.size() ? BatchValueAt(columns[c], batch.columns[c], r, texts_[c]) : Value{};
        if (values_[c].kind == BatchValue::kNull && !columns[c].nullable) {
          return Status::InvalidArgument("NOT NULL constraint failed: " + table_.name + "." + columns[c].name);
        }
        if (!by_key_) Add(values_[c], record_);
      }
      if (by_key_) {
        AF_RETURN_IF_ERROR(AddRowByKey());
      } else {
        bytes_.clear();
        record_.AppendTo(&bytes_);
        AF_RETURN_IF_ERROR(rows_.Append(rowid_, bytes_));
      }
      for (auto& index : indexes_) AF_RETURN_IF_ERROR(AddEntry(index));
      if (!indexes_usable_) indexes_.clear();
    }
    return Status::OK();
  }

  Result<StagedFile> Finish() {
    uint32_t root = 0;
    if (rows_in_key_order_) {
      AF_ASSIGN_OR_RETURN(root, table_btree_.Finish());
    } else if (by_key_) {
      IndexBtreeWriter btree(file_->pages());
      AF_RETURN_IF_ERROR(row_sorter_->WriteTo([&](std::string_view row) { return btree.Append(row); }));
      AF_ASSIGN_OR_RETURN(root, btree.Finish());
      row_sorter_.reset();
    } else {
      AF_ASSIGN_OR_RETURN(root, rows_.Finish());
    }
    file_->Add("table", table_.name, table_.name, root, StageTableSql(Dialect::kSqlite, table_, table_.name));
    StagedFile staged;
    staged.rows = rowid_;
    for (auto& index : indexes_) {
      IndexBtreeWriter btree(file_->pages());
      AF_RETURN_IF_ERROR(index.sorter->WriteTo([&](std::string_view entry) { return btree.Append(entry); }));
      AF_ASSIGN_OR_RETURN(const uint32_t index_root, btree.Finish());
      file_->Add("index", index.def.name, table_.name, index_root, index.def.sql);
      index.sorter.reset();
    }
    staged.has_indexes = indexes_usable_;
    AF_RETURN_IF_ERROR(file_->Finish());
    return staged;
  }

 private:
  // Each index sorts in up to this much memory before spilling a run (less
  // when the stage's share of its process is smaller, never below the floor).
  static constexpr size_t kSortMemoryBytes = 64 << 20;
  static constexpr size_t kMinSortMemoryBytes = 4 << 20;

  struct Index {
    IndexDef def;
    std::vector<size_t> columns;
    std::vector<size_t> key_tail;  // stored by key: the key's columns the index lacks
    std::unique_ptr<IndexSorter> sorter;
  };

  static std::string UniqueError(const schema::TableDef& table, const std::vector<std::string>& columns) {
    std::string error = "UNIQUE constraint failed: ";
    for (size_t k = 0; k < columns.size(); ++k) error += (k ? ", " : "") + table.name + "." + columns[k];
    return error;
  }

  // A row of a table stored by its key, to its sorter.
  Status AddRowByKey() {
    sort_key_.clear();
    for (size_t c : key_columns_) {
      if (!AppendSortKey(values_[c], &sort_key_)) {
        return Status::Unsupported("table " + table_.name + ": a REAL in its key");
      }
    }
    for (size_t c : storage_order_) Add(values_[c], record_);
    bytes_.clear();
    record_.AppendTo(&bytes_);
    if (!rows_in_key_order_) return row_sorter_->Add(sort_key_, bytes_, /*key_has_null=*/false);
    // Straight into the table's B-tree: each key must follow the one before.
    if (rowid_ > 1) {
      const int order = std::string_view(sort_key_).compare(previous_key_);
      if (order == 0) return Status::InvalidArgument(UniqueError(table_, table_.key));
      if (order < 0) return Status::Aborted(kRowsOutOfKeyOrder);
    }
    previous_key_.swap(sort_key_);
    return table_btree_.Append(bytes_);
  }

  // The row's entry in `index`: its columns and the rowid (stored by key:
  // the key's other columns), as a record and as a sort key.
  Status AddEntry(Index& index) {
    entry_.Clear();
    sort_key_.clear();
    bool has_null = false;
    for (size_t c : index.columns) {
      const Value& value = values_[c];
      if (!AppendSortKey(value, &sort_key_)) {
        indexes_usable_ = false;
        return Status::OK();
      }
      has_null = has_null || value.kind == BatchValue::kNull;
      Add(value, entry_);
    }
    if (by_key_) {
      for (size_t c : index.key_tail) {
        AppendSortKey(values_[c], &sort_key_);  // the key's values are never REAL (AddRowByKey)
        Add(values_[c], entry_);
      }
    } else {
      entry_.AddInteger(rowid_);
    }
    bytes_.clear();
    entry_.AppendTo(&bytes_);
    return index.sorter->Add(sort_key_, bytes_, has_null);
  }

  const schema::TableDef& table_;
  std::unique_ptr<SqliteFileWriter> file_;
  TableBtreeWriter rows_;  // a rowid table's rows
  const bool by_key_;      // stored by its key (ddl.h: SqliteStoredByKey)
  std::vector<size_t> key_columns_, storage_order_;
  const bool rows_in_key_order_;  // stored by key, and the rows come in key order
  IndexBtreeWriter table_btree_;   // their B-tree, then
  std::string previous_key_;
  std::unique_ptr<IndexSorter> row_sorter_;  // stored by key, rows in any order
  std::vector<Index> indexes_;  // empty once a value cannot be ordered
  bool indexes_usable_ = true;
  std::vector<Value> values_;
  std::vector<BatchValueText> texts_;
  sqlite_format::RecordBuilder record_;
  sqlite_format::RecordBuilder entry_;
  std::string bytes_;
  std::string sort_key_;
  int64_t rowid_ = 0;
};

StageFileWriter::StageFileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StageFileWriter::~StageFileWriter() = default;

Result<std::unique_ptr<StageFileWriter>> StageFileWriter::Create(const std::string& path,
                                                                 const schema::TableDef& table, uint32_t page_size,
                                                                 size_t sort_memory_bytes, bool rows_in_key_order) {
  AF_ASSIGN_OR_RETURN(auto file, SqliteFileWriter::Create(path, page_size));
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  return std::unique_ptr<StageFileWriter>(
      new StageFileWriter(std::make_unique<Impl>(table, std::move(file), dir, sort_memory_bytes, rows_in_key_order)));
}

Status StageFileWriter::Append(const Batch& batch) { return impl_->Append(batch, 0, batch.rows); }
Status StageFileWriter::AppendRows(const Batch& batch, int64_t begin, int64_t end) {
  return impl_->Append(batch, begin, end);
}
Result<StagedFile> StageFileWriter::Finish() { return impl_->Finish(); }

}  // namespace arxivflow::warehouse
