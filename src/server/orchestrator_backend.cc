#include "server/orchestrator_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "common/json_limits.h"
#include "common/logging.h"
#include "orchestrator/actions.h"
#include "orchestrator/connection.h"
#include "orchestrator/dag_bag.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/time_util.h"
#include "schema/star_schema.h"
#include "warehouse/reader.h"

namespace arxivflow::server {

namespace orch = arxivflow::orchestrator;
using nlohmann::json;

namespace {

// A pool of metadata store connections: one MetadataStore per thread at a
// time, reused across requests.
class StorePool {
 public:
  explicit StorePool(orch::HomePaths home) : home_(std::move(home)) {}

  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<orch::MetadataStore> store) : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (store_) pool_->Release(std::move(store_));
    }
    orch::MetadataStore* operator->() { return store_.get(); }
    orch::MetadataStore& operator*() { return *store_; }

   private:
    StorePool* pool_;
    std::unique_ptr<orch::MetadataStore> store_;
  };

  Result<Lease> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        auto s = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(s));
      }
    }
    AF_ASSIGN_OR_RETURN(auto store, orch::MetadataStore::Open(home_, false));
    return Lease(this, std::move(store));
  }

  const orch::HomePaths& home() const { return home_; }

 private:
  void Release(std::unique_ptr<orch::MetadataStore> store) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < 64) idle_.push_back(std::move(store));
  }

  orch::HomePaths home_;
  std::mutex mu_;
  std::vector<std::unique_ptr<orch::MetadataStore>> idle_;
};

std::string Opt(const std::optional<std::string>& s) { return s ? *s : std::string(); }

std::string NormalizeRole(const std::string& role) {
  std::string lower = role;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "admin" ? "admin" : "viewer";
}

DagRunInfo ToRunInfo(const orch::DagRun& r) {
  DagRunInfo out;
  out.dag_id = r.dag_id;
  out.run_id = r.run_id;
  out.state = r.state;
  out.run_type = r.run_type;
  out.logical_date = r.logical_date;
  out.queued_at = r.queued_at;
  out.start_date = Opt(r.start_date);
  out.end_date = Opt(r.end_date);
  out.external_trigger = r.run_type == "manual";
  auto conf = ParseJsonBounded(r.conf, "conf");
  out.conf = conf.ok() && conf->is_object() ? std::move(*conf) : json::object();
  return out;
}

const char* kRunSelect =
    "SELECT dag_id, run_id, state, run_type, logical_date, queued_at, start_date, end_date, conf FROM dag_runs ";

DagRunInfo ReadRunRow(const orch::Statement& s) {
  orch::DagRun r;
  r.dag_id = s.Text(0);
  r.run_id = s.Text(1);
  r.state = s.Text(2);
  r.run_type = s.Text(3);
  r.logical_date = s.Text(4);
  r.queued_at = s.Text(5);
  r.start_date = s.OptText(6);
  r.end_date = s.OptText(7);
  r.conf = s.Text(8);
  return ToRunInfo(r);
}

const char* kTiSelect =
    "SELECT dag_id, run_id, task_id, COALESCE(state, ''), try_number, max_tries, operator, start_date, end_date, "
    "duration, pid, hostname, result FROM task_instances ";
// The grid shows states and durations only: the same columns but `result`,
// which it would otherwise read and parse for every cell.
const char* kTiGridSelect =
    "SELECT dag_id, run_id, task_id, COALESCE(state, ''), try_number, max_tries, operator, start_date, end_date, "
    "duration, pid, hostname FROM task_instances ";

// Reads a row of kTiSelect (or of kTiGridSelect: then `result` stays null).
TaskInstanceInfo ReadTiRow(const orch::Statement& s, double now, bool with_result = true) {
  TaskInstanceInfo ti;
  ti.dag_id = s.Text(0);
  ti.run_id = s.Text(1);
  ti.task_id = s.Text(2);
  ti.state = s.Text(3);
  if (ti.state == "none") ti.state.clear();
  ti.try_number = static_cast<int>(s.Int(4));
  ti.max_tries = static_cast<int>(s.Int(5));
  ti.operator_name = s.Text(6);
  ti.start_date = s.IsNull(7) ? "" : s.Text(7);
  ti.end_date = s.IsNull(8) ? "" : s.Text(8);
  if (!s.IsNull(9)) {
    ti.duration = s.Real(9);
  } else if (ti.state == "running" && !ti.start_date.empty()) {
    if (auto start = orch::ParseIso(ti.start_date)) ti.duration = std::max(0.0, now - *start);
  }
  if (!s.IsNull(10) && s.Int(10) > 0) ti.pid = s.Int(10);
  ti.hostname = s.Text(11);
  if (with_result && !s.IsNull(12)) {
    json r = json::parse(s.Text(12), nullptr, false);
    ti.result = r.is_discarded() ? json(s.Text(12)) : r;
  }
  return ti;
}

