#include "warehouse/distinct_words.h"

#include "common/ascii.h"
#include "common/hash_bytes.h"

namespace arxivflow::warehouse {

namespace {

constexpr size_t kInitialSlots = 1024;

// Calls f(piece) for each maximal run of non-whitespace bytes.
template <typename F>
void ForEachPiece(std::string_view text, F&& f) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    while (p < end && IsAsciiSpace(*p)) ++p;
    const char* start = p;
    while (p < end && !IsAsciiSpace(*p)) ++p;
    if (p > start) f(std::string_view(start, static_cast<size_t>(p - start)));
  }
}

}  // namespace

DistinctWords::DistinctWords() : slots_(kInitialSlots) {}

void DistinctWords::Begin() {
  pieces_.clear();
  hashes_.clear();
  if (++generation_ == 0) {  // wrapped: old stamps could match again
    for (auto& s : slots_) s.generation = 0;
    generation_ = 1;
  }
}

bool DistinctWords::Insert(std::string_view piece) {
  const uint64_t h = HashBytes(piece);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.generation != generation_) {
      s.generation = generation_;
      s.piece = static_cast<uint32_t>(pieces_.size());
      pieces_.push_back(piece);
      hashes_.push_back(h);
      if (pieces_.size() * 2 > slots_.size()) Grow();
      return true;
    }
    if (hashes_[s.piece] == h && pieces_[s.piece] == piece) return false;
  }
}

void DistinctWords::Grow() {
  std::vector<Slot> bigger(slots_.size() * 2);
  const size_t mask = bigger.size() - 1;
  for (uint32_t k = 0; k < pieces_.size(); ++k) {
    size_t i = hashes_[k] & mask;
    while (bigger[i].generation == generation_) i = (i + 1) & mask;
    bigger[i] = {generation_, k};
  }
  slots_.swap(bigger);
}

void DistinctWords::Note(std::string_view text) {
  ForEachPiece(text, [&](std::string_view piece) { Insert(piece); });
}

void DistinctWords::AppendNew(std::string_view text, std::string* out) {
  bool first = true;
  ForEachPiece(text, [&](std::string_view piece) {
    if (!Insert(piece)) return;
    if (!first) out->push_back(' ');
    out->append(piece);
    first = false;
  });
}

}  // namespace arxivflow::warehouse
