#include "parquet/column_reader.h"

#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "parquet/delta.h"
#include "parquet/format.h"
#include "parquet/page_crc.h"
#include "parquet/rle.h"

namespace arxivflow::parquet {

namespace {

uint32_t LoadLe32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

const char* PageTypeName(int32_t type) {
  switch (type) {
    case format::kDataPage: return "data page";
    case format::kDataPageV2: return "data page v2";
    case format::kDictionaryPage: return "dictionary page";
    case format::kIndexPage: return "index page";
  }
  return "page of unknown type";
}

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

}  // namespace

Status ChunkDecoder::Corrupt(const std::string& what) const { return Status::Corruption(spec_->where + ": " + what); }

Status ChunkDecoder::VerifyChecksum(const format::PageHeader& h, std::string_view page, size_t page_number, size_t header_pos) const {
  // CRC32 (the gzip polynomial) of the page as stored: every byte after the
  // header, compressed or not, levels included.
  const uint32_t computed = Crc32(page);
  const uint32_t stored = static_cast<uint32_t>(*h.crc);
  if (computed == stored) return Status::OK();
  return Corrupt("page " + std::to_string(page_number) + " (" + PageTypeName(h.type) + " at file offset " +
                 std::to_string(spec_->file_offset + header_pos) + "): CRC32 mismatch, stored " + Hex32(stored) +
                 ", computed " + Hex32(computed) + " (the page or its checksum is damaged)");
}

size_t ChunkDecoder::ValueWidth() const {
  switch (spec_->physical) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kFixedLenByteArray: return static_cast<size_t>(spec_->type_length);
    default: return 0;
  }
}

void ChunkDecoder::StoreFixed(size_t row, const uint8_t* bytes, ColumnVector* out) {
  switch (spec_->physical) {
    case PhysicalType::kInt32: std::memcpy(&out->i32[row], bytes, 4); break;
    case PhysicalType::kInt64: std::memcpy(&out->i64[row], bytes, 8); break;
    case PhysicalType::kDouble: std::memcpy(&out->f64[row], bytes, 8); break;
    case PhysicalType::kFloat: std::memcpy(&out->f32[row], bytes, 4); break;
    case PhysicalType::kFixedLenByteArray:
      str_off_[row] = arena_pending_->size();
      str_len_[row] = static_cast<uint32_t>(spec_->type_length);
      arena_pending_->append(reinterpret_cast<const char*>(bytes), static_cast<size_t>(spec_->type_length));
      break;
    default: break;
  }
}

Status ChunkDecoder::Decompress(std::string_view in, size_t size, std::string* out) {
  if (size > options_.max_page_bytes) return Corrupt("page of " + std::to_string(size) + " bytes exceeds the limit of " + std::to_string(options_.max_page_bytes));
  if (spec_->codec == Compression::kUncompressed) {
    if (in.size() != size) return Corrupt("uncompressed page is " + std::to_string(in.size()) + " bytes, header says " + std::to_string(size));
    out->assign(in);
    return Status::OK();
  }
  // Refuse sizes the input cannot possibly expand to before allocating.
  if (spec_->codec == Compression::kGzip && size > in.size() * 1040 + 1024) return Corrupt("gzip page claims an impossible expansion to " + std::to_string(size) + " bytes");
  if (spec_->codec == Compression::kZstd) {
    unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
    if (declared == ZSTD_CONTENTSIZE_ERROR) return Corrupt("invalid zstd data");
    if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared > size) return Corrupt("zstd frame is larger than the page header says");
  }
  if (!decompressor_ || decompressor_codec_ != spec_->codec) {
    decompressor_ = MakeDecompressor(spec_->codec);
    decompressor_codec_ = spec_->codec;
  }
  Status st = decompressor_->Decompress(in, size, out);
  if (!st.ok()) return Corrupt(st.message());
  return Status::OK();
}

