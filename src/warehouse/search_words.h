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
// that path, 16 bytes per step (FoldWindow); any other text goes through
// FTS5. SearchWordsTest and the fuzz target search_words check that both give
// the same words.
//
// Contract: Open() finds the tokenizer through a connection's FTS5 module
// (kInternal when FTS5 or unicode61 is missing); the SearchWords does not keep
// the connection. ForEach() calls f(word) for each word in order, repeats
// included; the view is valid during the call only, and its bytes are
// followed by at least kSearchWordSlack readable bytes of the same buffer
// (so a word can be read a whole 8-byte word at a time). Errors: kInternal if the
// tokenizer fails (out of memory). Not thread-safe: one per thread.
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
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
inline constexpr size_t kSearchWordSlack = 8;

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
    FoldedCall<Fn> call{this, &f};
    return Tokenize(text, &Call<Fn>, &call);
  }

  static bool IsAscii(std::string_view text);

 private:
  SearchWords() = default;

  template <typename F>
  struct FoldedCall {
    SearchWords* words;
    F* f;
  };

  template <typename F>
  static int Call(void* ctx, int flags, const char* token, int bytes, int, int) {
    if ((flags & FTS5_TOKEN_COLOCATED) || bytes <= 0 || static_cast<size_t>(bytes) > kMaxSearchWordBytes) {
      return SQLITE_OK;
    }
    auto* call = static_cast<FoldedCall<F>*>(ctx);
    // Copied, so every word ForEach() hands out has its slack.
    std::memcpy(call->words->folded_, token, static_cast<size_t>(bytes));
    (*call->f)(std::string_view(call->words->folded_, static_cast<size_t>(bytes)));
    return SQLITE_OK;
  }

  // The text is folded a window at a time (FoldWindow: 16 bytes per step,
  // with a bit per byte saying whether it is a word byte); the words are
  // then the runs of set bits, handed out as views into the folded window.
  // A window never ends inside a word.
  template <typename F>
  void ForEachAsciiWord(std::string_view text, F& f) {
    while (!text.empty()) {
      size_t take = std::min(text.size(), kFoldWindow);
      if (take < text.size() && IsWordByte(text[take])) {
        size_t cut = take;
        while (cut > 0 && IsWordByte(text[cut - 1])) --cut;
        if (cut == 0) {  // a run of word bytes longer than a window: not a word
          while (take < text.size() && IsWordByte(text[take])) ++take;
          text.remove_prefix(take);
          continue;
        }
        take = cut;
      }
      FoldWindow(text.substr(0, take));
      size_t begin = 0, end = 0;
      while (NextWordRun(take / 64, &begin, &end)) {
        if (end - begin <= kMaxSearchWordBytes) f(std::string_view(window_ + begin, end - begin));
      }
      text.remove_prefix(take);
    }
  }

  // The next run of set bits of window_bits_ at or after *end, as
  // [*begin, *end); false when there is none up to word `last` (the window's
  // last, whose bits past the window are 0).
  bool NextWordRun(size_t last, size_t* begin, size_t* end) const {
    size_t w = *end / 64;
    uint64_t m = window_bits_[w] & (~uint64_t{0} << (*end % 64));
    while (m == 0) {
      if (++w > last) return false;
      m = window_bits_[w];
    }
    *begin = w * 64 + static_cast<size_t>(__builtin_ctzll(m));
    m = ~window_bits_[w] & (~uint64_t{0} << (*begin % 64));
    while (m == 0) m = ~window_bits_[++w];
    *end = w * 64 + static_cast<size_t>(__builtin_ctzll(m));
    return true;
  }

  static bool IsWordByte(char c) { return kAsciiFold[static_cast<unsigned char>(c)] != 0; }

  // Folds `text` (ASCII, at most kFoldWindow bytes) into window_ and sets
  // window_bits_ (bit i of word i / 64 for byte i) for its word bytes.
  void FoldWindow(std::string_view text);

  static constexpr size_t kFoldWindow = size_t{1} << 16;

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
  char folded_[kMaxSearchWordBytes + kSearchWordSlack] = {};
  char window_[kFoldWindow + kSearchWordSlack] = {};
  uint64_t window_bits_[kFoldWindow / 64 + 1] = {};
};

// The words a user's search text asks for: its words, each once, in order,
// at most kMaxSearchWords. User text is only ever words: no operators, no
// prefixes, no syntax to get wrong. Errors as ForEach().
Result<std::vector<std::string>> SearchTextWords(SearchWords& words, std::string_view text);

}  // namespace arxivflow::warehouse
