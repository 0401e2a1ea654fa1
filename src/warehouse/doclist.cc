#include "warehouse/doclist.h"

#include <limits>

namespace arxivflow::warehouse {

namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace

Status EncodeDoclist(const int64_t* docs, size_t count, std::string* out) {
  int64_t last = 0;
  for (size_t i = 0; i < count; ++i) {
    if (docs[i] <= last) {
      return Status::InvalidArgument("doclist: rowid " + std::to_string(docs[i]) + " after " + std::to_string(last) +
                                     " (rowids must be >= 1 and ascending)");
    }
    PutVarint(static_cast<uint64_t>(docs[i] - last), out);
    last = docs[i];
  }
  return Status::OK();
}

Status DecodeDoclist(std::string_view bytes, const std::string& what, std::vector<int64_t>* docs) {
  docs->clear();
  if (bytes.empty()) return Status::Corruption(what + ": empty document list");
  docs->reserve(bytes.size());
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto* end = p + bytes.size();
  uint64_t last = 0;
  while (p < end) {
    uint64_t v = 0;
    int shift = 0;
    while (true) {
      if (p == end) {
        docs->clear();
        return Status::Corruption(what + ": document list ends inside a number");
      }
      const uint8_t b = *p++;
      if (shift == 63 && (b & 0x7e) != 0) {
        docs->clear();
        return Status::Corruption(what + ": number in the document list exceeds 64 bits");
      }
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) {
        if (b == 0 && shift > 0) {
          docs->clear();
          return Status::Corruption(what + ": document list holds an overlong number");
        }
        break;
      }
      shift += 7;
    }
    if (v == 0 || v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - last) {
      docs->clear();
      return Status::Corruption(what + ": document list is not ascending rowids (step " + std::to_string(v) + ")");
    }
    last += v;
    docs->push_back(static_cast<int64_t>(last));
  }
  return Status::OK();
}

}  // namespace arxivflow::warehouse
