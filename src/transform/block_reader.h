// BlockReader: cuts a decompressed snapshot stream into blocks of whole
// records, for the worker threads.
//
// Contract:
// - Two layouts, chosen by the caller (see DetectLayout): JSON Lines (one
//   record per line; a UTF-8 BOM at the start is skipped; CR before LF is left
//   to the JSON parser, which treats it as whitespace) and a single JSON array
//   of records (split at top-level commas by a string-aware scanner).
// - Each Block holds at least `block_bytes` of data (unless the stream ends)
//   cut at a record boundary, plus SIMDJSON_PADDING readable bytes after the
//   data, and one Span per record with its exact 1-based line number and
//   byte offset in the decompressed stream. A record longer than the block
//   grows the block (memory is bounded by the largest record, capped at
//   kMaxRecordBytes: a longer record is a Corruption error).
// - Ownership filters implement --shard: a byte range for plain JSON Lines
//   (a record belongs to the range holding its first byte; reads stop about
//   64 KiB past the range unless the last record is longer), or every N-th
//   block otherwise. Skipped blocks are never returned.
// - A malformed JSON array (unbalanced brackets, junk after the closing
//   bracket) is a Corruption error: element boundaries cannot be trusted.
// - Not thread-safe; one reader thread calls Next().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "transform/input.h"

namespace arxivflow::transform {

enum class Layout { kJsonLines, kJsonArray };
const char* LayoutLabel(Layout l);  // "jsonl", "json-array"

struct Span {
  uint64_t offset;       // in Block::data
  uint64_t length;
  uint64_t line;         // 1-based line of the record's first byte
  uint64_t byte_offset;  // of the record's first byte in the decompressed stream
};

struct Block {
  uint64_t sequence = 0;  // 0, 1, 2... over returned blocks
  uint64_t input_done = 0;  // set by the caller: input consumed up to this block (progress)
  std::vector<char> data;  // size() >= used + padding
  size_t used = 0;
  std::vector<Span> spans;
};

struct BlockReaderOptions {
  size_t block_bytes = 1u << 20;
  static constexpr uint64_t kMaxRecordBytes = 1ull << 30;
  // Byte-range ownership (JSON Lines only): records starting in [begin, end).
  // The source must already be positioned at `stream_offset`.
  bool byte_range = false;
  uint64_t range_begin = 0, range_end = UINT64_MAX;
  uint64_t stream_offset = 0;  // decompressed offset of the first byte read
  uint64_t first_line = 1;     // line number at stream_offset
  // Block-modulo ownership: keep blocks whose index % modulo == remainder.
  uint64_t modulo = 1, remainder = 0;
};

class BlockReader {
 public:
  BlockReader(ByteSource* source, Layout layout, std::string name, BlockReaderOptions options);
  // Fills *block (reusing its buffers). Returns false at end of stream.
  Result<bool> Next(Block* block);
  uint64_t bytes_consumed() const { return stream_pos_; }

 private:
  Status Fill(size_t want);  // reads until pending_ holds `want` bytes or EOF
  Result<bool> NextLines(Block* block);
  Result<bool> NextArray(Block* block);
  Status ScanArray(const char* p, size_t n, size_t* cut, std::vector<Span>* spans, uint64_t base,
                   bool at_eof);

  ByteSource* source_;
  Layout layout_;
  std::string name_;
  BlockReaderOptions options_;
  std::vector<char> pending_;  // bytes read but not yet returned
  size_t pending_used_ = 0;
  uint64_t pending_offset_ = 0;  // stream offset of pending_[0]
  uint64_t pending_line_ = 1;    // line number at pending_[0]
  uint64_t stream_pos_ = 0;      // stream offset after the last byte read
  bool eof_ = false;
  bool started_ = false;
  bool done_ = false;
  uint64_t block_index_ = 0;  // over all blocks, kept or not
  uint64_t sequence_ = 0;
  // JSON array scanner state, carried between blocks.
  enum class ArrayState { kBeforeOpen, kBeforeValue, kAfterValue, kClosed };
  ArrayState array_state_ = ArrayState::kBeforeOpen;
  size_t array_elements_ = 0;
};

// Looks at the first bytes of the decompressed stream: `[` (after a BOM and
// whitespace) means a JSON array, anything else JSON Lines.
Layout DetectLayout(std::string_view first_bytes);

}  // namespace arxivflow::transform
