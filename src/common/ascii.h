// ASCII character classes that do not depend on the locale (<cctype>'s do).
//
// Contract: pure, header-only, thread-safe.
#pragma once

namespace arxivflow {

// Space, tab, line feed, carriage return, form feed, vertical tab.
inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace arxivflow
