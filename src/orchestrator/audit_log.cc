#include "orchestrator/audit_log.h"

#include <map>

#include "common/logging.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

namespace {

nlohmann::json NullIfEmpty(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

std::string BoundedExtra(const nlohmann::json& extra) {
  std::string text = extra.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() <= kMaxExtraBytes) return text;
  nlohmann::json cut = {{"truncated", true}, {"bytes", text.size()}};
  return cut.dump();
}

}  // namespace

std::string AuditOwner(const Actor& actor) {
  if (actor.origin == "cli") return "cli:" + actor.user;
  return actor.user;
}

Status RecordAudit(MetadataStore& store, const Actor& actor, const std::string& event, AuditRecord record) {
  record.event = event;
  record.owner = AuditOwner(actor);
  record.origin = actor.origin;
  record.when = FormatIso(NowEpoch());
  return store.AppendAudit(record).status();
}

Status RecordAudit(MetadataStore& store, const Actor& actor, const std::string& event, AuditRecord record,
                   const nlohmann::json& extra) {
  record.extra = BoundedExtra(extra);
  return RecordAudit(store, actor, event, std::move(record));
}

Status RecordLoginEvent(MetadataStore& store, const std::string& event, const std::string& username,
                        size_t typed_name_bytes, const std::string& address) {
  AuditRecord r;
  r.event = event;
  r.owner = username;
  r.origin = "api " + address;
  double now = NowEpoch();
  r.when = FormatIso(now);
  if (event != "failed_login") return store.AppendAudit(r).status();
  if (username.empty()) r.extra = nlohmann::json({{"unknown_user_name_bytes", typed_name_bytes}}).dump();
  return store.AppendAudit(r, FormatIso(now - kFailedLoginFoldSeconds), kMaxFailedLoginRows).status();
}

RunControlListener AuditListener(MetadataStore& store) {
  return [&store](const Actor& actor, const std::string& verb, const std::vector<StateChange>& changes) {
    // One row per DAG or run touched, in the order first seen.
    std::vector<std::pair<std::string, std::string>> order;
    std::map<std::pair<std::string, std::string>, std::vector<const StateChange*>> by_run;
    for (const auto& c : changes) {
      auto key = std::make_pair(c.dag_id, c.run_id);
      if (!by_run.count(key)) order.push_back(key);
      by_run[key].push_back(&c);
    }
    for (const auto& key : order) {
      const auto& list = by_run[key];
      AuditRecord r;
      r.dag_id = key.first;
      r.run_id = key.second;
      std::string only_task;
      bool one_task = true;
      nlohmann::json items = nlohmann::json::array();
      for (const StateChange* c : list) {
        if (!c->task_id.empty()) {
          if (only_task.empty()) only_task = c->task_id;
          else if (only_task != c->task_id) one_task = false;
        }
        if (items.size() >= kMaxChangesPerRow) continue;
        nlohmann::json item = {{"field", c->field}, {"before", c->before}, {"after", c->after}};
        if (!c->task_id.empty()) item["task_id"] = c->task_id;
        items.push_back(std::move(item));
      }
      if (one_task) r.task_id = only_task;
      if (!r.run_id.empty()) {
        auto run = store.GetDagRun(r.dag_id, r.run_id);
        if (run.ok() && *run) r.logical_date = (*run)->logical_date;
      }
      nlohmann::json extra = {{"changes", items}};
      if (list.size() > items.size()) extra["more_changes"] = list.size() - items.size();
      Status st = RecordAudit(store, actor, verb, r, extra);
      if (!st.ok()) spdlog::error("audit log: could not record {} on {}: {}", verb, key.first, st.message());
    }
  };
}

Result<EventLogPage> ListEventLogs(MetadataStore& store, AuditQuery query) {
  if (query.limit < 0 || query.limit > kMaxEventLogPage) {
    return Status::InvalidArgument("limit must be between 0 and " + std::to_string(kMaxEventLogPage));
  }
  if (query.offset < 0) return Status::InvalidArgument("offset must not be negative");
  // Stored times are FormatIso text: any ISO spelling of a bound becomes that.
  for (std::string* bound : {&query.before, &query.after}) {
    if (bound->empty()) continue;
    auto t = ParseIso(*bound);
    if (!t) return Status::InvalidArgument("'" + *bound + "' is not an ISO 8601 date or time");
    *bound = FormatIso(*t);
  }
  if (!query.order_by.empty() && query.order_by[0] == '-') {
    query.order_desc = true;
    query.order_by = query.order_by.substr(1);
  }
  if (query.order_by.empty()) query.order_by = "event_log_id";
  EventLogPage page;
  AF_ASSIGN_OR_RETURN(page.items, store.ListAudit(query));
  AF_ASSIGN_OR_RETURN(page.total, store.CountAudit(query));
  return page;
}

Result<AuditRecord> GetEventLog(MetadataStore& store, int64_t id) {
  AF_ASSIGN_OR_RETURN(auto record, store.GetAudit(id));
  if (!record) return Status::NotFound("event log " + std::to_string(id) + " not found");
  return *record;
}

std::vector<std::string> SplitEventNames(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

nlohmann::json EventLogJson(const AuditRecord& r) {
  return {{"event_log_id", r.id},
          {"when", r.when},
          {"dag_id", NullIfEmpty(r.dag_id)},
          {"task_id", NullIfEmpty(r.task_id)},
          {"run_id", NullIfEmpty(r.run_id)},
          {"map_index", r.map_index ? nlohmann::json(*r.map_index) : nlohmann::json(nullptr)},
          {"try_number", r.try_number ? nlohmann::json(*r.try_number) : nlohmann::json(nullptr)},
          {"event", r.event},
          {"execution_date", NullIfEmpty(r.logical_date)},
          {"logical_date", NullIfEmpty(r.logical_date)},
          {"owner", NullIfEmpty(r.owner)},
          {"extra", NullIfEmpty(r.extra)},
          {"origin", r.origin},
          {"count", r.count}};
}

}  // namespace arxivflow::orchestrator
