#include "warehouse/loader.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "common/logging.h"

namespace arxivflow::warehouse {

namespace {

constexpr int kDefaultJobs = 3;
constexpr int kDefaultJobsBesideIndex = 2;

std::vector<std::string> AllTables() {
  std::vector<std::string> names;
  for (const auto& t : schema::StarSchema()) names.push_back(t.name);
  return names;
}

uint64_t AreaBytes(const AreaTable& table) {
  uint64_t bytes = 0;
  for (auto b : table.file_bytes) bytes += b;
  return bytes;
}

// One callback for several threads.
ProgressCallback Serialised(const ProgressCallback& callback, std::mutex* mu) {
  if (!callback) return nullptr;
  return [callback, mu](const LoadProgress& p) {
    std::lock_guard<std::mutex> lock(*mu);
    callback(p);
  };
}

Result<TableLoadReport> StageOne(Warehouse& warehouse, const ParquetArea& area, const std::string& name,
                                 const LoadIdentity& load, const std::string& area_id,
                                 const ProgressCallback& progress, size_t memory_share_bytes) {
  const schema::TableDef* def = schema::FindTable(name);
  if (!def) return Status::InvalidArgument("unknown table '" + name + "'");
  auto it = area.tables.find(name);
  if (it == area.tables.end()) return Status::Internal("area has no entry for " + name);
  const AreaTable& at = it->second;
  if (at.files.empty() && at.rows.value_or(0) > 0) {
    return Status::NotFound(area.dir + ": the manifest gives " + std::to_string(*at.rows) + " rows for " + name +
                            " but there are no Parquet files for it");
  }
  TableLoadInput input;
  input.files = at.files;
  input.file_bytes = at.file_bytes;
  input.area = area.dir;
  input.expected_rows = at.rows;
  input.load = load;
  input.area_id = area_id;
  input.progress = progress;
  input.memory_share_bytes = memory_share_bytes;
  spdlog::info("staging {} into {} ({} file(s))", name, warehouse.Describe(), at.files.size());
  const auto start = std::chrono::steady_clock::now();
  AF_ASSIGN_OR_RETURN(int64_t rows, warehouse.StageTable(*def, input));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("staged {} rows of {} in {:.2f}s", rows, name, seconds);
  return TableLoadReport{name, rows, seconds};
}

SearchIndexInput IndexInput(const ParquetArea& area, const LoadIdentity& load, const ProgressCallback& progress) {
  SearchIndexInput input;
  input.load = load;
  input.area_id = AreaId(area);
  input.title_files = area.tables.at("titles").files;
  input.abstract_files = area.tables.at("abstracts").files;
  input.expected_titles = area.tables.at("titles").rows;
  input.progress = progress;
  return input;
}

}  // namespace

Result<std::vector<std::string>> ParseTableList(const std::string& text) {
  return schema::ParseNameList(text, [](const std::string& name) {
    if (schema::FindTable(name)) return Status::OK();
    return Status::InvalidArgument("unknown table '" + name.substr(0, 64) + "' (expected one of " +
                                   schema::TableNames() + ")");
  });
}

Result<LoadReport> LoadArea(Warehouse& warehouse, const ParquetArea& area, const LoadOptions& options) {
  LoadReport report;
  report.load = options.load.load_id.empty() ? LoadIdentityForRun(options.load.run_id) : options.load;
  std::vector<std::string> names = options.tables.empty() ? AllTables() : options.tables;
  for (const auto& name : names) {
    if (!schema::FindTable(name)) return Status::InvalidArgument("unknown table '" + name + "'");
  }
  const std::string area_id = AreaId(area);
  std::mutex progress_mu;
  const ProgressCallback progress = Serialised(options.progress, &progress_mu);

  // SQLite: the search index is built in parallel with the tables when the
  // set includes titles (its documents are the titles rows) and is published
  // here; a stage-only load leaves it to `warehouse index` (or the publish).
  const bool index_beside = warehouse.kind() == TargetKind::kSqlite && !options.stage_only &&
                            std::find(names.begin(), names.end(), "titles") != names.end();
  // SQLite files stage each table in its own scratch file (only the copy in
  // takes the write lock); an in-memory database is one connection's own.
  const bool parallel = warehouse.kind() == TargetKind::kPostgres ||
                        (warehouse.kind() == TargetKind::kSqlite && warehouse.spec().sqlite_path != ":memory:");
  // Beside the search index, two SQLite tables at a time keep both cores
  // busy (the index is a third stage, and the turns at the lock a fourth).
  const int default_jobs = index_beside ? kDefaultJobsBesideIndex : kDefaultJobs;
  const int jobs = parallel ? std::max(1, std::min<int>(options.jobs > 0 ? options.jobs : default_jobs,
                                                        static_cast<int>(names.size())))
                            : 1;
  // SQLite stages sort in the process (PostgreSQL's in the server): those
  // that run at once share the process's budget.
  const int stages_at_once = jobs + (index_beside ? 1 : 0);
  const size_t memory_share = warehouse.kind() == TargetKind::kSqlite && stages_at_once > 1
                                  ? kLoadSortMemoryBytes / static_cast<size_t>(stages_at_once)
                                  : 0;

  std::thread index_thread;
  Result<bool> index_result = false;
  if (index_beside) {
    index_thread = std::thread([&] {
      auto other = Warehouse::Open(warehouse.spec());
      if (!other.ok()) {
        index_result = other.status();
        return;
      }
      SearchIndexInput input = IndexInput(area, report.load, progress);
      input.memory_share_bytes = memory_share;
      index_result = (*other)->StageSearchIndex(input);
    });
  }

  Status failure;
  if (jobs <= 1) {
    for (const auto& name : names) {
      auto r = StageOne(warehouse, area, name, report.load, area_id, progress, memory_share);
      if (!r.ok()) {
        failure = r.status();
        break;
      }
      report.tables.push_back(*r);
    }
  } else {
    // Largest first, so that the last table to finish is a small one.
    std::vector<std::string> queue = names;
    std::stable_sort(queue.begin(), queue.end(), [&](const std::string& a, const std::string& b) {
      return AreaBytes(area.tables.at(a)) > AreaBytes(area.tables.at(b));
    });
    std::mutex mu;
    size_t next = 0;
    std::atomic<bool> failed{false};
    std::vector<std::optional<Result<TableLoadReport>>> results(queue.size());  // empty: not started
    std::vector<std::thread> workers;
    for (int w = 0; w < jobs; ++w) {
      workers.emplace_back([&] {
        std::unique_ptr<Warehouse> own;
        while (!failed) {
          size_t i;
          {
            std::lock_guard<std::mutex> lock(mu);
            if (next >= queue.size()) return;
            i = next++;
          }
          if (!own) {
            auto opened = Warehouse::Open(warehouse.spec());
            if (!opened.ok()) {
              results[i] = opened.status();
              failed = true;
              return;
            }
            own = std::move(opened).value();
          }
          results[i] = StageOne(*own, area, queue[i], report.load, area_id, progress, memory_share);
          if (!results[i]->ok()) failed = true;
        }
      });
    }
    for (auto& w : workers) w.join();
    for (const auto& name : names) {
      const size_t i = static_cast<size_t>(std::find(queue.begin(), queue.end(), name) - queue.begin());
      if (!results[i]) continue;  // not started after another table failed
      if (!results[i]->ok()) {
        if (failure.ok()) failure = results[i]->status();
        continue;
      }
      report.tables.push_back(**results[i]);
    }
  }
  if (index_thread.joinable()) index_thread.join();
  if (!failure.ok()) return failure;
  if (!index_result.ok()) return index_result.status().WithContext("staging the search index");
  report.search_index = *index_result;
  if (options.stage_only) return report;
  PublishRequest request;
  request.load = report.load;
  request.tables = names;
  request.progress = progress;
  AF_RETURN_IF_ERROR(warehouse.Publish(request).status());
  report.published = true;
  return report;
}

Result<bool> StageAreaSearchIndex(Warehouse& warehouse, const ParquetArea& area, const LoadIdentity& load,
                                  const ProgressCallback& progress) {
  if (warehouse.kind() != TargetKind::kSqlite) return false;
  return warehouse.StageSearchIndex(IndexInput(area, load, progress));
}

Result<PublishResult> PublishLoad(Warehouse& warehouse, const LoadIdentity& load,
                                  const std::vector<std::string>& tables, const ProgressCallback& progress) {
  PublishRequest request;
  request.load = load;
  request.tables = tables.empty() ? AllTables() : tables;
  request.progress = progress;
  return warehouse.Publish(request);
}

}  // namespace arxivflow::warehouse
