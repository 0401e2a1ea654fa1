#include "parquet/column_writer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>

#include "parquet/page_crc.h"
#include "parquet/rle.h"

namespace arxivflow::parquet {

namespace {

// Values per page at most: bounds the open page's level and index buffers
// (which grow by 1 and 4 bytes a value whatever the encoded size).
constexpr uint32_t kMaxPageValues = 1u << 16;

// Statistics larger than this are left out, as the reference writers do.
constexpr size_t kMaxStatisticsBytes = 4096;

inline uint32_t Mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return static_cast<uint32_t>(x);
}

inline void PutLe32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);  // little-endian host (x86-64 / aarch64)
  out->append(b, 4);
}

int SignedCompare(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  // Skip the common prefix eight bytes at a time.
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) {
      i += static_cast<size_t>(__builtin_ctzll(x ^ y)) / 8;  // little-endian: lowest byte first
      int8_t p = static_cast<int8_t>(a[i]), q = static_cast<int8_t>(b[i]);
      return p < q ? -1 : 1;
    }
  }
  for (; i < n; ++i) {
    int8_t x = static_cast<int8_t>(a[i]), y = static_cast<int8_t>(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// Equality of two 4- or 8-byte values (inline loads, no memcmp call).
inline bool SameFixed(const void* a, const void* b, size_t width) {
  if (width == 4) {
    uint32_t x, y;
    std::memcpy(&x, a, 4);
    std::memcpy(&y, b, 4);
    return x == y;
  }
  uint64_t x, y;
  std::memcpy(&x, a, 8);
  std::memcpy(&y, b, 8);
  return x == y;
}

// Equality of `n` bytes; short keys (the dictionary's usual) without a
// memcmp call, by two overlapping loads.
inline bool BytesEqual(const char* a, const char* b, size_t n) {
  if (n > 16) return std::memcmp(a, b, n) == 0;
  if (n >= 8) {
    uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n >= 4) {
    uint32_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 4);
    std::memcpy(&b0, b, 4);
    std::memcpy(&a1, a + n - 4, 4);
    std::memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// The first 8 bytes as a big-endian number, zero-padded: when two values'
// keys differ, they order the values as memcmp would (a padding zero sorts
// a proper prefix first; equal keys leave the decision to the full compare).
inline uint64_t PrefixKey(std::string_view v) {
  const char* p = v.data();
  const size_t n = v.size();
  uint64_t x = 0;
  if (n >= 8) {
    std::memcpy(&x, p, 8);
  } else if (n >= 4) {  // two overlapping 4-byte loads
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    x = lo | (static_cast<uint64_t>(hi) << (8 * (n - 4)));
  } else if (n > 0) {  // bytes 0, n/2 and n-1 cover 1 to 3 bytes
    x = static_cast<uint64_t>(static_cast<uint8_t>(p[0])) |
        static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << (8 * (n / 2)) |
        static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << (8 * (n - 1));
  }
  return __builtin_bswap64(x);
}

// The dictionary's hash of a BYTE_ARRAY value: short values (the usual
// dictionary entries: versions, licenses, category lists) from their
// PrefixKeys, longer ones by the library's hash.
inline uint32_t HashBytes(std::string_view v) {
  const size_t n = v.size();
  if (n > 16) return static_cast<uint32_t>(std::hash<std::string_view>{}(v));
  const uint64_t a = PrefixKey(v.substr(0, 8));
  const uint64_t b = n > 8 ? PrefixKey(v.substr(n - 8)) : 0;
  return Mix64(a ^ Mix64(b + n));
}

// Unsigned byte order (memcmp order) without a library call: values that tie
// on their first 8 bytes (ids sharing a prefix) are usually short.
inline int CompareUnsigned(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
  }
  // Fewer than 8 bytes left in the shorter one: zero-padded keys decide,
  // and when they tie the shorter value is a prefix of the longer.
  const uint64_t x = PrefixKey(a.substr(i)), y = PrefixKey(b.substr(i));
  if (x != y) return x < y ? -1 : 1;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// The PrefixKey of a `size`-byte value in signed byte order: flipping the
// sign bit of each real byte turns signed order into unsigned order, and the
// padding stays the lowest.
inline uint64_t SignedKey(uint64_t prefix_key, size_t size) {
  constexpr uint64_t kSignBits = 0x8080808080808080ull;
  if (size >= 8) return prefix_key ^ kSignBits;
  if (size == 0) return prefix_key;
  return prefix_key ^ (kSignBits << (8 * (8 - size)));
}

// True when some byte is >= 0x80 (where signed and unsigned order differ).
inline bool HasHighBytes(std::string_view v) {
  const char* p = v.data();
  size_t n = v.size();
  uint64_t acc = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    acc |= w;
  }
  for (; i < n; ++i) acc |= static_cast<uint8_t>(p[i]);
  return (acc & 0x8080808080808080ull) != 0;
}

format::Type ToFormatType(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean: return format::kBoolean;
    case PhysicalType::kInt32: return format::kInt32;
    case PhysicalType::kInt64: return format::kInt64;
    case PhysicalType::kDouble: return format::kDouble;
    case PhysicalType::kByteArray: return format::kByteArray;
    case PhysicalType::kFloat: return format::kFloat;
    case PhysicalType::kFixedLenByteArray: return format::kFixedLenByteArray;
  }
  return format::kByteArray;
}

// CRC32 of a page's bytes as stored, as parquet-format defines the page
// header's `crc`.
int32_t PageCrc(std::string_view stored) {
  return static_cast<int32_t>(Crc32(stored));
}

format::Codec ToFormatCodec(Compression c) {
  switch (c) {
    case Compression::kUncompressed: return format::kUncompressed;
    case Compression::kSnappy: return format::kSnappy;
    case Compression::kGzip: return format::kGzip;
    case Compression::kZstd: return format::kZstd;
  }
  return format::kUncompressed;
}

}  // namespace

