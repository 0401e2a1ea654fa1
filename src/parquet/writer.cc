#include "parquet/writer.h"

#include <cstdint>
#include <vector>

#include "parquet/column_writer.h"
#include "parquet/format.h"

namespace arxivflow::parquet {

namespace {

constexpr char kMagic[] = "PAR1";
// One value must fit a page, whose sizes are 32-bit; readers cap pages at 1 GiB.
constexpr size_t kMaxValueBytes = size_t{1} << 30;

format::SchemaElement LeafElement(const ColumnSchema& c) {
  format::SchemaElement e;
  e.name = c.name;
  e.repetition_type = c.nullable ? format::kOptional : format::kRequired;
  switch (c.physical) {
    case PhysicalType::kBoolean: e.type = format::kBoolean; break;
    case PhysicalType::kInt32: e.type = format::kInt32; break;
    case PhysicalType::kInt64: e.type = format::kInt64; break;
    case PhysicalType::kDouble: e.type = format::kDouble; break;
    case PhysicalType::kByteArray: e.type = format::kByteArray; break;
    default: break;  // refused by CheckSchema()
  }
  // Both the LogicalType and the legacy ConvertedType, for old readers.
  switch (c.logical) {
    case LogicalType::kNone: break;
    case LogicalType::kString:
      e.logical.kind = format::LogicalTypeInfo::kString;
      e.converted_type = format::kUtf8;
      break;
    case LogicalType::kDate:
      e.logical.kind = format::LogicalTypeInfo::kDate;
      e.converted_type = format::kDate;
      break;
    case LogicalType::kInt16:
      e.logical.kind = format::LogicalTypeInfo::kInteger;
      e.logical.bit_width = 16;
      e.logical.is_signed = true;
      e.converted_type = format::kInt_16;
      break;
    case LogicalType::kTimestampMicrosUtc:
      e.logical.kind = format::LogicalTypeInfo::kTimestamp;
      e.logical.is_adjusted_to_utc = true;
      e.logical.unit = 1;
      e.converted_type = format::kTimestampMicros;
      break;
    default: break;  // refused by CheckSchema()
  }
  return e;
}

Status CheckSchema(const Schema& schema) {
  if (schema.columns.empty()) return Status::InvalidArgument("Parquet schema has no columns");
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const ColumnSchema& c = schema.columns[i];
    if (c.name.empty()) return Status::InvalidArgument("Parquet column " + std::to_string(i) + " has no name");
    if (schema.FindColumn(c.name) != static_cast<int>(i)) return Status::InvalidArgument("Parquet column name '" + c.name + "' appears twice");
    if (c.physical == PhysicalType::kFloat || c.physical == PhysicalType::kFixedLenByteArray) {
      return Status::InvalidArgument("Parquet column '" + c.name + "': the writer does not write " + PhysicalTypeName(c.physical) + " columns");
    }
    bool ok = true;
    switch (c.logical) {
      case LogicalType::kNone: break;
      case LogicalType::kString: ok = c.physical == PhysicalType::kByteArray; break;
      case LogicalType::kDate:
      case LogicalType::kInt16: ok = c.physical == PhysicalType::kInt32; break;
      case LogicalType::kTimestampMicrosUtc: ok = c.physical == PhysicalType::kInt64; break;
      default:
        return Status::InvalidArgument("Parquet column '" + c.name + "': the writer does not write logical type " + LogicalTypeName(c.logical));
    }
    if (!ok) return Status::InvalidArgument("Parquet column '" + c.name + "': logical type " + LogicalTypeName(c.logical) + " does not fit physical type " + PhysicalTypeName(c.physical));
  }
  return Status::OK();
}

class WriterImpl final : public Writer {
 public:
  WriterImpl(std::unique_ptr<OutputSink> sink, Schema schema, WriterOptions options)
      : sink_(std::move(sink)), schema_(std::move(schema)), options_(std::move(options)) {
    if (options_.created_by.empty()) options_.created_by = std::string("arxivflow version ") + ARXIVFLOW_VERSION;
    columns_.reserve(schema_.columns.size());
    for (size_t i = 0; i < schema_.columns.size(); ++i) {
      WriterOptions column_options = options_;
      if (i < options_.column_dictionary.size() && !options_.column_dictionary[i]) {
        column_options.dictionary = false;
      }
      if (i < options_.column_compressed.size() && !options_.column_compressed[i]) {
        column_options.compression = Compression::kUncompressed;
      }
      columns_.push_back(std::make_unique<ColumnWriter>(schema_.columns[i], column_options));
    }
    appended_.assign(schema_.columns.size(), 0);
  }

  Status Start() { return sink_->Append(std::string_view(kMagic, 4)); }

