// The paper search index of a SQLite warehouse: for each word (search_words.h),
// the documents whose title or abstract holds it. A document is a row of the
// titles table the index is published with, named by that row's rowid.
//
// Table (ddl.h: SqliteSearchIndexSql):
//   papers_fts (word_hash INTEGER, word_check INTEGER, docs BLOB,
//               PRIMARY KEY (word_hash, word_check)) WITHOUT ROWID
// One row per word: its fingerprint (WordFingerprint: a 64-bit hash and a
// 32-bit check computed independently) and its documents as a doclist
// (doclist.h). The words themselves are not stored; a search looks its words
// up by fingerprint. Two different words would share a row only if all 96
// bits agree: about 10^-17 for the 1.5 million words of the full snapshot.
// The hash is not keyed: text written to collide on purpose could make a
// word find another word's papers, nothing worse.
//
// Why fingerprints and sorting: the build never looks a word up in a
// vocabulary (a cache miss per word occurrence, most of FTS5's cost on
// real text). It appends one (fingerprint, document) pair per distinct word
// of each document, and per block of pairs radix-sorts them (in cache, by
// partition) into a run of doclists in fingerprint order, written to a
// temporary file that bypasses the page cache where it can (spill_file.h); Finish() merges the runs into the table in key order (an
// append to the B-tree). Memory: one block (block_pairs pairs of 16 bytes)
// and the sort's buffers, on text a few percent of the block, at most twice
// the block when all its words share a partition; while merging, a read
// buffer per run, together at most as much as the block could take.
//
// WordIndexWriter: Add() each document in ascending rowid order, then
// Finish(). Errors: kInvalidArgument for a rowid not above the previous one
// (it sticks: Finish() returns it too); kIOError for the temporary file;
// SQLite's errors as they come. After an error the table may hold part of
// the index: callers build into a scratch or staging table and drop it.
// Not thread-safe.
//
// SearchWordIndex(): the documents that hold every one of `words`, newest
// (highest rowid) first: the page [offset, offset + limit) and the count up
// to `count_cap` (total_exact false when there are more). At most
// kMaxSearchWords words are used. kCorruption when a doclist is malformed.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite.h"
#include "common/status.h"
#include "warehouse/spill_file.h"
#include "warehouse/search_words.h"

namespace arxivflow::warehouse {

inline constexpr size_t kWordIndexBlockPairs = size_t{1} << 23;
// The block that fits `memory_bytes` (a pair takes 48 bytes at most: the
// block and the sort's buffers), 64 Ki to kWordIndexBlockPairs pairs; 0 = the
// largest.
size_t WordIndexBlockPairs(size_t memory_bytes);

struct WordFingerprint {
  int64_t hash;   // stored as is (the table's first key column)
  int64_t check;  // 0 .. 2^32 - 1
  bool operator==(const WordFingerprint&) const = default;
};
WordFingerprint FingerprintWord(std::string_view word);

class WordIndexWriter {
 public:
  // Writes into `table` of `db`, which must exist and be empty; the runs go
  // to `temp_dir` (an unnamed temporary file, spill_file.h, gone when the writer is).
  // `words` outlives the writer.
  WordIndexWriter(sqlite::Database& db, std::string table, SearchWords& words, std::string temp_dir,
                  size_t block_pairs = kWordIndexBlockPairs);
  ~WordIndexWriter();

  Status Add(int64_t rowid, std::string_view title, std::string_view abstract);
  Status Finish();

  int64_t documents() const { return documents_; }
  int64_t rows_written() const { return rows_written_; }

 private:
  struct Run {
    uint64_t offset;
    uint64_t bytes;
  };
  Status AddText(std::string_view text);
  void Note(std::string_view word);
  void GrowSeen();
  Status FlushBlock();
  Status Merge();

  sqlite::Database& db_;
  std::string table_;
  SearchWords& words_;
  std::string temp_dir_;
  size_t block_pairs_;
  // The current block: one pair per distinct word of each document, kept in
  // 256 partitions by the key's top byte as the pairs come: that is the
  // sort's first pass, its writes scattered among the tokenising, where they
  // cost little (a pass of its own over the block waits on memory). A
  // partition is a list of chunks of the arena.
  struct Pair {
    uint64_t key;    // the fingerprint's hash, sign bit flipped (unsigned order = SQLite's order)
    uint32_t check;
    uint32_t doc;    // index into doc_rowids_
  };
  struct Partition {
    Pair* at = nullptr;   // the next free pair of the last chunk
    Pair* end = nullptr;  // the last chunk's end
    std::vector<Pair*> chunks;
  };
  void NewChunk(Partition& part);
  // Sorts partition `part` into sort_ (its pairs in (key, check) order, each
  // word's in document order); returns the number of pairs.
  size_t SortPartition(const Partition& part);
  std::vector<Partition> partitions_;
  std::unique_ptr<Pair[]> arena_;  // the block's chunks, then overflow_'s
  size_t arena_chunks_ = 0, arena_used_ = 0;
  std::vector<std::unique_ptr<Pair[]>> overflow_;  // chunks past the arena (an outsized document)
  size_t block_pair_count_ = 0;
  // The sort's buffers: a partition, and one range of it; they grow to the
  // largest seen (on text a few percent of the arena).
  std::unique_ptr<Pair[]> sort_, sort_spare_;
  size_t sort_size_ = 0, sort_spare_size_ = 0;
  std::vector<int64_t> doc_rowids_;
  // This document's words so far: open addressing, a slot is taken when its
  // stamp is stamp_ (so a new document clears nothing).
  // One slot per 16 bytes, so a probe touches one cache line.
  struct SeenSlot {
    uint64_t key;
    uint32_t check;
    uint32_t stamp;
  };
  std::vector<SeenSlot> seen_;
  uint32_t stamp_ = 1;
  size_t seen_count_ = 0;
  std::unique_ptr<SpillFile> runs_file_;  // once the first block is flushed
  std::vector<Run> runs_;
  uint64_t runs_bytes_ = 0;
  int64_t last_rowid_ = 0;
  int64_t documents_ = 0;
  int64_t rows_written_ = 0;
  Status status_;
};

struct WordSearchResult {
  int64_t total = 0;
  bool total_exact = true;
  std::vector<int64_t> rowids;  // newest first
};

Result<WordSearchResult> SearchWordIndex(sqlite::Database& db, const std::string& table,
                                         const std::vector<std::string>& words, int64_t limit, int64_t offset,
                                         int64_t count_cap);

}  // namespace arxivflow::warehouse
