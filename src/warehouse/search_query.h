// Turns a user's search text into a safe FTS5 MATCH expression for the paper
// search index (ddl.h: SqliteSearchIndexSql).
//
// The text is split into tokens by the index's own tokenizer (so "Schrödinger"
// finds "schrodinger", and "graph—neural" is two words, as in the index);
// each token is quoted, and the tokens are joined with AND: user text never
// reaches FTS5's query syntax (no operators, column filters or parse errors)
// and every quoted string is one token (the index stores no positions, so it
// cannot answer phrases; a token the tokenizer would not read back as itself,
// as from broken UTF-8, is dropped). Words match whole words: a prefix query makes FTS5
// merge the document lists of every word it starts, which for common stems
// ("grap*": 1.6 M documents on the full snapshot) takes half a second. At most
// kMaxSearchWords words of at most kMaxSearchWordBytes bytes are kept.
// Returns "" when the text holds no word.
//
// Contract: `db` is any open SQLite connection (the tokenizer is looked up
// through its FTS5 module). kInternal when FTS5 or its tokenizer is missing.
// Thread-compatible (one connection per thread).
#pragma once

#include <string>

#include "common/sqlite.h"
#include "common/status.h"

namespace arxivflow::warehouse {

inline constexpr size_t kMaxSearchWords = 16;
inline constexpr size_t kMaxSearchWordBytes = 64;

Result<std::string> BuildSearchMatch(sqlite::Database& db, const std::string& text);

}  // namespace arxivflow::warehouse
