#include "parquet/reader.h"

#include <cstring>

#include "parquet/column_reader.h"
#include "parquet/format.h"

namespace arxivflow::parquet {

namespace {

constexpr uint64_t kTrailerBytes = 8;  // footer length + "PAR1"
constexpr uint64_t kSpeculativeTailBytes = 64 << 10;

bool MapCodec(int32_t c, Compression* out) {
  switch (c) {
    case format::kUncompressed: *out = Compression::kUncompressed; return true;
    case format::kSnappy: *out = Compression::kSnappy; return true;
    case format::kGzip: *out = Compression::kGzip; return true;
    case format::kZstd: *out = Compression::kZstd; return true;
  }
  return false;
}

bool MapPhysical(int32_t t, PhysicalType* out) {
  switch (t) {
    case format::kBoolean: *out = PhysicalType::kBoolean; return true;
    case format::kInt32: *out = PhysicalType::kInt32; return true;
    case format::kInt64: *out = PhysicalType::kInt64; return true;
    case format::kDouble: *out = PhysicalType::kDouble; return true;
    case format::kByteArray: *out = PhysicalType::kByteArray; return true;
  }
  return false;
}

const char* FormatTypeName(int32_t t) {
  switch (t) {
    case format::kInt96: return "INT96";
    case format::kFloat: return "FLOAT";
    case format::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "unknown";
}

LogicalType MapLogical(const format::SchemaElement& e, PhysicalType p) {
  using L = format::LogicalTypeInfo;
  const L& l = e.logical;
  int32_t ct = e.converted_type.value_or(-1);
  switch (p) {
    case PhysicalType::kByteArray:
      if (l.kind == L::kString || l.kind == L::kEnum || l.kind == L::kJson) return LogicalType::kString;
      if (l.kind == L::kNone && (ct == format::kUtf8 || ct == format::kEnum || ct == format::kJson)) return LogicalType::kString;
      return LogicalType::kNone;
    case PhysicalType::kInt32:
      if (l.kind == L::kDate || (l.kind == L::kNone && ct == format::kDate)) return LogicalType::kDate;
      if ((l.kind == L::kInteger && l.bit_width == 16 && l.is_signed) || (l.kind == L::kNone && ct == format::kInt16)) return LogicalType::kInt16;
      return LogicalType::kNone;
    case PhysicalType::kInt64:
      if (l.kind == L::kTimestamp && l.unit == 1 && l.is_adjusted_to_utc) return LogicalType::kTimestampMicrosUtc;
      // The legacy annotation means UTC-adjusted microseconds.
      if (l.kind == L::kNone && ct == format::kTimestampMicros) return LogicalType::kTimestampMicrosUtc;
      return LogicalType::kNone;
    default:
      return LogicalType::kNone;
  }
}

class ReaderImpl final : public Reader {
 public:
  ReaderImpl(std::unique_ptr<InputFile> file, const ReaderOptions& options)
      : file_(std::move(file)), options_(options), decoder_(options_) {}

  Status Open() {
    const std::string& name = file_->name();
    const uint64_t size = file_->Size();
    if (size < 4 + kTrailerBytes) return Status::Corruption(name + ": file of " + std::to_string(size) + " bytes is too small to be Parquet");
    // One read of the file's end usually holds the whole footer (fewer
    // round trips on object stores); small files are read whole.
    const uint64_t tail_len = size < kSpeculativeTailBytes ? size : kSpeculativeTailBytes;
    std::string tail;
    AF_RETURN_IF_ERROR(file_->ReadAt(size - tail_len, tail_len, &tail));
    std::string head;
    if (tail_len == size) {
      head = tail.substr(0, 4);
    } else {
      AF_RETURN_IF_ERROR(file_->ReadAt(0, 4, &head));
    }
    if (head != "PAR1") return Status::Corruption(name + ": bad magic at the start (not a Parquet file)");
    const char* trailer = tail.data() + tail.size() - kTrailerBytes;
    if (std::memcmp(trailer + 4, "PARE", 4) == 0) return Status::Unsupported(name + ": encrypted Parquet files are not supported");
    if (std::memcmp(trailer + 4, "PAR1", 4) != 0) return Status::Corruption(name + ": bad magic at the end (truncated or not a Parquet file)");
    uint32_t footer_len;
    std::memcpy(&footer_len, trailer, 4);
    if (footer_len > size - 4 - kTrailerBytes) return Status::Corruption(name + ": footer length " + std::to_string(footer_len) + " exceeds file size " + std::to_string(size));
    if (footer_len > options_.max_footer_bytes) return Status::Corruption(name + ": footer of " + std::to_string(footer_len) + " bytes exceeds the limit of " + std::to_string(options_.max_footer_bytes));
    footer_start_ = size - kTrailerBytes - footer_len;
    std::string footer;
    if (footer_len + kTrailerBytes <= tail_len) {
      footer = tail.substr(tail.size() - kTrailerBytes - footer_len, footer_len);
    } else {
      AF_RETURN_IF_ERROR(file_->ReadAt(footer_start_, footer_len, &footer));
    }
    format::FileMetaData m;
    Status st = format::ParseFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()), footer.size(), &m);
    if (!st.ok()) return Status::Corruption(name + ": invalid footer: " + st.message());
    if (m.encrypted) return Status::Unsupported(name + ": encrypted Parquet files are not supported");
    AF_RETURN_IF_ERROR(BuildSchema(m));
    AF_RETURN_IF_ERROR(BuildRowGroups(m));
    meta_.version = m.version;
    meta_.num_rows = m.num_rows;
    meta_.created_by = m.created_by.value_or("");
    return Status::OK();
  }

