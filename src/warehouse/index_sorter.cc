#include "warehouse/index_sorter.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <queue>

#include "common/varint.h"

namespace arxivflow::warehouse {

namespace {

constexpr size_t kEntryHeader = 9;  // u32 key size, u32 record size, u8 null
// A run's read buffer while merging: its share of the sort memory, within
// these bounds.
constexpr size_t kMaxReadBuffer = 256 << 10;
constexpr size_t kMinReadBuffer = 4 << 10;

void PutU32(char* out, uint32_t v) { std::memcpy(out, &v, 4); }
uint32_t GetU32(const char* in) {
  uint32_t v;
  std::memcpy(&v, in, 4);
  return v;
}

// Bytes [from, from + 8) of the key, big-endian, zero past its end.
uint64_t Prefix(std::string_view key, size_t from) {
  if (key.size() >= from + 8) {
    uint64_t v;
    std::memcpy(&v, key.data() + from, 8);
    return __builtin_bswap64(v);
  }
  uint64_t v = 0;
  for (size_t i = from; i < from + 8; ++i) v = (v << 8) | (i < key.size() ? static_cast<uint8_t>(key[i]) : 0);
  return v;
}

// Ranges this short are sorted by insertion rather than by another pass.
constexpr size_t kInsertionSortMax = 32;

// A run on disk: each entry as the bytes its key and record share with the
// entry before it in the run, and the rest (sorted neighbours share much:
// about half the bytes of the star schema's indexes, written and read back
// once less). Entry: varint key shared, varint key rest, varint record
// shared, varint record rest, u8 null, key rest, record rest.
constexpr size_t kMaxRunEntryHeader = 4 * 5 + 1;

size_t SharedPrefix(std::string_view a, std::string_view b) {
  // The lowest differing byte of a little-endian load is the first one.
  static_assert(std::endian::native == std::endian::little);
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i + 8 <= n) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return i + static_cast<size_t>(__builtin_ctzll(x ^ y) / 8);
    i += 8;
  }
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// Reads a varint (common/varint.h's PutVarint) of at most 5 bytes from
// [*p, end); false if it does not end.
bool GetVarint(const char** p, const char* end, uint32_t* v) {
  uint32_t out = 0;
  for (int shift = 0; shift < 35 && *p < end; shift += 7) {
    const auto byte = static_cast<uint8_t>(*(*p)++);
    out |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if (byte < 0x80) {
      *v = out;
      return true;
    }
  }
  return false;
}

}  // namespace

void AppendSortKeyNull(std::string* key) { key->push_back('\x00'); }

void AppendSortKeyInteger(int64_t value, std::string* key) {
  const uint64_t flipped = static_cast<uint64_t>(value) ^ (uint64_t{1} << 63);
  char bytes[9];
  bytes[0] = '\x01';
  for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<char>(flipped >> (8 * (7 - i)));
  key->append(bytes, 9);
}

namespace {
void AppendEscaped(char tag, std::string_view bytes, std::string* key) {
  key->push_back(tag);
  size_t start = 0;
  while (true) {
    const void* zero = std::memchr(bytes.data() + start, 0, bytes.size() - start);
    if (!zero) break;
    const size_t at = static_cast<size_t>(static_cast<const char*>(zero) - bytes.data());
    key->append(bytes.data() + start, at - start);
    key->append("\x00\x01", 2);
    start = at + 1;
  }
  key->append(bytes.data() + start, bytes.size() - start);
  key->append("\x00\x00", 2);
}
}  // namespace

void AppendSortKeyText(std::string_view text, std::string* key) { AppendEscaped('\x02', text, key); }
void AppendSortKeyBlob(std::string_view bytes, std::string* key) { AppendEscaped('\x03', bytes, key); }

// One spilled run, read back in order.
class IndexSorter::RunReader {
 public:
  RunReader(const SpillFile* file, Run run, size_t buffer) : file_(file, run.begin, run.end, buffer), buffer_(buffer) {}

