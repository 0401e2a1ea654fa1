#include "schema/star_schema.h"

#include <algorithm>

namespace arxivflow::schema {

using namespace arxivflow::parquet;

const std::vector<TableDef>& StarSchema() {
  static const std::vector<TableDef> tables = {
      {TableId::kPapers, "papers",
       Schema{{StringColumn("id", false), StringColumn("title"), StringColumn("categories"),
               StringColumn("doi"), StringColumn("comments"), StringColumn("journalref"),
               StringColumn("license"), StringColumn("reportno"), StringColumn("submitter"),
               DateColumn("updatedate")}},
       {"id"},
       "One row per arXiv paper."},
      {TableId::kAuthors, "authors",
       Schema{{StringColumn("id", false), StringColumn("author"), Int32Column("position", false),
               StringColumn("lastname"), StringColumn("firstname"), StringColumn("suffix")}},
       {"id", "position"},
       "One row per entry of authors_parsed; author is the parts joined by spaces."},
      {TableId::kAbstracts, "abstracts",
       Schema{{StringColumn("id", false), StringColumn("abstract"), StringColumn("origin", false)}},
       {"id", "origin"},
       "arXiv and NIPS abstracts; origin is arXiv or NIPS."},
      {TableId::kCategories, "categories",
       Schema{{StringColumn("id", false), StringColumn("category", false),
               Int32Column("position", false)}},
       {"id", "position"},
       "The categories string split on spaces."},
      {TableId::kVersions, "versions",
       Schema{{StringColumn("id", false), TimestampColumn("created"), StringColumn("version"),
               Int16Column("month"), Int16Column("year"), StringColumn("origin", false)}},
       {"id", "version", "origin"},
       "One row per version; NIPS rows carry only the year."},
      {TableId::kTitles, "titles",
       Schema{{StringColumn("id", false), StringColumn("title", false),
               StringColumn("origin", false)}},
       {"id", "origin"},
       "arXiv and NIPS titles."},
  };
  return tables;
}

const TableDef& Table(TableId id) { return StarSchema()[static_cast<size_t>(id)]; }

const TableDef* FindTable(std::string_view name) {
  for (const auto& t : StarSchema()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string TableNames() {
  std::string names;
  for (const auto& t : StarSchema()) names += (names.empty() ? "" : ", ") + t.name;
  return names;
}

Result<std::vector<std::string>> ParseNameList(std::string_view text,
                                               const std::function<Status(const std::string&)>& check) {
  std::vector<std::string> names;
  size_t from = 0;
  while (from <= text.size()) {
    size_t comma = text.find(',', from);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view name = text.substr(from, comma - from);
    const size_t first = name.find_first_not_of(" \t");
    name = first == std::string_view::npos ? std::string_view()
                                           : name.substr(first, name.find_last_not_of(" \t") - first + 1);
    if (!name.empty()) {
      std::string owned(name);
      AF_RETURN_IF_ERROR(check(owned));
      if (std::find(names.begin(), names.end(), owned) == names.end()) names.push_back(std::move(owned));
    }
    from = comma + 1;
  }
  return names;
}

}  // namespace arxivflow::schema
