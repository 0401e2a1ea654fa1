#include "orchestrator/run_alerts.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "common/logging.h"
#include "common/percent_encoding.h"
#include "orchestrator/run_id.h"
#include "orchestrator/secret_masker.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

namespace {

constexpr size_t kQueueCapacity = 1000;

Result<Connection> LookUpConnection(MetadataStore& store, const std::string& conn_id) {
  if (const char* env = std::getenv(ConnectionEnvName(conn_id).c_str()); env && *env) {
    return ParseConnectionUri(conn_id, env);
  }
  return store.GetConnection(conn_id);
}

bool ExtraBool(const nlohmann::json& extra, const char* key, bool fallback) {
  if (!extra.contains(key)) return fallback;
  const auto& v = extra[key];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return v == "true" || v == "1" || v == "yes";
  return fallback;
}

std::string ExtraString(const nlohmann::json& extra, const char* key) {
  return extra.contains(key) && extra[key].is_string() ? extra[key].get<std::string>() : "";
}

Result<notify::WebhookTarget> WebhookFrom(const Connection& c) {
  if (c.conn_type != "http" && c.conn_type != "https") {
    return Status::InvalidArgument("connection '" + c.conn_id + "' must be an http:// or https:// URL for a webhook");
  }
  if (c.host.empty()) return Status::InvalidArgument("connection '" + c.conn_id + "' has no host");
  notify::WebhookTarget t;
  bool ipv6 = c.host.find(':') != std::string::npos;
  t.url = c.conn_type + "://" + (ipv6 ? "[" + c.host + "]" : c.host) + (c.port ? ":" + std::to_string(c.port) : "") +
          "/" + c.schema;
  if (!c.login.empty()) {
    t.basic_login = c.login;
    t.basic_password = c.password;
  } else {
    t.bearer_token = c.password;
  }
  t.ca_file = ExtraString(c.extra, "ca_file");
  return t;
}

notify::SmtpTarget SmtpFrom(const Connection& c) {
  notify::SmtpTarget t;
  t.host = c.host;
  t.ssl = c.conn_type == "smtps" || ExtraBool(c.extra, "ssl", false);
  t.port = c.port ? c.port : (t.ssl ? 465 : 587);
  t.login = c.login;
  t.password = c.password;
  t.starttls = ExtraBool(c.extra, "starttls", true);
  t.from = ExtraString(c.extra, "from");
  if (t.from.empty()) t.from = c.login.find('@') != std::string::npos ? c.login : "arxivflow@localhost";
  t.ca_file = ExtraString(c.extra, "ca_file");
  return t;
}

void AppendLine(const std::string& path, const std::string& line) {
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) MakeDirs(path.substr(0, slash));
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, kPrivateFileMode);
  if (fd < 0) return;
  std::string text = line + "\n";
  (void)!write(fd, text.data(), text.size());
  close(fd);
}

// The run's start (epoch seconds), 0 when it has not started.
double RunStart(const DagRun& run) {
  if (!run.start_date) return 0;
  return ParseIso(*run.start_date).value_or(0);
}

std::string RunKeyTask(const TaskInstance& ti) { return std::to_string(ti.try_number) + "/" + StateName(ti.state); }

}  // namespace

RunAlerts::RunAlerts(HomePaths home, metrics::Registry* metrics, double started_at)
    : home_(std::move(home)), metrics_(metrics), started_at_(started_at) {
  const char* base = std::getenv("ARXIVFLOW_BASE_URL");
  base_url_ = base && *base ? base : "http://127.0.0.1:8080";
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  dispatcher_ = std::make_unique<notify::Dispatcher>(
      kQueueCapacity, [this](const notify::Delivery& d, const Status& s, int attempts) { Report(d, s, attempts); });
}

RunAlerts::~RunAlerts() { Drain(0); }

void RunAlerts::Drain(double seconds) {
  if (dispatcher_) dispatcher_->Shutdown(seconds);
}

std::string RunAlerts::RunLogPath(const HomePaths& home, const std::string& dag_id, const std::string& run_id) {
  return home.logs() + "/dag_id=" + PathComponent(dag_id) + "/run_id=" + PathComponent(run_id) + "/notifications.log";
}

std::string RunAlerts::LogUrl(const TaskInstance& ti) const {
  return base_url_ + "/api/v1/dags/" + PercentEncode(ti.key.dag_id) + "/dagRuns/" + PercentEncode(ti.key.run_id) +
         "/taskInstances/" + PercentEncode(ti.key.task_id) + "/logs/" + std::to_string(ti.try_number);
}

