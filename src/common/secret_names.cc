#include "common/secret_names.h"

#include <string>

namespace arxivflow {

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

bool IsSecretName(std::string_view name) {
  std::string lower = Lower(name);
  for (std::string_view word : kSecretNameWords) {
    for (size_t pos = lower.find(word); pos != std::string::npos; pos = lower.find(word, pos + 1)) {
      // "author", "authors": arXiv metadata, not credentials ("authorization" is).
      if (word == "auth" && lower.compare(pos, 6, "author") == 0 && lower.compare(pos, 8, "authoriz") != 0 &&
          lower.compare(pos, 8, "authoris") != 0) {
        continue;
      }
      return true;
    }
  }
  return false;
}

}  // namespace arxivflow
