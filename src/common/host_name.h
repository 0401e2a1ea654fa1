// This machine's host name, as task instances and scheduler jobs record it
// (to tell whether a recorded pid can be checked here).
//
// Contract: gethostname(2), at most 255 bytes; "" if it fails. Thread-safe.
#pragma once

#include <string>

namespace arxivflow {

std::string HostName();

}  // namespace arxivflow
