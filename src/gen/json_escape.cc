#include "gen/json_escape.h"

#include <cstdint>

namespace arxivflow::gen {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendU16(uint32_t unit, std::string* out) {
  out->append("\\u");
  out->push_back(kHex[(unit >> 12) & 0xF]);
  out->push_back(kHex[(unit >> 8) & 0xF]);
  out->push_back(kHex[(unit >> 4) & 0xF]);
  out->push_back(kHex[unit & 0xF]);
}

// Decodes one code point at s[i]; returns its byte length, or 0 if invalid.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t len;
  uint32_t v;
  if (c < 0x80) { *cp = c; return 1; }
  if ((c & 0xE0) == 0xC0) { len = 2; v = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { len = 3; v = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { len = 4; v = c & 0x07; }
  else return 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

}  // namespace

void AppendJsonEscaped(std::string_view s, bool ascii_only, std::string* out) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80) {
      if (c == '"' || c == '\\') out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (c < 0x20) {
      switch (c) {
        case '\n': out->append("\\n"); break;
        case '\t': out->append("\\t"); break;
        case '\r': out->append("\\r"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        default: AppendU16(c, out);
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {  // invalid byte: substitute U+FFFD
      if (ascii_only) AppendU16(0xFFFD, out);
      else out->append("\xEF\xBF\xBD");
      ++i;
      continue;
    }
    if (!ascii_only) {
      out->append(s.substr(i, len));
    } else if (cp < 0x10000) {
      AppendU16(cp, out);
    } else {
      const uint32_t v = cp - 0x10000;
      AppendU16(0xD800 + (v >> 10), out);
      AppendU16(0xDC00 + (v & 0x3FF), out);
    }
    i += len;
  }
}

std::string JsonEscape(std::string_view utf8, bool ascii_only) {
  std::string out;
  AppendJsonEscaped(utf8, ascii_only, &out);
  return out;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

}  // namespace arxivflow::gen