  void AppendNull(int c) override {
    if (!Check(c, nullptr, true)) return;
    columns_[c]->AddNull();
  }
  void AppendString(int c, std::string_view v) override {
    if (!Check(c, "string", false, PhysicalType::kByteArray)) return;
    if (v.size() > kMaxValueBytes) {
      if (error_.ok()) error_ = Status::InvalidArgument(sink_->name() + ": value of " + std::to_string(v.size()) + " bytes in column '" + schema_.columns[c].name + "' exceeds the limit of 1 GiB per value");
      return;
    }
    row_group_bytes_ += v.size() + 4;
    columns_[c]->AddBytes(v);
  }
  void AppendInt32(int c, int32_t v) override {
    if (!Check(c, "int32", false, PhysicalType::kInt32)) return;
    row_group_bytes_ += 4;
    columns_[c]->AddInt32(v);
  }
  void AppendInt64(int c, int64_t v) override {
    if (!Check(c, "int64", false, PhysicalType::kInt64)) return;
    row_group_bytes_ += 8;
    columns_[c]->AddInt64(v);
  }
  void AppendDouble(int c, double v) override {
    if (!Check(c, "double", false, PhysicalType::kDouble)) return;
    row_group_bytes_ += 8;
    columns_[c]->AddDouble(v);
  }
  void AppendBool(int c, bool v) override {
    if (!Check(c, "bool", false, PhysicalType::kBoolean)) return;
    row_group_bytes_ += 1;
    columns_[c]->AddBool(v);
  }

  Status EndRow() override { return EndRows(1); }

  void AppendStringColumn(int c, const std::string_view* values, const uint8_t* nulls, size_t rows) override {
    if (!CheckColumn(c, "string", PhysicalType::kByteArray, nulls, rows)) return;
    uint64_t bytes = 0;
    for (size_t i = 0; i < rows; ++i) {
      if (nulls != nullptr && nulls[i] != 0) continue;
      if (values[i].size() > kMaxValueBytes) {
        if (error_.ok()) error_ = Status::InvalidArgument(sink_->name() + ": value of " + std::to_string(values[i].size()) + " bytes in column '" + schema_.columns[c].name + "' exceeds the limit of 1 GiB per value");
        return;
      }
      bytes += values[i].size() + 4;
    }
    row_group_bytes_ += bytes;
    columns_[c]->AddBytes(values, nulls, rows);
  }
  void AppendInt32Column(int c, const int32_t* values, const uint8_t* nulls, size_t rows) override {
    if (!CheckColumn(c, "int32", PhysicalType::kInt32, nulls, rows)) return;
    row_group_bytes_ += 4 * rows;
    columns_[c]->AddInt32(values, nulls, rows);
  }
  void AppendInt64Column(int c, const int64_t* values, const uint8_t* nulls, size_t rows) override {
    if (!CheckColumn(c, "int64", PhysicalType::kInt64, nulls, rows)) return;
    row_group_bytes_ += 8 * rows;
    columns_[c]->AddInt64(values, nulls, rows);
  }

  Status EndRows(size_t rows) override {
    if (!error_.ok()) return error_;
    if (closed_) return Status::InvalidArgument(sink_->name() + ": row ended after Close()");
    for (size_t i = 0; i < appended_.size(); ++i) {
      if (appended_[i] != rows) {
        error_ = Status::InvalidArgument(sink_->name() + ": column '" + schema_.columns[i].name + "' received " + std::to_string(appended_[i]) + " values in " + (rows == 1 ? "row " + std::to_string(rows_written_) : std::to_string(rows) + " rows from row " + std::to_string(rows_written_)));
        return error_;
      }
      appended_[i] = 0;
    }
    rows_written_ += rows;
    row_group_rows_ += rows;
    row_group_bytes_ += rows * (schema_.columns.size() / 8 + 1);  // definition levels, roughly
    if (row_group_bytes_ >= options_.row_group_bytes) {
      error_ = FlushRowGroup();
      return error_;
    }
    return Status::OK();
  }

