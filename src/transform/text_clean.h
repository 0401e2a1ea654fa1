// Text and date cleaning rules of the transform (docs/transform.md lists them).
//
// Contract: pure functions, thread-safe, no allocation beyond the output
// string. "Whitespace" is exactly the ASCII set [ \t\n\r\f\v]; other Unicode
// spaces are content and kept verbatim. Whitespace folding runs 32 bytes
// (AVX2) or 16 bytes (SSE2) at a time, and short text without whitespace is
// copied a word at a time, so text of words and single spaces costs about a
// copy. Inputs are assumed valid UTF-8 (the
// JSON and CSV readers validate before cleaning); the functions never split a
// multi-byte sequence because they only cut at ASCII whitespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/ascii.h"

namespace arxivflow::transform {

// Single-line text (titles, names, DOIs...): every run of whitespace becomes
// one space, ends are trimmed. "a\n  b " -> "a b".
// The char* forms write into `out`, which must have room for in.size()
// bytes (the result is never longer), and return the result's length; the
// std::string forms replace *out.
size_t NormalizeInline(std::string_view in, char* out);
void NormalizeInline(std::string_view in, std::string* out);

// Multi-paragraph text (abstracts): a whitespace run holding two or more line
// feeds is a paragraph break and becomes "\n\n"; any other run becomes one
// space; ends are trimmed. "  a\nb\n\n c\n" -> "a b\n\nc".
size_t NormalizeParagraphs(std::string_view in, char* out);
void NormalizeParagraphs(std::string_view in, std::string* out);

// Strict "YYYY-MM-DD" (a real calendar day) -> days since 1970-01-01.
std::optional<int32_t> ParseIsoDate(std::string_view text);

// RFC 2822 date-time as in arXiv versions: "[Day, ]D Mon YYYY HH:MM[:SS] ZONE"
// with ZONE one of GMT, UT, UTC, Z or +hhmm/-hhmm -> microseconds since the
// epoch, UTC. Surrounding whitespace is ignored; anything else fails.
std::optional<int64_t> ParseRfc2822(std::string_view text);

// Year and month (1..12) of a UTC timestamp in microseconds.
void YearMonthFromMicros(int64_t micros, int* year, int* month);

}  // namespace arxivflow::transform
