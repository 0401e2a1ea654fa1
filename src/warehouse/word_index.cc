#include "warehouse/word_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>
#include <span>

#include "common/varint.h"
#include "warehouse/doclist.h"
#include "warehouse/sql_identifier.h"

namespace arxivflow::warehouse {

namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;
constexpr size_t kSeenSlots = 1024;
// Distinct words of one document past a block's end (a long abstract has a
// few hundred).
constexpr size_t kBlockSlackPairs = size_t{1} << 16;
// A block's memory per pair at most: the 16-byte pair, and twice more when
// every pair falls in one partition (the sort's two buffers).
constexpr size_t kBlockBytesPerPair = 48;

inline uint64_t Mix(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

size_t VarintLength(const char* p, size_t n) {
  for (size_t i = 0; i < n && i < 10; ++i) {
    if (!(static_cast<uint8_t>(p[i]) & 0x80)) return i + 1;
  }
  return 0;
}

// One run of the temporary file, read back record by record.
class RunReader {
 public:
  RunReader(const SpillFile* file, uint64_t offset, uint64_t bytes, size_t chunk)
      : chunk_(chunk), file_(file, offset, offset + bytes, chunk) {}

  // The next record, or false at the run's end.
  Result<bool> Next() {
    if (pos_ == buf_.size() && file_.remaining() == 0) return false;
    AF_RETURN_IF_ERROR(Need(kHeader));
    std::memcpy(&key, buf_.data() + pos_, 8);
    std::memcpy(&check, buf_.data() + pos_ + 8, 4);
    std::memcpy(&last, buf_.data() + pos_ + 12, 8);
    uint32_t n;
    std::memcpy(&n, buf_.data() + pos_ + 20, 4);
    AF_RETURN_IF_ERROR(Need(kHeader + n));
    docs = std::string_view(buf_.data() + pos_ + kHeader, n);
    pos_ += kHeader + n;
    return true;
  }

  uint64_t key = 0;
  uint32_t check = 0;
  int64_t last = 0;        // the doclist's last (smallest) rowid
  std::string_view docs;   // valid until the next call

  static constexpr size_t kHeader = 24;

 private:
  Status Need(size_t n) {
    if (buf_.size() - pos_ >= n) return Status::OK();
    buf_.erase(0, pos_);
    pos_ = 0;
    const size_t target = std::max(n, chunk_);
    while (buf_.size() < target && file_.remaining() > 0) {
      const size_t old = buf_.size();
      const size_t take = static_cast<size_t>(std::min<uint64_t>(target - old, file_.remaining()));
      buf_.resize(old + take);
      AF_ASSIGN_OR_RETURN(size_t got, file_.Read(buf_.data() + old, take));
      buf_.resize(old + got);
      if (got == 0) break;
    }
    if (buf_.size() < n) return Status::Corruption("search index build: a run of the temporary file is cut short");
    return Status::OK();
  }

  size_t chunk_;  // bytes read at a time
  SpillFile::Reader file_;
  std::string buf_;
  size_t pos_ = 0;
};

constexpr int kRadixBits = 8;
constexpr size_t kRadix = size_t{1} << kRadixBits;
constexpr size_t kPartitions = kRadix;
// A partition's chunk: 4 KiB.
constexpr size_t kChunkPairs = 256;
// Two cache lines of pairs (past a chunk's end the prefetch is only wasted).
constexpr size_t kPrefetchPairs = 8;
// Below this many pairs an insertion sort beats a radix pass (its 256
// counters).
constexpr uint32_t kInsertionSortPairs = 32;

template <typename P>
bool SameWord(const P& x, const P& y) {
  return x.key == y.key && x.check == y.check;
}

template <typename P>
bool OneWord(const P* p, uint32_t lo, uint32_t hi) {
  for (uint32_t i = lo + 1; i < hi; ++i) {
    if (!SameWord(p[i], p[lo])) return false;
  }
  return true;
}

// Stable: a pair moves only past pairs of a greater word.
template <typename P>
void InsertionSort(P* p, uint32_t lo, uint32_t hi) {
  for (uint32_t i = lo + 1; i < hi; ++i) {
    const P x = p[i];
    uint32_t j = i;
    while (j > lo && (p[j - 1].key > x.key || (p[j - 1].key == x.key && p[j - 1].check > x.check))) {
      p[j] = p[j - 1];
      --j;
    }
    p[j] = x;
  }
}

// Stable counting sort of the pairs of `sources`, one after another, into
// dst by the key's byte at `shift`; bounds[b] .. bounds[b + 1] is where byte
// b went.
template <typename P>
void RadixPass(std::span<const std::span<const P>> sources, P* dst, int shift, uint32_t (&bounds)[kRadix + 1]) {
  uint32_t next[kRadix] = {};
  for (const auto& source : sources) {
    for (const P& p : source) ++next[(p.key >> shift) & (kRadix - 1)];
  }
  uint32_t at = 0;
  for (size_t b = 0; b < kRadix; ++b) {
    bounds[b] = at;
    at += next[b];
    next[b] = bounds[b];
  }
  bounds[kRadix] = at;
  for (const auto& source : sources) {
    for (const P& p : source) dst[next[(p.key >> shift) & (kRadix - 1)]++] = p;
  }
}

}  // namespace

namespace {

// The fingerprint of the n bytes at p, read a whole 8-byte word at a time:
// the bytes after them up to the next multiple of 8 must be readable (their
// values do not matter: they are masked off). Two lanes over the 8-byte
// words (zero-padded), each a multiply-fold with its own constants, so the
// 64-bit hash and the 32-bit check are independent.
inline WordFingerprint FingerprintWordWithSlack(const char* p, size_t n) {
  uint64_t a = 0x243f6a8885a308d3ULL ^ n;
  uint64_t b = 0x13198a2e03707344ULL ^ (n << 32);
  for (; n > 0; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    if (n < 8) {
      w &= (uint64_t{1} << (8 * n)) - 1;  // little-endian: the first n bytes
      n = 0;
    } else {
      n -= 8;
    }
    a = Mix(a ^ w, 0x9e3779b97f4a7c15ULL);
    b = Mix(b ^ w, 0xc2b2ae3d27d4eb4fULL);
  }
  a = Mix(a, 0xa0761d6478bd642fULL);
  b = Mix(b ^ 0x452821e638d01377ULL, 0xe7037ed1a0b428dbULL);
  return {static_cast<int64_t>(a), static_cast<int64_t>(b & 0xffffffffULL)};
}

}  // namespace

size_t WordIndexBlockPairs(size_t memory_bytes) {
  if (memory_bytes == 0) return kWordIndexBlockPairs;
  return std::clamp<size_t>(memory_bytes / kBlockBytesPerPair, size_t{1} << 16, kWordIndexBlockPairs);
}

WordFingerprint FingerprintWord(std::string_view word) {
  std::string padded(word);
  padded.append(kSearchWordSlack, '\0');
  return FingerprintWordWithSlack(padded.data(), word.size());
}

WordIndexWriter::WordIndexWriter(sqlite::Database& db, std::string table, SearchWords& words, std::string temp_dir,
                                 size_t block_pairs)
    : db_(db), table_(std::move(table)), words_(words), temp_dir_(std::move(temp_dir)),
      block_pairs_(std::max<size_t>(block_pairs, 1)),
      seen_(kSeenSlots, SeenSlot{0, 0, 0}) {
  // A block ends after the document that reaches block_pairs_: room for
  // that document's words, and for each partition's last chunk partly
  // filled (an outsized document takes chunks of their own).
  arena_chunks_ = (block_pairs_ + kBlockSlackPairs) / kChunkPairs + kPartitions;
  arena_ = std::make_unique_for_overwrite<Pair[]>(arena_chunks_ * kChunkPairs);
  partitions_.resize(kPartitions);
}

WordIndexWriter::~WordIndexWriter() = default;

Status WordIndexWriter::Add(int64_t rowid, std::string_view title, std::string_view abstract) {
  AF_RETURN_IF_ERROR(status_);
  if (rowid <= last_rowid_) {
    return status_ = Status::InvalidArgument("search index: document " + std::to_string(rowid) + " after " +
                                             std::to_string(last_rowid_) +
                                             " (documents come in ascending rowid order)");
  }
  last_rowid_ = rowid;
  doc_rowids_.push_back(rowid);
  seen_count_ = 0;
  if (++stamp_ == 0) {  // wrapped: old stamps could match again
    for (SeenSlot& slot : seen_) slot.stamp = 0;
    stamp_ = 1;
  }
  AF_RETURN_IF_ERROR(AddText(title));
  AF_RETURN_IF_ERROR(AddText(abstract));
  ++documents_;
  // A block ends between documents; one document may take it past the mark.
  if (block_pair_count_ >= block_pairs_ || doc_rowids_.size() >= block_pairs_) {
    if (Status st = FlushBlock(); !st.ok()) return status_ = st;
  }
  return Status::OK();
}

Status WordIndexWriter::AddText(std::string_view text) {
  if (text.empty()) return Status::OK();
  return words_.ForEach(text, [this](std::string_view word) { Note(word); });
}

void WordIndexWriter::Note(std::string_view word) {
  // SearchWords leaves kSearchWordSlack readable bytes after every word.
  const WordFingerprint f = FingerprintWordWithSlack(word.data(), word.size());
  const uint64_t key = static_cast<uint64_t>(f.hash) ^ kSignBit;
  const uint32_t check = static_cast<uint32_t>(f.check);
  // This document's words so far: a small table, in cache.
  const size_t mask = seen_.size() - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask) {
    SeenSlot& slot = seen_[i];
    if (slot.stamp != stamp_) {
      slot = {key, check, stamp_};
      if (++seen_count_ * 2 > seen_.size()) GrowSeen();
      break;
    }
    if (slot.key == key && slot.check == check) return;
  }
  Partition& part = partitions_[key >> (64 - kRadixBits)];
  if (part.at == part.end) NewChunk(part);
  // 256 write heads are more streams than the hardware prefetcher follows:
  // ask for the line two ahead, so its read for ownership is not waited on.
  __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(part.at) + kPrefetchPairs * sizeof(Pair)), 1);
  *part.at++ = {key, check, static_cast<uint32_t>(doc_rowids_.size() - 1)};
  ++block_pair_count_;
}

