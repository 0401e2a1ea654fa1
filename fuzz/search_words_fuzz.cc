// Fuzzes the words of the search index: for any text the ASCII fast path
// (taken for pure-ASCII text) gives exactly FTS5's words, and the words of a
// user's search are at most kMaxSearchWords distinct words of at most
// kMaxSearchWordBytes bytes, whatever the bytes (invalid UTF-8, NULs).
// The input's high bits are cleared in a copy so the ASCII path is compared
// on every input too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "warehouse/search_words.h"

namespace {

arxivflow::warehouse::SearchWords* Words() {
  static arxivflow::warehouse::SearchWords* words = [] {
    static arxivflow::sqlite::Database db;
    if (!db.Open(":memory:").ok()) std::abort();
    auto w = arxivflow::warehouse::SearchWords::Open(db);
    if (!w.ok()) std::abort();
    return w->release();
  }();
  return words;
}

std::vector<std::string> All(const std::string& text, bool through_fts5) {
  std::vector<std::string> out;
  auto add = [&](std::string_view w) { out.emplace_back(w); };
  const auto st = through_fts5 ? Words()->ForEachThroughFts5(text, add) : Words()->ForEach(text, add);
  if (!st.ok()) std::abort();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string ascii = text;
  for (char& c : ascii) c = static_cast<char>(c & 0x7f);
  for (const std::string* t : {&text, static_cast<const std::string*>(&ascii)}) {
    if (All(*t, false) != All(*t, true)) {
      std::fprintf(stderr, "fast path and FTS5 differ on %zu bytes\n", t->size());
      std::abort();
    }
  }
  auto asked = arxivflow::warehouse::SearchTextWords(*Words(), text);
  if (!asked.ok() || asked->size() > arxivflow::warehouse::kMaxSearchWords) std::abort();
  std::set<std::string> seen;
  for (const auto& w : *asked) {
    if (w.empty() || w.size() > arxivflow::warehouse::kMaxSearchWordBytes || !seen.insert(w).second) std::abort();
  }
  return 0;
}
