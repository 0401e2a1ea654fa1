#include "transform/text_clean.h"

#include <array>
#include <cctype>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Folds the whitespace run starting at p (its predecessor is not
// whitespace): moves p past it and writes the run's replacement at o (one
// space, or "\n\n" for a paragraph break; the run held at least that many
// bytes, so the output never outgrows the input). False when the run ends
// the text: a trailing run is dropped.
template <bool kParagraphs>
inline bool FoldRun(const char*& p, const char* end, char*& o) {
  int newlines = 0;
  while (p < end && Space(*p)) {
    if constexpr (kParagraphs) newlines += *p == '\n';
    ++p;
  }
  if (p == end) return false;
  if (kParagraphs && newlines >= 2) {
    *o++ = '\n';
    *o++ = '\n';
  } else {
    *o++ = ' ';
  }
  return true;
}

// The scalar rule, from a position where the previous byte is not
// whitespace (or the start of the text): copies words, replaces each
// whitespace run by one space (or by "\n\n" when `kParagraphs` and the run
// holds two line feeds), drops a trailing run. Returns the new end of `o`.
template <bool kParagraphs>
char* NormalizeScalar(const char* p, const char* end, char* o) {
  while (p < end) {
    while (p < end && !Space(*p)) *o++ = *p++;  // words are short here: no memcpy call
    if (p == end || !FoldRun<kParagraphs>(p, end, o)) break;
  }
  return o;
}

#if defined(__SSE2__)
// Bytes of `v` that are ASCII whitespace: ' ' or 0x09..0x0D.
inline __m128i SpaceMask(__m128i v) {
  const __m128i in_range = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(8)),
                                         _mm_cmplt_epi8(v, _mm_set1_epi8(14)));
  return _mm_or_si128(in_range, _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
}
#endif

#if defined(__x86_64__)
// The vector loop below with 32-byte vectors, for CPUs with AVX2 (checked
// once at run time): stops with fewer than 33 bytes left, or (returning
// false) when a trailing run ended the text. Same invariant as below.
__attribute__((target("avx2"))) inline __m256i SpaceMask32(__m256i v) {
  const __m256i in_range = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(8)),
                                            _mm256_cmpgt_epi8(_mm256_set1_epi8(14), v));
  return _mm256_or_si256(in_range, _mm256_cmpeq_epi8(v, _mm256_set1_epi8(' ')));
}

template <bool kParagraphs>
__attribute__((target("avx2"))) bool NormalizeAvx2(const char** pp, const char* end, char** op) {
  const char* p = *pp;
  char* o = *op;
  bool more = true;
  while (end - p >= 33) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1));
    const __m256i ws = SpaceMask32(v);
    const __m256i not_plain_space = _mm256_andnot_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(' ')), ws);
    const __m256i space_then_space = _mm256_and_si256(ws, SpaceMask32(next));
    const unsigned special =
        static_cast<unsigned>(_mm256_movemask_epi8(_mm256_or_si256(not_plain_space, space_then_space)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), v);
    if (special == 0) {
      p += 32;
      o += 32;
      continue;
    }
    const int k = __builtin_ctz(special);
    p += k;
    o += k;
    if (!FoldRun<kParagraphs>(p, end, o)) {
      more = false;
      break;
    }
  }
  *pp = p;
  *op = o;
  return more;
}

const bool kHasAvx2 = __builtin_cpu_supports("avx2");
#endif

// Short text without any byte below 0x21 (so no whitespace, leading,
// trailing or inside: most names and ids) is its own result: checked and
// copied a word at a time, by overlapping loads that stay inside the text.
// For n <= 16; returns false, having written nothing, when the text needs
// the rules.
inline bool CopyIfNoSpaceShort(const char* p, size_t n, char* out) {
  // A byte below 0x21 sets its high bit in (x - 0x21...) & ~x (bytes >= 0x80
  // never do); borrows can only flag more bytes, never hide the first.
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto low = [](uint64_t x) { return ((x - 0x21 * kOnes) & ~x & kHigh) != 0; };
  if (n >= 8 && n <= 16) {
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
    if (low(a) || low(b)) return false;
    std::memcpy(out, &a, 8);
    std::memcpy(out + n - 8, &b, 8);
    return true;
  }
  if (n >= 4 && n < 8) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    // Both words side by side: the test sees all n bytes (some twice).
    if (low(a | static_cast<uint64_t>(b) << 32)) return false;
    std::memcpy(out, &a, 4);
    std::memcpy(out + n - 4, &b, 4);
    return true;
  }
  for (size_t i = 0; i < n; ++i) {  // 0 to 3 bytes
    if (static_cast<unsigned char>(p[i]) < 0x21) return false;
  }
  for (size_t i = 0; i < n; ++i) out[i] = p[i];
  return true;
}

