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

// The value's sort key (index_sorter.h); false for a REAL, which this writer
// does not order (SQLite compares integers and reals by value).
bool AppendSortKey(const Value& value, std::string* key) {
  switch (value.kind) {
    case BatchValue::kNull: AppendSortKeyNull(key); return true;
    case BatchValue::kInteger: AppendSortKeyInteger(value.integer, key); return true;
    case BatchValue::kReal: return false;
    case BatchValue::kText: AppendSortKeyText(value.bytes, key); return true;
    case BatchValue::kBlob: AppendSortKeyBlob(value.bytes, key); return true;
  }
  return false;
}

}  // namespace

class StageFileWriter::Impl {
 public:
  Impl(const schema::TableDef& table, std::unique_ptr<SqliteFileWriter> file, const std::string& spill_dir,
       size_t sort_memory_bytes)
      : table_(table), file_(std::move(file)), rows_(file_->pages()) {
    const auto defs = SqliteIndexes(table, table.name);
    size_t per_index = kSortMemoryBytes;
    if (sort_memory_bytes > 0 && !defs.empty()) {
      per_index = std::clamp(sort_memory_bytes / defs.size(), kMinSortMemoryBytes, kSortMemoryBytes);
    }
    for (auto& def : defs) {
      Index index;
      for (const auto& name : def.columns) {
        const int i = table.schema.FindColumn(name);
        if (i < 0) {
          indexes_.clear();  // an index on a column the table lacks: SQLite will say so
          return;
        }
        index.columns.push_back(static_cast<size_t>(i));
      }
      std::string unique_error;
      if (def.unique) {
        unique_error = "UNIQUE constraint failed: ";
        for (size_t k = 0; k < def.columns.size(); ++k) {
          unique_error += (k ? ", " : "") + table.name + "." + def.columns[k];
        }
      }
      index.sorter = std::make_unique<IndexSorter>(spill_dir, per_index, std::move(unique_error));
      index.def = def;
      indexes_.push_back(std::move(index));
    }
  }

  Status Append(const Batch& batch) {
    const auto& columns = table_.schema.columns;
    values_.resize(columns.size());
    texts_.resize(columns.size());
    for (int64_t row = 0; row < batch.rows; ++row) {
      const size_t r = static_cast<size_t>(row);
      ++rowid_;
      record_.Clear();
      for (size_t c = 0; c < columns.size(); ++c) {
        values_[c] = c < batch.columns.size() ? BatchValueAt(columns[c], batch.columns[c], r, texts_[c]) : Value{};
        if (values_[c].kind == BatchValue::kNull && !columns[c].nullable) {
          return Status::InvalidArgument("NOT NULL constraint failed: " + table_.name + "." + columns[c].name);
        }
        Add(values_[c], record_);
      }
      bytes_.clear();
      record_.AppendTo(&bytes_);
      AF_RETURN_IF_ERROR(rows_.Append(rowid_, bytes_));
      for (auto& index : indexes_) AF_RETURN_IF_ERROR(AddEntry(index));
      if (!indexes_usable_) indexes_.clear();
    }
    return Status::OK();
  }

  Result<StagedFile> Finish() {
    AF_ASSIGN_OR_RETURN(const uint32_t root, rows_.Finish());
    file_->Add("table", table_.name, table_.name, root, StageTableSql(Dialect::kSqlite, table_, table_.name));
    StagedFile staged;
    staged.rows = rows_.rows();
    for (auto& index : indexes_) {
      IndexBtreeWriter btree(file_->pages());
      AF_RETURN_IF_ERROR(index.sorter->WriteTo([&](std::string_view entry) { return btree.Append(entry); }));
      AF_ASSIGN_OR_RETURN(const uint32_t index_root, btree.Finish());
      file_->Add("index", index.def.name, table_.name, index_root, index.def.sql);
      index.sorter.reset();
    }
    staged.has_indexes = !indexes_.empty();
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
    std::unique_ptr<IndexSorter> sorter;
  };

  // The row's entry in `index`: its columns and the rowid, as a record and
  // as a sort key.
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
    entry_.AddInteger(rowid_);
    bytes_.clear();
    entry_.AppendTo(&bytes_);
    return index.sorter->Add(sort_key_, bytes_, has_null);
  }

  const schema::TableDef& table_;
  std::unique_ptr<SqliteFileWriter> file_;
  TableBtreeWriter rows_;
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
                                                                 size_t sort_memory_bytes) {
  AF_ASSIGN_OR_RETURN(auto file, SqliteFileWriter::Create(path, page_size));
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  return std::unique_ptr<StageFileWriter>(
      new StageFileWriter(std::make_unique<Impl>(table, std::move(file), dir, sort_memory_bytes)));
}

Status StageFileWriter::Append(const Batch& batch) { return impl_->Append(batch); }
Result<StagedFile> StageFileWriter::Finish() { return impl_->Finish(); }

}  // namespace arxivflow::warehouse
