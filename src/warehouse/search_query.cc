#include "warehouse/search_query.h"

#include <sqlite3.h>

#include <memory>
#include <string_view>
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

int CollectToken(void* ctx, int flags, const char* token, int bytes, int, int) {
  auto* tokens = static_cast<std::vector<std::string>*>(ctx);
  if (flags & FTS5_TOKEN_COLOCATED) return SQLITE_OK;  // synonyms: none with unicode61
  if (bytes <= 0) return SQLITE_OK;
  if (tokens->size() >= kMaxSearchWords) return SQLITE_DONE;
  if (static_cast<size_t>(bytes) > kMaxSearchWordBytes) return SQLITE_OK;
  tokens->emplace_back(token, static_cast<size_t>(bytes));
  return SQLITE_OK;
}

// True when the tokenizer reads `token` back as exactly itself. Invalid UTF-8
// breaks that (the tokenizer folds a broken sequence into a token that splits
// in two when read again), and two tokens inside quotes are a phrase, which
// the index cannot answer.
bool ReadsBackAsItself(const fts5_tokenizer& tokenizer, Fts5Tokenizer* instance, const std::string& token) {
  std::vector<std::string> again;
  const int rc = tokenizer.xTokenize(instance, &again, FTS5_TOKENIZE_QUERY, token.data(),
                                     static_cast<int>(token.size()), CollectToken);
  return (rc == SQLITE_OK || rc == SQLITE_DONE) && again.size() == 1 && again[0] == token;
}

}  // namespace

Result<std::string> BuildSearchMatch(sqlite::Database& db, const std::string& text) {
  fts5_api* api = Fts5Api(db);
  if (!api) return Status::Internal("SQLite has no FTS5 module");
  void* user_data = nullptr;
  fts5_tokenizer tokenizer{};
  if (api->xFindTokenizer(api, "unicode61", &user_data, &tokenizer) != SQLITE_OK) {
    return Status::Internal("FTS5 has no unicode61 tokenizer");
  }
  // The index's tokenizer arguments: the words after its name
  // ("unicode61 remove_diacritics 2").
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
  std::vector<const char*> argv;
  for (size_t i = 1; i < words.size(); ++i) argv.push_back(words[i].c_str());
  Fts5Tokenizer* instance = nullptr;
  if (tokenizer.xCreate(user_data, argv.data(), static_cast<int>(argv.size()), &instance) != SQLITE_OK) {
    return Status::Internal("cannot create the FTS5 tokenizer");
  }
  const std::unique_ptr<Fts5Tokenizer, void (*)(Fts5Tokenizer*)> owned(instance, tokenizer.xDelete);
  std::vector<std::string> tokens;
  const int rc = tokenizer.xTokenize(instance, &tokens, FTS5_TOKENIZE_QUERY, text.data(), static_cast<int>(text.size()),
                                     CollectToken);
  if (rc != SQLITE_OK && rc != SQLITE_DONE) return Status::Internal("tokenizing the search text failed");
  std::string match;
  for (const auto& token : tokens) {
    if (!ReadsBackAsItself(tokenizer, instance, token)) continue;
    if (!match.empty()) match += ' ';
    match += '"';
    for (char c : token) match += c == '"' ? std::string("\"\"") : std::string(1, c);
    match += '"';
  }
  return match;
}

}  // namespace arxivflow::warehouse
