#include "cli/orchestrator_cli_util.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "orchestrator/audit_log.h"

namespace arxivflow::cli {

namespace orch = arxivflow::orchestrator;

RunControlContext OpenRunControlOrFail() {
  RunControlContext c;
  c.store = OpenStoreOrFail();
  c.dags = std::make_unique<orch::DagCatalog>(orch::Paths().dags());
  OkOrFail(c.dags->Refresh(*c.store, /*force=*/true));
  c.control = std::make_unique<orch::RunControl>(*c.store, *c.dags, orch::AuditListener(*c.store));
  return c;
}

orch::Actor CliActor() {
  std::string user;
  if (const passwd* pw = getpwuid(getuid())) user = pw->pw_name;
  if (user.empty()) {
    const char* env = std::getenv("USER");
    user = env ? env : std::to_string(getuid());
  }
  return {user, "cli"};
}

orch::DagSpec DagOrFail(const RunControlContext& context, const std::string& dag_id) {
  auto dag = context.dags->Get(dag_id);
  if (dag.ok()) return std::move(*dag);
  if (dag.status().code() == Status::Code::kNotFound) {
    Fail("DAG '" + dag_id + "' not found in " + context.dags->folder() + " (see `arxivflow dags list-import-errors`)");
  }
  Fail(dag.status().message());
}

}  // namespace arxivflow::cli
