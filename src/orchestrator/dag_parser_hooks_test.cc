// DAG-file hooks (on_failure, on_retry, on_success, on_sla_miss), sla and
// dagrun_timeout: inheritance through default_args and clear import errors.
#include <gtest/gtest.h>

#include "orchestrator/dag_parser.h"

namespace arxivflow::orchestrator {
namespace {

Result<std::vector<DagSpec>> Parse(const std::string& text) { return ParseDagYaml(text, "dags/x.yaml"); }

TEST(DagParserHooks, TaskHooksComeFromDefaultArgsUnlessTheTaskSetsItsOwn) {
  auto r = Parse(R"(
dag_id: alerting
dagrun_timeout: 600
on_failure: [{notifier: email, to: [ops@example.com]}]
on_success: {notifier: command, argv: [echo, ok]}
default_args:
  sla: 60
  on_failure: {notifier: webhook, conn_id: hook}
  on_retry: {notifier: webhook, conn_id: hook}
tasks:
  - {task_id: a, operator: noop}
  - task_id: b
    operator: noop
    sla: null
    on_retry: []
    on_success: {notifier: command, argv: [true]}
)");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const DagSpec& dag = (*r)[0];
  EXPECT_EQ(dag.dagrun_timeout, 600);
  ASSERT_EQ(dag.hooks.on_failure.size(), 1u);
  EXPECT_EQ(dag.hooks.on_failure[0].kind, notify::NotifierKind::kEmail);
  ASSERT_EQ(dag.hooks.on_success.size(), 1u);
  const TaskSpec* a = dag.FindTask("a");
  const TaskSpec* b = dag.FindTask("b");
  EXPECT_EQ(a->sla, 60);
  ASSERT_EQ(a->hooks.on_failure.size(), 1u);
  EXPECT_EQ(a->hooks.on_failure[0].conn_id, "hook");
  EXPECT_EQ(a->hooks.on_retry.size(), 1u);
  EXPECT_TRUE(a->hooks.on_success.empty());
  EXPECT_EQ(b->sla, 0);
  EXPECT_TRUE(b->hooks.on_retry.empty());
  EXPECT_EQ(b->hooks.on_failure.size(), 1u);
  EXPECT_EQ(b->hooks.on_success.size(), 1u);
}

TEST(DagParserHooks, BadHooksAreImportErrorsNamingTheTaskAndKey) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  const Case cases[] = {
      {"dag_id: d\ntasks:\n  - {task_id: t, operator: noop, on_failure: {notifier: sms}}\n",
       "dags/x.yaml: DAG 'd': task 't': on_failure: unknown notifier 'sms'"},
      {"dag_id: d\ndefault_args: {on_retry: [{notifier: webhook}]}\ntasks:\n  - {task_id: t, operator: noop}\n",
       "DAG 'd': default_args: on_retry[0]: the webhook notifier needs 'conn_id'"},
      {"dag_id: d\non_retry: {notifier: webhook, conn_id: x}\ntasks:\n  - {task_id: t, operator: noop}\n",
       "unknown key 'on_retry'"},
      {"dag_id: d\ndagrun_timeout: -1\ntasks:\n  - {task_id: t, operator: noop}\n",
       "'dagrun_timeout' must be a number of seconds >= 0"},
      {"dag_id: d\ntasks:\n  - {task_id: t, operator: noop, sla: soon}\n", "'sla' must be a number of seconds"},
      {"dag_id: d\ntasks:\n  - {task_id: t, operator: noop, on_success: {notifier: command, argv: []}}\n",
       "on_success: the command notifier needs a non-empty 'argv'"},
  };
  for (const auto& c : cases) {
    auto r = Parse(c.yaml);
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace arxivflow::orchestrator
