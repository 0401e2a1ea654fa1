#include "orchestrator/task_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "common/host_name.h"
#include "common/json_limits.h"
#include "common/random.h"
#include "common/secret_names.h"
#include "orchestrator/connection.h"
#include "orchestrator/dag_bag.h"
#include "orchestrator/dag_parser.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/operators.h"
#include "orchestrator/secret_masker.h"
#include "orchestrator/task_environment.h"
#include "orchestrator/task_progress.h"
#include "orchestrator/template.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

namespace {

using nlohmann::json;

double HeartbeatInterval() {
  if (const char* env = std::getenv("ARXIVFLOW_HEARTBEAT_INTERVAL")) {
    double v = std::atof(env);
    if (v > 0) return v;
  }
  return 5.0;
}

struct Runner {
  TaskRunRequest req;
  std::unique_ptr<MetadataStore> store;
  SecretMasker masker;
  std::atomic<pid_t> child_pid{0};
  std::mutex log_mu;

  // Every secret this task could come across, whether or not its templates
  // name it: the product's own commands resolve connections by themselves,
  // and a shell command may print its environment.
  void LoadSecrets() {
    masker.AddEnvironment(CurrentEnvironment());
    if (!store) return;
    if (auto conns = store->ListConnections(); conns.ok()) {
      for (const auto& c : *conns) masker.AddConnection(c);
    }
    if (auto vars = store->ListVariables(); vars.ok()) {
      for (const auto& v : *vars) {
        if (IsSecretName(v.key)) masker.Add(v.value);
      }
    }
  }

