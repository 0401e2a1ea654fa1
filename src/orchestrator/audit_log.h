// The audit log: who changed what, when and from where — one home for writing
// and reading it. Run control reports its verbs through AuditListener(); the
// admin changes (admin_changes.h) and the web server's login layer call
// RecordAudit; the REST API, the CLI and later adapters read through
// ListEventLogs / GetEventLog and render with EventLogJson.
//
// Contract:
// - Recorded: trigger, pause, unpause, clear, mark_dag_run,
//   mark_task_instance (one row per run touched: task_id when one task
//   changed, the changes in `extra` as {"changes": [...]}, at most
//   kMaxChangesPerRow listed); connection_*, variable_*, user_* (create,
//   update, delete; before/after in `extra`); login, logout, failed_login.
// - Never a secret: callers pass before/after already masked (admin_changes
//   masks connection passwords and extras, secret-named variables, password
//   hashes); `extra` is cut to kMaxExtraBytes.
// - Failed logins are bounded: repeats from one owner and origin within
//   kFailedLoginFoldSeconds fold into one row (count + 1), and at most
//   kMaxFailedLoginRows failed_login rows are kept (oldest dropped).
// - The owner is the web user, or "cli:<os user>" for the CLI (origin "cli").
// - Errors: RecordAudit returns the store's Status; the listener only logs
//   (the verb it reports was already committed). ListEventLogs gives
//   kInvalidArgument for a bad limit/offset/order. Thread-safety: that of the
//   MetadataStore passed (one per thread).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/run_control.h"

namespace arxivflow::orchestrator {

inline constexpr size_t kMaxChangesPerRow = 100;
inline constexpr size_t kMaxExtraBytes = 8192;
inline constexpr double kFailedLoginFoldSeconds = 600;
inline constexpr int64_t kMaxFailedLoginRows = 10000;
inline constexpr int64_t kMaxEventLogPage = 1000;

// Event names from a comma-separated list ("a,b,,c" -> a, b, c): the form
// included_events/excluded_events take in the CLI and the REST APIs.
std::vector<std::string> SplitEventNames(const std::string& text);

// "cli:<user>" for the CLI, else the user.
std::string AuditOwner(const Actor& actor);

// Appends one event by `actor` (owner, origin and time are filled in).
Status RecordAudit(MetadataStore& store, const Actor& actor, const std::string& event, AuditRecord record = {});
// Same, with `extra` as a JSON document.
Status RecordAudit(MetadataStore& store, const Actor& actor, const std::string& event, AuditRecord record,
                   const nlohmann::json& extra);

// Login events of the web server: "login", "logout" or "failed_login".
// `username` "" for a failed login under a name that is no user's (it may be
// a mistyped password: never stored, only its length).
Status RecordLoginEvent(MetadataStore& store, const std::string& event, const std::string& username,
                        size_t typed_name_bytes, const std::string& address);

// The run-control listener that records every verb in `store`'s audit log.
RunControlListener AuditListener(MetadataStore& store);

struct EventLogPage {
  std::vector<AuditRecord> items;
  int64_t total = 0;
};

// One page of events. order_by may start with '-' (descending); "" = by id.
Result<EventLogPage> ListEventLogs(MetadataStore& store, AuditQuery query);
// kNotFound for an unknown id.
Result<AuditRecord> GetEventLog(MetadataStore& store, int64_t id);

// Airflow's event log object: event_log_id, when, dag_id, task_id, run_id,
// map_index, try_number, event, execution_date, logical_date, owner, extra,
// plus origin and count.
nlohmann::json EventLogJson(const AuditRecord& record);

}  // namespace arxivflow::orchestrator
