#include "transform/text_clean.h"

#include <array>
#include <cctype>
#include <cstring>

#include "common/civil_date.h"

namespace arxivflow::transform {

namespace {

struct SpaceTable {
  bool is_space[256] = {};
  constexpr SpaceTable() {
    for (unsigned char c : {' ', '\t', '\n', '\r', '\f', '\v'}) is_space[c] = true;
  }
};
constexpr SpaceTable kSpaces;

inline bool Space(char c) { return kSpaces.is_space[static_cast<unsigned char>(c)]; }

// Shared loop: copies non-space runs, replaces each space run by one space
// (or by "\n\n" when `paragraphs` and the run holds two line feeds), trims.
// Writes into a buffer sized to the input, so there is no per-byte growth.
template <bool kParagraphs>
void Normalize(std::string_view in, std::string* out) {
  out->resize(in.size());
  char* const begin = out->data();
  char* o = begin;
  const char* p = in.data();
  const char* const end = p + in.size();
  while (p < end && Space(*p)) ++p;  // leading
  while (p < end) {
    const char* word = p;
    while (p < end && !Space(*p)) ++p;
    std::memcpy(o, word, static_cast<size_t>(p - word));
    o += p - word;
    if (p == end) break;
    int newlines = 0;
    while (p < end && Space(*p)) {
      if constexpr (kParagraphs) newlines += *p == '\n';
      ++p;
    }
    if (p == end) break;  // trailing
    if (kParagraphs && newlines >= 2) {
      *o++ = '\n';
      *o++ = '\n';  // the run held at least two bytes, so this fits
    } else {
      *o++ = ' ';
    }
  }
  out->resize(static_cast<size_t>(o - begin));
}

}  // namespace

void NormalizeInline(std::string_view in, std::string* out) { Normalize<false>(in, out); }

void NormalizeParagraphs(std::string_view in, std::string* out) { Normalize<true>(in, out); }

void YearMonthFromMicros(int64_t micros, int* year, int* month) {
  const CivilDate c = CivilFromDays(FloorDiv(micros, 86400000000LL));
  *year = static_cast<int>(c.year);
  *month = c.month;
}

namespace {

// Reads 1..max_digits decimal digits at *pos.
bool ReadInt(std::string_view s, size_t* pos, int min_digits, int max_digits, int64_t* out) {
  int digits = 0;
  int64_t v = 0;
  while (*pos < s.size() && digits < max_digits && s[*pos] >= '0' && s[*pos] <= '9') {
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
    ++digits;
  }
  *out = v;
  return digits >= min_digits;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

void SkipSpaces(std::string_view s, size_t* pos) {
  while (*pos < s.size() && IsAsciiSpace(s[*pos])) ++*pos;
}

int MonthFromName(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() != 3) return 0;
  char lower[3];
  for (int i = 0; i < 3; ++i) lower[i] = static_cast<char>(name[i] | 0x20);
  for (int i = 0; i < 12; ++i) {
    if (std::string_view(lower, 3) == kNames[i]) return i + 1;
  }
  return 0;
}

}  // namespace

std::optional<int32_t> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  size_t pos = 0;
  int64_t y, m, d;
  if (!ReadInt(s, &pos, 4, 4, &y) || !Expect(s, &pos, '-') || !ReadInt(s, &pos, 2, 2, &m) ||
      !Expect(s, &pos, '-') || !ReadInt(s, &pos, 2, 2, &d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
    return std::nullopt;
  }
  return static_cast<int32_t>(DaysFromCivil(y, m, d));
}

std::optional<int64_t> ParseRfc2822(std::string_view s) {
  size_t pos = 0;
  SkipSpaces(s, &pos);
  // Optional day of week: three letters and a comma.
  if (pos + 3 < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) {
    pos += 3;
    if (!Expect(s, &pos, ',')) return std::nullopt;
    SkipSpaces(s, &pos);
  }
  int64_t day, year, hour, minute, second = 0;
  if (!ReadInt(s, &pos, 1, 2, &day)) return std::nullopt;
  SkipSpaces(s, &pos);
  if (pos + 3 > s.size()) return std::nullopt;
  const int month = MonthFromName(s.substr(pos, 3));
  if (month == 0) return std::nullopt;
  pos += 3;
  SkipSpaces(s, &pos);
  if (!ReadInt(s, &pos, 4, 4, &year)) return std::nullopt;
  SkipSpaces(s, &pos);
  if (!ReadInt(s, &pos, 2, 2, &hour) || !Expect(s, &pos, ':') ||
      !ReadInt(s, &pos, 2, 2, &minute)) {
    return std::nullopt;
  }
  if (Expect(s, &pos, ':') && !ReadInt(s, &pos, 2, 2, &second)) return std::nullopt;
  if (day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  SkipSpaces(s, &pos);
  int64_t offset_minutes = 0;
  const std::string_view zone = s.substr(pos);
  size_t zone_len = 0;
  if (zone.starts_with("GMT") || zone.starts_with("UTC")) {
    zone_len = 3;
  } else if (zone.starts_with("UT") || zone.starts_with("Z")) {
    zone_len = zone.starts_with("UT") ? 2 : 1;
  } else if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
    size_t zpos = 1;
    int64_t hhmm;
    if (!ReadInt(zone, &zpos, 4, 4, &hhmm) || hhmm % 100 > 59) return std::nullopt;
    offset_minutes = (hhmm / 100) * 60 + hhmm % 100;
    if (zone[0] == '-') offset_minutes = -offset_minutes;
    zone_len = 5;
  } else {
    return std::nullopt;
  }
  pos += zone_len;
  SkipSpaces(s, &pos);
  if (pos != s.size()) return std::nullopt;
  const int64_t days = DaysFromCivil(year, month, day);
  const int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return secs * 1000000;
}

}  // namespace arxivflow::transform
