#include "orchestrator/task_progress.h"

#include <cmath>
#include <cstdio>
#include <memory>

#include "common/json_limits.h"

namespace arxivflow::orchestrator {

namespace {

using json = nlohmann::json;

constexpr size_t kMaxProgressBytes = 64 << 10;

double Number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string Text(const json& j, const char* key, const char* fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

json Percent(double done, double total) {
  if (total <= 0) return nullptr;
  return std::round(std::min(100.0, 100.0 * done / total) * 10) / 10;
}

// `arxivflow transform`'s snapshot (transform/progress.h).
json SummariseTransform(const json& raw) {
  auto finished_it = raw.find("finished");
  const bool finished = finished_it != raw.end() && finished_it->is_boolean() && finished_it->get<bool>();
  const double records = Number(raw, "records_done");
  json out = {{"unit", "records"},
              {"done", static_cast<int64_t>(records)},
              {"total", finished ? json(static_cast<int64_t>(records)) : json(nullptr)},
              {"percent", finished ? json(100.0) : Percent(Number(raw, "bytes_done"), Number(raw, "bytes_total"))},
              {"rate", std::round(Number(raw, "records_per_second"))},
              {"eta_seconds", nullptr},
              {"phase", finished ? "done" : "transforming"}};
  auto eta = raw.find("eta_seconds");
  if (!finished && eta != raw.end() && eta->is_number()) out["eta_seconds"] = std::round(eta->get<double>());
  return out;
}

// `arxivflow warehouse load|index|publish`'s snapshots (warehouse/progress.h).
json SummariseLoad(const json& tables) {
  double done = 0, total = 0, rate = 0;
  bool total_known = true;
  // The task's phase: the least advanced of its tables, waiting first.
  static const char* kOrder[] = {"waiting_for_lock", "loading", "indexing", "publishing", "done"};
  size_t phase_rank = std::size(kOrder) - 1;
  json waiting = nullptr;
  json detail = json::array();
  for (const auto& [name, t] : tables.items()) {
    if (!t.is_object()) continue;
    const std::string phase = Text(t, "phase", "");
    const double rows = Number(t, "rows_done");
    auto expected = t.find("rows_expected");
    const bool has_total = expected != t.end() && expected->is_number();
    done += rows;
    if (has_total) {
      total += expected->get<double>();
    } else {
      total_known = false;
    }
    if (phase == "loading") rate += Number(t, "rows_per_second");
    for (size_t i = 0; i < std::size(kOrder); ++i) {
      if (phase == kOrder[i] && i < phase_rank) phase_rank = i;
    }
    if (phase == "waiting_for_lock" && waiting.is_null()) waiting = t;
    detail.push_back({{"table", name},
                      {"phase", phase},
                      {"done", static_cast<int64_t>(rows)},
                      {"total", has_total ? *expected : json(nullptr)}});
  }
  if (detail.empty()) return nullptr;
  json out = {{"unit", "rows"},
              {"done", static_cast<int64_t>(done)},
              {"total", total_known ? json(static_cast<int64_t>(total)) : json(nullptr)},
              {"percent", total_known ? Percent(done, total) : json(nullptr)},
              {"rate", std::round(rate)},
              {"eta_seconds", nullptr},
              {"phase", kOrder[phase_rank]},
              {"detail", detail}};
  if (total_known && rate > 0 && total > done) out["eta_seconds"] = std::round((total - done) / rate);
  if (!waiting.is_null()) {
    out["waiting_for"] = Text(waiting, "waiting_for", "the write lock");
    out["holder"] = Text(waiting, "holder", "");
  }
  return out;
}

}  // namespace

std::string TaskProgressPath(const HomePaths& home, const std::string& dag_id, const std::string& run_id,
                             const std::string& task_id, int try_number) {
  std::string path = home.TaskLog(dag_id, run_id, task_id, try_number);
  return path.substr(0, path.size() - 4) + ".progress.json";  // attempt=N.log -> attempt=N.progress.json
}

json SummariseTaskProgress(const json& raw) {
  if (!raw.is_object()) return nullptr;
  auto tables = raw.find("tables");
  if (tables != raw.end() && tables->is_object()) return SummariseLoad(*tables);
  if (raw.contains("records_done")) return SummariseTransform(raw);
  return nullptr;
}

json ReadTaskProgress(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return nullptr;
  std::string text(kMaxProgressBytes, '\0');
  size_t n = std::fread(text.data(), 1, text.size(), f.get());
  if (n == text.size()) return nullptr;  // larger than any snapshot we write
  text.resize(n);
  auto parsed = ParseJsonBounded(text, "task progress");
  return parsed.ok() ? SummariseTaskProgress(*parsed) : nullptr;
}

}  // namespace arxivflow::orchestrator
