#include "warehouse/doclist.h"

#include <limits>

#include "common/varint.h"

namespace arxivflow::warehouse {

Status EncodeDoclist(const int64_t* docs, size_t count, std::string* out) {
  DoclistEncoder encoder;
  for (size_t i = 0; i < count; ++i) {
    if (docs[i] < 1 || (i > 0 && docs[i] >= docs[i - 1])) {
      return Status::InvalidArgument("doclist: rowid " + std::to_string(docs[i]) +
                                     (i > 0 ? " after " + std::to_string(docs[i - 1]) : std::string()) +
                                     " (rowids must be >= 1 and descending)");
    }
    PutVarint(encoder.Next(docs[i]), out);
  }
  return Status::OK();
}

DoclistCursor::DoclistCursor(std::string_view bytes, std::string what)
    : p_(reinterpret_cast<const uint8_t*>(bytes.data())), end_(p_ + bytes.size()), what_(std::move(what)) {
  if (bytes.empty()) status_ = Status::Corruption(what_ + ": empty document list");
}

bool DoclistCursor::Next() {
  if (!status_.ok() || p_ == end_) return false;
  uint64_t v = 0;
  int shift = 0;
  while (true) {
    if (p_ == end_) {
      status_ = Status::Corruption(what_ + ": document list ends inside a number");
      return false;
    }
    const uint8_t b = *p_++;
    if (shift == 63 && (b & 0xfe) != 0) {  // the 10th byte: one bit, and the last
      status_ = Status::Corruption(what_ + ": number in the document list exceeds 64 bits");
      return false;
    }
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      if (b == 0 && shift > 0) {
        status_ = Status::Corruption(what_ + ": document list holds an overlong number");
        return false;
      }
      break;
    }
    shift += 7;
  }
  if (first_) {
    if (v == 0 || v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      status_ = Status::Corruption(what_ + ": document list starts with rowid " + std::to_string(v));
      return false;
    }
    rowid_ = static_cast<int64_t>(v);
    first_ = false;
    return true;
  }
  if (v == 0 || v >= static_cast<uint64_t>(rowid_)) {
    status_ = Status::Corruption(what_ + ": document list is not descending rowids >= 1 (step " + std::to_string(v) +
                                 " below " + std::to_string(rowid_) + ")");
    return false;
  }
  rowid_ -= static_cast<int64_t>(v);
  return true;
}

Status DecodeDoclist(std::string_view bytes, const std::string& what, std::vector<int64_t>* docs) {
  docs->clear();
  DoclistCursor cursor(bytes, what);
  while (cursor.Next()) docs->push_back(cursor.rowid());
  if (!cursor.status().ok()) docs->clear();
  return cursor.status();
}

}  // namespace arxivflow::warehouse
