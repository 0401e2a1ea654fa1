#include "transform/rows.h"

#include "transform/text_clean.h"

namespace arxivflow::transform {

using schema::TableId;

namespace {

Status End(RowWriter* w, RowCounts* counts, TableId id) {
  ++(*counts)[static_cast<size_t>(id)];
  return w->EndRow();
}

}  // namespace

void TableColumns::Clear() {
  for (Column& c : columns) {
    c.text.clear();
    c.i32.clear();
    c.i64.clear();
    c.nulls.clear();
  }
  rows = 0;
}

namespace {

// Appenders for one column; a text that is empty is NULL (see record.h).
struct Text {
  TableColumns::Column& c;
  void operator()(std::string_view v) const {
    c.text.push_back(v);
    c.nulls.push_back(v.empty());
  }
};
struct Required {
  TableColumns::Column& c;
  void operator()(std::string_view v) const { c.text.push_back(v); }
};
template <typename T>
void PushNumber(TableColumns::Column& c, std::optional<T> v) {
  if constexpr (sizeof(T) == 8) {
    c.i64.push_back(v ? *v : 0);
  } else {
    c.i32.push_back(v ? *v : 0);
  }
  c.nulls.push_back(!v);
}

void Prepare(TableColumns* t, TableId id) {
  t->columns.resize(schema::Table(id).schema.columns.size());
  t->Clear();
}

}  // namespace

void BuildArxivColumns(const ArxivBatch& batch, std::span<const uint32_t> records, ArxivColumns* out) {
  for (int t = 0; t < schema::kTableCount; ++t) Prepare(&(*out)[t], static_cast<TableId>(t));
  auto& papers = (*out)[static_cast<size_t>(TableId::kPapers)];
  auto& authors = (*out)[static_cast<size_t>(TableId::kAuthors)];
  auto& abstracts = (*out)[static_cast<size_t>(TableId::kAbstracts)];
  auto& categories = (*out)[static_cast<size_t>(TableId::kCategories)];
  auto& versions = (*out)[static_cast<size_t>(TableId::kVersions)];
  auto& titles = (*out)[static_cast<size_t>(TableId::kTitles)];
  const std::string_view arxiv = schema::kOriginArxiv;

  // papers(id, title, categories, doi, comments, journalref, license, reportno,
  //        submitter, updatedate)
  {
    auto& c = papers.columns;
    for (uint32_t i : records) {
      const ArxivRecord& r = batch.records[i];
      Required{c[0]}(r.id);
      Required{c[1]}(r.title);
      Text{c[2]}(r.categories);
      Text{c[3]}(r.doi);
      Text{c[4]}(r.comments);
      Text{c[5]}(r.journalref);
      Text{c[6]}(r.license);
      Text{c[7]}(r.reportno);
      Text{c[8]}(r.submitter);
      PushNumber(c[9], r.update_date);
    }
    papers.rows = records.size();
  }
  // authors(id, author, position, lastname, firstname, suffix)
  {
    auto& c = authors.columns;
    for (uint32_t i : records) {
      const ArxivRecord& r = batch.records[i];
      int32_t position = 0;
      for (const ArxivAuthor& a : batch.AuthorsOf(r)) {
        Required{c[0]}(r.id);
        Text{c[1]}(a.full);
        c[2].i32.push_back(++position);
        Text{c[3]}(a.last);
        Text{c[4]}(a.first);
        Text{c[5]}(a.suffix);
      }
    }
    authors.rows = c[0].text.size();
  }
  // abstracts(id, abstract, origin): only when there is an abstract.
  {
    auto& c = abstracts.columns;
    for (uint32_t i : records) {
      const ArxivRecord& r = batch.records[i];
      if (r.abstract.empty()) continue;
      Required{c[0]}(r.id);
      Text{c[1]}(r.abstract);
      Required{c[2]}(arxiv);
    }
    abstracts.rows = c[0].text.size();
  }
  // categories(id, category, position)
  {
    auto& c = categories.columns;
    for (uint32_t i : records) {
      const ArxivRecord& r = batch.records[i];
      int32_t position = 0;
      for (std::string_view category : batch.CategoriesOf(r)) {
        Required{c[0]}(r.id);
        Required{c[1]}(category);
        c[2].i32.push_back(++position);
      }
    }
    categories.rows = c[0].text.size();
  }
  // versions(id, created, version, month, year, origin)
  {
    auto& c = versions.columns;
    for (uint32_t i : records) {
      const ArxivRecord& r = batch.records[i];
      for (const ArxivVersion& v : batch.VersionsOf(r)) {
        Required{c[0]}(r.id);
        PushNumber(c[1], v.created);
        Text{c[2]}(v.version);
        std::optional<int32_t> month, year;
        if (v.created) {
          int y, m;
          YearMonthFromMicros(*v.created, &y, &m);
          month = m;
          year = y;
        }
        PushNumber(c[3], month);
        PushNumber(c[4], year);
        Required{c[5]}(arxiv);
      }
    }
    versions.rows = c[0].text.size();
  }
  // titles(id, title, origin)
  {
    auto& c = titles.columns;
    for (uint32_t i : records) {
      const ArxivRecord& r = batch.records[i];
      Required{c[0]}(r.id);
      Required{c[1]}(r.title);
      Required{c[2]}(arxiv);
    }
    titles.rows = records.size();
  }
}

Status EmitNips(const NipsRecord& r, const TableSet& tables, RowCounts* counts) {
  RowWriter* w;
  if (r.abstract.present) {
    w = TableOf(tables, TableId::kAbstracts);
    w->AppendString(0, r.id);
    w->AppendString(1, r.abstract.value);
    w->AppendString(2, schema::kOriginNips);
    AF_RETURN_IF_ERROR(End(w, counts, TableId::kAbstracts));
  }
  w = TableOf(tables, TableId::kVersions);
  w->AppendString(0, r.id);
  w->AppendNull(1);
  w->AppendNull(2);
  w->AppendNull(3);
  if (r.year) {
    w->AppendInt32(4, *r.year);
  } else {
    w->AppendNull(4);
  }
  w->AppendString(5, schema::kOriginNips);
  AF_RETURN_IF_ERROR(End(w, counts, TableId::kVersions));

  w = TableOf(tables, TableId::kTitles);
  w->AppendString(0, r.id);
  w->AppendString(1, r.title);
  w->AppendString(2, schema::kOriginNips);
  return End(w, counts, TableId::kTitles);
}

}  // namespace arxivflow::transform