  // Moves to the next entry; false at the run's end.
  Result<bool> Next() {
    begin_ += current_size_;
    current_size_ = 0;
    if (begin_ == filled_ && file_.remaining() == 0) return false;
    AF_RETURN_IF_ERROR(Fill(std::min<uint64_t>(kMaxRunEntryHeader, filled_ - begin_ + file_.remaining())));
    const char* h = buffer_.data() + begin_;
    const char* p = h;
    const char* end = buffer_.data() + filled_;
    uint32_t key_shared, key_rest, record_shared, record_rest;
    if (!GetVarint(&p, end, &key_shared) || !GetVarint(&p, end, &key_rest) || !GetVarint(&p, end, &record_shared) ||
        !GetVarint(&p, end, &record_rest) || p == end || key_shared > key_.size() ||
        record_shared > record_.size()) {
      return Status::Corruption("a sort run holds a malformed entry");
    }
    const size_t header = static_cast<size_t>(p - h) + 1;
    const size_t size = header + key_rest + record_rest;
    AF_RETURN_IF_ERROR(Fill(size));
    h = buffer_.data() + begin_;
    null_ = h[header - 1] != 0;
    key_.resize(key_shared);
    key_.append(h + header, key_rest);
    record_.resize(record_shared);
    record_.append(h + header + key_rest, record_rest);
    current_size_ = size;
    return true;
  }
  std::string_view key() const { return key_; }
  std::string_view record() const { return record_; }
  bool null() const { return null_; }

 private:
  // Makes `size` bytes from begin_ available in the buffer.
  Status Fill(size_t size) {
    if (filled_ - begin_ >= size) return Status::OK();
    std::memmove(buffer_.data(), buffer_.data() + begin_, filled_ - begin_);
    filled_ -= begin_;
    begin_ = 0;
    if (buffer_.size() < size) buffer_.resize(size);
    while (filled_ < size) {
      AF_ASSIGN_OR_RETURN(size_t n, file_.Read(buffer_.data() + filled_, buffer_.size() - filled_));
      if (n == 0) return Status::Corruption("a sort run ends inside an entry");
      filled_ += n;
    }
    return Status::OK();
  }

  SpillFile::Reader file_;
  std::vector<char> buffer_;
  size_t begin_ = 0, filled_ = 0, current_size_ = 0;
  // The current entry, rebuilt from the shared part of the one before.
  std::string key_, record_;
  bool null_ = false;
};

IndexSorter::IndexSorter(std::string spill_dir, size_t memory_bytes, std::string unique_error)
    : spill_dir_(std::move(spill_dir)), memory_bytes_(memory_bytes), unique_error_(std::move(unique_error)) {}

size_t IndexSorter::MemoryInUse() const { return arena_.size() + items_.size() * sizeof(Item); }

IndexSorter::~IndexSorter() {
}

Status IndexSorter::Add(std::string_view key, std::string_view record, bool key_has_null) {
  if (in_order_ && !items_.empty()) {
    const char* last = arena_.data() + last_entry_;
    if (key < std::string_view(last + kEntryHeader, GetU32(last))) {
      // Out of order. After a long stretch in order (the key of a table read
      // from several files, each in key order) the stretch is spilled as a
      // run as it is; otherwise this run will be sorted.
      if (MemoryInUse() >= memory_bytes_ / 8) {
        AF_RETURN_IF_ERROR(Spill());
      } else {
        in_order_ = false;
      }
    }
  }
  const size_t offset = arena_.size();
  char header[kEntryHeader];
  PutU32(header, static_cast<uint32_t>(key.size()));
  PutU32(header + 4, static_cast<uint32_t>(record.size()));
  header[8] = key_has_null ? 1 : 0;
  arena_.append(header, kEntryHeader);
  arena_.append(key);
  arena_.append(record);
  items_.push_back({Prefix(key, 0), Prefix(key, 8), static_cast<uint32_t>(offset), static_cast<uint32_t>(key.size())});
  last_entry_ = offset;
  ++entries_;
  // The items count: with short entries they are a third of the run.
  if (MemoryInUse() >= memory_bytes_) return Spill();
  return Status::OK();
}

