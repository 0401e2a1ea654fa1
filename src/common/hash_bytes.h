// HashBytes: a fast 64-bit hash of a byte string, for in-memory hash tables
// (the transform's id set, the search index's distinct words).
//
// Contract: seed-free and stable for a given platform (little-endian loads),
// well mixed in every bit; not for anything stored or sent, and not
// resistant to chosen collisions. Pure function, thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace arxivflow {

uint64_t HashBytes(std::string_view bytes);

}  // namespace arxivflow