void WordIndexWriter::NewChunk(Partition& part) {
  Pair* chunk;
  if (arena_used_ < arena_chunks_) {
    chunk = arena_.get() + arena_used_++ * kChunkPairs;
  } else {
    overflow_.push_back(std::make_unique_for_overwrite<Pair[]>(kChunkPairs));
    chunk = overflow_.back().get();
  }
  part.chunks.push_back(chunk);
  part.at = chunk;
  part.end = chunk + kChunkPairs;
}

void WordIndexWriter::GrowSeen() {
  std::vector<SeenSlot> grown(seen_.size() * 2, SeenSlot{0, 0, 0});
  const size_t mask = grown.size() - 1;
  for (const SeenSlot& slot : seen_) {
    if (slot.stamp != stamp_) continue;
    size_t i = slot.key & mask;
    while (grown[i].stamp == stamp_) i = (i + 1) & mask;
    grown[i] = slot;
  }
  seen_.swap(grown);
}

size_t WordIndexWriter::SortPartition(const Partition& part) {
  // Stable most-significant-first radix passes of 8 bits; the partitions
  // were the first. The second reads the partition's chunks into sort_
  // (256 write heads, within L2); then each range of equal top 16 bits that
  // mixes words takes a third pass through sort_spare_ (within L1). A range
  // of one word needs no further pass, a short one is sorted by insertion;
  // after 24 bits a range that still mixes words (words that share their top
  // 24 bits) is sorted by comparing (key, check). Stable all through: each word's
  // documents stay in document order.
  if (part.chunks.empty()) return 0;
  const size_t total = (part.chunks.size() - 1) * kChunkPairs + static_cast<size_t>(part.at - part.chunks.back());
  if (total > sort_size_) {
    sort_ = std::make_unique_for_overwrite<Pair[]>(total);
    sort_size_ = total;
  }
  Pair* const a = sort_.get();
  uint32_t mid[kRadix + 1], low[kRadix + 1];
  std::vector<std::span<const Pair>> chunks;
  chunks.reserve(part.chunks.size());
  for (const Pair* chunk : part.chunks) {
    chunks.emplace_back(chunk, chunk == part.chunks.back() ? part.at : chunk + kChunkPairs);
  }
  RadixPass<Pair>(chunks, a, 64 - 2 * kRadixBits, mid);
  for (size_t m = 0; m < kRadix; ++m) {
    const uint32_t lo = mid[m], hi = mid[m + 1];
    if (hi - lo <= kInsertionSortPairs) {
      InsertionSort(a, lo, hi);
      continue;
    }
    if (OneWord(a, lo, hi)) continue;
    if (hi - lo > sort_spare_size_) {
      sort_spare_ = std::make_unique_for_overwrite<Pair[]>(hi - lo);
      sort_spare_size_ = hi - lo;
    }
    const std::span<const Pair> range(a + lo, hi - lo);
    RadixPass<Pair>({&range, 1}, sort_spare_.get(), 64 - 3 * kRadixBits, low);
    std::copy(sort_spare_.get(), sort_spare_.get() + (hi - lo), a + lo);
    for (size_t l = 0; l < kRadix; ++l) {
      const uint32_t lo3 = lo + low[l], hi3 = lo + low[l + 1];
      if (hi3 - lo3 <= kInsertionSortPairs) {
        InsertionSort(a, lo3, hi3);
      } else if (!OneWord(a, lo3, hi3)) {
        std::stable_sort(a + lo3, a + hi3, [](const Pair& x, const Pair& y) {
          return x.key != y.key ? x.key < y.key : x.check < y.check;
        });
      }
    }
  }
  return total;
}

