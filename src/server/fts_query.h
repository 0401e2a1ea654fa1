// Turns a user's search text into a safe SQLite FTS5 MATCH expression.
//
// Contract: the result is a conjunction of quoted terms (`"graph" "neural"*`):
// user text never reaches FTS5's query syntax (no operators, column filters
// or parse errors). Words are runs of ASCII letters/digits and non-ASCII
// bytes; at most 16 words of at most 64 bytes are kept; the last word matches
// as a prefix. Returns "" when the text holds no word. Pure, thread-safe.
#pragma once

#include <string>

namespace arxivflow::server {

std::string BuildFtsQuery(const std::string& text);

}  // namespace arxivflow::server
