#include "parquet/reader.h"

#include <cstring>

#include "parquet/column_reader.h"
#include "parquet/format.h"
#include "parquet/logical_types.h"

namespace arxivflow::parquet {

namespace {

constexpr uint64_t kTrailerBytes = 8;  // footer length + "PAR1"
constexpr uint64_t kSpeculativeTailBytes = 64 << 10;
// Old parquet-mr and Impala left the dictionary page header out of a chunk's
// total_compressed_size; a Thrift page header of a dictionary page is far
// smaller than this, which bounds the extra bytes read to tolerate it.
constexpr uint64_t kMaxDictionaryHeaderBytes = 100;

bool MapCodec(int32_t c, Compression* out) {
  switch (c) {
    case format::kUncompressed: *out = Compression::kUncompressed; return true;
    case format::kSnappy: *out = Compression::kSnappy; return true;
    case format::kGzip: *out = Compression::kGzip; return true;
    case format::kZstd: *out = Compression::kZstd; return true;
  }
  return false;
}

// Whether the deprecated min/max statistics (compared as signed values by the
// writers that wrote them) are valid for this column: not for byte arrays,
// unsigned integers, or types whose order is not the signed one.
bool SignedOrder(const ColumnSchema& c) {
  switch (c.physical) {
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: return false;
    default: break;
  }
  if (c.logical == LogicalType::kInteger && !c.int_signed) return false;
  return c.logical != LogicalType::kUnsupported;
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
    const char* trailer = tail.data() + tail.size() - kTrailerBytes;
    // Files with an encrypted footer carry "PARE" at both ends.
    if (head == "PARE" || std::memcmp(trailer + 4, "PARE", 4) == 0) {
      return Status::Unsupported(name + ": encrypted files are not supported (encrypted footer, PARE magic)");
    }
    if (head != "PAR1") return Status::Corruption(name + ": bad magic at the start (not a Parquet file)");
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
    if (m.encrypted) return Status::Unsupported(name + ": encrypted files are not supported (plaintext footer with encrypted columns)");
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
    if (cs.logical == LogicalType::kUnsupported) {
      return Status::Unsupported(name + ": column '" + cs.name + "' has " + cs.unsupported + ", which is not supported");
    }
    const ColumnChunkInfo& info = meta_.row_groups[row_group].columns[column];
    const ChunkRange& range = ranges_[row_group][column];
    ChunkSpec spec;
    spec.where = name + ": row group " + std::to_string(row_group) + ", column '" + cs.name + "'";
    spec.physical = cs.physical;
    spec.logical = cs.logical;
    spec.type_length = cs.type_length;
    spec.nullable = cs.nullable;
    spec.codec = info.codec;
    spec.num_values = info.num_values;
    spec.file_offset = range.offset;
    spec.declared_bytes = range.declared;
    std::string chunk;
    if (range.length > 0) AF_RETURN_IF_ERROR(file_->ReadAt(range.offset, range.length, &chunk));
    ColumnVector out;
    AF_RETURN_IF_ERROR(decoder_.Decode(spec, chunk, &out));
    AF_RETURN_IF_ERROR(CheckValues(cs, out, spec.where));
    return out;
  }