ColumnWriter::ColumnWriter(const ColumnSchema& schema, const WriterOptions& options)
    : schema_(schema), options_(options), compressor_(MakeCompressor(options.compression, options.compression_level)) {
  switch (schema_.physical) {
    case PhysicalType::kInt32: fixed_width_ = 4; break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: fixed_width_ = 8; break;
    default: fixed_width_ = 0;
  }
  if (options_.page_bytes == 0) options_.page_bytes = 1;
  ResetChunk();
}

void ColumnWriter::ResetChunk() {
  dict_active_ = options_.dictionary && schema_.physical != PhysicalType::kBoolean;
  dict_arena_.clear();
  dict_offsets_.clear();
  dict_count_ = 0;
  last_index_ = kNoIndex;
  small_index_.fill(kNoIndex);
  if (slots_.empty()) {
    slots_.assign(1024, Slot{});
  } else {
    std::fill(slots_.begin(), slots_.end(), Slot{});
  }
  mask_ = static_cast<uint32_t>(slots_.size() - 1);
  blocks_used_ = 0;
  chunk_bytes_ = 0;
  plain_.Resize(kHeadroom);
  last_plain_offset_ = kNoOffset;
  chunk_values_ = 0;
  uncompressed_total_ = compressed_total_ = 0;
  used_plain_ = used_dict_ = false;
  null_count_ = 0;
  has_minmax_ = false;
  signed_differs_ = false;
  min_s_.clear();
  max_s_.clear();
  min_signed_.clear();
  max_signed_.clear();
}

uint64_t ColumnWriter::buffered_bytes() const {
  return chunk_bytes_ + plain_.size() + indices_.size() * 4 + def_levels_.size() + dict_arena_.size();
}

std::string_view ColumnWriter::DictEntry(uint32_t index) const {
  if (fixed_width_ != 0) return std::string_view(dict_arena_.data() + index * fixed_width_, fixed_width_);
  uint32_t off = dict_offsets_[index];
  uint32_t len;
  std::memcpy(&len, dict_arena_.data() + off - 4, 4);
  return std::string_view(dict_arena_.data() + off, len);
}

bool ColumnWriter::KeyEquals(uint32_t index, std::string_view key) const {
  if (fixed_width_ != 0) return SameFixed(dict_arena_.data() + index * fixed_width_, key.data(), fixed_width_);
  std::string_view e = DictEntry(index);
  return e.size() == key.size() && BytesEqual(e.data(), key.data(), key.size());
}

void ColumnWriter::GrowTable() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, Slot{});
  mask_ = static_cast<uint32_t>(slots_.size() - 1);
  for (const Slot& s : old) {
    if (s.index_plus1 == 0) continue;
    uint32_t pos = s.hash & mask_;
    while (slots_[pos].index_plus1 != 0) pos = (pos + 1) & mask_;
    slots_[pos] = s;
  }
}