bool IndexSorter::KeyLess(const Item& a, const Item& b) const {
  if (a.prefix0 != b.prefix0) return a.prefix0 < b.prefix0;
  if (a.prefix1 != b.prefix1) return a.prefix1 < b.prefix1;
  if (a.key_size <= 16 && b.key_size <= 16) return a.key_size < b.key_size;
  const char* arena = arena_.data();
  return std::string_view(arena + a.offset + kEntryHeader, a.key_size) <
         std::string_view(arena + b.offset + kEntryHeader, b.key_size);
}

void IndexSorter::RadixSort(Item* items, Item* scratch, size_t n, int depth) const {
  // Most significant byte first, one counting pass per byte of the prefixes
  // (each stable), skipping a byte the whole range shares (an index's tag
  // bytes, an integer's high bytes). Short ranges, and ranges whose 16
  // prefix bytes are all equal, finish with the comparison.
  for (;;) {
    if (n <= kInsertionSortMax || depth == 16) {
      if (n <= kInsertionSortMax) {
        for (size_t i = 1; i < n; ++i) {
          const Item item = items[i];
          size_t j = i;
          for (; j > 0 && KeyLess(item, items[j - 1]); --j) items[j] = items[j - 1];
          items[j] = item;
        }
      } else {
        std::stable_sort(items, items + n, [this](const Item& a, const Item& b) { return KeyLess(a, b); });
      }
      return;
    }
    const int shift = 56 - 8 * (depth % 8);
    auto byte_of = [depth, shift](const Item& item) {
      return static_cast<size_t>(((depth < 8 ? item.prefix0 : item.prefix1) >> shift) & 0xff);
    };
    size_t count[256] = {};
    for (size_t i = 0; i < n; ++i) ++count[byte_of(items[i])];
    if (count[byte_of(items[0])] == n) {
      ++depth;
      continue;
    }
    size_t start[256];
    size_t sum = 0;
    for (int b = 0; b < 256; ++b) {
      start[b] = sum;
      sum += count[b];
    }
    for (size_t i = 0; i < n; ++i) scratch[start[byte_of(items[i])]++] = items[i];
    std::memcpy(static_cast<void*>(items), scratch, n * sizeof(Item));
    size_t begin = 0;
    for (int b = 0; b < 256; ++b) {
      if (count[b] > 1) RadixSort(items + begin, scratch + begin, count[b], depth + 1);
      begin += count[b];
    }
    return;
  }
}

Status IndexSorter::SortInMemory() {
  if (in_order_) return Status::OK();
  // Stable: entries with equal keys stay in the order they came, which is
  // their rowids' order. Most entries are placed by the 16 bytes kept in
  // the items, without touching the arena.
  if (sort_scratch_.size() < items_.size()) sort_scratch_.resize(items_.size());
  RadixSort(items_.data(), sort_scratch_.data(), items_.size(), 0);
  in_order_ = true;
  return Status::OK();
}

