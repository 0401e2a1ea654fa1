// OutBuffer: a growable byte buffer tuned for building large text blocks.
//
// Contract: appends never fail (growth via std::realloc-like doubling inside a
// std::string); Data()/Size() expose the bytes built so far; Clear() keeps the
// capacity so a buffer can be reused for the next block without reallocating.
// Not thread-safe; each generator thread owns its buffers.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace arxivflow::gen {

class OutBuffer {
 public:
  OutBuffer() = default;
  explicit OutBuffer(size_t reserve) { buf_.resize(reserve); }

  void Append(const char* p, size_t n) {
    if (n == 0) return;  // p may be null for an empty view
    Ensure(n);
    std::memcpy(&buf_[size_], p, n);
    size_ += n;
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  void Push(char c) {
    Ensure(1);
    buf_[size_++] = c;
  }
  // Appends the decimal digits of v.
  void AppendUInt(uint64_t v) {
    char tmp[20];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    Ensure(static_cast<size_t>(n));
    while (n > 0) buf_[size_++] = tmp[--n];
  }
  // Appends v zero-padded to at least `width` digits.
  void AppendPadded(uint64_t v, int width) {
    char tmp[20];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n < width && n < 20) tmp[n++] = '0';
    Ensure(static_cast<size_t>(n));
    while (n > 0) buf_[size_++] = tmp[--n];
  }

  const char* Data() const { return buf_.data(); }
  char& At(size_t i) { return buf_[i]; }
  size_t Size() const { return size_; }
  std::string_view View() const { return std::string_view(buf_.data(), size_); }
  void Clear() { size_ = 0; }
  // Drops the bytes after `size` (used to undo a partial append).
  void Truncate(size_t size) { if (size < size_) size_ = size; }

 private:
  void Ensure(size_t n) {
    if (size_ + n > buf_.size()) buf_.resize((size_ + n) * 2 + 4096);
  }

  std::string buf_;
  size_t size_ = 0;
};

}  // namespace arxivflow::gen