Status ChunkDecoder::ReadDictionary(std::string_view data, int32_t count) {
  if (count < 0) return Corrupt("dictionary page has a negative value count");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size();
  if (spec_->physical == PhysicalType::kByteArray) {
    if (static_cast<uint64_t>(count) * 4 > n) return Corrupt("dictionary of " + std::to_string(count) + " values does not fit its page");
    dict_off_.clear();
    dict_len_.clear();
    dict_off_.reserve(count);
    dict_len_.reserve(count);
    // Dictionary strings go to the arena first; values will point at them.
    size_t pos = 0;
    for (int32_t i = 0; i < count; ++i) {
      if (n - pos < 4) return Corrupt("dictionary value " + std::to_string(i) + " truncated");
      uint32_t len = LoadLe32(p + pos);
      pos += 4;
      if (len > n - pos) return Corrupt("dictionary value " + std::to_string(i) + " of " + std::to_string(len) + " bytes runs past its page");
      dict_off_.push_back(arena_pending_->size());
      dict_len_.push_back(len);
      arena_pending_->append(data.data() + pos, len);
      pos += len;
    }
  } else if (spec_->physical == PhysicalType::kBoolean) {
    return Corrupt("BOOLEAN column has a dictionary page");
  } else if (spec_->physical == PhysicalType::kFixedLenByteArray) {
    const size_t w = ValueWidth();
    if (static_cast<uint64_t>(count) * w > n) return Corrupt("dictionary of " + std::to_string(count) + " values does not fit its page");
    dict_off_.clear();
    dict_len_.clear();
    dict_off_.reserve(count);
    dict_len_.reserve(count);
    for (int32_t i = 0; i < count; ++i) {
      dict_off_.push_back(arena_pending_->size());
      dict_len_.push_back(static_cast<uint32_t>(w));
      arena_pending_->append(data.data() + static_cast<size_t>(i) * w, w);
    }
  } else {
    size_t w = ValueWidth();
    if (static_cast<uint64_t>(count) * w > n) return Corrupt("dictionary of " + std::to_string(count) + " values does not fit its page");
    dict_fixed_.assign(data.data(), static_cast<size_t>(count) * w);
  }
  dict_count_ = static_cast<uint32_t>(count);
  has_dict_ = true;
  return Status::OK();
}

Status ChunkDecoder::DecodeLevels(const uint8_t* p, size_t n, size_t count) {
  levels_.resize(count);
  RleDecoder dec(p, n, 1);
  Status st = dec.Decode(levels_.data(), count);
  if (!st.ok()) return Corrupt("definition levels: " + st.message());
  for (size_t i = 0; i < count; ++i) {
    if (levels_[i] > 1) return Corrupt("definition level " + std::to_string(levels_[i]) + " exceeds the maximum of 1");
  }
  return Status::OK();
}

