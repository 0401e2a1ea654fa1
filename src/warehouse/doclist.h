// Doclist: the documents of one word in one block of the search index
// (word_index.h), as bytes.
//
// Format: the rowids in ascending order, each as an unsigned LEB128 varint
// (7 bits per byte, low group first, high bit = more bytes follow): the first
// rowid as is, every later one as its distance from the one before (>= 1).
// Encodings are canonical (no trailing zero groups), so a doclist has one
// byte form and decoding then encoding gives the bytes back.
//
// Contract: EncodeDoclist() appends to *out; the rowids must be >= 1 and
// strictly ascending (callers guarantee it; anything else is a bug and is
// reported as kInvalidArgument). DecodeDoclist() replaces *docs; bytes that
// are not a doclist (truncated or overlong varint, a distance of 0, a rowid
// past INT64_MAX, an empty list) give kCorruption naming `what`, never a crash
// or a partial list. Memory: at most one rowid per input byte. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arxivflow::warehouse {

Status EncodeDoclist(const int64_t* docs, size_t count, std::string* out);

Status DecodeDoclist(std::string_view bytes, const std::string& what, std::vector<int64_t>* docs);

}  // namespace arxivflow::warehouse