Status WordIndexWriter::FlushBlock() {
  if (doc_rowids_.empty()) return Status::OK();
  if (!runs_file_) {
    AF_ASSIGN_OR_RETURN(runs_file_, SpillFile::Create(temp_dir_, "the search index build's runs"));
  }
  Run run{runs_bytes_, 0};
  // Groups are written into one buffer, handed to the file a chunk at a time.
  constexpr size_t kChunk = size_t{1} << 20;
  std::string out(2 * kChunk, '\0');
  size_t used = 0;
  auto write_out = [&]() -> Status {
    AF_RETURN_IF_ERROR(runs_file_->Append(out.data(), used));
    run.bytes += used;
    used = 0;
    return Status::OK();
  };
  // The partitions in key order, each sorted in turn.
  for (const Partition& part : partitions_) {
    const size_t n = SortPartition(part);
    const Pair* const pairs = sort_.get();
    for (size_t i = 0; i < n;) {
      size_t j = i + 1;
      while (j < n && SameWord(pairs[j], pairs[i])) ++j;
      const size_t most = RunReader::kHeader + (j - i) * kMaxVarintBytes;
      if (used + most > out.size()) {
        AF_RETURN_IF_ERROR(write_out());
        if (most > out.size()) out.resize(most);
      }
      // The record: key, check, the doclist's last (smallest) rowid, the
      // doclist's length, then the doclist (doclist.h): the group's documents
      // newest first (the block holds them in document order, rowids
      // ascending, each document once per word).
      char* const record = out.data() + used;
      std::memcpy(record, &pairs[i].key, 8);
      std::memcpy(record + 8, &pairs[i].check, 4);
      const int64_t smallest = doc_rowids_[pairs[i].doc];
      std::memcpy(record + 12, &smallest, 8);
      char* p = record + RunReader::kHeader;
      DoclistEncoder doclist;
      for (size_t k = j; k-- > i;) p = PutVarint(doclist.Next(doc_rowids_[pairs[k].doc]), p);
      const uint32_t len = static_cast<uint32_t>(p - record - RunReader::kHeader);
      std::memcpy(record + 20, &len, 4);
      used = static_cast<size_t>(p - out.data());
      if (used >= kChunk) AF_RETURN_IF_ERROR(write_out());
      i = j;
    }
  }
  AF_RETURN_IF_ERROR(write_out());
  runs_bytes_ += run.bytes;
  runs_.push_back(run);
  for (Partition& part : partitions_) {
    part.chunks.clear();
    part.at = part.end = nullptr;
  }
  arena_used_ = 0;
  overflow_.clear();
  block_pair_count_ = 0;
  doc_rowids_.clear();
  return Status::OK();
}