// Cuts `text` before a trailing incomplete UTF-8 sequence.
size_t Utf8SafeLength(const std::string& text) {
  size_t n = text.size();
  size_t i = n;
  int back = 0;
  while (i > 0 && back < 4) {
    unsigned char c = static_cast<unsigned char>(text[i - 1]);
    if ((c & 0xC0) != 0x80) {  // a lead byte (or ASCII)
      size_t need = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
      return (n - (i - 1) >= need) ? n : i - 1;
    }
    --i;
    ++back;
  }
  return n;
}

bool SafeIdForPath(const std::string& id) {
  return !id.empty() && id != "." && id != ".." && id.find('/') == std::string::npos &&
         id.find('\0') == std::string::npos;
}

class OrchestratorBackend : public Backend {
 public:
  OrchestratorBackend(orch::HomePaths home, OrchestratorBackendOptions options)
      : pool_(home), home_(std::move(home)), options_(std::move(options)), bag_(home_.dags()) {}

  Status Init() {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    RefreshDags(*store, true);
    return Status::OK();
  }

  // SQLite in WAL mode: every commit grows or rewrites the -wal file, and a
  // checkpoint rewrites the main file; their sizes and mtimes name a version.
  std::string ChangeToken() override {
    struct stat db, wal;
    if (stat(home_.db().c_str(), &db) != 0) return "";
    std::string token = std::to_string(db.st_size) + ":" + std::to_string(db.st_mtim.tv_sec) + "." +
                        std::to_string(db.st_mtim.tv_nsec);
    if (stat((home_.db() + "-wal").c_str(), &wal) == 0) {
      token += "/" + std::to_string(wal.st_size) + ":" + std::to_string(wal.st_mtim.tv_sec) + "." +
               std::to_string(wal.st_mtim.tv_nsec) + ":" + std::to_string(wal.st_ino);
    }
    return token;
  }

  HealthInfo Health() override {
    HealthInfo h;
    auto store = pool_.Acquire();
    if (store.ok()) {
      auto st = (*store)->db().Prepare("SELECT 1");
      h.metadatabase_ok = st.ok() && st->Step().ok();
    }
    // The scheduler writes its pid into the lock file it holds.
    int fd = open(home_.scheduler_lock().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      h.scheduler_status = "unhealthy";
      return h;
    }
    char buf[32] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    struct stat sb;
    bool have_stat = fstat(fd, &sb) == 0;
    close(fd);
    long pid = n > 0 ? std::strtol(buf, nullptr, 10) : 0;
    bool alive = pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
    h.scheduler_status = alive ? "healthy" : "unhealthy";
    if (alive) {
      h.latest_scheduler_heartbeat = orch::FormatIso(orch::NowEpoch());
    } else if (have_stat) {
      h.latest_scheduler_heartbeat = orch::FormatIso(static_cast<double>(sb.st_mtime));
    }
    return h;
  }

  // ------------------------------------------------------------ DAGs

