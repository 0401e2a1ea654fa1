// Jinja-like placeholders in DAG strings: "{{ var.LAKE_URI }}/{{ ds }}".
//
// Contract: RenderTemplate scans `text` once and replaces every "{{ expr }}"
// with resolve(expr). Substituted values are data: they are never scanned
// again, so a value containing "{{" or shell syntax stays literal. An expr is
// a dotted path of names ([A-Za-z0-9_-]) such as `conn.redshift.host`, or a
// quoted literal ('{{' to write braces), optionally followed by the one
// filter `| default('value')`, used when resolve() says NotFound. An unterminated "{{", a malformed
// expression or an error from `resolve` fails the whole render with a message
// naming the expression. Pure function; thread-safe if `resolve` is.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace arxivflow::orchestrator {

using TemplateResolver = std::function<Result<std::string>(const std::string& expr)>;

Result<std::string> RenderTemplate(std::string_view text, const TemplateResolver& resolve);

// True if `text` contains a "{{" placeholder.
bool HasTemplate(std::string_view text);

}  // namespace arxivflow::orchestrator
