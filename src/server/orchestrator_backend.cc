#include "server/orchestrator_backend.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>

#include "common/logging.h"
#include "orchestrator/dag_catalog.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/run_control.h"
#include "orchestrator/scheduler_health.h"
#include "orchestrator/time_util.h"
#include "schema/area_manifest.h"
#include "schema/star_schema.h"
#include "server/backend_records.h"
#include "server/fts_query.h"
#include "server/rejects_sample.h"
#include "server/store_pool.h"
#include "server/task_logs.h"

namespace arxivflow::server {

namespace orch = arxivflow::orchestrator;
using nlohmann::json;

namespace {

orch::Actor ActorOf(const Caller& caller) { return {caller.username, "api " + caller.address}; }

// A read-only handle on the SQLite warehouse.
class WarehouseReader {
 public:
  ~WarehouseReader() {
    if (db_) sqlite3_close(db_);
  }
  Status Open(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      return Status::IOError(path + ": cannot open the warehouse: " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
    }
    sqlite3_busy_timeout(db_, 5000);
    return Status::OK();
  }
  sqlite3* db() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK) st_ = nullptr;
  }
  ~Stmt() {
    if (st_) sqlite3_finalize(st_);
  }
  bool ok() const { return st_ != nullptr; }
  std::string error() const { return sqlite3_errmsg(db_); }
  sqlite3_stmt* get() { return st_; }
  std::string Text(int col) {
    const unsigned char* t = sqlite3_column_text(st_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(st_, col)) : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

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

  Result<GridData> Grid(const std::string& dag_id, int runs) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    GridData grid;
    AF_ASSIGN_OR_RETURN(grid.runs, RunInfos(store->ListDagRunsPage(dag_id, std::nullopt, runs, 0)));
    std::vector<std::string> run_ids;
    for (const auto& r : grid.runs) run_ids.push_back(r.run_id);
    AF_ASSIGN_OR_RETURN(auto tis, store->ListTaskInstancesOfRuns(dag_id, run_ids));
    double now = orch::NowEpoch();
    for (const auto& ti : tis) grid.task_instances.push_back(ToTaskInstanceInfo(ti, now));
    return grid;
  }

  // ------------------------------------------------------------ task instances