Status ChunkDecoder::DecodeValues(int32_t encoding, std::string_view data, size_t row0, size_t count, ColumnVector* out) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(data.data());
  const size_t n = data.size();
  const bool all_valid = !spec_->nullable;
  auto valid = [&](size_t i) { return all_valid || levels_[i] != 0; };
  size_t non_null = 0;
  for (size_t i = 0; i < count; ++i) {
    bool v = valid(i);
    out->valid[row0 + i] = v;
    non_null += v;
  }
  const size_t w = ValueWidth();

  if (encoding == format::kPlainDictionary || encoding == format::kRleDictionary) {
    if (!has_dict_) return Corrupt("dictionary-encoded page without a dictionary page");
    if (non_null == 0) return Status::OK();
    if (n < 1) return Corrupt("dictionary-encoded page lacks its bit width");
    int bw = p[0];
    if (bw > 32) return Corrupt("dictionary index bit width " + std::to_string(bw) + " out of range");
    indices_.resize(non_null);
    RleDecoder dec(p + 1, n - 1, bw);
    Status st = dec.Decode(indices_.data(), non_null);
    if (!st.ok()) return Corrupt("dictionary indices: " + st.message());
    size_t k = 0;
    for (size_t i = 0; i < count; ++i) {
      if (!valid(i)) continue;
      uint32_t idx = indices_[k++];
      if (idx >= dict_count_) return Corrupt("dictionary index " + std::to_string(idx) + " out of range (dictionary has " + std::to_string(dict_count_) + " values)");
      size_t row = row0 + i;
      switch (spec_->physical) {
        case PhysicalType::kByteArray:
        case PhysicalType::kFixedLenByteArray: str_off_[row] = dict_off_[idx]; str_len_[row] = dict_len_[idx]; break;
        case PhysicalType::kInt32: std::memcpy(&out->i32[row], dict_fixed_.data() + idx * w, 4); break;
        case PhysicalType::kInt64: std::memcpy(&out->i64[row], dict_fixed_.data() + idx * w, 8); break;
        case PhysicalType::kDouble: std::memcpy(&out->f64[row], dict_fixed_.data() + idx * w, 8); break;
        case PhysicalType::kFloat: std::memcpy(&out->f32[row], dict_fixed_.data() + idx * w, 4); break;
        case PhysicalType::kBoolean: break;
      }
    }
    return Status::OK();
  }

  if (encoding == format::kRle && spec_->physical == PhysicalType::kBoolean) {
    if (n < 4) return Corrupt("RLE boolean page lacks its length");
    uint32_t len = LoadLe32(p);
    if (len > n - 4) return Corrupt("RLE boolean data runs past its page");
    indices_.resize(non_null);
    RleDecoder dec(p + 4, len, 1);
    Status st = dec.Decode(indices_.data(), non_null);
    if (!st.ok()) return Corrupt("RLE booleans: " + st.message());
    size_t k = 0;
    for (size_t i = 0; i < count; ++i) {
      if (valid(i)) out->booleans[row0 + i] = indices_[k++] != 0;
    }
    return Status::OK();
  }

  if (encoding == format::kDeltaBinaryPacked || encoding == format::kDeltaLengthByteArray ||
      encoding == format::kDeltaByteArray || encoding == format::kByteStreamSplit) {
    return DecodeV2Values(encoding, data, row0, count, non_null, out);
  }

  if (encoding != format::kPlain) {
    return Status::Unsupported(spec_->where + ": encoding " + format::EncodingName(encoding) + " (" + std::to_string(encoding) + ") is not supported");
  }

  switch (spec_->physical) {
    case PhysicalType::kBoolean: {
      if ((non_null + 7) / 8 > n) return Corrupt("PLAIN booleans run past their page");
      size_t k = 0;
      for (size_t i = 0; i < count; ++i) {
        if (!valid(i)) continue;
        out->booleans[row0 + i] = (p[k / 8] >> (k % 8)) & 1;
        ++k;
      }
      return Status::OK();
    }
    case PhysicalType::kByteArray: {
      size_t pos = 0;
      for (size_t i = 0; i < count; ++i) {
        if (!valid(i)) continue;
        if (n - pos < 4) return Corrupt("PLAIN string length runs past its page");
        uint32_t len = LoadLe32(p + pos);
        pos += 4;
        if (len > n - pos) return Corrupt("PLAIN string of " + std::to_string(len) + " bytes runs past its page");
        str_off_[row0 + i] = arena_pending_->size();
        str_len_[row0 + i] = len;
        arena_pending_->append(data.data() + pos, len);
        pos += len;
      }
      return Status::OK();
    }
    default: {
      if (static_cast<uint64_t>(non_null) * w > n) return Corrupt("PLAIN values run past their page");
      size_t k = 0;
      for (size_t i = 0; i < count; ++i) {
        if (!valid(i)) continue;
        StoreFixed(row0 + i, p + k * w, out);
        ++k;
      }
      return Status::OK();
    }
  }
}

Status ChunkDecoder::DecodeDeltaInts(const uint8_t* p, size_t n, size_t expected, const uint8_t** end) {
  DeltaBinaryPackedDecoder dec(p, n);
  Status st = dec.Init();
  if (st.ok() && dec.total_values() != expected) {
    st = Status::Corruption("DELTA_BINARY_PACKED holds " + std::to_string(dec.total_values()) + " values, expected " + std::to_string(expected));
  }
  if (st.ok()) {
    deltas_.resize(expected);
    st = dec.Decode(deltas_.data(), expected);
  }
  if (!st.ok()) return Corrupt(st.message());
  if (end) *end = dec.position();
  return Status::OK();
}

