#include "server/orchestrator_backend.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>

#include "common/json_limits.h"
#include "common/logging.h"
#include "orchestrator/admin_changes.h"
#include "orchestrator/audit_log.h"
#include "orchestrator/dag_catalog.h"
#include "orchestrator/log_disk_usage.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/run_control.h"
#include "orchestrator/scheduler_health.h"
#include "orchestrator/store_metrics.h"
#include "metrics/registry.h"
#include "metrics/text_file.h"
#include "orchestrator/time_util.h"
#include "schema/area_manifest.h"
#include "schema/star_schema.h"
#include "server/task_progress_view.h"
#include "server/backend_records.h"
#include "server/rejects_sample.h"
#include "server/store_pool.h"
#include "server/task_logs.h"
#include "warehouse/reader.h"

namespace arxivflow::server {

namespace orch = arxivflow::orchestrator;
using nlohmann::json;

namespace {

orch::Actor ActorOf(const Caller& caller) {
  return {caller.username, caller.origin.empty() ? "api " + caller.address : caller.origin};
}

class OrchestratorBackend : public Backend {
 public:
  OrchestratorBackend(orch::HomePaths home, OrchestratorBackendOptions options)
      : pool_(home), home_(std::move(home)), options_(std::move(options)), dags_(home_.dags(), 1.0) {}

  Status Init() {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return dags_.Refresh(*store, true);
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

  // The metadata DB's gauges, then the scheduler's own metrics file.
  Result<std::string> MetricsText() override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    metrics::Registry registry("arxivflow_store_metrics_dropped_total");
    AF_RETURN_IF_ERROR(orch::CollectStoreMetrics(*store, orch::NowEpoch(), registry));
    orch::DiskUsage logs = LogDiskUsage();  // cached like /health's
    registry.SetGauge("arxivflow_log_files", "Files under the home's logs folder (task logs, progress, results).", {},
                      static_cast<double>(logs.files));
    registry.SetGauge("arxivflow_log_bytes", "Bytes under the home's logs folder.", {},
                      static_cast<double>(logs.bytes));
    std::string text = registry.Render();
    auto scheduler = metrics::ReadTextFile(home_.scheduler_metrics(), 8u << 20);
    if (scheduler.ok()) text += *scheduler;
    else if (scheduler.status().code() != Status::Code::kNotFound) spdlog::warn("{}", scheduler.status().message());
    return text;
  }

  HealthInfo Health() override {
    HealthInfo h;
    auto store = pool_.Acquire();
    if (!store.ok()) {
      h.scheduler_status = "unhealthy";
      return h;
    }
    h.metadatabase_ok = (*store)->Ping().ok();
    auto latest = (*store)->LatestSchedulerJob();
    auto health = orch::AssessScheduler(latest.ok() ? *latest : std::nullopt, orch::NowEpoch(),
                                        options_.scheduler_health_threshold);
    h.scheduler_status = health.healthy ? "healthy" : "unhealthy";
    h.latest_scheduler_heartbeat = health.latest_heartbeat;
    h.scheduler_heartbeat_age = health.heartbeat_age;
    orch::DiskUsage logs = LogDiskUsage();
    h.log_files = logs.files;
    h.log_bytes = logs.bytes;
    return h;
  }

  // ------------------------------------------------------------ DAGs

  Result<std::vector<DagInfo>> ListDags() override {
    AF_ASSIGN_OR_RETURN(auto store, Store());
    AF_ASSIGN_OR_RETURN(auto rows, store->ListDags(true));
    std::vector<DagInfo> out;
    dags_.Read([&](const orch::DagBag& bag) {
      for (const auto& r : rows) out.push_back(ToDagInfo(r, bag.Find(r.dag_id)));
    });
    return out;
  }

  Result<DagInfo> GetDag(const std::string& dag_id) override {
    AF_ASSIGN_OR_RETURN(auto store, Store());
    AF_ASSIGN_OR_RETURN(auto row, store->GetDag(dag_id));
    if (!row) return Status::NotFound("DAG '" + dag_id + "' not found");
    DagInfo out;
    dags_.Read([&](const orch::DagBag& bag) { out = ToDagInfo(*row, bag.Find(dag_id)); });
    return out;
  }

  Status SetPaused(const std::string& dag_id, bool paused, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return Control(*store).SetPaused(ActorOf(caller), dag_id, paused);
  }

  Result<std::vector<DagRunInfo>> RecentRuns(const std::string& dag_id, int limit) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return RunInfos(store->ListDagRunsPage(dag_id, std::nullopt, limit, 0));
  }

  // ------------------------------------------------------------ runs

