// Random tokens from the operating system's CSPRNG (getrandom(2)): session
// and CSRF tokens, executor tokens, unique names for temporary files.
//
// Contract: never seeded by us, never predictable; aborts the process if the
// kernel cannot supply randomness (nothing would be safe then). Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace arxivflow {

// `bytes` random bytes, as 2 x bytes lower-case hex digits.
std::string RandomHex(size_t bytes);

// `length` characters drawn uniformly from `alphabet` (at most 256 characters).
std::string RandomString(size_t length, std::string_view alphabet);

}  // namespace arxivflow