  void Log(const std::string& level, const std::string& text) {
    std::string masked = masker.Mask(text);
    std::string ts = FormatIso(NowEpoch());
    std::lock_guard<std::mutex> lock(log_mu);
    size_t start = 0;
    while (true) {  // one prefix per line, so multi-line text stays readable
      size_t nl = masked.find('\n', start);
      std::string line = masked.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      std::fprintf(stdout, "[%s] {%s} %s - %s\n", ts.c_str(), req.task_id.c_str(), level.c_str(), line.c_str());
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    std::fflush(stdout);
  }

  Result<std::string> Variable(const std::string& key) {
    std::string value;
    if (const char* env = std::getenv(VariableEnvName(key).c_str())) {
      value = env;
    } else {
      if (!store) return Status::NotFound("variable '" + key + "' is not set (no metadata DB)");
      AF_ASSIGN_OR_RETURN(auto v, store->GetVariable(key));
      if (!v) {
        return Status::NotFound("variable '" + key + "' is not set (use `arxivflow variables set " + key +
                                " VALUE` or " + VariableEnvName(key) + ")");
      }
      value = *v;
    }
    if (IsSecretName(key)) masker.Add(value);
    return value;
  }

  Result<Connection> GetConnection(const std::string& conn_id) {
    Result<Connection> c = Status::NotFound("");
    if (const char* env = std::getenv(ConnectionEnvName(conn_id).c_str()); env && *env) {
      c = ParseConnectionUri(conn_id, env);
    } else if (store) {
      c = store->GetConnection(conn_id);
    } else {
      c = Status::NotFound("connection '" + conn_id + "' not found (no metadata DB)");
    }
    if (c.ok()) masker.AddConnection(*c);
    return c;
  }
};

Result<std::string> Resolve(Runner& r, TaskContext& ctx, const json& params, const std::string& expr,
                            bool allow_secrets) {
  auto dot = expr.find('.');
  std::string head = expr.substr(0, dot);
  std::string rest = dot == std::string::npos ? "" : expr.substr(dot + 1);
  auto scalar = [](const json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
  };
  if (rest.empty()) {
    if (head == "ds") return FormatDate(ctx.logical_date);
    if (head == "ds_nodash") {
      auto d = FormatDate(ctx.logical_date);
      d.erase(std::remove(d.begin(), d.end(), '-'), d.end());
      return d;
    }
    if (head == "ts" || head == "logical_date") return FormatIso(ctx.logical_date, false);
    if (head == "run_id") return ctx.run_id;
    if (head == "try_number") return std::to_string(ctx.try_number);
  }
  if (head == "dag" && rest == "dag_id") return ctx.dag->dag_id;
  if (head == "task" && rest == "task_id") return ctx.task->task_id;
  if (head == "params" && !rest.empty()) {
    json cur = params;
    size_t start = 0;
    while (true) {
      size_t d = rest.find('.', start);
      std::string k = rest.substr(start, d == std::string::npos ? std::string::npos : d - start);
      if (!cur.is_object() || !cur.contains(k)) return Status::NotFound("params has no '" + rest + "'");
      cur = cur[k];
      if (d == std::string::npos) break;
      start = d + 1;
    }
    return scalar(cur);
  }
  if (head == "item" && !rest.empty()) {
    if (!ctx.task->item.contains(rest)) return Status::NotFound("item has no key '" + rest + "'");
    return scalar(ctx.task->item[rest]);
  }
  if (head == "var" && !rest.empty()) {
    std::string key = rest.rfind("value.", 0) == 0 ? rest.substr(6) : rest;  // {{ var.value.X }} as in Airflow
    if (IsSecretName(key) && !allow_secrets) {
      // argv is in every local user's `ps`; SQL goes to the log.
      return Status::PermissionDenied("{{ var." + key + " }} holds a secret (its name is a secret name) and may only "
                                      "be used in an environment value (env:), never in argv or SQL");
    }
    return r.Variable(key);
  }
  if (head == "conn" && !rest.empty()) {
    auto d = rest.find('.');
    if (d == std::string::npos) return Status::InvalidArgument("use {{ conn.ID.FIELD }} (host, port, login, schema, ...)");
    std::string id = rest.substr(0, d), field = rest.substr(d + 1);
    AF_ASSIGN_OR_RETURN(auto c, r.GetConnection(id));
    if (field == "host") return c.host;
    if (field == "port") return c.port ? std::to_string(c.port) : std::string();
    if (field == "login") return c.login;
    if (field == "schema") return c.schema;
    if (field == "conn_type") return c.conn_type;
    if (field == "conn_id") return c.conn_id;
    if (field.rfind("extra.", 0) == 0) {
      auto key = field.substr(6);
      if (IsSecretName(key) && !allow_secrets) {
        return Status::PermissionDenied("{{ conn." + id + "." + field + " }} holds a secret (its name is a secret name) "
                                        "and may only be used in an environment value (env:), never in argv or SQL");
      }
      if (!c.extra.contains(key)) return Status::NotFound("connection '" + id + "' has no extra '" + key + "'");
      return scalar(c.extra[key]);
    }
    if (field == "password" || field == "uri") {
      if (!allow_secrets) {
        return Status::PermissionDenied("{{ conn." + id + "." + field +
                                        " }} may only be used in an environment value (env:), never in argv or SQL");
      }
      return field == "password" ? c.password : c.ToUri();
    }
    return Status::InvalidArgument("connection field '" + field + "' is unknown");
  }
  return Status::InvalidArgument("unknown template variable '" + expr + "'");
}

// Results bigger than this are not stored (the column is for small results).
constexpr int64_t kMaxResultBytes = 64 * 1024;

// Where the operator's arxivflow command writes its result: beside the try's
// log (`tasks test`: a temporary file). Any stale file there is removed.
std::string ResultFilePath(const HomePaths& home, const TaskRunRequest& req, int try_number) {
  std::string path;
  if (req.test) {
    const char* tmp = std::getenv("TMPDIR");
    path = std::string(tmp && *tmp ? tmp : "/tmp") + "/arxivflow-result-XXXXXX";
    int fd = mkstemp(path.data());
    if (fd < 0) return "";
    close(fd);
  } else {
    path = home.TaskLog(req.dag_id, req.run_id, req.task_id, try_number);
    path = path.substr(0, path.size() - 4) + ".result.json";  // attempt=N.log -> attempt=N.result.json
  }
  unlink(path.c_str());
  return path;
}

// "resources: cpu 12.31 s user + 0.80 s sys, peak RSS 412 MB": what the
// processes the operator started (and this process waited for) used; the
// operator's own in-process work is not counted.
std::string ChildResourcesLine() {
  struct rusage ru {};
  if (getrusage(RUSAGE_CHILDREN, &ru) != 0) return "resources: unknown";
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  char text[128];
  std::snprintf(text, sizeof text, "resources: cpu %.2f s user + %.2f s sys, peak RSS %.0f MB",
                seconds(ru.ru_utime), seconds(ru.ru_stime), static_cast<double>(ru.ru_maxrss) / 1024.0);
  return text;
}

// The result to store (JSON text, secrets masked, size-capped), or nullopt.
std::optional<std::string> CollectResult(Runner& r, const std::string& file, std::optional<json> value) {
  if (!file.empty()) {
    struct stat st;
    if (stat(file.c_str(), &st) == 0) {
      if (st.st_size > kMaxResultBytes) {
        r.Log("WARNING", "the task's result (" + std::to_string(st.st_size) + " bytes) exceeds " +
                             std::to_string(kMaxResultBytes) + " bytes; not stored");
        value = json{{"error", "result too large"}, {"bytes", static_cast<int64_t>(st.st_size)}};
      } else {
        std::ifstream in(file);
        std::stringstream text;
        text << in.rdbuf();
        auto parsed = ParseJsonBounded(text.str(), "the task's result file");
        if (!parsed.ok()) {
          r.Log("WARNING", parsed.status().message() + "; not stored");
        } else {
          value = std::move(*parsed);
        }
      }
      unlink(file.c_str());
    }
  }
  if (!value) return std::nullopt;
  std::string text = r.masker.Mask(value->dump(-1, ' ', false, json::error_handler_t::replace));
  if (static_cast<int64_t>(text.size()) > kMaxResultBytes) {
    text = json{{"error", "result too large"}, {"bytes", text.size()}}.dump();
  }
  r.Log("INFO", "result: " + (text.size() > 2000 ? text.substr(0, 2000) + " ..." : text));
  return text;
}

void StopChild(Runner& r) {
  pid_t pid = r.child_pid.load();
  if (pid > 0) {
    kill(pid, SIGTERM);
    for (int i = 0; i < 50 && r.child_pid.load() == pid; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (r.child_pid.load() == pid) kill(pid, SIGKILL);
  }
}

}  // namespace

namespace {

// LoadDag with the caller's store (nullptr: open one when needed).
Result<DagSpec> LoadDagWith(MetadataStore* store, const std::string& dag_id, const std::string& dag_file) {
  HomePaths home = Paths();
  auto from_file = [&](const std::string& path) -> std::optional<DagSpec> {
    auto dags = ParseDagFile(path);
    if (dags.ok()) {
      for (auto& d : *dags) if (d.dag_id == dag_id) return std::move(d);
    }
    return std::nullopt;
  };
  if (!dag_file.empty()) {
    if (auto d = from_file(dag_file)) return std::move(*d);
  }
  std::unique_ptr<MetadataStore> own;
  if (!store) {
    auto opened = MetadataStore::Open(home, false);
    if (opened.ok()) own = std::move(*opened);
    store = own.get();
  }
  if (store) {
    auto row = store->GetDag(dag_id);
    if (row.ok() && *row && (*row)->fileloc != dag_file) {
      if (auto d = from_file((*row)->fileloc)) return std::move(*d);
    }
  }
  DagBag bag(home.dags());
  bag.Refresh(store);
  const DagSpec* dag = bag.Find(dag_id);
  if (!dag) {
    for (const auto& [file, err] : bag.import_errors()) {
      (void)file;
      if (err.find("'" + dag_id + "'") != std::string::npos) return Status::InvalidArgument(err);
    }
    return Status::NotFound("DAG '" + dag_id + "' not found in " + home.dags());
  }
  return *dag;
}

}  // namespace

Result<DagSpec> LoadDag(const std::string& dag_id, const std::string& dag_file) {
  return LoadDagWith(nullptr, dag_id, dag_file);
}

int RunTaskInstance(const TaskRunRequest& request) {
  Runner r;
  r.req = request;
  HomePaths home = Paths();
  auto store = MetadataStore::Open(home, false);
  if (store.ok()) {
    r.store = std::move(*store);
  } else if (!request.test) {
    r.Log("ERROR", store.status().message());
    return 1;
  }
  r.LoadSecrets();
  TiKey key{request.dag_id, request.run_id, request.task_id};
  std::string token = request.job_token;
  int try_number = 1;
  double logical_date = NowEpoch();
  json conf = json::object();

  if (!request.test) {
    if (token.empty()) {
      // Started by hand: take the instance over the way the scheduler would.
      auto ti = r.store->GetTaskInstance(key);
      if (!ti.ok() || !*ti) {
        r.Log("ERROR", "task instance " + request.dag_id + "." + request.task_id + " of run '" + request.run_id +
                           "' not found (trigger the DAG first)");
        return 1;
      }
      if (IsExecuting((*ti)->state)) {
        r.Log("ERROR", std::string("task instance is ") + StateName((*ti)->state) + "; not starting it a second time");
        return 1;
      }
      token = "manual-" + RandomHex(8);
      (void)r.store->TransitionTaskInstance(key, (*ti)->state, TiState::kScheduled, NowEpoch());
      auto queued = r.store->QueueTaskInstance(key, token, NowEpoch());
      if (!queued.ok() || !*queued) {
        r.Log("ERROR", "could not queue the task instance (changed concurrently)");
        return 1;
      }
    }
    auto claimed = r.store->ClaimTaskInstance(key, token, getpid(), HostName(), NowEpoch());
    if (!claimed.ok()) {
      r.Log("ERROR", claimed.status().message());
      return 1;
    }
    if (*claimed == 0) {
      r.Log("WARNING", "task instance is not queued for this job any more; not running it");
      return 0;
    }
    try_number = *claimed;
    if (request.job_token.empty()) {
      // By hand: also write the try's log file, like a scheduled try.
      std::string path = home.TaskLog(request.dag_id, request.run_id, request.task_id, try_number);
      MakeDirs(path.substr(0, path.rfind('/')));
      r.Log("INFO", "log file: " + path);
      int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, kPrivateFileMode);
      if (fd >= 0) close(fd);
      if (fd < 0 || !std::freopen(path.c_str(), "a", stdout)) r.Log("WARNING", "cannot open " + path);
    }
    auto run = r.store->GetDagRun(request.dag_id, request.run_id);
    if (run.ok() && *run) {
      if (auto t = ParseIso((*run)->logical_date)) logical_date = *t;
      auto parsed = ParseJsonBounded((*run)->conf, "the run's conf");
      if (parsed.ok() && parsed->is_object()) conf = std::move(*parsed);
    }
  } else {
    if (!request.logical_date.empty()) {
      auto t = ParseIso(request.logical_date);
      if (!t) {
        r.Log("ERROR", "bad logical date '" + request.logical_date + "'");
        return 1;
      }
      logical_date = *t;
    }
    if (!request.conf_json.empty()) {
      auto parsed = ParseJsonBounded(request.conf_json, "--conf");
      if (!parsed.ok() || !parsed->is_object()) {
        r.Log("ERROR", parsed.ok() ? "--conf must be a JSON object" : parsed.status().message());
        return 1;
      }
      conf = std::move(*parsed);
    }
  }

