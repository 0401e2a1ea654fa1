#include "server/fts_query.h"

#include <vector>

namespace arxivflow::server {

std::string BuildFtsQuery(const std::string& text) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && words.size() < 16) {
      if (cur.size() > 64) {
        // Do not cut inside a UTF-8 sequence.
        size_t n = 64;
        while (n > 0 && (static_cast<unsigned char>(cur[n]) & 0xC0) == 0x80) --n;
        cur.resize(n);
      }
      if (!cur.empty()) words.push_back(cur);
    }
    cur.clear();
  };
  for (unsigned char c : text) {
    bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
    if (word) {
      cur.push_back(static_cast<char>(c));
    } else {
      flush();
    }
  }
  flush();
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += ' ';
    out += '"' + words[i] + '"';
    if (i + 1 == words.size()) out += '*';
  }
  return out;
}

}  // namespace arxivflow::server
