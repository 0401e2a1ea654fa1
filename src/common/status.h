// Status and Result<T>: the one way arxivflow reports errors.
//
// Contract:
// - A Status is either OK or carries a Code and a human-readable message. The
//   message is meant for operators: it names the file, line or object and says
//   what was wrong ("papers/part-00000.parquet: footer length 912 exceeds file
//   size 40"). It never carries secrets.
// - Result<T> holds either a value or a non-OK Status. Accessing the value of
//   an error Result is a programming error (asserts).
// - Both are cheap to move, copyable, and not thread-safe to mutate from
//   several threads at once (like any value type).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace arxivflow {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // bad input from a user or a file
    kNotFound,
    kAlreadyExists,
    kIOError,
    kCorruption,       // a file or stream is malformed
    kUnsupported,
    kInternal,
    kUnavailable,      // a server could not be reached
    kPermissionDenied,
    kAborted,          // stopped on purpose (limits, cancellation)
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status AlreadyExists(std::string msg) { return Status(Code::kAlreadyExists, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status Unsupported(std::string msg) { return Status(Code::kUnsupported, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status PermissionDenied(std::string msg) { return Status(Code::kPermissionDenied, std::move(msg)); }
  static Status Aborted(std::string msg) { return Status(Code::kAborted, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "Corruption: <message>", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>". OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

const char* StatusCodeName(Status::Code code);

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an OK status without a value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace arxivflow

// Propagates a non-OK Status from an expression returning Status.
#define AF_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::arxivflow::Status _af_st = (expr);         \
    if (!_af_st.ok()) return _af_st;             \
  } while (0)

#define AF_CONCAT_INNER(a, b) a##b
#define AF_CONCAT(a, b) AF_CONCAT_INNER(a, b)

// `AF_ASSIGN_OR_RETURN(auto x, MakeX());` binds the value or returns the error.
#define AF_ASSIGN_OR_RETURN(lhs, expr) \
  AF_ASSIGN_OR_RETURN_IMPL(AF_CONCAT(_af_res_, __LINE__), lhs, expr)
#define AF_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
