#include "transform/id_set.h"

#include <cstring>

#include "common/hash_bytes.h"

namespace arxivflow::transform {

namespace {
constexpr size_t kShards = 256;
constexpr size_t kMaxStoredKey = 65535;
}  // namespace

IdSet::IdSet() : shards_(kShards) {}

uint64_t IdSet::MemoryBytes() const {
  uint64_t total = 0;
  for (const Shard& s : shards_) total += s.arena.capacity() + s.slots.capacity() * 8;
  return total;
}

bool IdSet::Matches(const Shard& s, uint32_t offset, std::string_view key) {
  uint16_t len;
  std::memcpy(&len, s.arena.data() + offset, 2);
  return len == key.size() && std::memcmp(s.arena.data() + offset + 2, key.data(), len) == 0;
}

void IdSet::Grow(Shard* s) {
  std::vector<uint64_t> old = std::move(s->slots);
  s->slots.assign(old.empty() ? 1024 : old.size() * 2, 0);
  const size_t mask = s->slots.size() - 1;
  for (uint64_t slot : old) {
    if (slot == 0) continue;
    const uint32_t offset = static_cast<uint32_t>(slot) - 1;
    uint16_t len;
    std::memcpy(&len, s->arena.data() + offset, 2);
    const uint64_t h = HashBytes(std::string_view(s->arena.data() + offset + 2, len));
    size_t i = (h >> 8) & mask;
    while (s->slots[i] != 0) i = (i + 1) & mask;
    s->slots[i] = slot;
  }
}

bool IdSet::Insert(std::string_view id) {
  std::string long_key;
  std::string_view key = id;
  if (id.size() > kMaxStoredKey) {
    const uint64_t whole = HashBytes(id);
    long_key.assign(id.substr(0, kMaxStoredKey - 8));
    long_key.append(reinterpret_cast<const char*>(&whole), 8);
    key = long_key;
  }
  const uint64_t h = HashBytes(key);
  Shard& s = shards_[h & (kShards - 1)];
  if ((s.used + 1) * 10 > s.slots.size() * 7) Grow(&s);
  const size_t mask = s.slots.size() - 1;
  const uint64_t tag = h >> 32;
  size_t i = (h >> 8) & mask;
  while (s.slots[i] != 0) {
    if ((s.slots[i] >> 32) == tag &&
        Matches(s, static_cast<uint32_t>(s.slots[i]) - 1, key)) {
      return false;
    }
    i = (i + 1) & mask;
  }
  const uint32_t offset = static_cast<uint32_t>(s.arena.size());
  const uint16_t len = static_cast<uint16_t>(key.size());
  s.arena.append(reinterpret_cast<const char*>(&len), 2);
  s.arena.append(key);
  s.slots[i] = (tag << 32) | (static_cast<uint64_t>(offset) + 1);
  ++s.used;
  ++size_;
  return true;
}

}  // namespace arxivflow::transform
