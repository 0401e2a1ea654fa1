#include "transform/part_writer.h"

#include <algorithm>
#include <cstdio>

namespace arxivflow::transform {

namespace {

// Forwards to a sink and keeps its byte count where the PartWriter reads it
// after the Parquet writer (which owns the sink) is gone.
class CountingSink : public parquet::OutputSink {
 public:
  CountingSink(std::unique_ptr<parquet::OutputSink> inner, std::shared_ptr<uint64_t> bytes)
      : inner_(std::move(inner)), bytes_(std::move(bytes)) {}
  Status Append(std::string_view data) override {
    Status s = inner_->Append(data);
    *bytes_ = inner_->BytesWritten();
    return s;
  }
  Status Close() override {
    Status s = inner_->Close();
    *bytes_ = inner_->BytesWritten();
    return s;
  }
  uint64_t BytesWritten() const override { return inner_->BytesWritten(); }
  const std::string& name() const override { return inner_->name(); }

 private:
  std::unique_ptr<parquet::OutputSink> inner_;
  std::shared_ptr<uint64_t> bytes_;
};

}  // namespace

PartSinkOpener LocalPartSinks(std::string out_dir) {
  return [out_dir = std::move(out_dir)](const std::string& relative_path) {
    return parquet::OpenFileSink(out_dir + "/" + relative_path);
  };
}

std::string PartNamer::Name(schema::TableId table, uint64_t slot, uint64_t index) const {
  const uint64_t local = index * slots_ + slot;
  char name[64];
  std::snprintf(name, sizeof(name), "part-%05llu",
                static_cast<unsigned long long>(local * shard_count_ + shard_index_));
  return schema::Table(table).name + "/" + name + (suffix_.empty() ? "" : "-" + suffix_) + ".parquet";
}

PartWriter::PartWriter(PartSinkOpener opener, schema::TableId table, const PartNamer* namer, uint64_t slot,
                       parquet::WriterOptions options, uint64_t max_rows_per_part)
    : opener_(std::move(opener)),
      table_(schema::Table(table)),
      part_bytes_(std::make_shared<uint64_t>(0)),
      namer_(namer),
      slot_(slot),
      options_(std::move(options)),
      max_rows_per_part_(max_rows_per_part) {}

PartWriter::~PartWriter() = default;

bool PartWriter::EnsureOpen() {
  if (writer_) return true;
  if (!status_.ok()) return false;
  PartFile part;
  part.table = table_.name;
  part.path = namer_->Name(table_.id, slot_, parts_.size());
  auto sink = opener_(part.path);
  if (!sink.ok()) {
    status_ = sink.status();
    return false;
  }
  *part_bytes_ = 0;
  auto writer = parquet::Writer::Open(std::make_unique<CountingSink>(std::move(sink).value(), part_bytes_),
                                      table_.schema, options_);
  if (!writer.ok()) {
    status_ = writer.status().WithContext(part.path);
    return false;
  }
  writer_ = std::move(writer).value();
  parts_.push_back(std::move(part));
  return true;
}

Status PartWriter::EndRow() {
  if (!EnsureOpen()) return status_;
  Status s = writer_->EndRow();
  if (!s.ok()) return status_ = s.WithContext(parts_.back().path);
  if (Room() == 0) return ClosePart();
  return Status::OK();
}

Status PartWriter::AppendColumns(const TableColumns& t) {
  const auto& columns = table_.schema.columns;
  if (t.columns.size() != columns.size()) {
    return status_ = Status::Internal(table_.name + ": column batch of the wrong shape");
  }
  for (size_t c = 0; c < columns.size(); ++c) {
    const TableColumns::Column& col = t.columns[c];
    const size_t values = columns[c].physical == parquet::PhysicalType::kByteArray ? col.text.size()
                          : columns[c].physical == parquet::PhysicalType::kInt32   ? col.i32.size()
                                                                                   : col.i64.size();
    if (values != t.rows || (!col.nulls.empty() && col.nulls.size() != t.rows)) {
      return status_ = Status::Internal(table_.name + ": column '" + columns[c].name + "' holds " +
                                        std::to_string(values) + " values for " + std::to_string(t.rows) + " rows");
    }
  }
  size_t at = 0;
  while (at < t.rows) {
    if (!EnsureOpen()) return status_;
    const size_t n = static_cast<size_t>(std::min<uint64_t>({t.rows - at, kSliceRows, Room()}));
    for (size_t c = 0; c < columns.size(); ++c) {
      const TableColumns::Column& col = t.columns[c];
      const uint8_t* nulls = col.nulls.empty() ? nullptr : col.nulls.data() + at;
      const int ci = static_cast<int>(c);
      switch (columns[c].physical) {
        case parquet::PhysicalType::kByteArray: writer_->AppendStringColumn(ci, col.text.data() + at, nulls, n); break;
        case parquet::PhysicalType::kInt32: writer_->AppendInt32Column(ci, col.i32.data() + at, nulls, n); break;
        case parquet::PhysicalType::kInt64: writer_->AppendInt64Column(ci, col.i64.data() + at, nulls, n); break;
        default: return status_ = Status::Internal(table_.name + ": column '" + columns[c].name + "' has no bulk form");
      }
    }
    Status s = writer_->EndRows(n);
    if (!s.ok()) return status_ = s.WithContext(parts_.back().path);
    at += n;
    if (Room() == 0) AF_RETURN_IF_ERROR(ClosePart());
  }
  return Status::OK();
}

Status PartWriter::ClosePart() {
  if (!writer_) return status_;
  PartFile& part = parts_.back();
  part.rows = writer_->rows_written();
  Status s = writer_->Close();
  writer_.reset();
  if (!s.ok()) return status_ = s.WithContext(part.path);
  part.bytes = *part_bytes_;
  return Status::OK();
}

Status PartWriter::Close() { return ClosePart(); }

Status PartWriter::WriteEmptyPart() {
  if (!EnsureOpen()) return status_;
  return ClosePart();
}

}  // namespace arxivflow::transform
