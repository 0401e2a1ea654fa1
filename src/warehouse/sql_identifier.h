// SQL identifiers and literals built from untrusted text.
//
// Contract: every table or column name that reaches generated SQL goes through
// ValidateIdentifier() (which accepts only [A-Za-z_][A-Za-z0-9_]*, at most 63
// bytes) and is then double-quoted by QuoteIdentifier(); literals are
// single-quoted with QuoteLiteral(). Nothing else is ever pasted into SQL.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace arxivflow::warehouse {

bool IsValidIdentifier(std::string_view name);
// kInvalidArgument naming `what` ("column", "table") when not valid.
Status ValidateIdentifier(std::string_view name, std::string_view what);
// "name" with embedded quotes doubled (only ever applied to valid names).
std::string QuoteIdentifier(std::string_view name);
// 'text' with embedded single quotes doubled. Callers never pass secrets here
// unless the statement itself is never logged.
std::string QuoteLiteral(std::string_view text);

}  // namespace arxivflow::warehouse