  Status Close() override {
    if (closed_) return Status::InvalidArgument(sink_->name() + ": writer closed twice");
    closed_ = true;
    if (!error_.ok()) return error_;
    for (size_t i = 0; i < appended_.size(); ++i) {
      if (appended_[i] != 0) return Status::InvalidArgument(sink_->name() + ": Close() in the middle of a row");
    }
    AF_RETURN_IF_ERROR(FlushRowGroup());
    format::FileMetaData m;
    m.version = 2;
    format::SchemaElement root;
    root.name = "schema";
    root.num_children = static_cast<int32_t>(schema_.columns.size());
    m.schema.push_back(root);
    for (const auto& c : schema_.columns) m.schema.push_back(LeafElement(c));
    m.num_rows = static_cast<int64_t>(rows_written_);
    m.row_groups = std::move(row_groups_);
    m.created_by = options_.created_by;
    m.type_defined_column_orders = true;
    std::string footer;
    format::Serialize(m, &footer);
    uint32_t len = static_cast<uint32_t>(footer.size());
    char len_bytes[4];
    for (int i = 0; i < 4; ++i) len_bytes[i] = static_cast<char>((len >> (8 * i)) & 0xff);
    footer.append(len_bytes, 4);
    footer.append(kMagic, 4);
    AF_RETURN_IF_ERROR(sink_->Append(footer));
    return sink_->Close();
  }

  uint64_t rows_written() const override { return rows_written_; }
  const Schema& schema() const override { return schema_; }

 private:
  bool Check(int c, const char* what, bool is_null, PhysicalType type = PhysicalType::kBoolean) {
    if (c < 0 || static_cast<size_t>(c) >= columns_.size()) {
      if (error_.ok()) error_ = Status::InvalidArgument(sink_->name() + ": column index " + std::to_string(c) + " out of range");
      return false;
    }
    ++appended_[c];
    const ColumnSchema& s = schema_.columns[c];
    if (is_null ? !s.nullable : s.physical != type) {
      if (error_.ok()) {
        error_ = Status::InvalidArgument(sink_->name() + ": column '" + s.name + "' (" + PhysicalTypeName(s.physical) + (s.nullable ? "" : ", required") + ") cannot take " + (is_null ? "a null" : std::string("a ") + what + " value"));
      }
      return false;
    }
    return error_.ok();
  }

  // A bulk append's column, type and nulls; counts its values.
  bool CheckColumn(int c, const char* what, PhysicalType type, const uint8_t* nulls, size_t rows) {
    if (c < 0 || static_cast<size_t>(c) >= columns_.size()) {
      if (error_.ok()) error_ = Status::InvalidArgument(sink_->name() + ": column index " + std::to_string(c) + " out of range");
      return false;
    }
    appended_[c] += rows;
    const ColumnSchema& s = schema_.columns[c];
    if (s.physical != type) {
      if (error_.ok()) error_ = Status::InvalidArgument(sink_->name() + ": column '" + s.name + "' (" + PhysicalTypeName(s.physical) + ") cannot take " + what + " values");
      return false;
    }
    if (!s.nullable && nulls != nullptr) {
      for (size_t i = 0; i < rows; ++i) {
        if (nulls[i] != 0) {
          if (error_.ok()) error_ = Status::InvalidArgument(sink_->name() + ": column '" + s.name + "' (" + PhysicalTypeName(s.physical) + ", required) cannot take a null");
          return false;
        }
      }
    }
    return error_.ok();
  }

  Status FlushRowGroup() {
    if (row_group_rows_ == 0) return Status::OK();
    format::RowGroup rg;
    rg.num_rows = static_cast<int64_t>(row_group_rows_);
    rg.file_offset = static_cast<int64_t>(sink_->BytesWritten());
    rg.ordinal = static_cast<int32_t>(row_groups_.size());
    int64_t compressed = 0;
    for (auto& col : columns_) {
      format::ColumnChunk cc;
      AF_RETURN_IF_ERROR(col->FinishChunk(sink_.get(), &cc));
      rg.total_byte_size += cc.meta_data->total_uncompressed_size;
      compressed += cc.meta_data->total_compressed_size;
      rg.columns.push_back(std::move(cc));
    }
    rg.total_compressed_size = compressed;
    row_groups_.push_back(std::move(rg));
    row_group_rows_ = 0;
    row_group_bytes_ = 0;
    return Status::OK();
  }

  std::unique_ptr<OutputSink> sink_;
  Schema schema_;
  WriterOptions options_;
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  std::vector<size_t> appended_;
  std::vector<format::RowGroup> row_groups_;
  uint64_t rows_written_ = 0;
  uint64_t row_group_rows_ = 0;
  uint64_t row_group_bytes_ = 0;
  Status error_;
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<Writer>> Writer::Open(std::unique_ptr<OutputSink> sink, Schema schema, WriterOptions options) {
  if (!sink) return Status::InvalidArgument("Parquet writer needs a sink");
  AF_RETURN_IF_ERROR(CheckSchema(schema).WithContext(sink->name()));
  auto w = std::make_unique<WriterImpl>(std::move(sink), std::move(schema), std::move(options));
  AF_RETURN_IF_ERROR(w->Start());
  return std::unique_ptr<Writer>(std::move(w));
}

}  // namespace arxivflow::parquet
