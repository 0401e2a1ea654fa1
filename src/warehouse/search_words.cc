#include "warehouse/search_words.h"

#include <algorithm>
#include <cstring>
#include <vector>

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