uint32_t ColumnWriter::DictLookupOrInsert(std::string_view key, uint32_t hash, bool* inserted) {
  uint32_t pos = hash & mask_;
  for (;;) {
    Slot& s = slots_[pos];
    if (s.index_plus1 == 0) break;
    if (s.hash == hash && KeyEquals(s.index_plus1 - 1, key)) {
      *inserted = false;
      return s.index_plus1 - 1;
    }
    pos = (pos + 1) & mask_;
  }
  uint32_t index = dict_count_++;
  if (fixed_width_ == 0) {
    PutLe32(&dict_arena_, static_cast<uint32_t>(key.size()));
    dict_offsets_.push_back(static_cast<uint32_t>(dict_arena_.size()));
  }
  dict_arena_.append(key);
  slots_[pos] = Slot{index + 1, hash};
  if (static_cast<uint64_t>(dict_count_) * 2 > slots_.size()) GrowTable();
  *inserted = true;
  return index;
}

void ColumnWriter::UpdateStats(std::string_view v) {
  switch (schema_.physical) {
    case PhysicalType::kInt32: {
      int32_t x;
      std::memcpy(&x, v.data(), 4);
      if (!has_minmax_) { min_i_ = max_i_ = x; }
      else { min_i_ = std::min<int64_t>(min_i_, x); max_i_ = std::max<int64_t>(max_i_, x); }
      has_minmax_ = true;
      break;
    }
    case PhysicalType::kInt64: {
      int64_t x;
      std::memcpy(&x, v.data(), 8);
      if (!has_minmax_) { min_i_ = max_i_ = x; }
      else { min_i_ = std::min(min_i_, x); max_i_ = std::max(max_i_, x); }
      has_minmax_ = true;
      break;
    }
    case PhysicalType::kDouble: {
      double x;
      std::memcpy(&x, v.data(), 8);
      if (std::isnan(x)) break;  // NaN takes no part in min/max
      if (!has_minmax_) { min_d_ = max_d_ = x; }
      else { min_d_ = std::min(min_d_, x); max_d_ = std::max(max_d_, x); }
      has_minmax_ = true;
      break;
    }
    case PhysicalType::kBoolean: {
      int64_t x = v[0] ? 1 : 0;
      if (!has_minmax_) { min_i_ = max_i_ = x; }
      else { min_i_ = std::min(min_i_, x); max_i_ = std::max(max_i_, x); }
      has_minmax_ = true;
      break;
    }
    case PhysicalType::kByteArray: {
      // Each bound keeps the order key of its first 8 bytes: most values are
      // placed by comparing keys, without touching the bounds' bytes.
      const uint64_t key = PrefixKey(v);
      // While every value is ASCII, signed and unsigned order agree and the
      // signed min/max are taken from the unsigned ones at the end.
      if (!signed_differs_ && HasHighBytes(v)) {
        signed_differs_ = true;
        if (has_minmax_) {
          min_signed_ = min_s_;
          max_signed_ = max_s_;
          min_signed_key_ = SignedKey(min_key_, min_s_.size());
          max_signed_key_ = SignedKey(max_key_, max_s_.size());
        } else {
          min_signed_.assign(v);
          max_signed_.assign(v);
          min_signed_key_ = max_signed_key_ = SignedKey(key, v.size());
        }
      }
      if (!has_minmax_) {
        min_s_.assign(v);
        max_s_.assign(v);
        min_key_ = max_key_ = key;
        has_minmax_ = true;
        break;
      }
      if (key < min_key_ || (key == min_key_ && CompareUnsigned(v, min_s_) < 0)) {
        min_s_.assign(v);
        min_key_ = key;
      } else if (key > max_key_ || (key == max_key_ && CompareUnsigned(v, max_s_) > 0)) {
        max_s_.assign(v);
        max_key_ = key;
      }
      if (signed_differs_) {
        const uint64_t skey = SignedKey(key, v.size());
        if (skey < min_signed_key_ || (skey == min_signed_key_ && SignedCompare(v, min_signed_) < 0)) {
          min_signed_.assign(v);
          min_signed_key_ = skey;
        } else if (skey > max_signed_key_ || (skey == max_signed_key_ && SignedCompare(v, max_signed_) > 0)) {
          max_signed_.assign(v);
          max_signed_key_ = skey;
        }
      }
      break;
    }
    default: break;  // not written (Writer::Open refuses the type)
  }
}