Status WordIndexWriter::Merge() {
  if (runs_.empty()) return Status::OK();
  AF_RETURN_IF_ERROR(runs_file_->FinishWriting());
  // The blocks are done with: their memory goes to the runs' read buffers
  // (1 MiB each at most, 64 KiB at least).
  arena_.reset();
  sort_.reset();
  sort_spare_.reset();
  sort_size_ = sort_spare_size_ = 0;
  static_assert(3 * sizeof(Pair) == kBlockBytesPerPair);
  const size_t chunk =
      std::clamp<size_t>(block_pairs_ * kBlockBytesPerPair / runs_.size(), size_t{64} << 10, size_t{1} << 20);
  std::vector<std::unique_ptr<RunReader>> readers;
  // Heap of (key, check, run index): equal words come out in run order,
  // which is document order.
  using Head = std::tuple<uint64_t, uint32_t, size_t>;
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heap;
  for (size_t r = 0; r < runs_.size(); ++r) {
    readers.push_back(std::make_unique<RunReader>(runs_file_.get(), runs_[r].offset, runs_[r].bytes, chunk));
    AF_ASSIGN_OR_RETURN(bool more, readers.back()->Next());
    if (more) heap.emplace(readers.back()->key, readers.back()->check, r);
  }
  AF_ASSIGN_OR_RETURN(auto insert, db_.Prepare("INSERT INTO " + QuoteIdentifier(table_) +
                                               " (word_hash, word_check, docs) VALUES (?1, ?2, ?3)"));
  std::string blob, parts;
  struct Part {
    size_t offset, length;
    int64_t smallest;
  };
  std::vector<Part> found;
  while (!heap.empty()) {
    const uint64_t key = std::get<0>(heap.top());
    const uint32_t check = std::get<1>(heap.top());
    // The word's part from each run, oldest block first ...
    parts.clear();
    found.clear();
    while (!heap.empty() && std::get<0>(heap.top()) == key && std::get<1>(heap.top()) == check) {
      const size_t r = std::get<2>(heap.top());
      heap.pop();
      RunReader& in = *readers[r];
      found.push_back({parts.size(), in.docs.size(), in.last});
      parts.append(in.docs);
      AF_ASSIGN_OR_RETURN(bool more, in.Next());
      if (more) heap.emplace(in.key, in.check, r);
    }
    // ... joined newest first: each older part's first rowid, absolute in
    // its run, becomes its distance below the newer part's smallest.
    blob.clear();
    for (size_t k = found.size(); k-- > 0;) {
      const std::string_view part(parts.data() + found[k].offset, found[k].length);
      if (k + 1 == found.size()) {
        blob.append(part);
        continue;
      }
      const size_t head = VarintLength(part.data(), part.size());
      std::vector<int64_t> one;
      AF_RETURN_IF_ERROR(DecodeDoclist(part.substr(0, head), "search index build", &one));
      const int64_t step = found[k + 1].smallest - one[0];
      if (head == 0 || step < 1) return Status::Internal("search index build: runs out of document order");
      // A one-element doclist of the step: the same varint bytes.
      PutVarint(static_cast<uint64_t>(step), &blob);
      blob.append(part.substr(head));
    }
    sqlite3_stmt* raw = insert.raw();
    sqlite3_bind_int64(raw, 1, static_cast<int64_t>(key ^ kSignBit));
    sqlite3_bind_int64(raw, 2, check);
    sqlite3_bind_blob(raw, 3, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
    AF_RETURN_IF_ERROR(insert.Run());
    insert.Reset();
    ++rows_written_;
  }
  return Status::OK();
}

Status WordIndexWriter::Finish() {
  AF_RETURN_IF_ERROR(status_);
  if (Status st = FlushBlock(); !st.ok()) return status_ = st;
  if (Status st = Merge(); !st.ok()) return status_ = st;
  runs_file_.reset();
  return Status::OK();
}

// ------------------------------------------------------------------ search

Result<WordSearchResult> SearchWordIndex(sqlite::Database& db, const std::string& table,
                                         const std::vector<std::string>& words, int64_t limit, int64_t offset,
                                         int64_t count_cap) {
  WordSearchResult out;
  std::vector<std::string> unique;
  for (const auto& w : words) {
    if (w.empty() || w.size() > kMaxSearchWordBytes) continue;
    if (std::find(unique.begin(), unique.end(), w) != unique.end()) continue;
    if (unique.size() == kMaxSearchWords) break;
    unique.push_back(w);
  }
  if (unique.empty()) return out;
  limit = std::max<int64_t>(limit, 0);
  offset = std::max<int64_t>(offset, 0);
  // A statement per word, each left on its row: the doclists are read in
  // place, not copied.
  const std::string sql = "SELECT docs FROM " + QuoteIdentifier(table) + " WHERE word_hash = ?1 AND word_check = ?2";
  std::vector<sqlite::Statement> fetches;
  fetches.reserve(unique.size());
  std::vector<std::string_view> lists(unique.size());
  for (size_t i = 0; i < unique.size(); ++i) {
    AF_ASSIGN_OR_RETURN(auto fetch, db.Prepare(sql));
    fetches.push_back(std::move(fetch));
    const WordFingerprint f = FingerprintWord(unique[i]);
    fetches.back().Bind(1, f.hash);
    fetches.back().Bind(2, f.check);
    AF_ASSIGN_OR_RETURN(bool row, fetches.back().Step());
    if (!row) return out;  // a word no document has
    sqlite3_stmt* raw = fetches.back().raw();
    const void* blob = sqlite3_column_blob(raw, 0);
    const int bytes = sqlite3_column_bytes(raw, 0);
    lists[i] = std::string_view(static_cast<const char*>(blob), static_cast<size_t>(std::max(bytes, 0)));
  }
  // Leapfrog over the lists, newest first: each cursor moves down to the
  // candidate; when all agree it is a match. Stops once it has the page and
  // more than count_cap matches, so long lists are read only that far.
  std::vector<DoclistCursor> cursors;
  cursors.reserve(unique.size());
  for (size_t i = 0; i < unique.size(); ++i) {
    cursors.emplace_back(lists[i], "search index " + table + ", word '" + unique[i] + "'");
  }
  auto failed = [&]() -> Status {
    for (const auto& c : cursors) AF_RETURN_IF_ERROR(c.status());
    return Status::OK();
  };
  int64_t seen = 0;
  if (cursors[0].Next()) {
    int64_t candidate = cursors[0].rowid();
    size_t agreed = 1, k = 1 % cursors.size();
    bool more = true;
    while (more) {
      if (agreed == cursors.size()) {
        if (seen >= offset && static_cast<int64_t>(out.rowids.size()) < limit) out.rowids.push_back(candidate);
        ++seen;
        if (seen > count_cap && seen >= offset + limit) break;
        // Next candidate: below this one, from the cursor that agreed last.
        const size_t c = (k + cursors.size() - 1) % cursors.size();
        if (!cursors[c].Next()) break;
        candidate = cursors[c].rowid();
        agreed = 1;
        k = (c + 1) % cursors.size();
        continue;
      }
      DoclistCursor& cur = cursors[k];
      if (cur.rowid() == 0 || cur.rowid() > candidate) {  // not started, or above: move down
        bool moved = true;
        while ((moved = cur.Next()) && cur.rowid() > candidate) {
        }
        if (!moved) break;
      }
      if (cur.rowid() == candidate) {
        ++agreed;
      } else {  // below: the new candidate
        candidate = cur.rowid();
        agreed = 1;
      }
      k = (k + 1) % cursors.size();
    }
  }
  AF_RETURN_IF_ERROR(failed());
  out.total = std::min(seen, count_cap);
  out.total_exact = seen <= count_cap;
  return out;
}

}  // namespace arxivflow::warehouse
