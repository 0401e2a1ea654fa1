#include "warehouse/pg_connection.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <vector>

namespace arxivflow::warehouse {

namespace {

// Joins a multi-line libpq message into one line.
std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "; ";
    } else if (c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

// PostgreSQL type OIDs of the scalar types we map.
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700, kFloat8Oid = 701,
              kNumericOid = 1700;

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const ConnectionSpec& spec) {
  std::vector<const char*> keys;
  std::vector<const char*> values;
  bool has_timeout = false;
  for (const auto& [k, v] : spec.params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
    if (k == "connect_timeout") has_timeout = true;
  }
  if (!has_timeout) {
    keys.push_back("connect_timeout");
    values.push_back("10");
  }
  keys.push_back("client_encoding");
  values.push_back("UTF8");
  keys.push_back("application_name");
  values.push_back("arxivflow");
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0);
  if (!conn) return Status::Unavailable(spec.Describe() + ": cannot connect: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = spec.Redact(OneLine(PQerrorMessage(conn)));
    const bool auth = msg.find("authentication failed") != std::string::npos ||
                      msg.find("password") != std::string::npos || PQconnectionNeedsPassword(conn);
    PQfinish(conn);
    if (auth) return Status::PermissionDenied(spec.Describe() + ": authentication failed: " + msg);
    return Status::Unavailable(spec.Describe() + ": cannot connect: " + msg);
  }
  // Quiet NOTICEs (e.g. "relation already exists, skipping").
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(spec, conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::ConnectionError(const std::string& what) const {
  return Status::IOError(spec_.Describe() + ": " + what + ": " + spec_.Redact(OneLine(PQerrorMessage(conn_))));
}

Status PgConnection::ResultError(PGresult* res, const std::string& what) const {
  std::string msg;
  if (const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)) {
    msg = primary;
    if (const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)) msg += " (" + std::string(detail) + ")";
    if (const char* context = PQresultErrorField(res, PG_DIAG_CONTEXT)) msg += " [" + OneLine(context) + "]";
  } else {
    msg = OneLine(PQresultErrorMessage(res));
    if (msg.empty()) msg = OneLine(PQerrorMessage(conn_));
  }
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  last_sqlstate_ = state ? state : "";
  msg = spec_.Describe() + ": " + what + ": " + spec_.Redact(msg);
  if (state && std::string(state) == "42P01") return Status::NotFound(msg);  // undefined_table
  if (state && std::string(state).rfind("42", 0) == 0) return Status::InvalidArgument(msg);
  return Status::IOError(msg);
}

Status PgConnection::Exec(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  Status st;
  const auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string head = sql.substr(0, sql.find('\n')).substr(0, 80);
    st = ResultError(res, head);
  }
  PQclear(res);
  return st;
}

Result<ScalarValue> PgConnection::ScalarFrom(PGresult* res, const std::string& what) {
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    Status st = ResultError(res, what);
    PQclear(res);
    return st;
  }
  ScalarValue value;
  if (PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0)) {
    const std::string text = PQgetvalue(res, 0, 0);
    switch (PQftype(res, 0)) {
      case kInt2Oid:
      case kInt4Oid:
      case kInt8Oid:
        value.type = ScalarValue::Type::kInteger;
        value.integer = std::strtoll(text.c_str(), nullptr, 10);
        break;
      case kBoolOid:
        value.type = ScalarValue::Type::kInteger;
        value.integer = text == "t" ? 1 : 0;
        break;
      case kFloat4Oid:
      case kFloat8Oid:
      case kNumericOid:
        value.type = ScalarValue::Type::kReal;
        value.real = std::strtod(text.c_str(), nullptr);
        break;
      default:
        value.type = ScalarValue::Type::kText;
        value.text = text;
    }
  }
  PQclear(res);
  return value;
}

Result<ScalarValue> PgConnection::QueryScalar(const std::string& sql) {
  // The extended protocol accepts exactly one statement.
  PGresult* res = PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  return ScalarFrom(res, "query");
}

Result<ScalarValue> PgConnection::QueryScalarWithParam(const std::string& sql, const std::string& param) {
  const char* values[1] = {param.c_str()};
  PGresult* res = PQexecParams(conn_, sql.c_str(), 1, nullptr, values, nullptr, nullptr, 0);
  return ScalarFrom(res, "query");
}

Status PgConnection::BeginCopy(const std::string& copy_sql) {
  PGresult* res = PQexec(conn_, copy_sql.c_str());
  Status st;
  if (PQresultStatus(res) != PGRES_COPY_IN) st = ResultError(res, "COPY");
  PQclear(res);
  return st;
}

Status PgConnection::PutCopyData(std::string_view bytes) {
  if (PQputCopyData(conn_, bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return ConnectionError("sending COPY data");
  }
  return Status::OK();
}

Result<int64_t> PgConnection::EndCopy() {
  if (PQputCopyEnd(conn_, nullptr) != 1) return ConnectionError("ending COPY");
  Status st;
  int64_t rows = 0;
  while (PGresult* res = PQgetResult(conn_)) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      if (st.ok()) st = ResultError(res, "COPY");
    } else {
      rows = std::strtoll(PQcmdTuples(res), nullptr, 10);
    }
    PQclear(res);
  }
  if (!st.ok()) return st;
  return rows;
}

void PgConnection::AbortCopy(const std::string& reason) {
  PQputCopyEnd(conn_, reason.c_str());
  while (PGresult* res = PQgetResult(conn_)) PQclear(res);
}

Result<std::vector<std::string>> PgConnection::QueryColumn(const std::string& sql) {
  PGresult* res = PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    Status st = ResultError(res, "query");
    PQclear(res);
    return st;
  }
  std::vector<std::string> out;
  for (int r = 0; r < PQntuples(res); ++r) out.emplace_back(PQgetisnull(res, r, 0) ? "" : PQgetvalue(res, r, 0));
  PQclear(res);
  return out;
}

void PgConnection::RollbackQuietly() {
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    PGresult* res = PQexec(conn_, "ROLLBACK");
    PQclear(res);
  }
}

}  // namespace arxivflow::warehouse
