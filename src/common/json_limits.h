// Bounded JSON parsing for every JSON document a user sends: request bodies,
// `conf`, connection extras, CLI options.
//
// Contract: ParseJsonBounded() fails with kInvalidArgument before building
// anything when the text nests arrays/objects deeper than `max_depth`
// (default kMaxJsonDepth = 64) or is larger than `max_bytes` (0 = no size
// limit): "<what>: JSON nested deeper than 64 levels". Deep nesting is
// refused because nlohmann::json copies, compares and prints recursively, so
// one deep document would overflow the stack of whichever thread touches it.
// Invalid JSON is "<what>: not valid JSON". The depth check is a single pass
// over the bytes that skips strings; it never allocates. Pure functions;
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace arxivflow {

inline constexpr int kMaxJsonDepth = 64;

// The deepest array/object nesting in `text` (0 for a scalar), counting only
// brackets outside strings; stops counting once `limit` is exceeded and
// returns limit + 1.
int JsonNestingDepth(std::string_view text, int limit);

Result<nlohmann::json> ParseJsonBounded(std::string_view text, std::string_view what, int max_depth = kMaxJsonDepth,
                                        size_t max_bytes = 0);

}  // namespace arxivflow
