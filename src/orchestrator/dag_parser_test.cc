#include "orchestrator/dag_parser.h"

#include <gtest/gtest.h>

namespace arxivflow::orchestrator {
namespace {

Result<std::vector<DagSpec>> Parse(const std::string& text) { return ParseDagYaml(text, "dags/x.yaml"); }

std::string Error(const std::string& text) {
  auto r = Parse(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().message();
}

TEST(DagParser, ParsesTasksRetriesAndTopologicalOrder) {
  auto r = Parse(R"(
dag_id: demo
description: a demo
schedule: "@daily"
start_date: 2026-01-01
default_args: {retries: 2, retry_delay: 10, retry_exponential_backoff: true, max_retry_delay: 25}
params: {size: 3}
tasks:
  - {task_id: end, operator: noop, upstream: [middle]}
  - {task_id: middle, operator: noop, upstream: start, retries: 0, execution_timeout: 5}
  - {task_id: start, operator: noop}
)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const DagSpec& dag = (*r)[0];
  EXPECT_EQ(dag.dag_id, "demo");
  EXPECT_EQ(dag.schedule.kind(), Schedule::Kind::kCron);
  ASSERT_EQ(dag.tasks.size(), 3u);
  EXPECT_EQ(dag.tasks[0].task_id, "start");
  EXPECT_EQ(dag.tasks[1].task_id, "middle");
  EXPECT_EQ(dag.tasks[2].task_id, "end");
  EXPECT_EQ(dag.tasks[0].policy.retries, 2);
  EXPECT_EQ(dag.tasks[1].policy.retries, 0);
  EXPECT_EQ(dag.tasks[1].policy.execution_timeout, 5);
  EXPECT_EQ(dag.tasks[0].policy.DelayAfterTry(1), 10);
  EXPECT_EQ(dag.tasks[0].policy.DelayAfterTry(2), 20);
  EXPECT_EQ(dag.tasks[0].policy.DelayAfterTry(3), 25);  // capped
  EXPECT_EQ(dag.params["size"], 3);
}

TEST(DagParser, ExpandAndDependencyChainsWithGlobs) {
  auto r = Parse(R"(
dag_id: load
tasks:
  - {task_id: Begin_execution, operator: noop}
  - task_id: "loading_table_{{ item.table }}"
    operator: noop
    expand: {table: [papers, authors, abstracts]}
  - {task_id: Stop_execution, operator: noop}
dependencies:
  - "Begin_execution >> loading_table_* >> Stop_execution"
)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const DagSpec& dag = (*r)[0];
  ASSERT_EQ(dag.tasks.size(), 5u);
  const TaskSpec* papers = dag.FindTask("loading_table_papers");
  ASSERT_NE(papers, nullptr);
  EXPECT_EQ(papers->item["table"], "papers");
  EXPECT_EQ(papers->upstream, std::vector<std::string>{"Begin_execution"});
  EXPECT_EQ(dag.FindTask("Stop_execution")->upstream.size(), 3u);
  EXPECT_EQ(dag.tasks.back().task_id, "Stop_execution");
}

TEST(DagParser, RejectsCycleNamingTheTasks) {
  auto msg = Error(R"(
dag_id: cyc
tasks:
  - {task_id: a, operator: noop, upstream: [c]}
  - {task_id: b, operator: noop, upstream: [a]}
  - {task_id: c, operator: noop, upstream: [b]}
)");
  EXPECT_NE(msg.find("dags/x.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cycle"), std::string::npos) << msg;
  EXPECT_NE(msg.find("a >> b"), std::string::npos) << msg;
}

TEST(DagParser, RejectsUnknownUpstreamDuplicateIdsUnknownOperatorBadCron) {
  EXPECT_NE(Error("dag_id: d\ntasks:\n  - {task_id: a, operator: noop, upstream: [zz]}\n")
                .find("task 'a': upstream 'zz' does not exist"),
            std::string::npos);
  EXPECT_NE(Error("dag_id: d\ntasks:\n  - {task_id: a, operator: noop}\n  - {task_id: a, operator: noop}\n")
                .find("task 'a': duplicate task_id"),
            std::string::npos);
  EXPECT_NE(Error("dag_id: d\ntasks:\n  - {task_id: a, operator: bash}\n").find("unknown operator 'bash'"),
            std::string::npos);
  EXPECT_NE(Error("dag_id: d\nschedule: '61 * * * *'\nstart_date: 2026-01-01\ntasks:\n  - {task_id: a, operator: noop}\n")
                .find("minute"),
            std::string::npos);
  EXPECT_NE(Error("dag_id: d\ntasks:\n  - {task_id: a, operator: noop, trigger_rule: sometimes}\n")
                .find("trigger_rule"),
            std::string::npos);
  EXPECT_NE(Error("dag_id: d\ntasks:\n  - {task_id: a, operator: shell, args: {argv: []}}\n").find("argv"),
            std::string::npos);
  EXPECT_NE(Error("dag_id: d\ntasks:\n  - {task_id: a, operator: noop, retires: 3}\n").find("unknown key 'retires'"),
            std::string::npos);
  EXPECT_NE(Error("dag_id: d\ntasks:\n  - task_id: x\n    operator: noop\n    expand: {t: [a, b]}\n")
                .find("must contain {{ item.KEY }}"),
            std::string::npos);
}

TEST(DagParser, BadYamlReportsFileAndLine) {
  auto msg = Error("dag_id: d\ntasks: [\n  - {task_id: a\n");
  EXPECT_EQ(msg.rfind("dags/x.yaml:", 0), 0u) << msg;
  EXPECT_NE(msg.find("invalid YAML"), std::string::npos) << msg;
}

TEST(DagParser, MalformedInputsNeverCrash) {
  for (const char* text : {"", "[]", "42", "dag_id: [1]", "dag_id: d\ntasks: {}", "dag_id: d\ntasks: [1]",
                           "dag_id: d\ntasks:\n - {task_id: a, operator: noop, upstream: {x: 1}}",
                           "dag_id: d\ndependencies: [a]\ntasks:\n - {task_id: a, operator: noop}",
                           "dag_id: d\ndependencies: ['a >> b']\ntasks:\n - {task_id: a, operator: noop}",
                           "dag_id: 'bad id'\ntasks:\n - {task_id: a, operator: noop}", "{{{", "? [a]\n: b"}) {
    EXPECT_FALSE(Parse(text).ok()) << text;
  }
}

}  // namespace
}  // namespace arxivflow::orchestrator