  Result<std::vector<DagInfo>> ListDags() override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    RefreshDags(*store, false);
    AF_ASSIGN_OR_RETURN(auto rows, store->ListDags(true));
    std::vector<DagInfo> out;
    std::lock_guard<std::mutex> lock(bag_mu_);
    for (const auto& r : rows) out.push_back(ToDagInfo(r));
    return out;
  }

  Result<DagInfo> GetDag(const std::string& dag_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    RefreshDags(*store, false);
    AF_ASSIGN_OR_RETURN(auto row, store->GetDag(dag_id));
    if (!row) return Status::NotFound("DAG '" + dag_id + "' not found");
    std::lock_guard<std::mutex> lock(bag_mu_);
    return ToDagInfo(*row);
  }

  Status SetPaused(const std::string& dag_id, bool paused) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->SetPaused(dag_id, paused);
  }

  Result<std::vector<DagRunInfo>> RecentRuns(const std::string& dag_id, int limit) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return QueryRuns(*store, dag_id, "", limit, 0);
  }

  // ------------------------------------------------------------ runs

  Result<DagRunInfo> TriggerDag(const std::string& dag_id, const std::string& run_id, const json& conf,
                                const std::string& logical_date) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    RefreshDags(*store, false);
    AF_ASSIGN_OR_RETURN(auto row, store->GetDag(dag_id));
    if (!row) return Status::NotFound("DAG '" + dag_id + "' not found");
    orch::TriggerRequest req;
    req.dag_id = dag_id;
    req.run_id = run_id;
    req.conf_json = conf.dump();
    req.logical_date = logical_date;
    Result<orch::DagRun> run = Status::Internal("not triggered");
    std::optional<orch::DagSpec> spec;
    {
      std::lock_guard<std::mutex> lock(bag_mu_);
      run = orch::TriggerDagRun(*store, bag_, req);
      if (const orch::DagSpec* s = bag_.Find(dag_id)) spec = *s;
    }
    if (!run.ok()) {
      // The DAG is in the DB but its file no longer parses: a client error.
      if (run.status().code() == Status::Code::kNotFound) return Status::InvalidArgument(run.status().message());
      return run.status();
    }
    if (spec) {
      // Task instances right away, so the grid shows the new run's tasks.
      Status st = store->CreateTaskInstances(*spec, run->run_id);
      if (!st.ok()) spdlog::warn("creating task instances of {}/{}: {}", dag_id, run->run_id, st.ToString());
    }
    return ToRunInfo(*run);
  }

  Result<Page<DagRunInfo>> ListDagRuns(const std::string& dag_id, const ListRunsQuery& q) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_RETURN_IF_ERROR(RequireDag(*store, dag_id));
    Page<DagRunInfo> page;
    AF_ASSIGN_OR_RETURN(page.items, QueryRuns(*store, dag_id, q.state, q.limit, q.offset));
    std::string sql = "SELECT COUNT(*) FROM dag_runs WHERE dag_id = ?";
    if (!q.state.empty()) sql += " AND state = ?";
    AF_ASSIGN_OR_RETURN(auto st, store->db().Prepare(sql));
    st.Bind(1, dag_id);
    if (!q.state.empty()) st.Bind(2, q.state);
    AF_ASSIGN_OR_RETURN(bool has, st.Step());
    page.total = has ? st.Int(0) : 0;
    return page;
  }

  Result<DagRunInfo> GetDagRun(const std::string& dag_id, const std::string& run_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto run, store->GetDagRun(dag_id, run_id));
    if (!run) return Status::NotFound("DAG run '" + run_id + "' of DAG '" + dag_id + "' not found");
    return ToRunInfo(*run);
  }

  Status SetDagRunState(const std::string& dag_id, const std::string& run_id, const std::string& state) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto run, store->GetDagRun(dag_id, run_id));
    if (!run) return Status::NotFound("DAG run '" + run_id + "' of DAG '" + dag_id + "' not found");
    double now = orch::NowEpoch();
    if (state == "queued") {
      auto spec = FindSpec(dag_id);
      if (!spec) return Status::InvalidArgument("DAG '" + dag_id + "' has no loaded file; cannot rerun");
      AF_ASSIGN_OR_RETURN(auto tis, store->ListTaskInstances(dag_id, run_id));
      std::vector<std::string> ids;
      for (const auto& ti : tis) ids.push_back(ti.key.task_id);
      AF_RETURN_IF_ERROR(store->ClearTaskInstances(*spec, run_id, ids));
      return store->SetDagRunState(dag_id, run_id, "queued", now);
    }
    // Marking a run done also settles its unfinished task instances (a
    // running process notices and stops), as Airflow does.
    AF_ASSIGN_OR_RETURN(auto tis, store->ListTaskInstances(dag_id, run_id));
    for (const auto& ti : tis) {
      bool unfinished = !orch::IsTerminalTiState(ti.state);
      if (state == "success" && ti.state != "success" && ti.state != "skipped") {
        AF_RETURN_IF_ERROR(store->SetTaskInstanceState(ti.key, "success", now));
      } else if (state == "failed" && unfinished && ti.state != "none") {
        AF_RETURN_IF_ERROR(store->SetTaskInstanceState(ti.key, "failed", now));
      }
    }
    return store->SetDagRunState(dag_id, run_id, state, now);
  }

  Result<GridData> Grid(const std::string& dag_id, int runs) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    GridData grid;
    AF_ASSIGN_OR_RETURN(grid.runs, QueryRuns(*store, dag_id, "", runs, 0));
    if (grid.runs.empty()) return grid;
    std::string sql = std::string(kTiGridSelect) + "WHERE dag_id = ? AND run_id IN (";
    for (size_t i = 0; i < grid.runs.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
    AF_ASSIGN_OR_RETURN(auto st, store->db().Prepare(sql));
    st.Bind(1, dag_id);
    for (size_t i = 0; i < grid.runs.size(); ++i) st.Bind(static_cast<int>(i + 2), grid.runs[i].run_id);
    double now = orch::NowEpoch();
    while (true) {
      AF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      grid.task_instances.push_back(ReadTiRow(st, now, false));
    }
    return grid;
  }

  // ------------------------------------------------------------ task instances

  Result<std::vector<TaskInstanceInfo>> ListTaskInstances(const std::string& dag_id,
                                                          const std::string& run_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto st, store->db().Prepare(std::string(kTiSelect) + "WHERE dag_id = ? AND run_id = ?"));
    st.Bind(1, dag_id).Bind(2, run_id);
    std::vector<TaskInstanceInfo> out;
    double now = orch::NowEpoch();
    while (true) {
      AF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadTiRow(st, now));
    }
    // Topological order when the DAG file is loaded, else by task id.
    std::map<std::string, size_t> order;
    if (auto spec = FindSpec(dag_id)) {
      for (size_t i = 0; i < spec->tasks.size(); ++i) order[spec->tasks[i].task_id] = i;
    }
    std::stable_sort(out.begin(), out.end(), [&](const TaskInstanceInfo& a, const TaskInstanceInfo& b) {
      size_t oa = order.count(a.task_id) ? order[a.task_id] : SIZE_MAX;
      size_t ob = order.count(b.task_id) ? order[b.task_id] : SIZE_MAX;
      return oa != ob ? oa < ob : a.task_id < b.task_id;
    });
    return out;
  }

  Result<TaskInstanceInfo> GetTaskInstance(const std::string& dag_id, const std::string& run_id,
                                           const std::string& task_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto st,
                        store->db().Prepare(std::string(kTiSelect) + "WHERE dag_id = ? AND run_id = ? AND task_id = ?"));
    st.Bind(1, dag_id).Bind(2, run_id).Bind(3, task_id);
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      return Status::NotFound("task instance '" + task_id + "' of run '" + run_id + "' of DAG '" + dag_id +
                              "' not found");
    }
    return ReadTiRow(st, orch::NowEpoch());
  }

  Status SetTaskInstanceState(const std::string& dag_id, const std::string& run_id, const std::string& task_id,
                              const std::string& new_state) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_RETURN_IF_ERROR(store->SetTaskInstanceState({dag_id, run_id, task_id}, new_state, orch::NowEpoch()));
    // Wake the run so the scheduler re-evaluates its downstream tasks.
    AF_ASSIGN_OR_RETURN(auto run, store->GetDagRun(dag_id, run_id));
    if (run && (run->state == "success" || run->state == "failed")) {
      auto spec = FindSpec(dag_id);
      if (spec) AF_RETURN_IF_ERROR(store->SetDagRunState(dag_id, run_id, "queued", orch::NowEpoch()));
    }
    return Status::OK();
  }

  Result<std::vector<TaskInstanceInfo>> ClearTaskInstances(const std::string& dag_id,
                                                           const ClearRequest& req) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_RETURN_IF_ERROR(RequireDag(*store, dag_id));
    auto spec = FindSpec(dag_id);
    if (!spec) return Status::InvalidArgument("DAG '" + dag_id + "' has no loaded file; cannot clear");
    for (const auto& t : req.task_ids) {
      if (!spec->FindTask(t)) return Status::NotFound("task '" + t + "' not found in DAG '" + dag_id + "'");
    }
    std::vector<std::string> run_ids = req.run_ids;
    if (run_ids.empty()) {
      AF_ASSIGN_OR_RETURN(auto runs, store->ListDagRuns(dag_id, {}));
      for (const auto& r : runs) run_ids.push_back(r.run_id);
    }
    // The selected tasks, plus everything downstream of them when asked.
    std::set<std::string> wanted(req.task_ids.begin(), req.task_ids.end());
    if (req.include_downstream && !wanted.empty()) {
      std::vector<std::string> stack(wanted.begin(), wanted.end());
      while (!stack.empty()) {
        const orch::TaskSpec* t = spec->FindTask(stack.back());
        stack.pop_back();
        if (!t) continue;
        for (const auto& d : t->downstream) {
          if (wanted.insert(d).second) stack.push_back(d);
        }
      }
    }
    std::vector<TaskInstanceInfo> cleared;
    for (const auto& run_id : run_ids) {
      AF_ASSIGN_OR_RETURN(auto run, store->GetDagRun(dag_id, run_id));
      if (!run) return Status::NotFound("DAG run '" + run_id + "' of DAG '" + dag_id + "' not found");
      AF_ASSIGN_OR_RETURN(auto tis, ListTaskInstancesLocked(*store, dag_id, run_id));
      std::vector<std::string> ids;
      for (const auto& ti : tis) {
        if (!wanted.empty() && !wanted.count(ti.task_id)) continue;
        if (req.only_failed && ti.state != "failed" && ti.state != "upstream_failed") continue;
        ids.push_back(ti.task_id);
        cleared.push_back(ti);
      }
      if (!req.dry_run && !ids.empty()) AF_RETURN_IF_ERROR(store->ClearTaskInstances(*spec, run_id, ids));
    }
    return cleared;
  }

  Result<LogChunk> ReadLog(const std::string& dag_id, const std::string& run_id, const std::string& task_id,
                           int try_number, int64_t offset, int64_t max_bytes) override {
    LogChunk chunk;
    chunk.offset = offset;
    chunk.next_offset = offset;
    if (!SafeIdForPath(dag_id) || !SafeIdForPath(task_id) || run_id.empty() || run_id == "." || run_id == "..") {
      return Status::InvalidArgument("invalid id in log path");
    }
    std::string path = home_.TaskLog(dag_id, run_id, task_id, try_number);
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return chunk;
      return Status::IOError(path + ": " + std::strerror(errno));
    }
    chunk.exists = true;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
      close(fd);
      return Status::IOError(path + ": " + std::strerror(errno));
    }
    int64_t size = sb.st_size;
    if (offset >= size) {
      close(fd);
      return chunk;
    }
    int64_t want = std::min<int64_t>(max_bytes, size - offset);
    std::string buf(static_cast<size_t>(want), '\0');
    ssize_t n = pread(fd, buf.data(), buf.size(), offset);
    close(fd);
    if (n < 0) return Status::IOError(path + ": " + std::strerror(errno));
    buf.resize(static_cast<size_t>(n));
    if (offset + n < size || n == max_bytes) buf.resize(Utf8SafeLength(buf));
    chunk.content = std::move(buf);
    chunk.next_offset = offset + static_cast<int64_t>(chunk.content.size());
    return chunk;
  }

  // ------------------------------------------------------------ connections

  Result<std::vector<ConnectionInfo>> ListConnections() override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto conns, store->ListConnections());
    std::vector<ConnectionInfo> out;
    for (const auto& c : conns) out.push_back(ToInfo(c));
    return out;
  }

  Result<ConnectionInfo> GetConnection(const std::string& conn_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    auto c = store->GetConnection(conn_id);
    if (!c.ok()) {
      if (c.status().code() == Status::Code::kNotFound) return Status::NotFound("connection '" + conn_id + "' not found");
      return c.status();
    }
    return ToInfo(*c);
  }

  Status CreateConnection(const ConnectionInput& in) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    auto existing = store->GetConnection(in.conn_id);
    if (existing.ok()) return Status::AlreadyExists("connection '" + in.conn_id + "' already exists");
    if (existing.status().code() != Status::Code::kNotFound) return existing.status();
    orch::Connection c;
    c.conn_id = in.conn_id;
    AF_RETURN_IF_ERROR(Apply(in, c));
    return store->UpsertConnection(c);
  }

  Status UpdateConnection(const ConnectionInput& in) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    auto existing = store->GetConnection(in.conn_id);
    if (!existing.ok()) {
      if (existing.status().code() == Status::Code::kNotFound) {
        return Status::NotFound("connection '" + in.conn_id + "' not found");
      }
      return existing.status();
    }
    orch::Connection c = *existing;
    AF_RETURN_IF_ERROR(Apply(in, c));
    return store->UpsertConnection(c);
  }

  Status DeleteConnection(const std::string& conn_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->DeleteConnection(conn_id);
  }

  // ------------------------------------------------------------ variables

  Result<std::vector<VariableInfo>> ListVariables() override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto vars, store->ListVariables());
    AF_ASSIGN_OR_RETURN(auto descriptions, Descriptions(*store));
    std::vector<VariableInfo> out;
    for (auto& [k, v] : vars) out.push_back({k, v, descriptions[k]});
    return out;
  }

  Result<VariableInfo> GetVariable(const std::string& key) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto value, store->GetVariable(key));
    if (!value) return Status::NotFound("variable '" + key + "' not found");
    AF_ASSIGN_OR_RETURN(auto descriptions, Descriptions(*store));
    return VariableInfo{key, *value, descriptions[key]};
  }

  Status SetVariable(const VariableInfo& v) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->SetVariable(v.key, v.value, v.description);
  }

  Status DeleteVariable(const std::string& key) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->DeleteVariable(key);
  }

  // ------------------------------------------------------------ import errors, users

  Result<std::vector<ImportErrorInfo>> ListImportErrors() override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    RefreshDags(*store, false);
    AF_ASSIGN_OR_RETURN(auto st, store->db().Prepare(
        "SELECT rowid, filename, timestamp, message FROM import_errors ORDER BY filename"));
    std::vector<ImportErrorInfo> out;
    while (true) {
      AF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back({st.Int(0), st.Text(1), st.Text(3), st.Text(2)});
    }
    return out;
  }

  Result<UserRecord> FindUser(const std::string& username) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto row, store->GetUser(username));
    if (!row) return Status::NotFound("user '" + username + "' not found");
    return UserRecord{row->username, NormalizeRole(row->role), row->password_hash, ""};
  }

  Result<std::vector<UserRecord>> ListUsers() override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto st, store->db().Prepare("SELECT username, role, created FROM users ORDER BY username"));
    std::vector<UserRecord> out;
    while (true) {
      AF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back({st.Text(0), NormalizeRole(st.Text(1)), "", st.Text(2)});
    }
    return out;
  }

  Status CreateUser(const std::string& username, const std::string& password_hash, const std::string& role) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto existing, store->GetUser(username));
    if (existing) return Status::AlreadyExists("user '" + username + "' already exists");
    return store->UpsertUser({username, password_hash, role});
  }

  Status DeleteUser(const std::string& username) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->DeleteUser(username);
  }

  Status UpdateUser(const std::string& username, const std::optional<std::string>& password_hash,
                    const std::optional<std::string>& role) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->UpdateUser(username, password_hash, role);
  }

  // Read again only when the metadata DB changed (ChangeToken), so the check
  // every authenticated request makes costs two stat() calls.
  Result<int64_t> AuthGeneration() override {
    std::string token = ChangeToken();
    {
      std::lock_guard<std::mutex> lock(auth_mu_);
      if (!token.empty() && token == auth_token_) return auth_generation_;
    }
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(int64_t generation, store->AuthGeneration());
    std::lock_guard<std::mutex> lock(auth_mu_);
    auth_token_ = token;
    auth_generation_ = generation;
    return generation;
  }

  Result<std::optional<LoginFailureRecord>> GetLoginFailures(const std::string& scope,
                                                             const std::string& subject) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto row, store->GetLoginFailures(scope, subject));
    if (!row) return std::optional<LoginFailureRecord>();
    return std::optional<LoginFailureRecord>(LoginFailureRecord{row->failures, row->last_failure, row->blocked_until});
  }

  Status PutLoginFailures(const std::string& scope, const std::string& subject,
                          const LoginFailureRecord& f) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->PutLoginFailures(scope, subject, orch::LoginFailures{f.failures, f.last_failure, f.blocked_until});
  }

  Status ClearLoginFailures(const std::string& scope, const std::string& subject) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->ClearLoginFailures(scope, subject);
  }

  // ------------------------------------------------------------ web sessions

  Status PutSession(const SessionRecord& r) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto st, store->db().Prepare(
        "INSERT OR REPLACE INTO sessions (token_hash, username, role, csrf_token, created, expires, last_seen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    return st.Bind(1, r.token_hash)
        .Bind(2, r.username)
        .Bind(3, r.role)
        .Bind(4, r.csrf_token)
        .Bind(5, r.created)
        .Bind(6, r.expires)
        .Bind(7, r.last_seen)
        .Run();
  }

  Result<std::optional<SessionRecord>> GetSession(const std::string& token_hash) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto st, store->db().Prepare(
        "SELECT token_hash, username, role, csrf_token, created, expires, last_seen FROM sessions "
        "WHERE token_hash = ?"));
    st.Bind(1, token_hash);
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(SessionRecord{st.Text(0), st.Text(1), NormalizeRole(st.Text(2)), st.Text(3),
                                                      st.Text(4), st.Text(5), st.Text(6)});
  }

  Status TouchSession(const std::string& token_hash, const std::string& last_seen,
                      const std::string& expires) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto st,
                        store->db().Prepare("UPDATE sessions SET last_seen = ?, expires = ? WHERE token_hash = ?"));
    return st.Bind(1, last_seen).Bind(2, expires).Bind(3, token_hash).Run();
  }

  Status DeleteSession(const std::string& token_hash) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto st, store->db().Prepare("DELETE FROM sessions WHERE token_hash = ?"));
    return st.Bind(1, token_hash).Run();
  }

  Status PruneSessions(const std::string& now, int64_t max_live) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto expired, store->db().Prepare("DELETE FROM sessions WHERE expires <= ?"));
    AF_RETURN_IF_ERROR(expired.Bind(1, now).Run());
    AF_ASSIGN_OR_RETURN(auto excess, store->db().Prepare(
        "DELETE FROM sessions WHERE token_hash IN "
        "(SELECT token_hash FROM sessions ORDER BY last_seen DESC LIMIT -1 OFFSET ?)"));
    return excess.Bind(1, std::max<int64_t>(0, max_live)).Run();
  }

  // ------------------------------------------------------------ warehouse

  // The SQLite warehouse: --warehouse-db, else the connection `warehouse`
  // when it is a SQLite one (as the shipped DAGs use), else <home>/warehouse.db.
  std::string WarehousePath() {
    if (!options_.warehouse_db.empty()) return options_.warehouse_db;
    auto store = pool_.Acquire();
    if (store.ok()) {
      auto conn = (*store)->GetConnection("warehouse");
      if (conn.ok() && conn->conn_type == "sqlite" && !conn->host.empty()) return conn->host;
    }
    return home_.root + "/warehouse.db";
  }

  // The last transform output: --parquet-dir, else the variable LAKE_URI when
  // it is a local folder, else <home>/parquet.
  std::string LakePath() {
    if (!options_.parquet_dir.empty()) return options_.parquet_dir;
    auto store = pool_.Acquire();
    if (store.ok()) {
      auto var = (*store)->GetVariable("LAKE_URI");
      if (var.ok() && *var && !(*var)->empty()) {
        std::string v = **var;
        if (v.rfind("file://", 0) == 0) v = v.substr(7);
        if (v.find("://") == std::string::npos) return v;
      }
    }
    return home_.root + "/parquet";
  }

  Result<WarehouseInfo> WarehouseTables() override {
    WarehouseInfo info;
    std::string db_path = WarehousePath();
    info.target = "sqlite:" + db_path;
    struct stat sb;
    if (stat(db_path.c_str(), &sb) != 0) {
      for (const auto& t : schema::StarSchema()) info.tables.push_back({t.name, false, 0});
      return info;
    }
    // The counts recorded when the tables were published: no count(*).
    AF_ASSIGN_OR_RETURN(auto reader, warehouse::WarehouseReader::Open(db_path));
    AF_ASSIGN_OR_RETURN(auto tables, reader->Tables());
    for (const auto& t : tables) info.tables.push_back({t.table, t.exists, t.rows.value_or(0)});
    return info;
  }

  Result<json> LastManifest() override {
    std::string lake = LakePath();
    std::string path = lake + "/_manifest.json";
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound("no transform output yet (" + path + " does not exist)");
    std::string text;
    char buf[65536];
    while (in && text.size() < (16u << 20)) {
      in.read(buf, sizeof buf);
      text.append(buf, static_cast<size_t>(in.gcount()));
    }
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return Status::Corruption(path + ": not a JSON object");
    json sample = json::array();
    std::ifstream rejects(lake + "/_rejects.jsonl", std::ios::binary);
    std::string line;
    while (rejects && sample.size() < 20 && std::getline(rejects, line)) {
      if (line.size() > 4000) line.resize(Utf8SafeLength(line.substr(0, 4000)));
      json r = json::parse(line, nullptr, false);
      sample.push_back(r.is_discarded() ? json{{"raw", line}} : r);
    }
    doc["rejects_sample"] = sample;
    doc["output"] = lake;
    return doc;
  }

  Result<Page<PaperHit>> SearchPapers(const std::string& text, int64_t limit, int64_t offset) override {
    AF_ASSIGN_OR_RETURN(auto reader, warehouse::WarehouseReader::Open(WarehousePath()));
    AF_ASSIGN_OR_RETURN(auto found, reader->Search(text, limit, offset));
    Page<PaperHit> page;
    page.total = found.total;
    page.total_exact = found.total_exact;
    for (auto& h : found.hits) {
      page.items.push_back({std::move(h.id), std::move(h.title), std::move(h.authors), std::move(h.categories),
                            std::move(h.abstract), std::move(h.updatedate)});
    }
    return page;
  }

 private:
  Result<std::map<std::string, std::string>> Descriptions(orch::MetadataStore& store) {
    AF_ASSIGN_OR_RETURN(auto st, store.db().Prepare("SELECT key, description FROM variables"));
    std::map<std::string, std::string> out;
    while (true) {
      AF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out[st.Text(0)] = st.Text(1);
    }
    return out;
  }

  static ConnectionInfo ToInfo(const orch::Connection& c) {
    ConnectionInfo i;
    i.conn_id = c.conn_id;
    i.conn_type = c.conn_type;
    i.description = c.description;
    i.host = c.host;
    i.schema = c.schema;
    i.login = c.login;
    if (c.port != 0) i.port = c.port;
    if (c.extra.is_object() && !c.extra.empty()) i.extra = c.extra.dump();
    i.has_password = !c.password.empty();
    return i;
  }

  static Status Apply(const ConnectionInput& in, orch::Connection& c) {
    if (in.conn_type) c.conn_type = *in.conn_type;
    if (in.description) c.description = *in.description;
    if (in.host) c.host = *in.host;
    if (in.schema) c.schema = *in.schema;
    if (in.login) c.login = *in.login;
    if (in.port) c.port = *in.port;
    if (in.clear_port) c.port = 0;
    if (in.password) c.password = *in.password;
    if (in.extra) {
      if (in.extra->empty()) {
        c.extra = json::object();
      } else {
        auto parsed = ParseJsonBounded(*in.extra, "connection extra");
        if (!parsed.ok()) return parsed.status();
        json e = std::move(*parsed);
        if (!e.is_object()) return Status::InvalidArgument("connection extra must be a JSON object");
        // Masked values sent back unchanged keep their stored secret.
        for (auto it = e.begin(); it != e.end(); ++it) {
          if (it.value() == "***" && c.extra.contains(it.key())) it.value() = c.extra[it.key()];
        }
        c.extra = e;
      }
    }
    if (c.conn_type.empty()) return Status::InvalidArgument("connection type must not be empty");
    return Status::OK();
  }

  Status RequireDag(orch::MetadataStore& store, const std::string& dag_id) {
    AF_ASSIGN_OR_RETURN(auto row, store.GetDag(dag_id));
    if (!row) return Status::NotFound("DAG '" + dag_id + "' not found");
    return Status::OK();
  }

  Result<std::vector<DagRunInfo>> QueryRuns(orch::MetadataStore& store, const std::string& dag_id,
                                            const std::string& state, int64_t limit, int64_t offset) {
    std::string sql = std::string(kRunSelect) + "WHERE dag_id = ?";
    if (!state.empty()) sql += " AND state = ?";
    sql += " ORDER BY logical_date DESC, id DESC LIMIT ? OFFSET ?";
    AF_ASSIGN_OR_RETURN(auto st, store.db().Prepare(sql));
    int i = 1;
    st.Bind(i++, dag_id);
    if (!state.empty()) st.Bind(i++, state);
    st.Bind(i, limit);
    st.Bind(i + 1, offset);
    std::vector<DagRunInfo> out;
    while (true) {
      AF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadRunRow(st));
    }
    return out;
  }

  Result<std::vector<TaskInstanceInfo>> ListTaskInstancesLocked(orch::MetadataStore& store, const std::string& dag_id,
                                                                const std::string& run_id) {
    AF_ASSIGN_OR_RETURN(auto st, store.db().Prepare(std::string(kTiSelect) + "WHERE dag_id = ? AND run_id = ?"));
    st.Bind(1, dag_id).Bind(2, run_id);
    std::vector<TaskInstanceInfo> out;
    double now = orch::NowEpoch();
    while (true) {
      AF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadTiRow(st, now));
    }
    return out;
  }

  // Re-scans the DAG folder at most once a second; writes changes to the store.
  void RefreshDags(orch::MetadataStore& store, bool force) {
    std::lock_guard<std::mutex> lock(bag_mu_);
    double now = orch::NowEpoch();
    if (!force && now - last_refresh_ < 1.0) return;
    last_refresh_ = now;
    if (bag_.Refresh(&store) || force) {
      Status st = bag_.SyncToStore(store, now);
      if (!st.ok()) spdlog::warn("syncing the DAG folder to the metadata DB: {}", st.ToString());
    }
  }

  std::optional<orch::DagSpec> FindSpec(const std::string& dag_id) {
    std::lock_guard<std::mutex> lock(bag_mu_);
    const orch::DagSpec* spec = bag_.Find(dag_id);
    if (!spec) return std::nullopt;
    return *spec;
  }

  // Call with bag_mu_ held.
  DagInfo ToDagInfo(const orch::DagRow& r) {
    DagInfo d;
    d.dag_id = r.dag_id;
    d.description = r.description;
    d.fileloc = r.fileloc;
    d.schedule = r.schedule;
    d.is_paused = r.is_paused;
    d.is_active = r.is_active;
    d.max_active_runs = r.max_active_runs;
    if (const orch::DagSpec* spec = bag_.Find(r.dag_id)) {
      d.tags = spec->tags;
      for (const auto& t : spec->tasks) {
        TaskInfo ti;
        ti.task_id = t.task_id;
        ti.operator_name = t.operator_name;
        ti.upstream = t.upstream;
        ti.downstream = t.downstream;
        ti.trigger_rule = orch::TriggerRuleName(t.trigger_rule);
        ti.retries = t.policy.retries;
        d.tasks.push_back(std::move(ti));
      }
    }
    return d;
  }

  StorePool pool_;
  orch::HomePaths home_;
  OrchestratorBackendOptions options_;
  std::mutex bag_mu_;
  orch::DagBag bag_;
  double last_refresh_ = -1e18;
  std::mutex auth_mu_;
  std::string auth_token_;  // ChangeToken() when auth_generation_ was read
  int64_t auth_generation_ = 0;
};

}  // namespace

Result<std::unique_ptr<Backend>> OpenOrchestratorBackend(const OrchestratorBackendOptions& options) {
  orch::HomePaths home = options.home.empty() ? orch::Paths() : orch::HomePaths{options.home};
  auto backend = std::make_unique<OrchestratorBackend>(home, options);
  AF_RETURN_IF_ERROR(backend->Init());
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace arxivflow::server
