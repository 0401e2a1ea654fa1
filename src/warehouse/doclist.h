// Doclist: the documents of one word in the search index (word_index.h), as
// bytes.
//
// Format: the rowids in descending order (newest first, the order a search
// shows them), each as an unsigned LEB128 varint (7 bits per byte, low group
// first, high bit = more bytes follow): the first rowid as is, every later
// one as its distance below the one before (>= 1). Encodings are canonical
// (no trailing zero groups), so a doclist has one byte form. Newest first so
// a search reads a long list only as far as its page and its count need.
//
// Contract: EncodeDoclist() appends to *out rowids given in descending order,
// each >= 1 (anything else is a caller's bug, reported as kInvalidArgument).
// DoclistCursor walks a doclist without copying it; DecodeDoclist() replaces
// *docs with all of it. Bytes that are not a doclist (empty, a truncated or
// overlong varint, a distance of 0, a rowid below 1) give kCorruption naming
// `what`, never a crash or a partial list. Pure functions, thread-safe; a
// cursor is used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arxivflow::warehouse {

Status EncodeDoclist(const int64_t* docs, size_t count, std::string* out);

// The number a doclist stores for each of its rowids, given in order: the
// first as is, every later one as its distance below the one before. For a
// writer that puts the varints itself (PutVarint) and whose rowids are known
// to descend from >= 1; it checks nothing (EncodeDoclist does).
class DoclistEncoder {
 public:
  uint64_t Next(int64_t rowid) {
    const int64_t stored = previous_ == 0 ? rowid : previous_ - rowid;
    previous_ = rowid;
    return static_cast<uint64_t>(stored);
  }

 private:
  int64_t previous_ = 0;  // 0: none yet (rowids are >= 1)
};

class DoclistCursor {
 public:
  // `bytes` outlives the cursor.
  DoclistCursor(std::string_view bytes, std::string what);
  // Moves to the next rowid: true with it in rowid(), false at the end or on
  // an error (then status() says which).
  bool Next();
  int64_t rowid() const { return rowid_; }
  const Status& status() const { return status_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  std::string what_;
  int64_t rowid_ = 0;
  bool first_ = true;
  Status status_;
};

Status DecodeDoclist(std::string_view bytes, const std::string& what, std::vector<int64_t>* docs);

}  // namespace arxivflow::warehouse
