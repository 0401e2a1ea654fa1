#include "transform/part_writer.h"

#include <sys/stat.h>

#include <cstdio>

namespace arxivflow::transform {

std::string PartNamer::Next(schema::TableId table) {
  const uint64_t local = next_[static_cast<size_t>(table)].fetch_add(1);
  char name[64];
  std::snprintf(name, sizeof(name), "part-%05llu.parquet",
                static_cast<unsigned long long>(local * shard_count_ + shard_index_));
  return schema::Table(table).name + "/" + name;
}

PartWriter::PartWriter(std::string out_dir, schema::TableId table, PartNamer* namer,
                       parquet::WriterOptions options, uint64_t max_rows_per_part)
    : out_dir_(std::move(out_dir)),
      table_(schema::Table(table)),
      namer_(namer),
      options_(std::move(options)),
      max_rows_per_part_(max_rows_per_part) {}

PartWriter::~PartWriter() = default;

bool PartWriter::EnsureOpen() {
  if (writer_) return true;
  if (!status_.ok()) return false;
  PartFile part;
  part.table = table_.name;
  part.path = namer_->Next(table_.id);
  auto sink = parquet::OpenFileSink(out_dir_ + "/" + part.path);
  if (!sink.ok()) {
    status_ = sink.status();
    return false;
  }
  auto writer = parquet::Writer::Open(std::move(sink).value(), table_.schema, options_);
  if (!writer.ok()) {
    status_ = writer.status().WithContext(part.path);
    return false;
  }
  writer_ = std::move(writer).value();
  parts_.push_back(std::move(part));
  return true;
}

void PartWriter::AppendNull(int column) {
  if (EnsureOpen()) writer_->AppendNull(column);
}
void PartWriter::AppendString(int column, std::string_view value) {
  if (EnsureOpen()) writer_->AppendString(column, value);
}
void PartWriter::AppendInt32(int column, int32_t value) {
  if (EnsureOpen()) writer_->AppendInt32(column, value);
}
void PartWriter::AppendInt64(int column, int64_t value) {
  if (EnsureOpen()) writer_->AppendInt64(column, value);
}

Status PartWriter::EndRow() {
  if (!EnsureOpen()) return status_;
  Status s = writer_->EndRow();
  if (!s.ok()) return status_ = s.WithContext(parts_.back().path);
  if (writer_->rows_written() >= max_rows_per_part_) return ClosePart();
  return Status::OK();
}

Status PartWriter::ClosePart() {
  if (!writer_) return status_;
  PartFile& part = parts_.back();
  part.rows = writer_->rows_written();
  Status s = writer_->Close();
  writer_.reset();
  if (!s.ok()) return status_ = s.WithContext(part.path);
  struct stat st;
  if (::stat((out_dir_ + "/" + part.path).c_str(), &st) == 0) {
    part.bytes = static_cast<uint64_t>(st.st_size);
  }
  return Status::OK();
}

Status PartWriter::Close() { return ClosePart(); }

Status PartWriter::WriteEmptyPart() {
  if (!EnsureOpen()) return status_;
  return ClosePart();
}

}  // namespace arxivflow::transform