  RetryPolicy policy;
  auto finish = [&](bool success, const std::string& note,
                    const std::optional<std::string>& result = std::nullopt) -> int {
    if (request.test) return success ? 0 : 1;
    auto state = r.store->FinishTaskInstance(key, token, success, policy, NowEpoch(), note, result);
    if (!state.ok()) {
      r.Log("ERROR", "cannot record the end state: " + state.status().message());
      return 1;
    }
    if (!*state) {
      r.Log("WARNING", "task instance state was changed while running; the end state was not recorded");
      return 1;
    }
    r.Log("INFO", "marking task as " + std::string(**state == TiState::kUpForRetry ? "UP_FOR_RETRY" : **state == TiState::kSuccess ? "SUCCESS" : "FAILED") +
                      ". dag_id=" + request.dag_id + ", task_id=" + request.task_id + ", run_id=" + request.run_id +
                      ", try_number=" + std::to_string(try_number));
    return success ? 0 : 1;
  };

  std::optional<DagSpec> loaded_dag;
  const DagSpec* dag = request.dag;
  if (!dag) {
    auto loaded = LoadDagWith(r.store.get(), request.dag_id, request.dag_file);
    if (!loaded.ok()) {
      r.Log("ERROR", loaded.status().message());
      return finish(false, loaded.status().message());
    }
    loaded_dag = std::move(*loaded);
    dag = &*loaded_dag;
  }
  const TaskSpec* task = dag->FindTask(request.task_id);
  if (!task) {
    std::string msg = "DAG '" + request.dag_id + "' has no task '" + request.task_id + "'";
    r.Log("ERROR", msg);
    return finish(false, msg);
  }
  policy = task->policy;
  const OperatorDef* op = FindOperator(task->operator_name);