// Most whitespace in real text is a single space between two words, which the
// rules keep as it is. The vector loop copies 16 bytes (AVX2: 32) at a time until the
// first byte that needs work: whitespace other than ' ', or a space followed
// by whitespace. That byte always starts a whitespace run (its predecessor is
// not whitespace), which FoldRun then folds.
template <bool kParagraphs>
size_t Normalize(const char* p, size_t n, char* out) {
  const char* const end = p + n;
  char* o = out;
  if (n <= 16 && CopyIfNoSpaceShort(p, n, out)) return n;
  while (p < end && Space(*p)) ++p;  // leading
#if defined(__x86_64__)
  if (end - p >= 33 && kHasAvx2 && !NormalizeAvx2<kParagraphs>(&p, end, &o)) return static_cast<size_t>(o - out);
#endif
#if defined(__SSE2__)
  // Invariant: *p is not whitespace; o <= out + (p - input), so a 16-byte
  // store at o stays inside the output (which is as long as the input).
  while (end - p >= 17) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
    const __m128i ws = SpaceMask(v);
    const __m128i not_plain_space = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), ws);
    const __m128i space_then_space = _mm_and_si128(ws, SpaceMask(next));
    const unsigned special =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(not_plain_space, space_then_space)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o), v);
    if (special == 0) {
      p += 16;
      o += 16;
      continue;
    }
    const int k = __builtin_ctz(special);
    p += k;
    o += k;
    if (!FoldRun<kParagraphs>(p, end, o)) return static_cast<size_t>(o - out);  // trailing
  }
#endif
  return static_cast<size_t>(NormalizeScalar<kParagraphs>(p, end, o) - out);
}

template <bool kParagraphs>
void NormalizeString(std::string_view in, std::string* out) {
  out->resize(in.size());
  out->resize(Normalize<kParagraphs>(in.data(), in.size(), out->data()));
}

}  // namespace

size_t NormalizeInline(std::string_view in, char* out) {
  return Normalize<false>(in.data(), in.size(), out);
}
size_t NormalizeParagraphs(std::string_view in, char* out) {
  return Normalize<true>(in.data(), in.size(), out);
}
void NormalizeInline(std::string_view in, std::string* out) { NormalizeString<false>(in, out); }
void NormalizeParagraphs(std::string_view in, std::string* out) { NormalizeString<true>(in, out); }

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

namespace {

// A date-time read by either path below: checked for a real calendar day and
// clock time, then microseconds since the epoch, UTC.
std::optional<int64_t> CheckedMicros(int64_t year, int month, int64_t day, int64_t hour, int64_t minute,
                                     int64_t second, int64_t offset_minutes) {
  if (day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const int64_t days = DaysFromCivil(year, month, day);
  return (days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60) * 1000000;
}

// The form arXiv writes, "Mon, 2 Apr 2007 19:18:42 GMT" (a day of one or two
// digits), read at fixed positions: the general rules below cost several
// times more, and every version of every paper has a date. Same result as the
// general rules for what it accepts; false sends anything else to them.
bool ParseArxivDateTime(std::string_view s, std::optional<int64_t>* micros) {
  const size_t day_digits = s.size() - 27;  // 28 or 29 bytes
  if (day_digits != 1 && day_digits != 2) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0])) || s[3] != ',' || s[4] != ' ') return false;
  const size_t at = 5 + day_digits;  // " Mmm YYYY HH:MM:SS GMT" from here
  if (s[at] != ' ' || s[at + 4] != ' ' || s[at + 9] != ' ' || s[at + 12] != ':' || s[at + 15] != ':' ||
      s.substr(at + 18) != " GMT") {
    return false;
  }
  const int month = MonthFromName(s.substr(at + 1, 3));
  int64_t day, year, hour, minute, second;
  size_t p_day = 5, p_year = at + 5, p_hour = at + 10, p_minute = at + 13, p_second = at + 16;
  const int n = static_cast<int>(day_digits);
  if (month == 0 || !ReadInt(s, &p_day, n, n, &day) || !ReadInt(s, &p_year, 4, 4, &year) ||
      !ReadInt(s, &p_hour, 2, 2, &hour) || !ReadInt(s, &p_minute, 2, 2, &minute) ||
      !ReadInt(s, &p_second, 2, 2, &second)) {
    return false;
  }
  *micros = CheckedMicros(year, month, day, hour, minute, second, 0);
  return true;
}

}  // namespace

std::optional<int64_t> ParseRfc2822(std::string_view s) {
  if (std::optional<int64_t> micros; ParseArxivDateTime(s, &micros)) return micros;
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
  return CheckedMicros(year, month, day, hour, minute, second, offset_minutes);
}

}  // namespace arxivflow::transform