  const FileMetadata& metadata() const override { return meta_; }

  Result<ColumnVector> ReadColumn(int row_group, int column) override {
    const std::string& name = file_->name();
    if (row_group < 0 || static_cast<size_t>(row_group) >= meta_.row_groups.size()) {
      return Status::InvalidArgument(name + ": row group " + std::to_string(row_group) + " out of range (file has " + std::to_string(meta_.row_groups.size()) + ")");
    }
    if (column < 0 || static_cast<size_t>(column) >= meta_.schema.columns.size()) {
      return Status::InvalidArgument(name + ": column " + std::to_string(column) + " out of range (file has " + std::to_string(meta_.schema.columns.size()) + ")");
    }
    const ColumnSchema& cs = meta_.schema.columns[column];
    const ColumnChunkInfo& info = meta_.row_groups[row_group].columns[column];
    ChunkSpec spec;
    spec.where = name + ": row group " + std::to_string(row_group) + ", column '" + cs.name + "'";
    spec.physical = cs.physical;
    spec.logical = cs.logical;
    spec.nullable = cs.nullable;
    spec.codec = info.codec;
    spec.num_values = info.num_values;
    const auto& range = ranges_[row_group][column];
    std::string chunk;
    AF_RETURN_IF_ERROR(file_->ReadAt(range.first, range.second, &chunk));
    ColumnVector out;
    AF_RETURN_IF_ERROR(decoder_.Decode(spec, chunk, &out));
    return out;
  }

 private:
  Status BuildSchema(const format::FileMetaData& m) {
    const std::string& name = file_->name();
    if (m.schema.empty()) return Status::Corruption(name + ": empty schema");
    const auto& root = m.schema[0];
    int32_t children = root.num_children.value_or(0);
    if (children < 0 || static_cast<size_t>(children) + 1 != m.schema.size()) {
      for (size_t i = 1; i < m.schema.size(); ++i) {
        if (m.schema[i].num_children.value_or(0) > 0) return Status::Unsupported(name + ": nested schemas are not supported (field '" + m.schema[i].name + "')");
      }
      return Status::Corruption(name + ": schema root has " + std::to_string(children) + " children but " + std::to_string(m.schema.size() - 1) + " elements follow");
    }
    for (size_t i = 1; i < m.schema.size(); ++i) {
      const auto& e = m.schema[i];
      if (e.num_children.value_or(0) > 0 || !e.type) return Status::Unsupported(name + ": nested schemas are not supported (field '" + e.name + "')");
      int32_t rep = e.repetition_type.value_or(format::kRequired);
      if (rep == format::kRepeated) return Status::Unsupported(name + ": repeated field '" + e.name + "' is not supported");
      if (rep != format::kRequired && rep != format::kOptional) return Status::Corruption(name + ": field '" + e.name + "' has invalid repetition " + std::to_string(rep));
      ColumnSchema c;
      c.name = e.name;
      if (!MapPhysical(*e.type, &c.physical)) {
        return Status::Unsupported(name + ": field '" + e.name + "' has physical type " + FormatTypeName(*e.type) + ", which is not supported");
      }
      c.logical = MapLogical(e, c.physical);
      c.nullable = rep == format::kOptional;
      meta_.schema.columns.push_back(std::move(c));
    }
    return Status::OK();
  }

