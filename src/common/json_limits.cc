#include "common/json_limits.h"

namespace arxivflow {

int JsonNestingDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return limit + 1;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<nlohmann::json> ParseJsonBounded(std::string_view text, std::string_view what, int max_depth,
                                        size_t max_bytes) {
  std::string where(what);
  if (max_bytes > 0 && text.size() > max_bytes) {
    return Status::InvalidArgument(where + ": JSON larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (JsonNestingDepth(text, max_depth) > max_depth) {
    return Status::InvalidArgument(where + ": JSON nested deeper than " + std::to_string(max_depth) + " levels");
  }
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument(where + ": not valid JSON");
  return doc;
}

}  // namespace arxivflow
