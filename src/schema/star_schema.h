// The warehouse's star schema: the six tables of the original system, with the
// original table and column names and typed columns (SPEC section 3).
//
// This is the single definition both sides agree on: the transform writes
// Parquet files with exactly these schemas, and the warehouse derives its DDL
// and loaders from them. Immutable, built once, safe to read from any thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/types.h"

namespace arxivflow::schema {

// Index of each table in StarSchema(); also the order tables are written in.
enum class TableId { kPapers = 0, kAuthors, kAbstracts, kCategories, kVersions, kTitles };
inline constexpr int kTableCount = 6;

struct TableDef {
  TableId id;
  std::string name;                  // "papers", ...
  parquet::Schema schema;            // columns in order; the first is always `id`
  std::vector<std::string> key;      // the natural key (unique per row)
  std::string description;
};

// papers(id, title, categories, doi, comments, journalref, license, reportno,
//        submitter, updatedate DATE)
// authors(id, author, position, lastname, firstname, suffix)
// abstracts(id, abstract, origin)
// categories(id, category, position)
// versions(id, created TIMESTAMP, version, month SMALLINT, year SMALLINT, origin)
// titles(id, title, origin)
const std::vector<TableDef>& StarSchema();
const TableDef& Table(TableId id);
// nullptr when `name` is not one of the six tables.
const TableDef* FindTable(std::string_view name);
// "papers, authors, abstracts, categories, versions, titles", for messages.
std::string TableNames();

// The names of a comma-separated list such as "authors, titles": spaces and
// tabs around each trimmed, empty entries and repeats dropped, in first-seen
// order. Each name is handed to `check` before it is kept, so the first bad
// one ends the parse with `check`'s error.
Result<std::vector<std::string>> ParseNameList(std::string_view text,
                                               const std::function<Status(const std::string&)>& check);

// Values of the `origin` columns.
inline constexpr std::string_view kOriginArxiv = "arXiv";
inline constexpr std::string_view kOriginNips = "NIPS";

}  // namespace arxivflow::schema