Status IndexSorter::Spill() {
  if (items_.empty()) return Status::OK();
  AF_RETURN_IF_ERROR(SortInMemory());
  if (!spill_) {
    AF_ASSIGN_OR_RETURN(spill_, SpillFile::Create(spill_dir_, "a sort run"));
  }
  const uint64_t begin = spilled_;
  std::string out;
  out.reserve(std::min<size_t>(arena_.size(), 4 << 20) + kMaxRunEntryHeader);
  std::string_view previous_key, previous_record;
  // The items are in key order, their entries in the order they came: each
  // entry is a cache miss unless fetched ahead.
  constexpr size_t kPrefetchAhead = 16;
  for (size_t i = 0; i < items_.size(); ++i) {
    if (i + kPrefetchAhead < items_.size()) __builtin_prefetch(arena_.data() + items_[i + kPrefetchAhead].offset);
    const Item& item = items_[i];
    const char* e = arena_.data() + item.offset;
    const std::string_view key(e + kEntryHeader, GetU32(e));
    const std::string_view record(e + kEntryHeader + key.size(), GetU32(e + 4));
    const size_t key_shared = SharedPrefix(previous_key, key);
    const size_t record_shared = SharedPrefix(previous_record, record);
    PutVarint(static_cast<uint32_t>(key_shared), &out);
    PutVarint(static_cast<uint32_t>(key.size() - key_shared), &out);
    PutVarint(static_cast<uint32_t>(record_shared), &out);
    PutVarint(static_cast<uint32_t>(record.size() - record_shared), &out);
    out.push_back(e[8]);
    out.append(key.substr(key_shared));
    out.append(record.substr(record_shared));
    previous_key = key;
    previous_record = record;
    if (out.size() >= (4 << 20)) {
      AF_RETURN_IF_ERROR(spill_->Append(out.data(), out.size()));
      out.clear();
    }
  }
  AF_RETURN_IF_ERROR(spill_->Append(out.data(), out.size()));
  spilled_ = spill_->size();
  runs_.push_back({begin, spilled_});
  arena_.clear();
  items_.clear();
  in_order_ = true;
  return Status::OK();
}

Status IndexSorter::Emit(std::string_view key, std::string_view record, bool key_has_null,
                         const std::function<Status(std::string_view)>& emit) {
  if (!unique_error_.empty()) {
    if (previous_valid_ && !key_has_null && key == previous_key_) return Status::InvalidArgument(unique_error_);
    previous_key_.assign(key);
    previous_valid_ = !key_has_null;
  }
  return emit(record);
}

Status IndexSorter::WriteTo(const std::function<Status(std::string_view)>& emit) {
  if (runs_.empty()) {
    AF_RETURN_IF_ERROR(SortInMemory());
    for (const Item& item : items_) {
      const char* e = arena_.data() + item.offset;
      const std::string_view key(e + kEntryHeader, GetU32(e));
      AF_RETURN_IF_ERROR(Emit(key, std::string_view(e + kEntryHeader + key.size(), GetU32(e + 4)), e[8] != 0, emit));
    }
    return Status::OK();
  }
  AF_RETURN_IF_ERROR(Spill());
  AF_RETURN_IF_ERROR(spill_->FinishWriting());
  std::vector<Item>().swap(sort_scratch_);  // the merge's read buffers take its memory
  std::vector<RunReader> readers;
  readers.reserve(runs_.size());
  const size_t buffer = std::clamp(memory_bytes_ / runs_.size(), kMinReadBuffer, kMaxReadBuffer);
  for (const Run& run : runs_) readers.emplace_back(spill_.get(), run, buffer);
  // Equal keys come from the earlier run first: runs hold ascending rowids.
  auto before = [&](size_t a, size_t b) {
    const int c = readers[a].key().compare(readers[b].key());
    return c < 0 || (c == 0 && a < b);
  };
  auto later = [&](size_t a, size_t b) { return before(b, a); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t i = 0; i < readers.size(); ++i) {
    AF_ASSIGN_OR_RETURN(bool any, readers[i].Next());
    if (any) heap.push(i);
  }
  while (!heap.empty()) {
    const size_t i = heap.top();
    heap.pop();
    // Runs that barely overlap (a key read from several files) give long
    // stretches from one run: stay on it while it comes first.
    while (true) {
      AF_RETURN_IF_ERROR(Emit(readers[i].key(), readers[i].record(), readers[i].null(), emit));
      AF_ASSIGN_OR_RETURN(bool more, readers[i].Next());
      if (!more) break;
      if (!heap.empty() && before(heap.top(), i)) {
        heap.push(i);
        break;
      }
    }
  }
  return Status::OK();
}

}  // namespace arxivflow::warehouse
