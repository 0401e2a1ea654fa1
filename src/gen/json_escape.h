// JSON string escaping as the arXiv snapshot does it.
//
// Contract: AppendJsonEscaped() appends the body of a JSON string literal (no
// surrounding quotes) for UTF-8 input: `"` and `\` are backslash-escaped,
// control characters use \n \t \r \b \f or \u00XX. With `ascii_only` (the
// snapshot's style) every non-ASCII code point becomes \uXXXX in lower-case
// hex, with surrogate pairs above U+FFFF; otherwise UTF-8 passes through raw.
// Invalid UTF-8 bytes are replaced by U+FFFD so the output is always valid
// JSON. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "gen/out_buffer.h"

namespace arxivflow::gen {

void AppendJsonEscaped(std::string_view utf8, bool ascii_only, std::string* out);
std::string JsonEscape(std::string_view utf8, bool ascii_only);

// Number of code points in valid UTF-8 (the width used for line wrapping).
size_t Utf8Length(std::string_view utf8);

}  // namespace arxivflow::gen
