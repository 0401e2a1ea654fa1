// The entries of one SQLite index, sorted in bounded memory for
// IndexBtreeWriter (sqlite_btree_writer.h), which needs them in order.
//
// Each entry is the index's record (its columns, then the rowid) with a sort
// key whose byte order (memcmp) is SQLite's order for the entry: the
// AppendSortKey*() helpers encode each column so (BINARY collation; NULL
// first, then integers, text, blobs). Entries are kept in memory up to
// `memory_bytes` (under 4 GiB), then sorted — unless they came in order, as
// the key of a table often does — and spilled to a temporary file that
// bypasses the page cache where it can (spill_file.h) as a run, each entry as what its key and record do not share with the
// entry before it; WriteTo() merges the runs into the B-tree. Entries with
// equal keys keep the order they came in (their rowids' order). For a UNIQUE
// index two entries with the same key (and no NULL in it) fail as SQLite's
// CREATE UNIQUE INDEX would.
//
// Contract: Add() every entry, then WriteTo() once. Memory: a run of
// `memory_bytes` (its entries and 24 bytes per entry), the items once more
// while it is sorted (a third of the run at most), the spill file's write
// buffer (2 MiB) once a run is spilled, and while merging a read buffer per
// run (their share of `memory_bytes`, 4 to 256 KiB each; the file's block
// beside it, at least 64 KiB when direct) and its current entry. The spill
// file is removed when the sorter is destroyed (or its process dies). Errors (I/O) are returned as
// Status. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "warehouse/spill_file.h"

namespace arxivflow::warehouse {

// Sort-key encodings: a tag byte, then an integer as 8 big-endian bytes with
// the sign flipped, or text/blob bytes with 0x00 escaped as 0x00 0x01 and
// ended by 0x00 0x00 (so a prefix sorts first, as memcmp-then-length does).
void AppendSortKeyNull(std::string* key);
void AppendSortKeyInteger(int64_t value, std::string* key);
void AppendSortKeyText(std::string_view text, std::string* key);
void AppendSortKeyBlob(std::string_view bytes, std::string* key);

class IndexSorter {
 public:
  // `spill_dir`: where runs go; `unique_error`: the message of a duplicate
  // for a UNIQUE index ("UNIQUE constraint failed: authors.id, ..."), empty
  // for a non-unique one.
  IndexSorter(std::string spill_dir, size_t memory_bytes, std::string unique_error);
  ~IndexSorter();
  IndexSorter(const IndexSorter&) = delete;
  IndexSorter& operator=(const IndexSorter&) = delete;

  // `key`: the sort key of the index's columns; `record`: the entry (the
  // columns, then the rowid); `key_has_null`: a column is NULL (such an
  // entry is never a duplicate). Entries must come in rowid order: equal
  // keys stay in the order they came.
  Status Add(std::string_view key, std::string_view record, bool key_has_null);
  // Hands every record to `emit`, in order (IndexBtreeWriter::Append).
  Status WriteTo(const std::function<Status(std::string_view record)>& emit);
  int64_t entries() const { return entries_; }
  size_t runs() const { return runs_.size(); }
  uint64_t spilled_bytes() const { return spilled_; }

 private:
  struct Item {
    uint64_t prefix0, prefix1;  // the sort key's first 16 bytes, big-endian
    uint32_t offset;            // of the entry in arena_
    uint32_t key_size;
  };
  struct Run {
    uint64_t begin, end;  // bytes of the spill file
  };
  class RunReader;
  size_t MemoryInUse() const;  // the run in memory: entries and their items
  Status SortInMemory();
  // Stable: by the prefixes' bytes from `depth` (0..16) on, then the whole key.
  void RadixSort(Item* items, Item* scratch, size_t n, int depth) const;
  bool KeyLess(const Item& a, const Item& b) const;
  Status Spill();
  Status Emit(std::string_view key, std::string_view record, bool key_has_null,
              const std::function<Status(std::string_view)>& emit);

  std::string spill_dir_;
  size_t memory_bytes_;
  std::string unique_error_;
  std::string arena_;  // entries: u32 key size, u32 record size, u8 null, key (with rowid), record
  std::vector<Item> items_;
  std::vector<Item> sort_scratch_;  // RadixSort's other half, kept between runs
  bool in_order_ = true;
  size_t last_entry_ = 0;
  std::unique_ptr<SpillFile> spill_;  // the runs, once the first is spilled
  uint64_t spilled_ = 0;
  std::vector<Run> runs_;
  int64_t entries_ = 0;
  // Duplicate check while emitting.
  std::string previous_key_;
  bool previous_valid_ = false;
};

}  // namespace arxivflow::warehouse
