#include "transform/record.h"

#include <algorithm>

namespace arxivflow::transform {

void TextArena::NextChunk(size_t n) {
  const size_t size = std::max(n, kChunkBytes);
  if (current_ == chunks_.size() || chunks_[current_].size < size) {
    chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(current_),
                   Chunk{std::unique_ptr<char[]>(new char[size]), size});
  }
  next_ = chunks_[current_].data.get();
  room_ = chunks_[current_].size;
  ++current_;
}

void TextArena::Clear() {
  // A chunk made for one huge value is not kept for the rest of the run.
  std::erase_if(chunks_, [](const Chunk& c) { return c.size > kChunkBytes; });
  current_ = 0;
  next_ = nullptr;
  room_ = 0;
}

}  // namespace arxivflow::transform
