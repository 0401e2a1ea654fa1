// SearchWords: the words of a text as the paper search index reads them,
// for the documents it indexes and for the text a user searches.
//
// A word is a token of SQLite FTS5's tokenizer "unicode61 remove_diacritics 2"
// (ddl.h: kSearchIndexTokenizer): a run of letters, digits and private-use
// characters, folded to lower case with diacritics removed ("Schrödinger" ->
// "schrodinger", "graph—neural" -> "graph", "neural"). Words longer than
// kMaxSearchWordBytes are not words of the index (a search drops them too).
//
// Why FTS5's tokenizer: its Unicode tables are SQLite's, tested and kept up
// to date there. Why a fast path: tokenising is most of the cost of building
// the index, and most text is ASCII, where the tokenizer's rule is plain: a
// word is a run of [0-9A-Za-z], folded to lower case. Texts of pure ASCII take
// that path; any other text goes through FTS5. SearchWordsTest and the fuzz
// target search_words check that both give the same words.
//
// Contract: Open() finds the tokenizer through a connection's FTS5 module
// (kInternal when FTS5 or unicode61 is missing); the SearchWords does not keep
// the connection. ForEach() calls f(word) for each word in order, repeats
// included; the view is valid during the call only. Errors: kInternal if the
// tokenizer fails (out of memory). Not thread-safe: one per thread.
#pragma once

#include <sqlite3.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/sqlite.h"
#include "common/status.h"

namespace arxivflow::warehouse {

inline constexpr size_t kMaxSearchWordBytes = 64;
inline constexpr size_t kMaxSearchWords = 16;

class SearchWords {
 public:
  static Result<std::unique_ptr<SearchWords>> Open(sqlite::Database& db);
  ~SearchWords();
  SearchWords(const SearchWords&) = delete;
  SearchWords& operator=(const SearchWords&) = delete;

  template <typename F>
  Status ForEach(std::string_view text, F&& f) {
    if (IsAscii(text)) {
      ForEachAsciiWord(text, f);
      return Status::OK();
    }
    return ForEachThroughFts5(text, f);
  }

  // Always through FTS5 (what the fast path is checked against).
  template <typename F>
  Status ForEachThroughFts5(std::string_view text, F&& f) {
    using Fn = std::remove_reference_t<F>;
    return Tokenize(text, &Call<Fn>, const_cast<void*>(static_cast<const void*>(&f)));
  }

  static bool IsAscii(std::string_view text);

 private:
  SearchWords() = default;

  template <typename F>
  static int Call(void* ctx, int flags, const char* token, int bytes, int, int) {
    if ((flags & FTS5_TOKEN_COLOCATED) || bytes <= 0 || static_cast<size_t>(bytes) > kMaxSearchWordBytes) {
      return SQLITE_OK;
    }
    (*static_cast<F*>(ctx))(std::string_view(token, static_cast<size_t>(bytes)));
    return SQLITE_OK;
  }

  template <typename F>
  void ForEachAsciiWord(std::string_view text, F& f) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
      while (p < end && kAsciiFold[*p] == 0) ++p;
      size_t n = 0;
      char c;
      while (p < end && (c = kAsciiFold[*p]) != 0) {
        if (n < kMaxSearchWordBytes) folded_[n] = c;
        ++n;
        ++p;
      }
      if (n > 0 && n <= kMaxSearchWordBytes) f(std::string_view(folded_, n));
    }
  }

  // [0-9a-z] for themselves, [A-Z] folded, 0 for every other byte.
  static constexpr auto kAsciiFold = [] {
    std::array<char, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<char>(c);
    for (int c = 'a'; c <= 'z'; ++c) t[c] = static_cast<char>(c);
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<char>(c - 'A' + 'a');
    return t;
  }();

  Status Tokenize(std::string_view text, int (*callback)(void*, int, const char*, int, int, int), void* ctx);

  fts5_tokenizer tokenizer_{};
  Fts5Tokenizer* instance_ = nullptr;
  char folded_[kMaxSearchWordBytes];
};

// The words a user's search text asks for: its words, each once, in order,
// at most kMaxSearchWords. User text is only ever words: no operators, no
// prefixes, no syntax to get wrong. Errors as ForEach().
Result<std::vector<std::string>> SearchTextWords(SearchWords& words, std::string_view text);

}  // namespace arxivflow::warehouse