 private:
  // The bytes of one column chunk: `declared` as the footer says, `length`
  // read (the declared bytes plus the slack for a dictionary page header the
  // footer may have left out).
  struct ChunkRange {
    uint64_t offset = 0;
    uint64_t declared = 0;
    uint64_t length = 0;
  };

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
      AF_RETURN_IF_ERROR(DescribeColumn(e, &c).WithContext(name));
      c.name = e.name;
      c.nullable = rep == format::kOptional;
      meta_.schema.columns.push_back(std::move(c));
      leaf_types_.push_back(*e.type);
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
      std::vector<ChunkRange> ranges;
      for (size_t c = 0; c < ncols; ++c) {
        const auto& cc = rg.columns[c];
        const ColumnSchema& cs = meta_.schema.columns[c];
        const std::string cwhere = where + ", column '" + cs.name + "'";
        if (cc.encrypted) return Status::Unsupported(cwhere + ": encrypted files are not supported (encrypted column)");
        if (cc.file_path) return Status::Unsupported(cwhere + ": column data in another file is not supported");
        if (!cc.meta_data) return Status::Corruption(cwhere + " has no metadata");
        const auto& md = *cc.meta_data;
        ColumnChunkInfo ci;
        ci.column = cs.name;
        if (md.type != leaf_types_[c]) return Status::Corruption(cwhere + ": chunk type " + std::to_string(md.type) + " does not match the schema");
        ci.physical = cs.physical;
        if (!MapCodec(md.codec, &ci.codec)) return Status::Unsupported(cwhere + ": codec " + format::CodecName(md.codec) + " is not supported");
        for (int32_t e : md.encodings) ci.encodings.push_back(format::EncodingName(e));
        if (md.num_values != rg.num_rows) return Status::Corruption(cwhere + " has " + std::to_string(md.num_values) + " values but the row group has " + std::to_string(rg.num_rows) + " rows");
        if (static_cast<uint64_t>(md.num_values) > options_.max_values_per_chunk) return Status::Corruption(cwhere + ": " + std::to_string(md.num_values) + " values exceed the limit of " + std::to_string(options_.max_values_per_chunk));
        ci.num_values = md.num_values;
        ci.compressed_bytes = md.total_compressed_size;
        ci.uncompressed_bytes = md.total_uncompressed_size;
        ci.data_page_offset = md.data_page_offset;
        ChunkRange range;
        // A chunk without values is never read; Arrow writes such chunks
        // with data_page_offset 0 (and sometimes a lone dictionary page).
        if (md.num_values > 0) AF_RETURN_IF_ERROR(LocateChunk(md, cwhere, &ci, &range));
        if (md.statistics) {
          const auto& s = *md.statistics;
          ci.null_count = s.null_count;
          if (s.min_value) ci.min_value = s.min_value;
          else if (s.min && SignedOrder(cs)) ci.min_value = s.min;
          if (s.max_value) ci.max_value = s.max_value;
          else if (s.max && SignedOrder(cs)) ci.max_value = s.max;
        }
        ranges.push_back(range);
        info.columns.push_back(std::move(ci));
      }
      meta_.row_groups.push_back(std::move(info));
      ranges_.push_back(std::move(ranges));
    }
    if (sum_rows != m.num_rows) return Status::Corruption(name + ": footer says " + std::to_string(m.num_rows) + " rows but the row groups hold " + std::to_string(sum_rows));
    return Status::OK();
  }

  // Where a column chunk's pages lie. The chunk starts at its dictionary page
  // when there is one before the data pages (or no data page offset at all),
  // else at its first data page, and must lie within the file's data area.
  Status LocateChunk(const format::ColumnMetaData& md, const std::string& cwhere, ColumnChunkInfo* ci, ChunkRange* range) {
    int64_t start = md.data_page_offset;
    if (md.dictionary_page_offset && *md.dictionary_page_offset >= 4 && (start < 4 || *md.dictionary_page_offset < start)) {
      ci->dictionary_page_offset = md.dictionary_page_offset;
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
    range->offset = static_cast<uint64_t>(start);
    range->declared = static_cast<uint64_t>(len);
    const uint64_t after = footer_start_ - range->offset - range->declared;
    range->length = range->declared + (after < kMaxDictionaryHeaderBytes ? after : kMaxDictionaryHeaderBytes);
    return Status::OK();
  }

  std::unique_ptr<InputFile> file_;
  ReaderOptions options_;
  ChunkDecoder decoder_;
  FileMetadata meta_;
  std::vector<int32_t> leaf_types_;  // the physical type of each column as the schema gives it
  uint64_t footer_start_ = 0;
  std::vector<std::vector<ChunkRange>> ranges_;
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
