#include "transform/block_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "transform/text_clean.h"

namespace arxivflow::transform {

namespace {
constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;
}

const char* LayoutLabel(Layout l) { return l == Layout::kJsonArray ? "json-array" : "jsonl"; }

Layout DetectLayout(std::string_view b) {
  if (b.starts_with("\xEF\xBB\xBF")) b.remove_prefix(3);
  for (char c : b) {
    if (IsAsciiSpace(c)) continue;
    return c == '[' ? Layout::kJsonArray : Layout::kJsonLines;
  }
  return Layout::kJsonLines;
}

BlockReader::BlockReader(ByteSource* source, Layout layout, std::string name,
                         BlockReaderOptions options)
    : source_(source), layout_(layout), name_(std::move(name)), options_(options) {
  pending_offset_ = options_.stream_offset;
  stream_pos_ = options_.stream_offset;
  pending_line_ = options_.first_line;
}

Status BlockReader::Fill(size_t want) {
  if (pending_.size() < want + kPadding) pending_.resize(want + kPadding);
  while (pending_used_ < want && !eof_) {
    AF_ASSIGN_OR_RETURN(size_t k, source_->Read(pending_.data() + pending_used_, want - pending_used_));
    if (k == 0) {
      eof_ = true;
      break;
    }
    pending_used_ += k;
    stream_pos_ += k;
  }
  return Status::OK();
}

Result<bool> BlockReader::Next(Block* block) {
  for (;;) {
    if (done_) return false;
    Result<bool> got = layout_ == Layout::kJsonLines ? NextLines(block) : NextArray(block);
    if (!got.ok() || !*got) return got;
    const bool keep = block_index_++ % options_.modulo == options_.remainder;
    if (keep) {
      block->sequence = sequence_++;
      return true;
    }
  }
}

// Moves pending_[cut, used) to the front of a fresh buffer and hands the
// filled buffer to the block.
static void HandOver(std::vector<char>* pending, size_t* pending_used, size_t cut, Block* block) {
  std::swap(block->data, *pending);
  block->used = cut;
  const size_t rest = *pending_used - cut;
  if (pending->size() < rest + kPadding) pending->resize(std::max(rest + kPadding, block->data.size()));
  if (rest > 0) std::memcpy(pending->data(), block->data.data() + cut, rest);
  *pending_used = rest;
  // simdjson may read the padding: keep it initialised.
  std::memset(block->data.data() + cut, 0, std::min(kPadding, block->data.size() - cut));
}

Result<bool> BlockReader::NextLines(Block* block) {
  size_t want = options_.block_bytes;
  if (options_.byte_range && options_.range_end != UINT64_MAX) {
    // Read little past the range: only up to the end of its last record
    // (a remote input then fetches just its range plus a short overrun).
    constexpr uint64_t kOverrun = 64u << 10;
    const uint64_t to_end = options_.range_end > pending_offset_ ? options_.range_end - pending_offset_ : 0;
    want = static_cast<size_t>(std::min<uint64_t>(want, to_end + kOverrun));
  }
  size_t cut = 0;
  for (;;) {
    AF_RETURN_IF_ERROR(Fill(want));
    if (!started_) {
      if (pending_used_ >= 3 && pending_offset_ == 0 &&
          std::memcmp(pending_.data(), "\xEF\xBB\xBF", 3) == 0) {
        std::memmove(pending_.data(), pending_.data() + 3, pending_used_ - 3);
        pending_used_ -= 3;
        pending_offset_ = 3;
      }
      if (options_.byte_range && options_.range_begin > 0) {
        // We start one byte early: drop everything up to the first line feed
        // (that line belongs to the previous range).
        const char* nl = static_cast<const char*>(std::memchr(pending_.data(), '\n', pending_used_));
        if (nl == nullptr) {
          if (!eof_) {
            pending_used_ = 0;  // a long line of the previous range: keep skipping
            pending_offset_ = stream_pos_;
            continue;
          }
          done_ = true;
          return false;
        }
        const size_t skip = static_cast<size_t>(nl - pending_.data()) + 1;
        std::memmove(pending_.data(), pending_.data() + skip, pending_used_ - skip);
        pending_used_ -= skip;
        pending_offset_ += skip;
        ++pending_line_;
      }
      started_ = true;
    }
    if (pending_used_ == 0 && eof_) {
      done_ = true;
      return false;
    }
    if (eof_) {
      cut = pending_used_;
      break;
    }
    const void* last = memrchr(pending_.data(), '\n', pending_used_);
    if (last != nullptr) {
      cut = static_cast<size_t>(static_cast<const char*>(last) - pending_.data()) + 1;
      break;
    }
    if (pending_used_ >= BlockReaderOptions::kMaxRecordBytes) {
      return Status::Corruption(name_ + ": line " + std::to_string(pending_line_) +
                                " is longer than 1 GiB");
    }
    want = pending_used_ * 2;  // one record larger than a block: grow
  }
  const uint64_t base_offset = pending_offset_;
  const uint64_t base_line = pending_line_;
  HandOver(&pending_, &pending_used_, cut, block);
  pending_offset_ = base_offset + cut;

  block->spans.clear();
  const char* data = block->data.data();
  size_t pos = 0;
  uint64_t line = base_line;
  while (pos < cut) {
    const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', cut - pos));
    const size_t end = nl ? static_cast<size_t>(nl - data) : cut;
    const uint64_t offset = base_offset + pos;
    if (options_.byte_range && offset >= options_.range_end) {
      done_ = true;
      break;
    }
    block->spans.push_back(Span{pos, end - pos, line, offset});
    ++line;
    pos = end + 1;
  }
  pending_line_ = line;
  if (done_ && block->spans.empty()) return false;
  return true;
}

Status BlockReader::ScanArray(const char* p, size_t n, size_t* cut, std::vector<Span>* spans,
                              uint64_t base, bool at_eof) {
  size_t i = 0;
  uint64_t line = pending_line_;
  auto skip_ws = [&](size_t* k, uint64_t* ln) {
    while (*k < n && IsAsciiSpace(p[*k])) {
      *ln += p[*k] == '\n';
      ++*k;
    }
  };
  auto where = [&](size_t k, uint64_t ln) {
    return name_ + ": line " + std::to_string(ln) + " (byte " + std::to_string(base + k) + ")";
  };
  for (;;) {
    skip_ws(&i, &line);
    if (i == n) break;
    if (array_state_ == ArrayState::kBeforeOpen) {
      if (p[i] != '[') return Status::Corruption(where(i, line) + ": expected '[' to open the JSON array");
      ++i;
      array_state_ = ArrayState::kBeforeValue;
      continue;
    }
    if (array_state_ == ArrayState::kClosed) {
      return Status::Corruption(where(i, line) + ": content after the closing ']' of the JSON array");
    }
    if (p[i] == ']' && array_elements_ == 0) {
      ++i;
      array_state_ = ArrayState::kClosed;
      continue;
    }
    // One element: scan to the ',' or ']' at depth 0.
    const size_t start = i;
    const uint64_t start_line = line;
    size_t j = i;
    uint64_t ln = line;
    int64_t depth = 0;
    bool in_string = false, escape = false, complete = false;
    for (; j < n; ++j) {
      const char c = p[j];
      ln += c == '\n';
      if (in_string) {
        if (escape) {
          escape = false;
        } else if (c == '\\') {
          escape = true;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          if (c == '}') return Status::Corruption(where(j, ln) + ": unbalanced '}' in the JSON array");
          complete = true;
          break;
        }
        --depth;
      } else if (c == ',' && depth == 0) {
        complete = true;
        break;
      }
    }
    if (!complete) {
      if (at_eof) return Status::Corruption(where(start, start_line) + ": the JSON array is not closed");
      break;  // wait for more data; resume at this element
    }
    size_t end = j;
    while (end > start && IsAsciiSpace(p[end - 1])) --end;
    spans->push_back(Span{start, end - start, start_line, base + start});
    ++array_elements_;
    array_state_ = p[j] == ']' ? ArrayState::kClosed : ArrayState::kBeforeValue;
    i = j + 1;
    line = ln;
  }
  *cut = i;
  pending_line_ = line;
  if (at_eof && i == n && array_state_ != ArrayState::kClosed) {
    return Status::Corruption(name_ + ": the JSON array is not closed at end of input");
  }
  return Status::OK();
}

Result<bool> BlockReader::NextArray(Block* block) {
  size_t want = options_.block_bytes;
  for (;;) {
    AF_RETURN_IF_ERROR(Fill(want));
    if (!started_) {
      if (pending_used_ >= 3 && std::memcmp(pending_.data(), "\xEF\xBB\xBF", 3) == 0) {
        std::memmove(pending_.data(), pending_.data() + 3, pending_used_ - 3);
        pending_used_ -= 3;
        pending_offset_ += 3;
      }
      started_ = true;
    }
    if (pending_used_ == 0 && eof_) {
      done_ = true;
      if (array_state_ != ArrayState::kClosed) {
        return Status::Corruption(name_ + ": the JSON array is not closed at end of input");
      }
      return false;
    }
    std::vector<Span> spans;
    size_t cut = 0;
    const uint64_t line_before = pending_line_;
    AF_RETURN_IF_ERROR(ScanArray(pending_.data(), pending_used_, &cut, &spans, pending_offset_, eof_));
    if (!spans.empty() || eof_ || cut > 0) {
      const uint64_t base = pending_offset_;
      HandOver(&pending_, &pending_used_, cut, block);
      pending_offset_ = base + cut;
      block->spans = std::move(spans);
      if (eof_ && pending_used_ == 0) done_ = true;
      if (block->spans.empty() && done_) return false;
      return true;
    }
    // Not one complete element yet: grow and rescan from the same point.
    pending_line_ = line_before;
    if (pending_used_ >= BlockReaderOptions::kMaxRecordBytes) {
      return Status::Corruption(name_ + ": line " + std::to_string(pending_line_) +
                                ": a JSON array element is longer than 1 GiB");
    }
    want = std::max(want, pending_used_ * 2);
  }
}

}  // namespace arxivflow::transform
