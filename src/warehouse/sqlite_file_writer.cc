#include "warehouse/sqlite_file_writer.h"

#include <sqlite3.h>

#include <cstring>

#include "warehouse/sqlite_format.h"

namespace arxivflow::warehouse {

namespace fmt = sqlite_format;

Result<std::unique_ptr<SqliteFileWriter>> SqliteFileWriter::Create(const std::string& path, uint32_t page_size) {
  AF_ASSIGN_OR_RETURN(auto pages, PageFile::Create(path, page_size));
  return std::unique_ptr<SqliteFileWriter>(new SqliteFileWriter(std::move(pages)));
}

void SqliteFileWriter::Add(std::string type, std::string name, std::string table, uint32_t root, std::string sql) {
  schema_.push_back({std::move(type), std::move(name), std::move(table), root, std::move(sql)});
}

Status SqliteFileWriter::Finish() {
  const uint32_t page_size = pages_->page_size();
  std::vector<uint8_t> page(page_size, 0);
  uint8_t* h = page.data();
  std::memcpy(h, "SQLite format 3", 16);  // with its NUL
  fmt::Put16(h + 16, page_size == 65536 ? 1 : page_size);
  h[18] = 1;   // write version: rollback journal
  h[19] = 1;   // read version
  h[20] = 0;   // reserved bytes per page
  h[21] = 64;  // payload fractions, fixed by the format
  h[22] = 32;
  h[23] = 32;
  fmt::Put32(h + 24, 1);  // file change counter
  fmt::Put32(h + 28, pages_->pages());
  // No freelist (bytes 32..39): every page is in use.
  fmt::Put32(h + 40, 1);  // schema cookie
  fmt::Put32(h + 44, 4);  // schema format
  fmt::Put32(h + 56, 1);  // UTF-8
  fmt::Put32(h + 92, 1);  // version-valid-for: the change counter above
  fmt::Put32(h + 96, SQLITE_VERSION_NUMBER);

  // The schema table: one leaf, on page 1 after the file header.
  constexpr size_t kHeader = 100 + 8;
  size_t content = page_size;
  fmt::RecordBuilder record;
  std::string payload;
  std::vector<uint8_t> cell;
  for (size_t i = 0; i < schema_.size(); ++i) {
    const SchemaRow& row = schema_[i];
    record.Clear();
    record.AddText(row.type);
    record.AddText(row.name);
    record.AddText(row.table);
    record.AddInteger(row.root);
    record.AddText(row.sql);
    payload.clear();
    record.AppendTo(&payload);
    cell.resize(18 + payload.size());
    size_t n = fmt::PutVarint(cell.data(), payload.size());
    n += fmt::PutVarint(cell.data() + n, i + 1);
    if (fmt::LocalPayload(page_size, payload.size(), /*table_leaf=*/true) < payload.size() ||
        kHeader + 2 * (i + 1) + n + payload.size() > content) {
      return Status::Internal("the schema of " + pages_->path() + " does not fit its first page");
    }
    std::memcpy(cell.data() + n, payload.data(), payload.size());
    n += payload.size();
    content -= n;
    std::memcpy(h + content, cell.data(), n);
    fmt::Put16(h + kHeader + 2 * i, static_cast<uint32_t>(content));
  }
  h[100] = fmt::kLeafTablePage;
  fmt::Put16(h + 103, static_cast<uint32_t>(schema_.size()));
  fmt::Put16(h + 105, content == 65536 ? 0 : static_cast<uint32_t>(content));
  AF_RETURN_IF_ERROR(pages_->Write(1, h));
  if (pages_->pages_written() != pages_->pages()) {
    return Status::Internal(pages_->path() + ": " + std::to_string(pages_->pages()) + " pages allocated but " +
                            std::to_string(pages_->pages_written()) + " written");
  }
  return Status::OK();
}

}  // namespace arxivflow::warehouse
