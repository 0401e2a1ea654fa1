// SqlExecutor: the statements a server-backed warehouse sends, behind an
// interface so that generated SQL can be tested without a server.
//
// Contract: Exec() runs one or more statements that return no rows;
// QueryScalar() runs one statement and returns the first column of the first
// row. Errors are messages from the server, without secrets. Not thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace arxivflow::warehouse {

struct ScalarValue;

class SqlExecutor {
 public:
  virtual ~SqlExecutor() = default;
  virtual Status Exec(const std::string& sql) = 0;
  virtual Result<ScalarValue> QueryScalar(const std::string& sql) = 0;
};

}  // namespace arxivflow::warehouse
