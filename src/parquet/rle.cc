#include "parquet/rle.h"

#include <bit>
#include <cstring>

#include "common/varint.h"

namespace arxivflow::parquet {

int BitWidth(uint64_t max_value) { return static_cast<int>(std::bit_width(max_value)); }

namespace {

template <typename T>
void EmitRle(T value, size_t count, int bw, std::string* out) {
  PutVarint(static_cast<uint64_t>(count) << 1, out);
  int bytes = (bw + 7) / 8;
  uint32_t v = value;
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

template <typename T>
void EmitBitPacked(const T* values, size_t count, int bw, std::string* out) {
  size_t groups = (count + 7) / 8;
  PutVarint((static_cast<uint64_t>(groups) << 1) | 1, out);
  size_t start = out->size();
  out->resize(start + groups * static_cast<size_t>(bw));
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  uint64_t acc = 0;
  int bits = 0;
  size_t total = groups * 8;
  for (size_t i = 0; i < total; ++i) {
    uint64_t v = i < count ? static_cast<uint64_t>(values[i]) : 0;
    acc |= v << bits;
    bits += bw;
    while (bits >= 8) {
      *dst++ = static_cast<uint8_t>(acc);
      acc >>= 8;
      bits -= 8;
    }
  }
}

template <typename T>
void RleEncodeImpl(const T* v, size_t n, int bw, std::string* out) {
  size_t lit_start = 0;
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && v[j] == v[i]) ++j;
    size_t run = j - i;
    if (run >= 8) {
      // Bit-packed runs hold multiples of 8 values, so pad the pending
      // literals with values taken from the start of this run.
      size_t pending = i - lit_start;
      size_t pad = (8 - pending % 8) % 8;
      if (run - pad >= 8) {
        if (pending + pad > 0) EmitBitPacked(v + lit_start, pending + pad, bw, out);
        EmitRle(v[i], run - pad, bw, out);
        lit_start = j;
      }
    }
    i = j;
  }
  if (lit_start < n) EmitBitPacked(v + lit_start, n - lit_start, bw, out);
}

}  // namespace

void RleEncode(const uint8_t* values, size_t n, int bw, std::string* out) { RleEncodeImpl(values, n, bw, out); }
void RleEncode(const uint32_t* values, size_t n, int bw, std::string* out) { RleEncodeImpl(values, n, bw, out); }

Status RleDecoder::NextRun() {
  uint64_t header = 0;
  for (int i = 0;; ++i) {
    if (p_ >= end_) return Status::Corruption("RLE data ends before the expected number of values");
    if (i >= 5) return Status::Corruption("RLE run header varint too long");
    uint8_t b = *p_++;
    header |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) break;
  }
  if (header & 1) {
    uint64_t groups = header >> 1;
    uint64_t bytes_left = static_cast<uint64_t>(end_ - p_);
    uint64_t max_values = bit_width_ == 0 ? groups * 8 : bytes_left * 8 / static_cast<uint64_t>(bit_width_);
    packed_left_ = groups * 8 < max_values ? groups * 8 : max_values;
    acc_ = 0;
    acc_bits_ = 0;
  } else {
    rle_left_ = header >> 1;
    int bytes = (bit_width_ + 7) / 8;
    if (end_ - p_ < bytes) return Status::Corruption("RLE run value truncated");
    uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<uint32_t>(p_[i]) << (8 * i);
    p_ += bytes;
    rle_value_ = v;
  }
  return Status::OK();
}

template <typename T>
Status RleDecoder::DecodeImpl(T* out, size_t count) {
  if (bit_width_ < 0 || bit_width_ > 32) return Status::Corruption("RLE bit width " + std::to_string(bit_width_) + " out of range");
  const uint64_t mask = bit_width_ == 64 ? ~0ull : ((1ull << bit_width_) - 1);
  size_t done = 0;
  while (done < count) {
    if (rle_left_ > 0) {
      size_t n = count - done < rle_left_ ? count - done : static_cast<size_t>(rle_left_);
      T v = static_cast<T>(rle_value_);
      for (size_t i = 0; i < n; ++i) out[done + i] = v;
      done += n;
      rle_left_ -= n;
      continue;
    }
    if (packed_left_ > 0) {
      size_t n = count - done < packed_left_ ? count - done : static_cast<size_t>(packed_left_);
      for (size_t i = 0; i < n; ++i) {
        while (acc_bits_ < bit_width_) {
          // packed_left_ was capped by the bytes available, so this stays in bounds
          // except for the zero padding of a run's final partial byte.
          uint64_t b = p_ < end_ ? *p_++ : 0;
          acc_ |= b << acc_bits_;
          acc_bits_ += 8;
        }
        out[done + i] = static_cast<T>(acc_ & mask);
        acc_ >>= bit_width_;
        acc_bits_ -= bit_width_;
      }
      done += n;
      packed_left_ -= n;
      if (packed_left_ == 0) {
        // A run's bytes end on a byte boundary: drop the unread bits.
        acc_ = 0;
        acc_bits_ = 0;
      }
      continue;
    }
    AF_RETURN_IF_ERROR(NextRun());
  }
  return Status::OK();
}

Status RleDecoder::Decode(uint8_t* out, size_t count) { return DecodeImpl(out, count); }
Status RleDecoder::Decode(uint32_t* out, size_t count) { return DecodeImpl(out, count); }

}  // namespace arxivflow::parquet