  json params = dag->params;
  params.update(conf);  // the run's conf overrides DAG params, as in Airflow

  // Heartbeat: proves liveness to the scheduler and notices external changes.
  std::atomic<bool> stopped_externally{false};
  std::mutex hb_mu;
  std::condition_variable hb_cv;
  bool done = false;
  std::thread heartbeat;
  if (!request.test) {
    heartbeat = std::thread([&] {
      // Its own connection (one per thread), opened at the first beat: most
      // tasks end before it and never need it.
      std::unique_ptr<MetadataStore> hb_store;
      auto interval = std::chrono::duration<double>(HeartbeatInterval());
      std::unique_lock<std::mutex> lock(hb_mu);
      while (!hb_cv.wait_for(lock, interval, [&] { return done; })) {
        if (!hb_store) {
          auto opened = MetadataStore::Open(home, false);
          if (!opened.ok()) {
            r.Log("WARNING", "heartbeat: " + opened.status().message());
            continue;
          }
          hb_store = std::move(*opened);
        }
        auto alive = hb_store->HeartbeatTaskInstance(key, token, NowEpoch());
        if (alive.ok() && !*alive) {
          r.Log("WARNING", "task instance state changed externally (marked or cleared); stopping the task");
          stopped_externally = true;
          lock.unlock();
          StopChild(r);
          lock.lock();
        }
      }
    });
  }