  Status BuildRowGroups(const format::FileMetaData& m) {
    const std::string& name = file_->name();
    const size_t ncols = meta_.schema.columns.size();
    if (m.num_rows < 0) return Status::Corruption(name + ": negative row count");
    int64_t sum_rows = 0;
    for (size_t g = 0; g < m.row_groups.size(); ++g) {
      const auto& rg = m.row_groups[g];
      const std::string where = name + ": row group " + std::to_string(g);
      if (rg.columns.size() != ncols) return Status::Corruption(where + " has " + std::to_string(rg.columns.size()) + " column chunks, schema has " + std::to_string(ncols) + " columns");
      if (rg.num_rows < 0) return Status::Corruption(where + " has a negative row count");
      if (rg.num_rows > INT64_MAX - sum_rows) return Status::Corruption(where + ": row counts overflow");
      sum_rows += rg.num_rows;
      RowGroupInfo info;
      info.num_rows = rg.num_rows;
      info.total_byte_size = rg.total_byte_size;
      std::vector<std::pair<uint64_t, uint64_t>> ranges;
      for (size_t c = 0; c < ncols; ++c) {
        const auto& cc = rg.columns[c];
        const ColumnSchema& cs = meta_.schema.columns[c];
        const std::string cwhere = where + ", column '" + cs.name + "'";
        if (cc.file_path) return Status::Unsupported(cwhere + ": column data in another file is not supported");
        if (!cc.meta_data) return Status::Corruption(cwhere + " has no metadata");
        const auto& md = *cc.meta_data;
        ColumnChunkInfo ci;
        ci.column = cs.name;
        PhysicalType pt;
        if (!MapPhysical(md.type, &pt) || pt != cs.physical) return Status::Corruption(cwhere + ": chunk type " + std::to_string(md.type) + " does not match the schema");
        ci.physical = pt;
        if (!MapCodec(md.codec, &ci.codec)) return Status::Unsupported(cwhere + ": codec " + format::CodecName(md.codec) + " is not supported");
        for (int32_t e : md.encodings) ci.encodings.push_back(format::EncodingName(e));
        if (md.num_values != rg.num_rows) return Status::Corruption(cwhere + " has " + std::to_string(md.num_values) + " values but the row group has " + std::to_string(rg.num_rows) + " rows");
        if (static_cast<uint64_t>(md.num_values) > options_.max_values_per_chunk) return Status::Corruption(cwhere + ": " + std::to_string(md.num_values) + " values exceed the limit of " + std::to_string(options_.max_values_per_chunk));
        ci.num_values = md.num_values;
        ci.compressed_bytes = md.total_compressed_size;
        ci.uncompressed_bytes = md.total_uncompressed_size;
        ci.data_page_offset = md.data_page_offset;
        int64_t start = md.data_page_offset;
        if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 && *md.dictionary_page_offset < start) {
          ci.dictionary_page_offset = md.dictionary_page_offset;
          start = *md.dictionary_page_offset;
        }
        const int64_t len = md.total_compressed_size;
        if (start < 4 || len < 0 || static_cast<uint64_t>(start) > footer_start_ || static_cast<uint64_t>(len) > footer_start_ - static_cast<uint64_t>(start)) {
          return Status::Corruption(cwhere + ": data at offset " + std::to_string(start) + " length " + std::to_string(len) + " lies outside the file's data area (" + std::to_string(footer_start_) + " bytes)");
        }
        if (md.data_page_offset < start || md.data_page_offset - start > len) {
          return Status::Corruption(cwhere + ": data page offset " + std::to_string(md.data_page_offset) + " lies outside its column chunk");
        }
        if (static_cast<uint64_t>(len) > options_.max_chunk_bytes) return Status::Corruption(cwhere + ": chunk of " + std::to_string(len) + " bytes exceeds the limit");
        if (md.statistics) {
          const auto& s = *md.statistics;
          ci.null_count = s.null_count;
          if (s.min_value) ci.min_value = s.min_value;
          else if (s.min && pt != PhysicalType::kByteArray) ci.min_value = s.min;
          if (s.max_value) ci.max_value = s.max_value;
          else if (s.max && pt != PhysicalType::kByteArray) ci.max_value = s.max;
        }
        ranges.emplace_back(static_cast<uint64_t>(start), static_cast<uint64_t>(len));
        info.columns.push_back(std::move(ci));
      }
      meta_.row_groups.push_back(std::move(info));
      ranges_.push_back(std::move(ranges));
    }
    if (sum_rows != m.num_rows) return Status::Corruption(name + ": footer says " + std::to_string(m.num_rows) + " rows but the row groups hold " + std::to_string(sum_rows));
    return Status::OK();
  }

  std::unique_ptr<InputFile> file_;
  ReaderOptions options_;
  ChunkDecoder decoder_;
  FileMetadata meta_;
  uint64_t footer_start_ = 0;
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> ranges_;
};

}  // namespace

Result<std::unique_ptr<Reader>> Reader::Open(std::unique_ptr<InputFile> file) { return Open(std::move(file), ReaderOptions{}); }

Result<std::unique_ptr<Reader>> Reader::Open(std::unique_ptr<InputFile> file, const ReaderOptions& options) {
  if (!file) return Status::InvalidArgument("Parquet reader needs a file");
  auto r = std::make_unique<ReaderImpl>(std::move(file), options);
  AF_RETURN_IF_ERROR(r->Open());
  return std::unique_ptr<Reader>(std::move(r));
}

}  // namespace arxivflow::parquet
