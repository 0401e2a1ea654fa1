// DDL for the six star-schema tables, derived from schema/star_schema.h, in
// each target's dialect: the tables `create` makes, and the staging tables a
// load writes and a publish swaps in (load_ledger.h).
//
// - PostgreSQL: TEXT, DATE, TIMESTAMPTZ, SMALLINT, INTEGER; PRIMARY KEY on the
//   natural key when all its columns are NOT NULL, else a UNIQUE index; plus
//   secondary indexes for lookups by author, category and year.
// - SQLite: a table whose key is NOT NULL is stored by it (PRIMARY KEY ...
//   WITHOUT ROWID: its rows are its key's entries, with no rowid and no
//   separate key index), except titles, abstracts and categories
//   (SqliteStoredByKey());
//   the other keys are UNIQUE indexes; the same secondary indexes; DATE and
//   TIMESTAMP are ISO-8601 TEXT (see value_format.h); SMALLINT/INTEGER are
//   INTEGER.
// - Redshift: VARCHAR(n) with n in BYTES from VarcharWidths (default 256),
//   DISTKEY(id) SORTKEY(id) on every table (the tables are joined on id),
//   informational PRIMARY KEY, no secondary indexes.
// A staging table has the table's columns and NOT NULL constraints but no key
// or index while rows stream in (SQLite: but the key of a table stored by it); StageKeysSql() builds them afterwards, and PublishTableSql() renames table, constraint and
// indexes to the canonical names (SQLite cannot rename an index: there the
// published indexes keep their staging names). Pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "schema/star_schema.h"

namespace arxivflow::warehouse {

enum class Dialect { kSqlite, kPostgres, kRedshift };

// table -> column -> VARCHAR width in bytes (Redshift only).
using VarcharWidths = std::map<std::string, std::map<std::string, int>>;

inline constexpr int kRedshiftDefaultVarchar = 256;
inline constexpr int kRedshiftMaxVarchar = 65535;

std::string ColumnTypeSql(Dialect dialect, const parquet::ColumnSchema& column, int varchar_bytes);

// CREATE TABLE IF NOT EXISTS ... followed by its key and index statements
// (`create` runs the latter only when it created the table).
std::vector<std::string> CreateTableSql(Dialect dialect, const schema::TableDef& table,
                                        const VarcharWidths& widths = {});
std::string DropTableSql(Dialect dialect, const std::string& table);

// The staging table `stage` of `table`: columns only (Redshift: LIKE table).
std::string StageTableSql(Dialect dialect, const schema::TableDef& table, const std::string& stage);
// Keys and indexes of a filled staging table.
std::vector<std::string> StageKeysSql(Dialect dialect, const schema::TableDef& table, const std::string& stage);
// SQLite: whether `table` is stored by its key (WITHOUT ROWID). Its key's
// columns are all NOT NULL, and its rows are not referred to by rowid (the
// search index names titles by theirs) nor inserted in place in the lake's
// order (abstracts), and SQLite's integrity check reads it right (not
// categories: ddl.cc). A row is stored as its key's columns, then the others in
// the table's order; a secondary index's entry as its columns, then the key's.
bool SqliteStoredByKey(const schema::TableDef& table);
// SQLite: the key (a UNIQUE index, first; none when the table is stored by
// it) and the secondary indexes of `target`, a table or staging table of
// `table` — the indexes StageKeysSql() builds, described for a writer that
// builds them itself.
struct IndexDef {
  std::string name;
  std::vector<std::string> columns;
  bool unique = false;
  std::string sql;  // CREATE [UNIQUE] INDEX ...
};
std::vector<IndexDef> SqliteIndexes(const schema::TableDef& table, const std::string& target);
// Inside the publish transaction: drop `table`, rename `stage` to it (and,
// on PostgreSQL, its key and indexes to their canonical names).
std::vector<std::string> PublishTableSql(Dialect dialect, const schema::TableDef& table, const std::string& stage);

// The paper search index of a SQLite warehouse (word_index.h): one row per
// word, keyed by the word's fingerprint, its documents as a doclist. Words are the
// tokens of FTS5's tokenizer below (search_words.h); the index answers word
// queries (every word), not phrases or prefixes, and has no relevance rank.
inline constexpr const char* kSearchIndexTokenizer = "unicode61 remove_diacritics 2";
std::string SqliteSearchIndexSql(const std::string& name);
// True when `declaration` (sqlite_master.sql) is the index of this version.
bool IsCurrentSearchIndex(const std::string& declaration);

}  // namespace arxivflow::warehouse