inline void ColumnWriter::AfterValue() {
  ++page_values_;
  ++chunk_values_;
  uint64_t estimate = plain_.size() - kHeadroom + def_levels_.size() / 8;
  if (!indices_.empty()) estimate += indices_.size() * std::max<uint64_t>(1, std::bit_width(uint64_t{dict_count_})) / 8;
  if (estimate >= options_.page_bytes || page_values_ >= kMaxPageValues) (void)FlushPage();
}

// Most values of a long column fall strictly inside the bounds found so far:
// their first 8 bytes decide that without touching the bounds' bytes. The
// rest (and every value until some byte >= 0x80 makes signed order differ
// from unsigned, which only the full update tracks) take UpdateStats.
inline void ColumnWriter::UpdateByteArrayStats(std::string_view v) {
  if (has_minmax_ && signed_differs_) {
    const uint64_t key = PrefixKey(v);
    if (key > min_key_ && key < max_key_) {
      const uint64_t skey = SignedKey(key, v.size());
      if (skey > min_signed_key_ && skey < max_signed_key_) return;
    }
  } else if (has_minmax_) {
    const uint64_t key = PrefixKey(v);
    if (key > min_key_ && key < max_key_ && !HasHighBytes(v)) return;
  }
  UpdateStats(v);
}

void ColumnWriter::AddNull() {
  def_levels_.push_back(0);
  ++null_count_;
  AfterValue();
}

inline void ColumnWriter::AddBytesInline(std::string_view v) {
  if (schema_.nullable) def_levels_.push_back(1);
  if (dict_active_) {
    // Runs of one value (a paper's id on each of its author rows) skip the hash.
    if (last_index_ != kNoIndex && KeyEquals(last_index_, v)) {
      indices_.push_back(last_index_);
      AfterValue();
      return;
    }
    bool inserted;
    uint32_t idx = DictLookupOrInsert(v, HashBytes(v), &inserted);
    last_index_ = idx;
    indices_.push_back(idx);
    if (inserted) {
      UpdateStats(v);
      if (dict_arena_.size() > options_.dictionary_page_bytes) {
        AfterValue();
        (void)FlushPage();
        dict_active_ = false;  // later pages of this chunk are PLAIN
        return;
      }
    }
  } else {
    // A value equal to the previous one in the page cannot move the bounds.
    const bool repeat = last_plain_offset_ != kNoOffset && last_plain_size_ == v.size() &&
                        BytesEqual(plain_.data() + last_plain_offset_, v.data(), v.size());
    plain_.AppendLe32(static_cast<uint32_t>(v.size()));
    last_plain_offset_ = plain_.size();
    last_plain_size_ = v.size();
    plain_.Append(v.data(), v.size());
    if (!repeat) UpdateByteArrayStats(v);
  }
  AfterValue();
}

void ColumnWriter::AddBytes(std::string_view v) { AddBytesInline(v); }

inline void ColumnWriter::AddFixed(const void* bytes, size_t width, uint64_t hash_input) {
  if (schema_.nullable) def_levels_.push_back(1);
  std::string_view v(static_cast<const char*>(bytes), width);
  if (dict_active_) {
    if (last_index_ != kNoIndex && SameFixed(dict_arena_.data() + last_index_ * width, bytes, width)) {
      indices_.push_back(last_index_);
      AfterValue();
      return;
    }
    // Small non-negative numbers (positions, months) skip the hash table.
    const bool small = hash_input < kSmallValues;
    if (small && small_index_[hash_input] != kNoIndex) {
      last_index_ = small_index_[hash_input];
      indices_.push_back(last_index_);
      AfterValue();
      return;
    }
    bool inserted;
    uint32_t idx = DictLookupOrInsert(v, Mix64(hash_input), &inserted);
    if (small) small_index_[hash_input] = idx;
    last_index_ = idx;
    indices_.push_back(idx);
    if (inserted) {
      UpdateStats(v);
      if (dict_arena_.size() > options_.dictionary_page_bytes) {
        AfterValue();
        (void)FlushPage();
        dict_active_ = false;
        return;
      }
    }
  } else {
    plain_.Append(v.data(), v.size());
    UpdateStats(v);
  }
  AfterValue();
}

void ColumnWriter::AddInt32(int32_t v) { AddFixed(&v, 4, static_cast<uint32_t>(v)); }
void ColumnWriter::AddInt64(int64_t v) { AddFixed(&v, 8, static_cast<uint64_t>(v)); }