Status ChunkDecoder::DecodeV2Values(int32_t encoding, std::string_view data, size_t row0, size_t count, size_t non_null,
                                    ColumnVector* out) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(data.data());
  const size_t n = data.size();
  const PhysicalType t = spec_->physical;
  auto valid = [&](size_t i) { return out->valid[row0 + i] != 0; };
  auto unsupported = [&] {
    return Status::Unsupported(spec_->where + ": encoding " + format::EncodingName(encoding) + " is not supported for " + PhysicalTypeName(t));
  };

  if (encoding == format::kDeltaBinaryPacked) {
    if (t != PhysicalType::kInt32 && t != PhysicalType::kInt64) return unsupported();
    AF_RETURN_IF_ERROR(DecodeDeltaInts(p, n, non_null, nullptr));
    size_t k = 0;
    for (size_t i = 0; i < count; ++i) {
      if (!valid(i)) continue;
      if (t == PhysicalType::kInt32) out->i32[row0 + i] = static_cast<int32_t>(static_cast<uint32_t>(deltas_[k++]));
      else out->i64[row0 + i] = deltas_[k++];
    }
    return Status::OK();
  }

  if (encoding == format::kByteStreamSplit) {
    const size_t w = ValueWidth();
    if (w == 0) return unsupported();
    if (static_cast<uint64_t>(non_null) * w > n) return Corrupt("BYTE_STREAM_SPLIT values run past their page");
    if (non_null == 0) return Status::OK();
    scratch_.resize(w);
    uint8_t* bytes = reinterpret_cast<uint8_t*>(scratch_.data());
    size_t k = 0;
    for (size_t i = 0; i < count; ++i) {
      if (!valid(i)) continue;
      for (size_t b = 0; b < w; ++b) bytes[b] = p[b * non_null + k];
      ++k;
      StoreFixed(row0 + i, bytes, out);
    }
    return Status::OK();
  }

  // DELTA_BYTE_ARRAY also serves FIXED_LEN_BYTE_ARRAY (every value its length).
  const bool fixed = t == PhysicalType::kFixedLenByteArray;
  if (t != PhysicalType::kByteArray && !(fixed && encoding == format::kDeltaByteArray)) return unsupported();
  if (encoding == format::kDeltaLengthByteArray) {
    const uint8_t* pos = nullptr;
    AF_RETURN_IF_ERROR(DecodeDeltaInts(p, n, non_null, &pos));
    size_t off = static_cast<size_t>(pos - p);
    size_t k = 0;
    for (size_t i = 0; i < count; ++i) {
      if (!valid(i)) continue;
      int64_t len = deltas_[k++];
      if (len < 0 || static_cast<uint64_t>(len) > n - off) return Corrupt("DELTA_LENGTH_BYTE_ARRAY value runs past its page");
      str_off_[row0 + i] = arena_pending_->size();
      str_len_[row0 + i] = static_cast<uint32_t>(len);
      arena_pending_->append(data.data() + off, static_cast<size_t>(len));
      off += static_cast<size_t>(len);
    }
    return Status::OK();
  }

  // DELTA_BYTE_ARRAY: prefix lengths, then the suffixes as DELTA_LENGTH_BYTE_ARRAY.
  const uint8_t* pos = nullptr;
  AF_RETURN_IF_ERROR(DecodeDeltaInts(p, n, non_null, &pos));
  std::vector<int64_t> prefixes;
  prefixes.swap(deltas_);
  size_t off = static_cast<size_t>(pos - p);
  AF_RETURN_IF_ERROR(DecodeDeltaInts(p + off, n - off, non_null, &pos));
  off = static_cast<size_t>(pos - p);
  uint64_t produced = 0;
  size_t k = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!valid(i)) continue;
    int64_t prefix = prefixes[k], len = deltas_[k];
    ++k;
    if (prefix < 0 || static_cast<uint64_t>(prefix) > previous_.size()) return Corrupt("DELTA_BYTE_ARRAY prefix longer than the previous value");
    if (len < 0 || static_cast<uint64_t>(len) > n - off) return Corrupt("DELTA_BYTE_ARRAY suffix runs past its page");
    previous_.resize(static_cast<size_t>(prefix));
    previous_.append(data.data() + off, static_cast<size_t>(len));
    off += static_cast<size_t>(len);
    if (fixed && previous_.size() != static_cast<size_t>(spec_->type_length)) {
      return Corrupt("DELTA_BYTE_ARRAY value of " + std::to_string(previous_.size()) + " bytes in a FIXED_LEN_BYTE_ARRAY(" + std::to_string(spec_->type_length) + ") column");
    }
    // Shared prefixes could otherwise expand a small page without bound.
    produced += previous_.size();
    if (produced > options_.max_page_bytes) return Corrupt("DELTA_BYTE_ARRAY page expands past the page limit");
    str_off_[row0 + i] = arena_pending_->size();
    str_len_[row0 + i] = static_cast<uint32_t>(previous_.size());
    arena_pending_->append(previous_);
  }
  prefixes.swap(deltas_);
  return Status::OK();
}

