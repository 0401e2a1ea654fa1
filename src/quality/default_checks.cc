// The built-in checks: the text of src/quality/default_checks.yaml, embedded
// so the binary needs no data files. A unit test keeps the two identical.
#include "quality/check.h"

namespace arxivflow::quality {

const std::string& DefaultChecksYaml() {
  static const std::string text = R"yaml(# Built-in data-quality checks of `arxivflow warehouse check`.
# This file is compiled into the binary (default_checks.cc holds the same
# text); pass --checks FILE to run another set. Format: see docs/quality.md.
checks:
  # The original two checks, on every table.
  - name: "{table}_has_rows"
    tables: [papers, authors, abstracts, categories, versions, titles]
    row_count: true
    condition: result >= 1
  - name: "{table}_id_nulls"
    tables: [papers, authors, abstracts, categories, versions, titles]
    null_count: id
    condition: result <= 100

  # Reconciliation: the warehouse holds exactly the rows the transform wrote.
  # Needs --from DIR (the Parquet area with its _manifest.json).
  - name: "{table}_matches_manifest"
    tables: [papers, authors, abstracts, categories, versions, titles]
    row_count: true
    condition: result == manifest.{table}.rows

  # Keys are unique (titles and abstracts per origin: arXiv and NIPS ids
  # live side by side).
  - name: papers_id_unique
    table: papers
    unique: [id]
    condition: result == 0
  - name: titles_id_unique
    table: titles
    unique: [id, origin]
    condition: result == 0
  - name: abstracts_id_unique
    table: abstracts
    unique: [id, origin]
    condition: result == 0

  # Every arXiv row of a child table belongs to a paper.
  - name: authors_id_in_papers
    table: authors
    foreign_key: {column: id, references: papers.id}
    condition: result == 0
  - name: categories_id_in_papers
    table: categories
    foreign_key: {column: id, references: papers.id}
    condition: result == 0
  - name: versions_id_in_papers
    table: versions
    where: {origin: arXiv}
    foreign_key: {column: id, references: papers.id}
    condition: result == 0

  # Records without a title are rejected by the transform.
  - name: titles_not_empty
    table: titles
    empty_count: title
    condition: result == 0
  - name: papers_title_not_empty
    table: papers
    empty_count: title
    condition: result == 0
)yaml";
  return text;
}

}  // namespace arxivflow::quality