// The bulk forms: one loop per column (the per-value code inlines here).
void ColumnWriter::AddBytes(const std::string_view* v, const uint8_t* nulls, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (nulls != nullptr && nulls[i] != 0) {
      AddNull();
    } else {
      AddBytesInline(v[i]);
    }
  }
}
void ColumnWriter::AddInt32(const int32_t* v, const uint8_t* nulls, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (nulls != nullptr && nulls[i] != 0) {
      AddNull();
    } else {
      AddFixed(&v[i], 4, static_cast<uint32_t>(v[i]));
    }
  }
}
void ColumnWriter::AddInt64(const int64_t* v, const uint8_t* nulls, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (nulls != nullptr && nulls[i] != 0) {
      AddNull();
    } else {
      AddFixed(&v[i], 8, static_cast<uint64_t>(v[i]));
    }
  }
}
void ColumnWriter::AddDouble(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  AddFixed(&v, 8, bits);
}

void ColumnWriter::AddBool(bool v) {
  if (schema_.nullable) def_levels_.push_back(1);
  if (bool_count_ % 8 == 0) plain_.PushBack(0);  // after the headroom, as plain_ is never empty
  if (v) plain_.back() = static_cast<char>(plain_.back() | (1 << (bool_count_ % 8)));
  ++bool_count_;
  char b = v ? 1 : 0;
  UpdateStats(std::string_view(&b, 1));
  AfterValue();
}

void ColumnWriter::AppendToChunk(std::string_view bytes) {
  chunk_bytes_ += bytes.size();
  if (blocks_used_ > 0 && blocks_[blocks_used_ - 1].capacity() - blocks_[blocks_used_ - 1].size() >= bytes.size()) {
    blocks_[blocks_used_ - 1].append(bytes);
    return;
  }
  if (blocks_used_ == blocks_.size()) blocks_.emplace_back();
  std::string& block = blocks_[blocks_used_++];
  block.clear();
  block.reserve(std::max(kBlockBytes, bytes.size()));
  block.append(bytes);
}

Status ColumnWriter::FlushPage() {
  if (page_values_ == 0) return Status::OK();
  // Page body: [4-byte length + RLE definition levels] + values.
  levels_.clear();
  if (schema_.nullable) {
    levels_.resize(4);
    RleEncode(def_levels_.data(), def_levels_.size(), 1, &levels_);
    uint32_t len = static_cast<uint32_t>(levels_.size() - 4);
    std::memcpy(levels_.data(), &len, 4);
  }
  int32_t encoding = format::kPlain;
  std::string_view body;
  if (!indices_.empty()) {
    body_.assign(levels_);
    int bw = std::max(1, BitWidth(dict_count_ - 1));
    body_.push_back(static_cast<char>(bw));
    RleEncode(indices_.data(), indices_.size(), bw, &body_);
    encoding = format::kRleDictionary;
    used_dict_ = true;
    body = body_;
  } else {
    used_plain_ = true;
    if (levels_.size() <= kHeadroom) {
      char* start = plain_.data() + kHeadroom - levels_.size();
      std::memcpy(start, levels_.data(), levels_.size());
      body = std::string_view(start, plain_.size() - (kHeadroom - levels_.size()));
    } else {
      body_.assign(levels_);
      body_.append(plain_.data() + kHeadroom, plain_.size() - kHeadroom);
      body = body_;
    }
  }
  std::string_view data = body;
  if (compressor_) {
    AF_RETURN_IF_ERROR(compressor_->Compress(body, &compressed_));
    data = compressed_.view();
  }
  format::PageHeader h;
  h.type = format::kDataPage;
  h.uncompressed_page_size = static_cast<int32_t>(body.size());
  h.compressed_page_size = static_cast<int32_t>(data.size());
  h.data_page_header.emplace();
  h.data_page_header->num_values = static_cast<int32_t>(page_values_);
  h.data_page_header->encoding = encoding;
  if (options_.page_checksums) h.crc = PageCrc(data);
  header_.clear();
  format::Serialize(h, &header_);
  AppendToChunk(header_);
  AppendToChunk(data);
  uncompressed_total_ += static_cast<int64_t>(header_.size() + body.size());
  compressed_total_ += static_cast<int64_t>(header_.size() + data.size());

  def_levels_.clear();
  plain_.Resize(kHeadroom);
  last_plain_offset_ = kNoOffset;
  indices_.clear();
  page_values_ = 0;
  bool_count_ = 0;
  return Status::OK();
}