void RunAlerts::Report(const notify::Delivery& d, const Status& s, int attempts) {
  const char* kind = notify::NotifierKindName(d.spec.kind);
  const auto& n = d.notification;
  if (metrics_) {
    metrics_->AddCounter("arxivflow_notifications_total", "Notifications by notifier, event and outcome.",
                         {{"notifier", kind}, {"event", n.event}, {"outcome", s.ok() ? "sent" : "failed"}});
  }
  std::string what = n.dag_id + (n.task_id.empty() ? "" : "." + n.task_id) + " run " + n.run_id;
  std::string line;
  if (s.ok()) {
    line = FormatIso(NowEpoch()) + " " + kind + " notification (" + n.event + ") sent after " +
           std::to_string(attempts) + " attempt(s)";
    spdlog::info("{} notification ({}) for {} sent", kind, n.event, what);
  } else {
    std::string msg = d.mask ? d.mask(s.message()) : s.message();
    line = FormatIso(NowEpoch()) + " " + kind + " notification (" + n.event + ") FAILED after " +
           std::to_string(attempts) + " attempt(s): " + msg;
    spdlog::warn("{} notification ({}) for {} failed after {} attempt(s): {}", kind, n.event, what, attempts, msg);
  }
  if (!d.context.empty()) AppendLine(d.context, line);
}

void RunAlerts::Send(MetadataStore& store, const std::vector<notify::NotifierSpec>& notifiers,
                     const notify::Notification& notification) {
  std::string log_path = RunLogPath(home_, notification.dag_id, notification.run_id);
  for (const auto& spec : notifiers) {
    notify::Delivery d;
    d.spec = spec;
    d.notification = notification;
    d.context = log_path;
    auto masker = std::make_shared<SecretMasker>();
    d.mask = [masker](std::string text) { return masker->Mask(std::move(text)); };
    Status resolved = Status::OK();
    if (spec.kind != notify::NotifierKind::kCommand) {
      auto conn = LookUpConnection(store, spec.conn_id);
      if (!conn.ok()) {
        resolved = Status::NotFound("connection '" + spec.conn_id + "': " + conn.status().message());
      } else {
        masker->AddConnection(*conn);
        if (spec.kind == notify::NotifierKind::kWebhook) {
          auto target = WebhookFrom(*conn);
          if (target.ok()) {
            d.webhook = *target;
            masker->Add(d.webhook.url);
          } else {
            resolved = target.status();
          }
        } else {
          d.smtp = SmtpFrom(*conn);
        }
      }
    }
    if (resolved.ok() && !dispatcher_->Submit(d)) {
      resolved = Status::Unavailable("the notification queue is full (" + std::to_string(kQueueCapacity) + ")");
    }
    if (!resolved.ok()) Report(d, resolved, 0);
  }
}

