#include "transform/rows.h"

#include "transform/text_clean.h"

namespace arxivflow::transform {

using schema::TableId;

namespace {

// Empty = NULL (see record.h).
void AppendText(RowWriter* w, int column, std::string_view t) {
  if (!t.empty()) {
    w->AppendString(column, t);
  } else {
    w->AppendNull(column);
  }
}

Status End(RowWriter* w, RowCounts* counts, TableId id) {
  ++(*counts)[static_cast<size_t>(id)];
  return w->EndRow();
}

}  // namespace

Status EmitArxiv(const ArxivBatch& batch, const ArxivRecord& r, const TableSet& tables,
                 RowCounts* counts) {
  // papers(id, title, categories, doi, comments, journalref, license, reportno,
  //        submitter, updatedate)
  RowWriter* w = TableOf(tables, TableId::kPapers);
  w->AppendString(0, r.id);
  w->AppendString(1, r.title);
  AppendText(w, 2, r.categories);
  AppendText(w, 3, r.doi);
  AppendText(w, 4, r.comments);
  AppendText(w, 5, r.journalref);
  AppendText(w, 6, r.license);
  AppendText(w, 7, r.reportno);
  AppendText(w, 8, r.submitter);
  if (r.update_date) {
    w->AppendInt32(9, *r.update_date);
  } else {
    w->AppendNull(9);
  }
  AF_RETURN_IF_ERROR(End(w, counts, TableId::kPapers));

  // authors(id, author, position, lastname, firstname, suffix)
  w = TableOf(tables, TableId::kAuthors);
  int32_t position = 0;
  for (const ArxivAuthor& a : batch.AuthorsOf(r)) {
    w->AppendString(0, r.id);
    AppendText(w, 1, a.full);
    w->AppendInt32(2, ++position);
    AppendText(w, 3, a.last);
    AppendText(w, 4, a.first);
    AppendText(w, 5, a.suffix);
    AF_RETURN_IF_ERROR(End(w, counts, TableId::kAuthors));
  }

  // abstracts(id, abstract, origin): only when there is an abstract.
  if (!r.abstract.empty()) {
    w = TableOf(tables, TableId::kAbstracts);
    w->AppendString(0, r.id);
    w->AppendString(1, r.abstract);
    w->AppendString(2, schema::kOriginArxiv);
    AF_RETURN_IF_ERROR(End(w, counts, TableId::kAbstracts));
  }

  // categories(id, category, position)
  w = TableOf(tables, TableId::kCategories);
  position = 0;
  for (std::string_view category : batch.CategoriesOf(r)) {
    w->AppendString(0, r.id);
    w->AppendString(1, category);
    w->AppendInt32(2, ++position);
    AF_RETURN_IF_ERROR(End(w, counts, TableId::kCategories));
  }

  // versions(id, created, version, month, year, origin)
  w = TableOf(tables, TableId::kVersions);
  for (const ArxivVersion& v : batch.VersionsOf(r)) {
    w->AppendString(0, r.id);
    if (v.created) {
      w->AppendInt64(1, *v.created);
    } else {
      w->AppendNull(1);
    }
    AppendText(w, 2, v.version);
    if (v.created) {
      int year, month;
      YearMonthFromMicros(*v.created, &year, &month);
      w->AppendInt32(3, month);
      w->AppendInt32(4, year);
    } else {
      w->AppendNull(3);
      w->AppendNull(4);
    }
    w->AppendString(5, schema::kOriginArxiv);
    AF_RETURN_IF_ERROR(End(w, counts, TableId::kVersions));
  }

  // titles(id, title, origin)
  w = TableOf(tables, TableId::kTitles);
  w->AppendString(0, r.id);
  w->AppendString(1, r.title);
  w->AppendString(2, schema::kOriginArxiv);
  return End(w, counts, TableId::kTitles);
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