Status ChunkDecoder::Decode(const ChunkSpec& spec, std::string_view chunk, ColumnVector* out) {
  spec_ = &spec;
  has_dict_ = false;
  dict_count_ = 0;
  previous_.clear();
  const size_t total = static_cast<size_t>(spec.num_values);
  out->physical = spec.physical;
  out->logical = spec.logical;
  out->size = spec.num_values;
  out->valid.assign(total, 0);
  out->arena.clear();
  // Keep the arena on the heap (past the small-string buffer): the views in
  // out->strings must survive moves of the ColumnVector.
  out->arena.reserve(32);
  arena_pending_ = &out->arena;
  switch (spec.physical) {
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      str_off_.assign(total, 0);
      str_len_.assign(total, 0);
      break;
    case PhysicalType::kInt32: out->i32.assign(total, 0); break;
    case PhysicalType::kInt64: out->i64.assign(total, 0); break;
    case PhysicalType::kDouble: out->f64.assign(total, 0); break;
    case PhysicalType::kFloat: out->f32.assign(total, 0); break;
    case PhysicalType::kBoolean: out->booleans.assign(total, 0); break;
  }

  const uint8_t* base = reinterpret_cast<const uint8_t*>(chunk.data());
  // Pages must end within the declared chunk, or within the declared chunk
  // plus the header of a dictionary page that starts it (see the header).
  size_t limit = std::min<size_t>(chunk.size(), spec.declared_bytes);
  size_t pos = 0;
  size_t rows = 0;
  size_t page_number = 0;
  bool seen_data = false;
  for (; rows < total; ++page_number) {
    if (pos >= limit) return Corrupt("column chunk ends after " + std::to_string(rows) + " of " + std::to_string(total) + " values");
    const size_t header_pos = pos;
    format::PageHeader h;
    size_t hlen = 0;
    Status st = format::ParsePageHeader(base + pos, (pos == 0 ? chunk.size() : limit) - pos, &h, &hlen);
    if (!st.ok()) return Corrupt("page header at chunk offset " + std::to_string(pos) + ": " + st.message());
    if (pos == 0 && h.type == format::kDictionaryPage) limit = std::min(chunk.size(), limit + hlen);
    if (hlen > limit - pos) return Corrupt("page header at chunk offset " + std::to_string(pos) + " runs past the column chunk");
    pos += hlen;
    if (h.compressed_page_size < 0 || static_cast<size_t>(h.compressed_page_size) > limit - pos) {
      return Corrupt("page of " + std::to_string(h.compressed_page_size) + " compressed bytes runs past the column chunk");
    }
    if (h.uncompressed_page_size < 0) return Corrupt("negative uncompressed page size");
    std::string_view page(chunk.data() + pos, static_cast<size_t>(h.compressed_page_size));
    pos += page.size();
    if (h.crc && options_.verify_checksums) AF_RETURN_IF_ERROR(VerifyChecksum(h, page, page_number, header_pos));
    const size_t usize = static_cast<size_t>(h.uncompressed_page_size);

    if (h.type == format::kDictionaryPage) {
      if (!h.dictionary_page_header) return Corrupt("dictionary page without its header");
      if (seen_data || has_dict_) return Corrupt("dictionary page after data pages");
      int32_t enc = h.dictionary_page_header->encoding;
      if (enc != format::kPlain && enc != format::kPlainDictionary) return Corrupt("dictionary page encoding " + std::string(format::EncodingName(enc)) + " is not PLAIN");
      AF_RETURN_IF_ERROR(Decompress(page, usize, &page_buf_));
      AF_RETURN_IF_ERROR(ReadDictionary(page_buf_, h.dictionary_page_header->num_values));
      continue;
    }
    if (h.type == format::kDataPage) {
      if (!h.data_page_header) return Corrupt("data page without its header");
      const auto& d = *h.data_page_header;
      if (d.num_values < 0 || static_cast<size_t>(d.num_values) > total - rows) return Corrupt("data page of " + std::to_string(d.num_values) + " values exceeds the " + std::to_string(total - rows) + " values left in the chunk");
      seen_data = true;
      AF_RETURN_IF_ERROR(Decompress(page, usize, &page_buf_));
      std::string_view body = page_buf_;
      const size_t count = static_cast<size_t>(d.num_values);
      if (spec.nullable) {
        if (d.definition_level_encoding != format::kRle) return Status::Unsupported(spec.where + ": definition level encoding " + format::EncodingName(d.definition_level_encoding) + " is not supported");
        if (body.size() < 4) return Corrupt("data page lacks its definition levels");
        uint32_t len = LoadLe32(reinterpret_cast<const uint8_t*>(body.data()));
        if (len > body.size() - 4) return Corrupt("definition levels of " + std::to_string(len) + " bytes run past their page");
        AF_RETURN_IF_ERROR(DecodeLevels(reinterpret_cast<const uint8_t*>(body.data()) + 4, len, count));
        body.remove_prefix(4 + len);
      }
      AF_RETURN_IF_ERROR(DecodeValues(d.encoding, body, rows, count, out));
      rows += count;
      continue;
    }
    if (h.type == format::kDataPageV2) {
      if (!h.data_page_header_v2) return Corrupt("data page v2 without its header");
      const auto& d = *h.data_page_header_v2;
      if (d.num_values < 0 || static_cast<size_t>(d.num_values) > total - rows) return Corrupt("data page of " + std::to_string(d.num_values) + " values exceeds the " + std::to_string(total - rows) + " values left in the chunk");
      if (d.definition_levels_byte_length < 0 || d.repetition_levels_byte_length < 0 ||
          static_cast<uint64_t>(d.definition_levels_byte_length) + static_cast<uint64_t>(d.repetition_levels_byte_length) > page.size()) {
        return Corrupt("data page v2 level lengths exceed the page");
      }
      const size_t levels_len = static_cast<size_t>(d.definition_levels_byte_length) + static_cast<size_t>(d.repetition_levels_byte_length);
      if (levels_len > usize) return Corrupt("data page v2 level lengths exceed the uncompressed page size");
      seen_data = true;
      const size_t count = static_cast<size_t>(d.num_values);
      const uint8_t* lv = reinterpret_cast<const uint8_t*>(page.data()) + d.repetition_levels_byte_length;
      if (spec.nullable) {
        AF_RETURN_IF_ERROR(DecodeLevels(lv, static_cast<size_t>(d.definition_levels_byte_length), count));
      }
      std::string_view values = page.substr(levels_len);
      if (d.is_compressed && spec.codec != Compression::kUncompressed) {
        AF_RETURN_IF_ERROR(Decompress(values, usize - levels_len, &page_buf_));
      } else {
        if (values.size() != usize - levels_len) return Corrupt("uncompressed page v2 size mismatch");
        page_buf_.assign(values);
      }
      AF_RETURN_IF_ERROR(DecodeValues(d.encoding, page_buf_, rows, count, out));
      rows += count;
      continue;
    }
    // Index pages and unknown page types carry no values: skip them.
  }

  if (spec.physical == PhysicalType::kByteArray || spec.physical == PhysicalType::kFixedLenByteArray) {
    out->strings.resize(total);
    const char* a = out->arena.data();
    for (size_t i = 0; i < total; ++i) out->strings[i] = std::string_view(a + str_off_[i], str_len_[i]);
  }
  return Status::OK();
}

}  // namespace arxivflow::parquet