void ColumnWriter::FillStatistics(format::Statistics* s) const {
  s->null_count = null_count_;
  if (!has_minmax_) return;
  auto fixed = [](const void* p, size_t n) { return std::string(static_cast<const char*>(p), n); };
  switch (schema_.physical) {
    case PhysicalType::kInt32: {
      int32_t lo = static_cast<int32_t>(min_i_), hi = static_cast<int32_t>(max_i_);
      s->min = s->min_value = fixed(&lo, 4);
      s->max = s->max_value = fixed(&hi, 4);
      break;
    }
    case PhysicalType::kInt64:
      s->min = s->min_value = fixed(&min_i_, 8);
      s->max = s->max_value = fixed(&max_i_, 8);
      break;
    case PhysicalType::kDouble: {
      // -0.0 / +0.0 are written so that either zero is covered.
      double lo = min_d_ == 0.0 ? -0.0 : min_d_;
      double hi = max_d_ == 0.0 ? 0.0 : max_d_;
      s->min = s->min_value = fixed(&lo, 8);
      s->max = s->max_value = fixed(&hi, 8);
      break;
    }
    case PhysicalType::kBoolean: {
      char lo = static_cast<char>(min_i_), hi = static_cast<char>(max_i_);
      s->min = s->min_value = std::string(1, lo);
      s->max = s->max_value = std::string(1, hi);
      break;
    }
    case PhysicalType::kByteArray:
      if (min_s_.size() <= kMaxStatisticsBytes && max_s_.size() <= kMaxStatisticsBytes) {
        s->min_value = min_s_;
        s->max_value = max_s_;
      }
      {
        const std::string& lo = signed_differs_ ? min_signed_ : min_s_;
        const std::string& hi = signed_differs_ ? max_signed_ : max_s_;
        if (lo.size() <= kMaxStatisticsBytes && hi.size() <= kMaxStatisticsBytes) {
          s->min = lo;
          s->max = hi;
        }
      }
      break;
    default: break;  // not written (Writer::Open refuses the type)
  }
}

Status ColumnWriter::FinishChunk(OutputSink* sink, format::ColumnChunk* out) {
  AF_RETURN_IF_ERROR(FlushPage());
  format::ColumnMetaData m;
  m.type = ToFormatType(schema_.physical);
  m.path_in_schema = {schema_.name};
  m.codec = ToFormatCodec(options_.compression);
  m.num_values = chunk_values_;
  const int64_t start = static_cast<int64_t>(sink->BytesWritten());
  if (dict_count_ > 0 && used_dict_) {
    std::string_view data = dict_arena_;
    if (compressor_) {
      AF_RETURN_IF_ERROR(compressor_->Compress(dict_arena_, &compressed_));
      data = compressed_.view();
    }
    format::PageHeader h;
    h.type = format::kDictionaryPage;
    h.uncompressed_page_size = static_cast<int32_t>(dict_arena_.size());
    h.compressed_page_size = static_cast<int32_t>(data.size());
    h.dictionary_page_header.emplace();
    h.dictionary_page_header->num_values = static_cast<int32_t>(dict_count_);
    h.dictionary_page_header->encoding = format::kPlain;
    if (options_.page_checksums) h.crc = PageCrc(data);
    header_.clear();
    format::Serialize(h, &header_);
    AF_RETURN_IF_ERROR(sink->Append(header_));
    AF_RETURN_IF_ERROR(sink->Append(data));
    uncompressed_total_ += static_cast<int64_t>(header_.size() + dict_arena_.size());
    compressed_total_ += static_cast<int64_t>(header_.size() + data.size());
    m.dictionary_page_offset = start;
  }
  m.data_page_offset = static_cast<int64_t>(sink->BytesWritten());
  for (size_t i = 0; i < blocks_used_; ++i) AF_RETURN_IF_ERROR(sink->Append(blocks_[i]));
  m.total_uncompressed_size = uncompressed_total_;
  m.total_compressed_size = compressed_total_;
  if (m.dictionary_page_offset || used_plain_) m.encodings.push_back(format::kPlain);
  if (schema_.nullable) m.encodings.push_back(format::kRle);
  if (used_dict_) m.encodings.push_back(format::kRleDictionary);
  if (options_.statistics) {
    m.statistics.emplace();
    FillStatistics(&*m.statistics);
  }
  out->file_offset = start;
  out->meta_data = std::move(m);
  ResetChunk();
  return Status::OK();
}

}  // namespace arxivflow::parquet