void RunAlerts::ObserveTasks(MetadataStore& store, const DagSpec& dag, const DagRun& run,
                             const std::vector<TaskInstance>& tis, double now) {
  auto run_key = std::make_pair(run.dag_id, run.run_id);
  auto [seen_it, fresh] = seen_.try_emplace(run_key);
  auto& seen = seen_it->second;
  double run_start = RunStart(run);
  // A run that was already under way when this scheduler started: take it as found.
  bool silent = fresh && run_start > 0 && run_start < started_at_;
  for (const auto& ti : tis) {
    std::string now_seen = RunKeyTask(ti);
    auto& last = seen[ti.key.task_id];
    if (last == now_seen) continue;
    last = now_seen;
    if (silent) continue;
    const TaskSpec* task = dag.FindTask(ti.key.task_id);
    if (!task) continue;
    std::optional<double> duration = ti.duration;
    if (!duration && ti.start_date && ti.end_date) {
      auto a = ParseIso(*ti.start_date), b = ParseIso(*ti.end_date);
      if (a && b) duration = *b - *a;
    }
    bool ended = ti.state == TiState::kFailed || ti.state == TiState::kUpForRetry || ti.state == TiState::kSuccess;
    if (metrics_ && ended && duration) {
      metrics_->Observe("arxivflow_task_instance_duration_seconds",
                        "Duration of the task instance tries this scheduler saw end, by DAG, task and state.",
                        metrics::DurationBuckets(),
                        {{"dag_id", ti.key.dag_id}, {"task_id", ti.key.task_id}, {"state", StateName(ti.state)}},
                        *duration);
    }
    const std::vector<notify::NotifierSpec>* hook = nullptr;
    std::string event;
    if (ti.state == TiState::kFailed) hook = &task->hooks.on_failure, event = "failure";
    else if (ti.state == TiState::kUpForRetry) hook = &task->hooks.on_retry, event = "retry";
    else if (ti.state == TiState::kSuccess) hook = &task->hooks.on_success, event = "success";
    if (!hook || hook->empty()) continue;
    notify::Notification n;
    n.event = event;
    n.dag_id = ti.key.dag_id;
    n.run_id = ti.key.run_id;
    n.task_id = ti.key.task_id;
    n.try_number = ti.try_number;
    n.state = StateName(ti.state);
    n.start_date = ti.start_date.value_or("");
    n.end_date = ti.end_date.value_or("");
    n.duration = duration;
    n.log_url = ti.try_number > 0 ? LogUrl(ti) : "";
    n.error = ti.state == TiState::kSuccess ? "" : ti.note;
    Send(store, *hook, n);
  }
  // SLA: not succeeded `sla` seconds after the run started.
  if (run_start <= 0) return;
  auto& missed = sla_missed_[run_key];
  for (const auto& ti : tis) {
    const TaskSpec* task = dag.FindTask(ti.key.task_id);
    if (!task || task->sla <= 0 || ti.state == TiState::kSuccess || ti.state == TiState::kSkipped) continue;
    if (now < run_start + task->sla || missed.count(ti.key.task_id)) continue;
    missed.insert(ti.key.task_id);
    const auto& hook = task->hooks.on_sla_miss.empty() ? dag.hooks.on_sla_miss : task->hooks.on_sla_miss;
    if (hook.empty()) continue;
    notify::Notification n;
    n.event = "sla_miss";
    n.dag_id = ti.key.dag_id;
    n.run_id = ti.key.run_id;
    n.task_id = ti.key.task_id;
    n.try_number = ti.try_number;
    n.state = StateName(ti.state);
    n.start_date = ti.start_date.value_or("");
    n.duration = now - run_start;
    n.log_url = ti.try_number > 0 ? LogUrl(ti) : "";
    char buf[96];
    std::snprintf(buf, sizeof buf, "not succeeded %.0f s after the run started (sla %.0f s)", now - run_start,
                  task->sla);
    n.error = buf;
    Send(store, hook, n);
  }
}

void RunAlerts::RunFinished(MetadataStore& store, const DagSpec& dag, const DagRun& run, DagRunState outcome,
                            const std::string& reason, double now) {
  auto run_key = std::make_pair(run.dag_id, run.run_id);
  seen_.erase(run_key);
  sla_missed_.erase(run_key);
  double run_start = RunStart(run);
  if (metrics_) {
    metrics_->AddCounter("arxivflow_dag_runs_finished_total", "DAG runs this scheduler saw end, by outcome.",
                         {{"dag_id", run.dag_id}, {"state", StateName(outcome)}});
    if (run_start > 0) {
      metrics_->Observe("arxivflow_dag_run_duration_seconds", "Duration of the DAG runs this scheduler saw end.",
                        metrics::DurationBuckets(), {{"dag_id", run.dag_id}, {"state", StateName(outcome)}},
                        now - run_start);
    }
  }
  const auto& hook = outcome == DagRunState::kFailed ? dag.hooks.on_failure : dag.hooks.on_success;
  if (hook.empty()) return;
  notify::Notification n;
  n.event = outcome == DagRunState::kFailed ? "failure" : "success";
  n.dag_id = run.dag_id;
  n.run_id = run.run_id;
  n.state = StateName(outcome);
  n.start_date = run.start_date.value_or("");
  n.end_date = FormatIso(now);
  if (run_start > 0) n.duration = now - run_start;
  n.log_url = base_url_ + "/dags/" + PercentEncode(run.dag_id) + "/grid?dag_run_id=" + PercentEncode(run.run_id);
  n.error = reason;
  Send(store, hook, n);
}

void RunAlerts::Retain(const std::set<std::pair<std::string, std::string>>& active) {
  for (auto it = seen_.begin(); it != seen_.end();) it = active.count(it->first) ? std::next(it) : seen_.erase(it);
  for (auto it = sla_missed_.begin(); it != sla_missed_.end();) {
    it = active.count(it->first) ? std::next(it) : sla_missed_.erase(it);
  }
}

}  // namespace arxivflow::orchestrator
