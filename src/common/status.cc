#include "common/status.h"

namespace arxivflow {

const char* StatusCodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidArgument: return "Invalid argument";
    case Status::Code::kNotFound: return "Not found";
    case Status::Code::kAlreadyExists: return "Already exists";
    case Status::Code::kIOError: return "IO error";
    case Status::Code::kCorruption: return "Corruption";
    case Status::Code::kUnsupported: return "Unsupported";
    case Status::Code::kInternal: return "Internal error";
    case Status::Code::kUnavailable: return "Unavailable";
    case Status::Code::kPermissionDenied: return "Permission denied";
    case Status::Code::kAborted: return "Aborted";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, std::string(context) + ": " + message_);
}

}  // namespace arxivflow
