// PgConnection: one libpq connection (PostgreSQL, or Redshift which speaks the
// same protocol), with error messages fit for operators.
//
// Contract: Connect() uses PQconnectdbParams with the spec's keyword/value
// pairs (never a concatenated string), adds connect_timeout=10 when absent,
// and maps failures to kPermissionDenied (authentication) or kUnavailable
// (anything else). Every message starts with the spec's Describe() and is
// passed through ConnectionSpec::Redact(). COPY streaming: BeginCopy(), then
// PutCopyData() any number of times, then EndCopy() (or AbortCopy()).
// Not thread-safe; closes the connection on destruction.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "warehouse/connection_spec.h"
#include "warehouse/sql_executor.h"
#include "warehouse/warehouse.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace arxivflow::warehouse {

class PgConnection : public SqlExecutor {
 public:
  static Result<std::unique_ptr<PgConnection>> Connect(const ConnectionSpec& spec);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Status Exec(const std::string& sql) override;
  Result<ScalarValue> QueryScalar(const std::string& sql) override;
  // Like QueryScalar, with one text parameter bound to $1.
  Result<ScalarValue> QueryScalarWithParam(const std::string& sql, const std::string& param);

  Status BeginCopy(const std::string& copy_sql);
  Status PutCopyData(std::string_view bytes);
  // Returns the number of rows the server reports.
  Result<int64_t> EndCopy();
  void AbortCopy(const std::string& reason);
  // ROLLBACK when a transaction is open; never fails.
  void RollbackQuietly();
  // The first column of every row, as text (NULL as "").
  Result<std::vector<std::string>> QueryColumn(const std::string& sql);
  // The SQLSTATE of the last statement that failed ("55P03"), or "".
  const std::string& last_sqlstate() const { return last_sqlstate_; }

  const ConnectionSpec& spec() const { return spec_; }

 private:
  PgConnection(ConnectionSpec spec, PGconn* conn) : spec_(std::move(spec)), conn_(conn) {}
  Status ResultError(PGresult* res, const std::string& what) const;
  Status ConnectionError(const std::string& what) const;
  Result<ScalarValue> ScalarFrom(PGresult* res, const std::string& what);

  ConnectionSpec spec_;
  PGconn* conn_;
  mutable std::string last_sqlstate_;
};

}  // namespace arxivflow::warehouse
