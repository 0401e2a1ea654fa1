#include "orchestrator/run_id.h"

namespace arxivflow::orchestrator {

namespace {

bool IsRunIdChar(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '~' || c == ':' || c == '+' || c == '-';
}

}  // namespace

Status ValidateRunId(const std::string& run_id) {
  bool ok = !run_id.empty() && run_id.size() <= kMaxRunIdLength;
  for (unsigned char c : run_id) ok = ok && IsRunIdChar(c);
  if (!ok) {
    return Status::InvalidArgument("a run id is 1-" + std::to_string(kMaxRunIdLength) +
                                   " characters of letters, digits and _ . ~ : + -");
  }
  return Status::OK();
}

std::string PathComponent(const std::string& id) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : id) {
    if (IsRunIdChar(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace arxivflow::orchestrator
