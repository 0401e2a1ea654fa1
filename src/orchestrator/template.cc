#include "orchestrator/template.h"

#include <optional>

namespace arxivflow::orchestrator {

namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool IsValidPath(std::string_view expr) {
  if (expr.empty() || expr.front() == '.' || expr.back() == '.') return false;
  char prev = 0;
  for (char c : expr) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if (!IsNameChar(c)) {
      return false;
    }
    prev = c;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool HasTemplate(std::string_view text) { return text.find("{{") != std::string_view::npos; }

Result<std::string> RenderTemplate(std::string_view text, const TemplateResolver& resolve) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("template '" + std::string(text) + "': unterminated '{{'");
    }
    std::string_view expr = Trim(text.substr(open + 2, close - open - 2));
    // "{{ var.X | default('') }}": the default replaces a value that is not set.
    std::optional<std::string> fallback;
    if (auto bar = expr.find('|'); bar != std::string_view::npos && expr.front() != '\'' && expr.front() != '"') {
      std::string_view filter = Trim(expr.substr(bar + 1));
      expr = Trim(expr.substr(0, bar));
      constexpr std::string_view kDefault = "default(";
      if (filter.substr(0, kDefault.size()) != kDefault || filter.back() != ')') {
        return Status::InvalidArgument("template filter '" + std::string(filter) +
                                       "' is not supported (only default('value'))");
      }
      std::string_view arg = Trim(filter.substr(kDefault.size(), filter.size() - kDefault.size() - 1));
      if (arg.size() < 2 || (arg.front() != '\'' && arg.front() != '"') || arg.back() != arg.front()) {
        return Status::InvalidArgument("default(...) takes one quoted string, not '" + std::string(arg) + "'");
      }
      fallback = std::string(arg.substr(1, arg.size() - 2));
    }
    if (expr.size() >= 2 && (expr.front() == '\'' || expr.front() == '"') &&
        expr.back() == expr.front()) {
      out.append(expr.substr(1, expr.size() - 2));
    } else if (!IsValidPath(expr)) {
      return Status::InvalidArgument("template expression '{{ " + std::string(expr) +
                                     " }}' is not a dotted name such as var.NAME or params.X");
    } else {
      auto value = resolve(std::string(expr));
      if (!value.ok()) {
        if (!fallback || value.status().code() != Status::Code::kNotFound) return value.status();
        out.append(*fallback);
      } else {
        out.append(*value);
      }
    }
    pos = close + 2;
  }
  return out;
}

}  // namespace arxivflow::orchestrator
