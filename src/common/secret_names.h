// What a secret name is: the one rule that decides which variables,
// connection extras and environment variables hold secrets.
//
// Contract: IsSecretName(name) is true when the name, compared without case,
// contains one of kSecretNameWords ("pass", "pwd", "secret", "token", "key",
// "credential", "private", "auth", "cookie", "session", "signature"), except
// where "auth" is the start of "author" (but not of "authorization"). The rule over-approximates on purpose
// (a `MONKEY` variable is masked too): a value wrongly masked costs a "***" in
// a log, a value wrongly shown costs a secret. Every place that masks by name
// calls it: the REST API and UI (variables, connection extras), the task log
// masker, Connection::ToMaskedUri and the task environment. docs/security.md
// lists the words. Pure, thread-safe.
#pragma once

#include <array>
#include <string_view>

namespace arxivflow {

inline constexpr std::array<std::string_view, 11> kSecretNameWords = {
    "pass", "pwd", "secret", "token", "key", "credential", "private", "auth", "cookie", "session", "signature"};

bool IsSecretName(std::string_view name);

}  // namespace arxivflow
