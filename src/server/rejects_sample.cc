#include "server/rejects_sample.h"

#include <fstream>

#include "common/json_limits.h"
#include "server/task_logs.h"

namespace arxivflow::server {

using nlohmann::json;

json ReadRejectsSample(const std::string& path, size_t max_lines, size_t max_line_bytes) {
  json sample = json::array();
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (in && sample.size() < max_lines) {
    line.clear();
    bool cut = false;
    int c;
    while ((c = in.get()) != EOF && c != '\n') {
      if (line.size() < max_line_bytes) line.push_back(static_cast<char>(c));
      else cut = true;
    }
    if (c == EOF && line.empty()) break;
    if (cut) line.resize(Utf8SafeLength(line));
    auto r = cut ? Result<json>(json()) : ParseJsonBounded(line, "reject");
    sample.push_back(!r.ok() || r->is_null() ? json{{"raw", line}} : std::move(*r));
  }
  return sample;
}

std::string RejectsFileName(const schema::AreaManifest& manifest) {
  const std::string& name = manifest.rejects_file;
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    return "_rejects.jsonl";
  }
  return name;
}

}  // namespace arxivflow::server
