// The audit log over REST, in Airflow's shape: GET /api/v1/eventLogs (filters
// dag_id, task_id, run_id, event, owner, before, after, included_events,
// excluded_events; limit/offset; order_by) and /api/v1/eventLogs/{id}.
// Admins only: the log names users and what they changed.
#include "orchestrator/audit_log.h"
#include "server/json_codec.h"
#include "server/problem.h"
#include "server/web_app.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

HttpResponse AdminsOnly() { return Problem(403, "only admins may read the audit log"); }

}  // namespace

void WebApp::AddEventLogRoutes() {
  Route("GET", "/api/v1/eventLogs", "EventLog", "List audit log events (admins only)", [this](ApiCall& c) {
    if (!c.user.is_admin()) return AdminsOnly();
    auto paging = ParsePaging(c.request, orchestrator::kMaxEventLogPage);
    if (!paging.ok()) return Problem(400, paging.status().message());
    const HttpRequest& r = c.request;
    orchestrator::AuditQuery q = AuditQueryFilters(r);
    q.limit = paging->limit;
    q.offset = paging->offset;
    q.included_events = orchestrator::SplitEventNames(r.Query("included_events"));
    q.excluded_events = orchestrator::SplitEventNames(r.Query("excluded_events"));
    if (q.included_events.size() > 100 || q.excluded_events.size() > 100) {
      return Problem(400, "at most 100 included or excluded events");
    }
    auto page = backend_.ListEventLogs(q);
    if (!page.ok()) return FromStatus(page.status(), "listing event logs");
    json list = json::array();
    for (const auto& e : page->items) list.push_back(orchestrator::EventLogJson(e));
    return JsonResponse({{"event_logs", list}, {"total_entries", page->total}});
  });

  Route("GET", "/api/v1/eventLogs/{event_log_id}", "EventLog", "Get one audit log event (admins only)",
        [this](ApiCall& c) {
          if (!c.user.is_admin()) return AdminsOnly();
          auto id = ParseNonNegative("event_log_id", c.Param("event_log_id"));
          if (!id.ok()) return Problem(400, id.status().message());
          auto event = backend_.GetEventLog(*id);
          if (!event.ok()) return FromStatus(event.status(), "reading an event log");
          return JsonResponse(orchestrator::EventLogJson(*event));
        });
}

}  // namespace arxivflow::server