  Result<std::vector<TaskInstanceInfo>> ListTaskInstances(const std::string& dag_id,
                                                          const std::string& run_id) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto tis, store->ListTaskInstances(dag_id, run_id));
    std::vector<TaskInstanceInfo> out = TaskInstanceInfos(tis);
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
    return ToTaskInstanceInfo(*ti, orch::NowEpoch());
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

  Status CreateConnection(const ConnectionInput& in) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    auto existing = store->GetConnection(in.conn_id);
    if (existing.ok()) return Status::AlreadyExists("connection '" + in.conn_id + "' already exists");
    if (existing.status().code() != Status::Code::kNotFound) return existing.status();
    orch::Connection c;
    c.conn_id = in.conn_id;
    AF_RETURN_IF_ERROR(ApplyConnectionInput(in, c));
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
    AF_RETURN_IF_ERROR(ApplyConnectionInput(in, c));
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

  Status CreateUser(const std::string& username, const std::string& password_hash, const std::string& role) override {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    AF_ASSIGN_OR_RETURN(auto existing, store->GetUser(username));
    if (existing) return Status::AlreadyExists("user '" + username + "' already exists");
    return store->UpsertUser({username, password_hash, role, ""});
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
    bool exists = stat(db_path.c_str(), &sb) == 0;
    std::vector<std::string> names;
    for (const auto& t : schema::StarSchema()) names.push_back(t.name);
    if (!exists) {
      for (const auto& n : names) info.tables.push_back({n, false, 0});
      return info;
    }
    // Counting millions of rows takes a while: remember the counts until the
    // file (or its WAL) changes.
    struct stat wal;
    int64_t version = static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000000000 + sb.st_mtim.tv_nsec + sb.st_size;
    if (stat((db_path + "-wal").c_str(), &wal) == 0) {
      version ^= static_cast<int64_t>(wal.st_mtim.tv_sec) * 1000000000 + wal.st_mtim.tv_nsec + wal.st_size;
    }
    {
      std::lock_guard<std::mutex> lock(count_mu_);
      if (count_version_ == version && count_path_ == db_path && !cached_counts_.empty()) {
        info.tables = cached_counts_;
        return info;
      }
    }
    WarehouseReader reader;
    AF_RETURN_IF_ERROR(reader.Open(db_path));
    for (const auto& n : names) {
      TableCount tc{n, false, 0};
      Stmt st(reader.db(), "SELECT COUNT(*) FROM \"" + n + "\"");
      if (st.ok() && sqlite3_step(st.get()) == SQLITE_ROW) {
        tc.exists = true;
        tc.rows = sqlite3_column_int64(st.get(), 0);
      }
      info.tables.push_back(tc);
    }
    std::lock_guard<std::mutex> lock(count_mu_);
    count_version_ = version;
    count_path_ = db_path;
    cached_counts_ = info.tables;
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
    Page<PaperHit> page;
    std::string match = BuildFtsQuery(text);
    if (match.empty()) return page;
    std::string db_path = WarehousePath();
    struct stat sb;
    if (stat(db_path.c_str(), &sb) != 0) {
      return Status::NotFound("the warehouse has not been loaded yet (" + db_path + " does not exist)");
    }
    WarehouseReader reader;
    AF_RETURN_IF_ERROR(reader.Open(db_path));
    sqlite3* db = reader.db();
    {
      Stmt count(db, "SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH ?");
      if (!count.ok()) return Status::NotFound("the warehouse has no search index yet (load it first)");
      sqlite3_bind_text(count.get(), 1, match.c_str(), -1, SQLITE_TRANSIENT);
      int rc = sqlite3_step(count.get());
      if (rc != SQLITE_ROW) return Status::Internal("search count failed: " + count.error());
      page.total = sqlite3_column_int64(count.get(), 0);
    }
    Stmt st(db, "SELECT id, title, abstract FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?");
    if (!st.ok()) return Status::Internal("search failed: " + st.error());
    sqlite3_bind_text(st.get(), 1, match.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st.get(), 2, limit);
    sqlite3_bind_int64(st.get(), 3, offset);
    while (sqlite3_step(st.get()) == SQLITE_ROW) {
      PaperHit p;
      p.id = st.Text(0);
      p.title = st.Text(1);
      p.abstract = st.Text(2);
      page.items.push_back(std::move(p));
    }
    for (auto& p : page.items) {
      // "First Last Suffix" from the name parts when the table has them.
      p.authors = Column(db,
                         "SELECT COALESCE(NULLIF(TRIM(COALESCE(firstname, '') || ' ' || COALESCE(lastname, '') || "
                         "COALESCE(' ' || NULLIF(suffix, ''), '')), ''), author) FROM authors WHERE id = ? "
                         "ORDER BY position",
                         p.id);
      if (p.authors.empty()) p.authors = Column(db, "SELECT author FROM authors WHERE id = ? ORDER BY rowid", p.id);
      p.categories = Column(db, "SELECT category FROM categories WHERE id = ? ORDER BY position, rowid", p.id);
      auto dates = Column(db, "SELECT updatedate FROM papers WHERE id = ?", p.id);
      if (!dates.empty()) p.updatedate = dates[0];
    }
    return page;
  }

 private:
  static std::vector<std::string> Column(sqlite3* db, const char* sql, const std::string& id) {
    std::vector<std::string> out;
    Stmt st(db, sql);
    if (!st.ok()) {
      // Older layouts without a position column.
      std::string fallback = sql;
      size_t pos = fallback.find(" ORDER BY");
      if (pos == std::string::npos) return out;
      Stmt st2(db, fallback.substr(0, pos) + " ORDER BY rowid");
      if (!st2.ok()) return out;
      sqlite3_bind_text(st2.get(), 1, id.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(st2.get()) == SQLITE_ROW && out.size() < 200) out.push_back(st2.Text(0));
      return out;
    }
    sqlite3_bind_text(st.get(), 1, id.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st.get()) == SQLITE_ROW && out.size() < 200) out.push_back(st.Text(0));
    return out;
  }

  // A store with the DAG folder's changes written to it (re-scanned at most
  // once a second), for calls that read DAG files.
  Result<StorePool::Lease> Store() {
    AF_ASSIGN_OR_RETURN(auto store, pool_.Acquire());
    Status st = dags_.Refresh(*store);
    if (!st.ok()) spdlog::warn("syncing the DAG folder to the metadata DB: {}", st.ToString());
    return store;
  }

  orch::RunControl Control(orch::MetadataStore& store) { return orch::RunControl(store, dags_); }

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
  std::mutex count_mu_;
  int64_t count_version_ = -1;
  std::string count_path_;
  std::vector<TableCount> cached_counts_;
};

}  // namespace

Result<std::unique_ptr<Backend>> OpenOrchestratorBackend(const OrchestratorBackendOptions& options) {
  orch::HomePaths home = options.home.empty() ? orch::Paths() : orch::HomePaths{options.home};
  auto backend = std::make_unique<OrchestratorBackend>(home, options);
  AF_RETURN_IF_ERROR(backend->Init());
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace arxivflow::server
