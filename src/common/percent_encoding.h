// Percent-encoding (RFC 3986 section 2.1): the one encoder and decoder for
// URIs, query strings, connection strings and AWS signing.
//
// Contract: PercentEncode keeps the unreserved characters (A-Z a-z 0-9 - . _ ~)
// and the bytes in `also_keep`, and writes every other byte as %XX (upper-case
// hex). PercentDecode turns %XX into its byte; with plus_is_space '+' becomes a
// space (HTML forms and their query strings); a '%' not followed by two hex
// digits is kept as it is. PercentDecodeStrict refuses it instead (nullopt).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace arxivflow {

std::string PercentEncode(std::string_view text, std::string_view also_keep = "");
std::string PercentDecode(std::string_view text, bool plus_is_space = false);
std::optional<std::string> PercentDecodeStrict(std::string_view text);

}  // namespace arxivflow
