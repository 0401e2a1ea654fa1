// ByteBuffer: a growable byte buffer for encoded pages. Unlike std::string,
// growing it leaves the new bytes uninitialised (a page's worth of
// zero-filling per page adds up), and appends compile to plain stores.
// Owns its memory; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace arxivflow::parquet {

class ByteBuffer {
 public:
  size_t size() const { return size_; }
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  std::string_view view() const { return std::string_view(data_.get(), size_); }
  void Resize(size_t n) {  // new bytes are uninitialised
    if (n > cap_) Grow(n);
    size_ = n;
  }
  void Append(const void* p, size_t n) {
    if (n == 0) return;  // `p` may be null for an empty value
    if (size_ + n > cap_) Grow(size_ + n);
    char* dst = data_.get() + size_;
    const char* src = static_cast<const char*>(p);
    if (n >= 8 && n <= 16) {  // most names and ids: two overlapping loads, no memcpy call
      uint64_t a, b;
      std::memcpy(&a, src, 8);
      std::memcpy(&b, src + n - 8, 8);
      std::memcpy(dst, &a, 8);
      std::memcpy(dst + n - 8, &b, 8);
    } else {
      std::memcpy(dst, src, n);
    }
    size_ += n;
  }
  void AppendLe32(uint32_t v) {  // little-endian host
    if (size_ + 4 > cap_) Grow(size_ + 4);
    std::memcpy(data_.get() + size_, &v, 4);
    size_ += 4;
  }
  void PushBack(char c) {
    if (size_ + 1 > cap_) Grow(size_ + 1);
    data_[size_++] = c;
  }
  char& back() { return data_[size_ - 1]; }

 private:
  void Grow(size_t need) {
    size_t cap = cap_ ? cap_ : 4096;
    while (cap < need) cap *= 2;
    std::unique_ptr<char[]> bigger(new char[cap]);
    if (size_) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    cap_ = cap;
  }
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace arxivflow::parquet
