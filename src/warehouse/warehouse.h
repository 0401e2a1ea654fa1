// Warehouse: the six star-schema tables on one target (SQLite, PostgreSQL or
// Redshift), behind one interface.
//
// Contract:
// - Open() connects (kUnavailable when the server cannot be reached,
//   kPermissionDenied on failed authentication, kInvalidArgument for a bad
//   spec); messages name the target by ConnectionSpec::Describe(), never with
//   its password.
// - CreateTables() is idempotent; with drop=true it drops and recreates all
//   six tables in one transaction.
// - LoadTable() replaces the table's contents atomically (one transaction:
//   a rerun never appends, and a load that dies midway leaves the previous
//   contents). When expected_rows is set and the loaded count differs, the
//   transaction is rolled back and the load fails. Returns rows loaded.
// - QueryScalar() runs one read-only statement and returns the first column of
//   the first row (NULL when there is no row); more than one statement, or a
//   statement that writes, is refused.
// - A Warehouse is used from one thread at a time.
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
};

struct TableLoadInput {
  std::vector<std::string> files;      // Parquet files: local paths or s3:// URIs
  std::vector<uint64_t> file_bytes;    // their sizes when known (Redshift manifests), parallel to `files`
  std::string area;                    // the area's location (Redshift: s3://... selects COPY ... MANIFEST)
  BatchSource* source = nullptr;       // when set, read instead of `files`
  std::optional<int64_t> expected_rows;
};

class Warehouse {
 public:
  static Result<std::unique_ptr<Warehouse>> Open(const ConnectionSpec& spec);
  virtual ~Warehouse() = default;

  virtual TargetKind kind() const = 0;
  virtual std::string Describe() const = 0;
  virtual Status CreateTables(const CreateOptions& options) = 0;
  // kNotFound (with a hint to run `warehouse create`) when the table is absent.
  virtual Result<int64_t> LoadTable(const schema::TableDef& table, const TableLoadInput& input) = 0;
  // Called once after a set of loads (SQLite rebuilds its search index).
  virtual Status FinishLoad(const std::vector<std::string>& loaded_tables) { (void)loaded_tables; return Status::OK(); }
  virtual Result<ScalarValue> QueryScalar(const std::string& sql) = 0;
  virtual Result<bool> TableExists(const std::string& table) = 0;
  virtual Status Close() = 0;
};

// Implementations (one file each).
Result<std::unique_ptr<Warehouse>> OpenSqliteWarehouse(const ConnectionSpec& spec);
Result<std::unique_ptr<Warehouse>> OpenPostgresWarehouse(const ConnectionSpec& spec);
Result<std::unique_ptr<Warehouse>> OpenRedshiftWarehouse(const ConnectionSpec& spec);

}  // namespace arxivflow::warehouse
