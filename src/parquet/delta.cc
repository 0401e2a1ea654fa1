#include "parquet/delta.h"

#include <string>

namespace arxivflow::parquet {

Status DeltaBinaryPackedDecoder::ReadUvarint(uint64_t* v) {
  uint64_t r = 0;
  for (int i = 0; i < 10; ++i) {
    if (p_ >= end_) return Status::Corruption("DELTA_BINARY_PACKED data truncated");
    uint8_t b = *p_++;
    if (i == 9 && (b & 0x7e) != 0) return Status::Corruption("DELTA_BINARY_PACKED varint overflows");
    r |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *v = r;
      return Status::OK();
    }
  }
  return Status::Corruption("DELTA_BINARY_PACKED varint too long");
}

Status DeltaBinaryPackedDecoder::Init() {
  AF_RETURN_IF_ERROR(ReadUvarint(&block_size_));
  AF_RETURN_IF_ERROR(ReadUvarint(&miniblocks_));
  AF_RETURN_IF_ERROR(ReadUvarint(&total_));
  uint64_t first;
  AF_RETURN_IF_ERROR(ReadUvarint(&first));
  if (block_size_ == 0 || block_size_ % 128 != 0 || block_size_ > (1u << 20)) {
    return Status::Corruption("DELTA_BINARY_PACKED block size " + std::to_string(block_size_) + " is invalid");
  }
  if (miniblocks_ == 0 || miniblocks_ > block_size_ || block_size_ % miniblocks_ != 0 || (block_size_ / miniblocks_) % 32 != 0) {
    return Status::Corruption("DELTA_BINARY_PACKED miniblock count " + std::to_string(miniblocks_) + " is invalid");
  }
  per_miniblock_ = block_size_ / miniblocks_;
  last_ = (first >> 1) ^ (~(first & 1) + 1);  // zigzag
  emitted_ = 0;
  widths_.assign(miniblocks_, 0);
  miniblock_index_ = miniblocks_;
  miniblock_left_ = 0;
  return Status::OK();
}

Status DeltaBinaryPackedDecoder::StartBlock() {
  uint64_t zz;
  AF_RETURN_IF_ERROR(ReadUvarint(&zz));
  min_delta_ = (zz >> 1) ^ (~(zz & 1) + 1);
  if (static_cast<uint64_t>(end_ - p_) < miniblocks_) return Status::Corruption("DELTA_BINARY_PACKED bit widths truncated");
  for (uint64_t i = 0; i < miniblocks_; ++i) widths_[i] = p_[i];
  p_ += miniblocks_;
  miniblock_index_ = 0;
  return Status::OK();
}

Status DeltaBinaryPackedDecoder::StartMiniblock() {
  if (miniblock_index_ >= miniblocks_) AF_RETURN_IF_ERROR(StartBlock());
  width_ = widths_[miniblock_index_++];
  if (width_ > 64) return Status::Corruption("DELTA_BINARY_PACKED bit width " + std::to_string(width_) + " out of range");
  uint64_t bytes = per_miniblock_ * static_cast<uint64_t>(width_) / 8;
  // The last miniblock may be cut short by the writer; values past the
  // data's end are refused when they are read.
  mini_ = p_;
  uint64_t avail = static_cast<uint64_t>(end_ - p_);
  p_ += bytes < avail ? bytes : avail;
  mini_end_ = p_;
  miniblock_left_ = per_miniblock_;
  acc_ = 0;
  acc_bits_ = 0;
  return Status::OK();
}

Status DeltaBinaryPackedDecoder::Decode(int64_t* out, size_t count) {
  if (count > total_ - emitted_) return Status::Corruption("DELTA_BINARY_PACKED holds fewer values than needed");
  size_t i = 0;
  if (count > 0 && emitted_ == 0) {
    out[i++] = static_cast<int64_t>(last_);
    ++emitted_;
  }
  for (; i < count; ++i) {
    if (miniblock_left_ == 0) AF_RETURN_IF_ERROR(StartMiniblock());
    uint64_t delta = 0;
    if (width_ > 0) {
      // Gather `width_` bits, LSB first; up to 64 bits may span 9 bytes.
      int have = 0;
      while (have < width_) {
        if (acc_bits_ == 0) {
          if (mini_ >= mini_end_) return Status::Corruption("DELTA_BINARY_PACKED miniblock truncated");
          acc_ = *mini_++;
          acc_bits_ = 8;
        }
        int take = width_ - have < acc_bits_ ? width_ - have : acc_bits_;
        uint64_t bits = acc_ & ((1ull << take) - 1);
        delta |= bits << have;
        acc_ >>= take;
        acc_bits_ -= take;
        have += take;
      }
    }
    --miniblock_left_;
    last_ += min_delta_ + delta;
    out[i] = static_cast<int64_t>(last_);
    ++emitted_;
  }
  return Status::OK();
}

}  // namespace arxivflow::parquet
