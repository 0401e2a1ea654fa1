#include "warehouse/search_words.h"

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "warehouse/ddl.h"

namespace arxivflow::warehouse {

namespace {

fts5_api* Fts5Api(sqlite::Database& db) {
  fts5_api* api = nullptr;
  auto stmt = db.Prepare("SELECT fts5(?1)");
  if (stmt.ok()) {
    sqlite3_bind_pointer(stmt->raw(), 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    (void)stmt->Step();
  }
  return api;
}

// The tokenizer's name and arguments: the words of kSearchIndexTokenizer.
std::vector<std::string> TokenizerWords() {
  std::vector<std::string> words;
  std::string word;
  for (char c : std::string_view(kSearchIndexTokenizer)) {
    if (c != ' ') {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace

Result<std::unique_ptr<SearchWords>> SearchWords::Open(sqlite::Database& db) {
  fts5_api* api = Fts5Api(db);
  if (!api) return Status::Internal("SQLite has no FTS5 module");
  const std::vector<std::string> words = TokenizerWords();
  void* user_data = nullptr;
  std::unique_ptr<SearchWords> out(new SearchWords());
  if (words.empty() || api->xFindTokenizer(api, words[0].c_str(), &user_data, &out->tokenizer_) != SQLITE_OK) {
    return Status::Internal(std::string("FTS5 has no tokenizer '") + kSearchIndexTokenizer + "'");
  }
  std::vector<const char*> argv;
  for (size_t i = 1; i < words.size(); ++i) argv.push_back(words[i].c_str());
  if (out->tokenizer_.xCreate(user_data, argv.data(), static_cast<int>(argv.size()), &out->instance_) != SQLITE_OK) {
    out->instance_ = nullptr;
    return Status::Internal("cannot create the FTS5 tokenizer");
  }
  return out;
}

SearchWords::~SearchWords() {
  if (instance_) tokenizer_.xDelete(instance_);
}

bool SearchWords::IsAscii(std::string_view text) {
  const char* p = text.data();
  size_t n = text.size();
  uint64_t any = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    any |= w;
  }
  for (; n > 0; ++p, --n) any |= static_cast<uint8_t>(*p);
  return (any & 0x8080808080808080ULL) == 0;
}

void SearchWords::FoldWindow(std::string_view text) {
  const size_t n = text.size();
  const char* p = text.data();
  std::memset(window_bits_, 0, (n / 64 + 1) * sizeof(uint64_t));
  size_t i = 0;
#if defined(__SSE2__)
  // ASCII bytes are 0..127, so signed byte comparisons order them.
  const __m128i digit_lo = _mm_set1_epi8('0' - 1), digit_hi = _mm_set1_epi8('9' + 1);
  const __m128i upper_lo = _mm_set1_epi8('A' - 1), upper_hi = _mm_set1_epi8('Z' + 1);
  const __m128i lower_lo = _mm_set1_epi8('a' - 1), lower_hi = _mm_set1_epi8('z' + 1);
  const __m128i case_bit = _mm_set1_epi8(0x20);
  for (; i + 16 <= n; i += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(b, digit_lo), _mm_cmplt_epi8(b, digit_hi));
    const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(b, upper_lo), _mm_cmplt_epi8(b, upper_hi));
    const __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(b, lower_lo), _mm_cmplt_epi8(b, lower_hi));
    const __m128i word = _mm_or_si128(_mm_or_si128(digit, upper), lower);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(window_ + i), _mm_or_si128(b, _mm_and_si128(upper, case_bit)));
    const auto mask = static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(word)));
    window_bits_[i / 64] |= mask << (i % 64);
  }
#endif
  for (; i < n; ++i) {
    const char c = kAsciiFold[static_cast<unsigned char>(p[i])];
    window_[i] = c;
    if (c != 0) window_bits_[i / 64] |= uint64_t{1} << (i % 64);
  }
}

Status SearchWords::Tokenize(std::string_view text, int (*callback)(void*, int, const char*, int, int, int),
                             void* ctx) {
  // FTS5 takes an int length; longer texts go in pieces cut at an ASCII
  // space, where the tokenizer always splits.
  while (!text.empty()) {
    size_t n = text.size();
    if (n > (1u << 30)) {
      n = text.rfind(' ', 1u << 30);
      if (n == std::string_view::npos || n == 0) n = 1u << 30;
    }
    const int rc = tokenizer_.xTokenize(instance_, ctx, FTS5_TOKENIZE_DOCUMENT, text.data(), static_cast<int>(n),
                                        callback);
    if (rc != SQLITE_OK) return Status::Internal("the FTS5 tokenizer failed (" + std::string(sqlite3_errstr(rc)) + ")");
    text.remove_prefix(n);
  }
  return Status::OK();
}

Result<std::vector<std::string>> SearchTextWords(SearchWords& words, std::string_view text) {
  std::vector<std::string> out;
  AF_RETURN_IF_ERROR(words.ForEach(text, [&](std::string_view word) {
    if (out.size() == kMaxSearchWords || std::find(out.begin(), out.end(), word) != out.end()) return;
    out.emplace_back(word);
  }));
  return out;
}

}  // namespace arxivflow::warehouse
