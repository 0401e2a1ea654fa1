#include "warehouse/loader.h"

#include <chrono>

#include "common/logging.h"

namespace arxivflow::warehouse {

Result<std::vector<std::string>> ParseTableList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    if (!name.empty()) {
      if (!schema::FindTable(name)) {
        std::string valid;
        for (const auto& t : schema::StarSchema()) valid += (valid.empty() ? "" : ", ") + t.name;
        return Status::InvalidArgument("unknown table '" + name.substr(0, 64) + "' (expected one of " + valid + ")");
      }
      bool seen = false;
      for (const auto& n : out) seen = seen || n == name;
      if (!seen) out.push_back(name);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<std::vector<TableLoadReport>> LoadArea(Warehouse& warehouse, const ParquetArea& area,
                                              const std::vector<std::string>& tables) {
  std::vector<std::string> names = tables;
  if (names.empty()) {
    for (const auto& t : schema::StarSchema()) names.push_back(t.name);
  }
  std::vector<TableLoadReport> reports;
  std::vector<std::string> loaded;
  Status failure;
  for (const auto& name : names) {
    const schema::TableDef* def = schema::FindTable(name);
    if (!def) return Status::InvalidArgument("unknown table '" + name + "'");
    auto it = area.tables.find(name);
    if (it == area.tables.end()) return Status::Internal("area has no entry for " + name);
    const AreaTable& at = it->second;
    if (at.files.empty() && at.rows.value_or(0) > 0) {
      failure = Status::NotFound(area.dir + ": the manifest gives " + std::to_string(*at.rows) + " rows for " +
                                 name + " but there are no Parquet files for it");
      break;
    }
    TableLoadInput input;
    input.files = at.files;
    input.file_bytes = at.file_bytes;
    input.area = area.dir;
    input.expected_rows = at.rows;
    spdlog::info("loading {} into {} ({} file(s))", name, warehouse.Describe(), at.files.size());
    const auto start = std::chrono::steady_clock::now();
    auto rows = warehouse.LoadTable(*def, input);
    if (!rows.ok()) {
      failure = rows.status();
      break;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    spdlog::info("loaded {} rows into {} in {:.2f}s", *rows, name, seconds);
    reports.push_back({name, *rows, seconds});
    loaded.push_back(name);
  }
  Status finish = warehouse.FinishLoad(loaded);
  if (!failure.ok()) return failure;
  AF_RETURN_IF_ERROR(finish);
  return reports;
}

}  // namespace arxivflow::warehouse
