// API v2: the audit log as Airflow 3's event logs — GET /api/v2/eventLogs
// (filters dag_id, task_id, run_id, map_index, try_number, owner, event,
// before, after, included_events, excluded_events as repeated or
// comma-separated values; limit/offset; order_by) and
// /api/v2/eventLogs/{event_log_id}. Admins only, as in v1: the log names
// users and what they changed. The query is the audit-log service's
// (orchestrator/audit_log.h), the same v1 and `arxivflow events list` use.
#include "orchestrator/audit_log.h"
#include "server/api_v2.h"
#include "server/json_codec.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

constexpr size_t kMaxEventNames = 100;

// Repeated parameters (Airflow 3's list form) and comma-separated values
// (v1's form) both work.
std::vector<std::string> ListParam(const HttpRequest& request, const char* name) {
  std::vector<std::string> out;
  for (auto [it, end] = request.query.equal_range(name); it != end; ++it) {
    for (auto& event : orchestrator::SplitEventNames(it->second)) out.push_back(std::move(event));
  }
  return out;
}

// Airflow 3's EventLogResponse; `origin` and `count` (repeated failed logins
// folded into one row) are ours.
json EventLogV2(const orchestrator::AuditRecord& record) {
  json j = orchestrator::EventLogJson(record);
  j.erase("execution_date");
  j["dag_display_name"] = j["dag_id"];
  return j;
}

HttpResponse AdminsOnly() { return V2Error(403, "Only admins may read the audit log"); }

}  // namespace

void AddV2EventLogRoutes(const ApiV2Context& v2) {
  Backend& backend = v2.backend;
  json query = PagingParams();
  for (const char* name : {"dag_id", "task_id", "run_id", "owner", "event", "before", "after", "order_by"}) {
    query.push_back(QueryParam(name, {{"type", "string"}}));
  }
  for (const char* name : {"map_index", "try_number"}) query.push_back(QueryParam(name, {{"type", "integer"}}));
  for (const char* name : {"included_events", "excluded_events"}) {
    query.push_back(QueryParam(name, {{"type", "array"}, {"items", {{"type", "string"}}}}));
  }

  v2.Route("GET", "/api/v2/eventLogs", "Event Log", "List audit log events (admins only)", nullptr,
           Ref("EventLogCollectionResponse"), [&backend](ApiCall& c) {
             if (!c.user.is_admin()) return AdminsOnly();
             V2Paging paging;
             if (auto bad = ParseV2Paging(c.request, &paging)) return *bad;
             const HttpRequest& r = c.request;
             orchestrator::AuditQuery q = AuditQueryFilters(r);
             q.limit = std::min(paging.limit, orchestrator::kMaxEventLogPage);
             q.offset = paging.offset;
             q.included_events = ListParam(r, "included_events");
             q.excluded_events = ListParam(r, "excluded_events");
             if (q.included_events.size() > kMaxEventNames || q.excluded_events.size() > kMaxEventNames) {
               return V2Invalid("query", "included_events", "At most 100 event names");
             }
             for (const char* name : {"map_index", "try_number"}) {
               if (r.HasQuery(name) && !ParseNonNegative(name, r.Query(name)).ok()) {
                 return V2Invalid("query", name, "Input should be a valid integer");
               }
             }
             auto page = backend.ListEventLogs(q);
             if (!page.ok()) return V2FromStatus(page.status(), "listing event logs");
             json list = json::array();
             for (const auto& e : page->items) {
               // The audit log records no map index; a try number filter keeps
               // the rows that carry that try.
               if (r.HasQuery("try_number") &&
                   (!e.try_number || std::to_string(*e.try_number) != r.Query("try_number"))) {
                 continue;
               }
               list.push_back(EventLogV2(e));
             }
             return JsonResponse({{"event_logs", list}, {"total_entries", page->total}});
           }, 0, query);

  v2.Route("GET", "/api/v2/eventLogs/{event_log_id}", "Event Log", "One audit log event (admins only)", nullptr,
           Ref("EventLogResponse"), [&backend](ApiCall& c) {
             if (!c.user.is_admin()) return AdminsOnly();
             auto id = ParseNonNegative("event_log_id", c.Param("event_log_id"));
             if (!id.ok()) return V2Invalid("path", "event_log_id", "Input should be a valid integer");
             auto event = backend.GetEventLog(*id);
             if (!event.ok()) return V2FromStatus(event.status(), "reading an event log");
             return JsonResponse(EventLogV2(*event));
           });
}

}  // namespace arxivflow::server
