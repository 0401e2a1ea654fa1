// Warehouse: the six star-schema tables on one target (SQLite, PostgreSQL or
// Redshift), behind one interface.
//
// Loads are staged and published (load_ledger.h): StageTable() writes a
// table's rows into its staging table for a load, keys and indexes built
// after the rows, leaving the published tables untouched; Publish() swaps the
// staged tables of a load in, all of them or none, in one transaction. A
// reader (the UI, the checks) sees either every old table or every new one.
//
// Contract:
// - Open() connects (kUnavailable when the server cannot be reached,
//   kPermissionDenied on failed authentication, kInvalidArgument for a bad
//   spec); messages name the target by ConnectionSpec::Describe(), never with
//   its password.
// - CreateTables() creates the six tables, the load ledger and (SQLite) the
//   search index when absent; with drop=true it drops and recreates them, with
//   every staged table, in one transaction.
// - StageTable() replaces the stage of (input.load, table), so a retried task
//   starts over. When expected_rows is set and the loaded count differs, or a
//   key is duplicated, nothing is staged and the load fails. Returns rows.
//   SQLite writers queue on the file's WriterLock and never fail on a lock;
//   the wait is reported through input.progress.
// - StageSearchIndex() (SQLite; false elsewhere: no index to build) stages the
//   search index of the area's titles and abstracts for the load.
// - Publish() checks that every table of the set is staged for the load, from
//   one area, then swaps them in; SQLite also swaps in the search index when
//   the set holds titles or abstracts (building it from the staged tables when
//   it was not staged). Staged tables of other loads are dropped afterwards.
//   Publishing a load that was already published succeeds without change.
// - LoadTable() = StageTable() + Publish() of one table under a fresh load.
// - QueryScalar() runs one read-only statement and returns the first column of
//   the first row (NULL when there is no row); more than one statement, or a
//   statement that writes, is refused.
// - A Warehouse is used from one thread at a time; open one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "schema/star_schema.h"
#include "warehouse/batch_source.h"
#include "warehouse/connection_spec.h"
#include "warehouse/ddl.h"
#include "warehouse/load_ledger.h"
#include "warehouse/progress.h"

namespace arxivflow::warehouse {

struct ScalarValue {
  enum class Type { kNull, kInteger, kReal, kText };
  Type type = Type::kNull;
  int64_t integer = 0;
  double real = 0;
  std::string text;

  bool is_null() const { return type == Type::kNull; }
  std::string ToString() const;  // "NULL", "42", "1.5", the text
};

struct CreateOptions {
  bool drop = false;
  VarcharWidths varchar_widths;  // Redshift only
  ProgressCallback progress;     // SQLite: what create waits for
};

struct TableLoadInput {
  std::vector<std::string> files;      // Parquet files: local paths or s3:// URIs
  std::vector<uint64_t> file_bytes;    // their sizes when known (Redshift manifests), parallel to `files`
  std::string area;                    // the area's location (Redshift: s3://... selects COPY ... MANIFEST)
  BatchSource* source = nullptr;       // when set, read instead of `files`
  std::optional<int64_t> expected_rows;
  LoadIdentity load;                   // the load this stage belongs to
  std::string area_id;                 // AreaId() of the area ("" when not from an area)
  ProgressCallback progress;
  // For a stage that shares its process with others (loader.h): its share
  // of their sort memory (SQLite: its indexes' sort runs), and it decodes
  // one batch ahead instead of two (ReadAheadBatches). 0: alone in its
  // process, with the defaults.
  size_t memory_share_bytes = 0;
};

struct SearchIndexInput {
  LoadIdentity load;
  std::string area_id;
  std::vector<std::string> title_files, abstract_files;
  std::optional<int64_t> expected_titles;
  ProgressCallback progress;
  size_t memory_share_bytes = 0;  // as above; the word index's blocks
};

struct PublishRequest {
  LoadIdentity load;
  std::vector<std::string> tables;  // star-schema names; the set swapped in together
  ProgressCallback progress;
};

struct PublishedTable {
  std::string table;
  int64_t rows = 0;
};

struct PublishResult {
  std::vector<PublishedTable> tables;  // with the search index ("papers_fts") when it was swapped too
  bool already_published = false;
};

class Warehouse {
 public:
  static Result<std::unique_ptr<Warehouse>> Open(const ConnectionSpec& spec);
  virtual ~Warehouse() = default;

  virtual TargetKind kind() const = 0;
  virtual const ConnectionSpec& spec() const = 0;
  virtual std::string Describe() const = 0;
  virtual Status CreateTables(const CreateOptions& options) = 0;
  // kNotFound (with a hint to run `warehouse create`) when the table is absent.
  virtual Result<int64_t> StageTable(const schema::TableDef& table, const TableLoadInput& input) = 0;
  virtual Result<bool> StageSearchIndex(const SearchIndexInput& input) {
    (void)input;
    return false;
  }
  virtual Result<PublishResult> Publish(const PublishRequest& request) = 0;
  Result<int64_t> LoadTable(const schema::TableDef& table, TableLoadInput input);
  virtual Result<ScalarValue> QueryScalar(const std::string& sql) = 0;
  // QueryScalar with joins planned only as merges of ordered inputs, for a
  // query whose best plan the target's planner is known to miss (PostgreSQL:
  // hash joins and nested loops ruled out for this query only). Other
  // targets run it as QueryScalar does.
  virtual Result<ScalarValue> QueryScalarByMerge(const std::string& sql) { return QueryScalar(sql); }
  virtual Result<bool> TableExists(const std::string& table) = 0;
  virtual Status Close() = 0;
};

// Implementations (one file each).
Result<std::unique_ptr<Warehouse>> OpenSqliteWarehouse(const ConnectionSpec& spec);
Result<std::unique_ptr<Warehouse>> OpenPostgresWarehouse(const ConnectionSpec& spec);
Result<std::unique_ptr<Warehouse>> OpenRedshiftWarehouse(const ConnectionSpec& spec);

}  // namespace arxivflow::warehouse