  TaskContext ctx;
  ctx.dag = dag;
  ctx.task = task;
  ctx.run_id = request.run_id;
  ctx.logical_date = logical_date;
  ctx.try_number = try_number;
  ctx.home = home.root;
  ctx.child_pid = &r.child_pid;
  ctx.mask = [&](const std::string& t) { return r.masker.Mask(t); };
  ctx.log = [&](const std::string& line) { r.Log("INFO", line); };
  ctx.get_connection = [&](const std::string& id) { return r.GetConnection(id); };
  ctx.render = [&](const std::string& text, bool allow_secrets) {
    return RenderTemplate(text, [&](const std::string& expr) { return Resolve(r, ctx, params, expr, allow_secrets); });
  };

  // The operator's result: set_result, or a file its arxivflow command writes.
  std::optional<json> operator_result;
  ctx.set_result = [&](const json& value) { operator_result = value; };
  ctx.result_file = ResultFilePath(home, request, try_number);
  if (!request.test) {
    ctx.progress_file = TaskProgressPath(home, request.dag_id, request.run_id, request.task_id, try_number);
    unlink(ctx.progress_file.c_str());
  }

  r.Log("INFO", "starting attempt " + std::to_string(try_number) + " of " + std::to_string(policy.retries + 1) +
                    ": dag_id=" + request.dag_id + " task_id=" + request.task_id + " run_id=" + request.run_id +
                    " operator=" + task->operator_name + " pid=" + std::to_string(getpid()));
  double started = NowEpoch();
  Status result = op->execute(ctx);
  double took = NowEpoch() - started;
  {
    std::lock_guard<std::mutex> lock(hb_mu);
    done = true;
  }
  hb_cv.notify_all();
  if (heartbeat.joinable()) heartbeat.join();
  if (stopped_externally) {
    r.Log("WARNING", "stopped because the task instance was changed externally");
    return 1;
  }
  std::optional<std::string> result_json = CollectResult(r, ctx.result_file, operator_result);
  if (!ctx.progress_file.empty()) unlink(ctx.progress_file.c_str());  // only a running task shows progress
  r.Log("INFO", ChildResourcesLine());
  char took_text[32];
  std::snprintf(took_text, sizeof took_text, "%.3f", took);
  if (result.ok()) {
    r.Log("INFO", std::string("task succeeded in ") + took_text + " s");
    return finish(true, "", result_json);
  }
  std::string msg = r.masker.Mask(result.message());
  r.Log("ERROR", "task failed after " + std::string(took_text) + " s: " + msg);
  return finish(false, msg, result_json);
}

}  // namespace arxivflow::orchestrator
