// Secrets given to the CLI without putting them in argv (which every local
// user sees in `ps`, and which shells keep in their history).
//
// Contract: ReadSecretInput(source, what) reads `source`: "-" is stdin, any
// other value a file path. It reads at most kMaxSecretInputBytes (more is an
// error naming `what`) and drops one trailing newline ("\n" or "\r\n").
// Errors are kInvalidArgument/kIOError naming `what` and never the content.
// Single-threaded CLI use.
#pragma once

#include <cstddef>
#include <string>

#include "common/status.h"

namespace arxivflow::cli {

inline constexpr size_t kMaxSecretInputBytes = 1 << 20;

Result<std::string> ReadSecretInput(const std::string& source, const std::string& what);

}  // namespace arxivflow::cli
