// IdSet: exact set of record ids seen in a run, for duplicate detection.
//
// Memory grows with the number of distinct ids only: ids are stored once in
// arenas (length-prefixed bytes) and indexed by an open-addressing table of
// 8-byte slots (32-bit hash tag + 32-bit arena offset), 256-way sharded so no
// arena passes 4 GiB. About 25 bytes per id for arXiv-style ids (~75 MB at
// 3 M ids). Ids longer than 64 KiB are stored by their first 64 KiB plus a
// 64-bit hash of the whole id.
// Not thread-safe: the transform inserts under its ordered-commit turn.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace arxivflow::transform {

class IdSet {
 public:
  IdSet();
  // True when `id` was not in the set (and is now).
  bool Insert(std::string_view id);
  uint64_t size() const { return size_; }
  uint64_t MemoryBytes() const;

 private:
  struct Shard {
    std::string arena;
    std::vector<uint64_t> slots;  // 0 = empty; else (tag << 32) | (offset + 1)
    uint64_t used = 0;
  };
  static bool Matches(const Shard& s, uint32_t offset, std::string_view key);
  static void Grow(Shard* s);
  std::vector<Shard> shards_;
  uint64_t size_ = 0;
};

}  // namespace arxivflow::transform