  Result<DagRunInfo> TriggerDag(const std::string& dag_id, const std::string& run_id, const json& conf,
                                const std::string& logical_date, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, Store());
    orch::TriggerRequest req;
    req.dag_id = dag_id;
    req.run_id = run_id;
    req.conf_json = conf.dump();
    req.logical_date = logical_date;
    AF_ASSIGN_OR_RETURN(auto run, Control(*store).Trigger(ActorOf(caller), req));
    return ToDagRunInfo(run);
  }

  Result<Page<DagRunInfo>> ListDagRuns(const std::string& dag_id, const ListRunsQuery& q) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto row, store->GetDag(dag_id));
    if (!row) return Status::NotFound("DAG '" + dag_id + "' not found");
    Page<DagRunInfo> page;
    AF_ASSIGN_OR_RETURN(page.items, RunInfos(store->ListDagRunsPage(dag_id, q.state, q.limit, q.offset)));
    AF_ASSIGN_OR_RETURN(page.total, store->CountDagRuns(dag_id, q.state));
    return page;
  }

  Result<DagRunInfo> GetDagRun(const std::string& dag_id, const std::string& run_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto run, store->GetDagRun(dag_id, run_id));
    if (!run) return Status::NotFound("DAG run '" + run_id + "' of DAG '" + dag_id + "' not found");
    return ToDagRunInfo(*run);
  }

  Status SetDagRunState(const std::string& dag_id, const std::string& run_id, DagRunState state,
                        const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, Store());
    return Control(*store).MarkDagRun(ActorOf(caller), dag_id, run_id, state).status();
  }

  Status DeleteDagRun(const std::string& dag_id, const std::string& run_id, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, Store());
    return Control(*store).DeleteDagRun(ActorOf(caller), dag_id, run_id);
  }

  Result<std::vector<TaskTryInfo>> ListTries(const std::string& dag_id, const std::string& run_id,
                                             const std::string& task_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto ti, store->GetTaskInstance({dag_id, run_id, task_id}));
    if (!ti) return Status::NotFound("task instance '" + task_id + "' of run '" + run_id + "' not found");
    AF_ASSIGN_OR_RETURN(auto tries, store->ListTries(dag_id, run_id));
    std::vector<TaskTryInfo> out;
    for (const auto& t : tries) {
      if (t.key.task_id != task_id) continue;
      TaskTryInfo info;
      info.try_number = t.try_number;
      info.state = t.state;
      info.start_date = t.start_date;
      info.end_date = t.end_date.value_or("");
      info.hostname = t.hostname;
      if (t.pid > 0) info.pid = t.pid;
      auto start = orch::ParseIso(t.start_date);
      auto end = t.end_date ? orch::ParseIso(*t.end_date) : std::nullopt;
      if (start && end) info.duration = *end - *start;
      out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(), [](const TaskTryInfo& a, const TaskTryInfo& b) { return a.try_number < b.try_number; });
    return out;
  }

  Result<GridData> Grid(const std::string& dag_id, int runs) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    GridData grid;
    AF_ASSIGN_OR_RETURN(grid.runs, RunInfos(store->ListDagRunsPage(dag_id, std::nullopt, runs, 0)));
    std::vector<std::string> run_ids;
    for (const auto& r : grid.runs) run_ids.push_back(r.run_id);
    AF_ASSIGN_OR_RETURN(auto tis, store->ListTaskInstancesOfRuns(dag_id, run_ids));
    double now = orch::NowEpoch();
    for (const auto& ti : tis) grid.task_instances.push_back(WithProgress(home_, ToTaskInstanceInfo(ti, now)));
    return grid;
  }

  // ------------------------------------------------------------ task instances

  Result<std::vector<TaskInstanceInfo>> ListTaskInstances(const std::string& dag_id,
                                                          const std::string& run_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto tis, store->ListTaskInstances(dag_id, run_id));
    std::vector<TaskInstanceInfo> out;
    for (auto& info : TaskInstanceInfos(tis)) out.push_back(WithProgress(home_, std::move(info)));
    // Topological order when the DAG file is loaded, else by task id.
    std::map<std::string, size_t> order;
    if (auto spec = dags_.Find(dag_id)) {
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
    AF_ASSIGN_OR_RETURN(auto ti, store->GetTaskInstance({dag_id, run_id, task_id}));
    if (!ti) {
      return Status::NotFound("task instance '" + task_id + "' of run '" + run_id + "' of DAG '" + dag_id +
                              "' not found");
    }
    return WithProgress(home_, ToTaskInstanceInfo(*ti, orch::NowEpoch()));
  }

  Status SetTaskInstanceState(const std::string& dag_id, const std::string& run_id, const std::string& task_id,
                              TiState new_state, bool dry_run, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, Store());
    return Control(*store).MarkTaskInstance(ActorOf(caller), {dag_id, run_id, task_id}, new_state, dry_run).status();
  }

  Result<std::vector<TaskInstanceInfo>> ClearTaskInstances(const std::string& dag_id, const ClearRequest& req,
                                                           const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, Store());
    AF_ASSIGN_OR_RETURN(auto cleared, Control(*store).Clear(ActorOf(caller), dag_id, req));
    return TaskInstanceInfos(cleared);
  }

  Result<LogChunk> ReadLog(const std::string& dag_id, const std::string& run_id, const std::string& task_id,
                           int try_number, int64_t offset, int64_t max_bytes) override {
    return ReadTaskLog(home_, dag_id, run_id, task_id, try_number, offset, max_bytes);
  }

  // ------------------------------------------------------------ connections

  Result<std::vector<ConnectionInfo>> ListConnections() override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto conns, store->ListConnections());
    std::vector<ConnectionInfo> out;
    for (const auto& c : conns) out.push_back(ToConnectionInfo(c));
    return out;
  }

  Result<ConnectionInfo> GetConnection(const std::string& conn_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    auto c = store->GetConnection(conn_id);
    if (!c.ok()) {
      if (c.status().code() == Status::Code::kNotFound) return Status::NotFound("connection '" + conn_id + "' not found");
      return c.status();
    }
    return ToConnectionInfo(*c);
  }

  Status CreateConnection(const ConnectionInput& in, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    orch::Connection c;
    c.conn_id = in.conn_id;
    AF_RETURN_IF_ERROR(ApplyConnectionInput(in, c));
    return orch::CreateConnection(*store, ActorOf(caller), c);
  }

  Status UpdateConnection(const ConnectionInput& in, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    auto existing = store->GetConnection(in.conn_id);
    if (!existing.ok()) {
      if (existing.status().code() == Status::Code::kNotFound) {
        return Status::NotFound("connection '" + in.conn_id + "' not found");
      }
      return existing.status();
    }
    orch::Connection c = *existing;
    AF_RETURN_IF_ERROR(ApplyConnectionInput(in, c));
    return orch::UpdateConnection(*store, ActorOf(caller), c);
  }

  Status DeleteConnection(const std::string& conn_id, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return orch::DeleteConnection(*store, ActorOf(caller), conn_id);
  }

  // ------------------------------------------------------------ variables

  Result<std::vector<VariableInfo>> ListVariables() override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto vars, store->ListVariables());
    std::vector<VariableInfo> out;
    for (auto& v : vars) out.push_back({v.key, v.value, v.description});
    return out;
  }

  Result<VariableInfo> GetVariable(const std::string& key) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto v, store->GetVariableRecord(key));
    if (!v) return Status::NotFound("variable '" + key + "' not found");
    return VariableInfo{v->key, v->value, v->description};
  }

  Status CreateVariable(const VariableInfo& v, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return orch::CreateVariable(*store, ActorOf(caller), v.key, v.value, v.description);
  }

  Result<VariableInfo> UpdateVariable(const std::string& key, const std::optional<std::string>& value,
                                      const std::optional<std::string>& description, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto v, orch::UpdateVariable(*store, ActorOf(caller), key, value, description));
    return VariableInfo{v.key, v.value, v.description};
  }

  Status SetVariable(const VariableInfo& v, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return orch::SetVariable(*store, ActorOf(caller), v.key, v.value, v.description);
  }

  Status DeleteVariable(const std::string& key, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return orch::DeleteVariable(*store, ActorOf(caller), key);
  }

  // ------------------------------------------------------------ import errors, users

  Result<std::vector<ImportErrorInfo>> ListImportErrors() override {
    AF_ASSIGN_OR_RETURN(auto store, Store());
    AF_ASSIGN_OR_RETURN(auto errors, store->ListImportErrors());
    std::vector<ImportErrorInfo> out;
    for (const auto& e : errors) out.push_back(ToImportErrorInfo(e));
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
    AF_ASSIGN_OR_RETURN(auto rows, store->ListUsers());
    std::vector<UserRecord> out;
    for (const auto& r : rows) out.push_back({r.username, NormalizeRole(r.role), "", r.created});
    return out;
  }

  Status CreateUser(const std::string& username, const std::string& password_hash, const std::string& role,
                    const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return orch::CreateUser(*store, ActorOf(caller), {username, password_hash, role, ""});
  }

  Status DeleteUser(const std::string& username, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return orch::DeleteUser(*store, ActorOf(caller), username);
  }

  Status UpdateUser(const std::string& username, const std::optional<std::string>& password_hash,
                    const std::optional<std::string>& role, const Caller& caller) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return orch::UpdateUser(*store, ActorOf(caller), username, password_hash, role);
  }

  // ------------------------------------------------------------ audit log

  Status RecordLoginEvent(const std::string& event, const std::string& username, size_t typed_name_bytes,
                          const std::string& address) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return orch::RecordLoginEvent(*store, event, username, typed_name_bytes, address);
  }

  Result<Page<orch::AuditRecord>> ListEventLogs(const orch::AuditQuery& query) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto page, orch::ListEventLogs(*store, query));
    return Page<orch::AuditRecord>{std::move(page.items), page.total, true};
  }

  Result<orch::AuditRecord> GetEventLog(int64_t id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return orch::GetEventLog(*store, id);
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
    return store->PutSession(ToSessionRow(r));
  }

  Result<std::optional<SessionRecord>> GetSession(const std::string& token_hash) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto row, store->GetSession(token_hash));
    if (!row) return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(ToSessionRecord(*row));
  }

  Status TouchSession(const std::string& token_hash, const std::string& last_seen,
                      const std::string& expires) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->TouchSession(token_hash, last_seen, expires);
  }

  Status DeleteSession(const std::string& token_hash) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->DeleteSession(token_hash);
  }

  Status PruneSessions(const std::string& now, int64_t max_live) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    return store->PruneSessions(now, max_live);
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
    std::string path = lake + "/" + schema::kManifestFileName;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound("no transform output yet (" + path + " does not exist)");
    std::string text;
    char buf[65536];
    while (in && text.size() < (16u << 20)) {
      in.read(buf, sizeof buf);
      text.append(buf, static_cast<size_t>(in.gcount()));
    }
    if (in && in.peek() != std::ifstream::traits_type::eof()) return Status::Corruption(path + ": larger than 16 MiB");
    AF_ASSIGN_OR_RETURN(auto manifest, schema::ParseAreaManifest(text, path));
    json doc = json::parse(manifest.ToJsonValue().dump());
    doc["rejects_sample"] = ReadRejectsSample(lake + "/" + RejectsFileName(manifest));
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
  // A store with the DAG folder's changes written to it (re-scanned at most
  // once a second), for calls that read DAG files.
  Result<StorePool::Lease> Store() {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    Status st = dags_.Refresh(*store);
    if (!st.ok()) spdlog::warn("syncing the DAG folder to the metadata DB: {}", st.ToString());
    return store;
  }

  orch::RunControl Control(orch::MetadataStore& store) {
    return orch::RunControl(store, dags_, orch::AuditListener(store));
  }

  // /health is open and polled: the walk of logs/ runs at most once a minute.
  orch::DiskUsage LogDiskUsage() {
    std::lock_guard<std::mutex> lock(disk_mu_);
    auto now = std::chrono::steady_clock::now();
    if (!disk_measured_ || now - disk_at_ >= std::chrono::seconds(60)) {
      disk_usage_ = orch::MeasureLogDiskUsage(home_);
      disk_at_ = now;
      disk_measured_ = true;
    }
    return disk_usage_;
  }

  static Result<std::vector<DagRunInfo>> RunInfos(Result<std::vector<orch::DagRun>> runs) {
    if (!runs.ok()) return runs.status();
    std::vector<DagRunInfo> out;
    for (const auto& r : *runs) out.push_back(ToDagRunInfo(r));
    return out;
  }

  static std::vector<TaskInstanceInfo> TaskInstanceInfos(const std::vector<orch::TaskInstance>& tis) {
    double now = orch::NowEpoch();
    std::vector<TaskInstanceInfo> out;
    for (const auto& ti : tis) out.push_back(ToTaskInstanceInfo(ti, now));
    return out;
  }

  StorePool pool_;
  orch::HomePaths home_;
  OrchestratorBackendOptions options_;
  orch::DagCatalog dags_;
  std::mutex auth_mu_;
  std::string auth_token_;  // ChangeToken() when auth_generation_ was read
  int64_t auth_generation_ = 0;
  std::mutex disk_mu_;  // guards the three below
  bool disk_measured_ = false;
  std::chrono::steady_clock::time_point disk_at_;
  orch::DiskUsage disk_usage_;
};

}  // namespace

Result<std::unique_ptr<Backend>> OpenOrchestratorBackend(const OrchestratorBackendOptions& options) {
  orch::HomePaths home = options.home.empty() ? orch::Paths() : orch::HomePaths{options.home};
  auto backend = std::make_unique<OrchestratorBackend>(home, options);
  AF_RETURN_IF_ERROR(backend->Init());
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace arxivflow::server
