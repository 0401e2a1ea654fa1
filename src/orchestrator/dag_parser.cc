#include "orchestrator/dag_parser.h"
#include "common/yaml_text.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "orchestrator/operators.h"
#include "orchestrator/template.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

namespace {

using nlohmann::json;

// Carries the file name and the current object so every message names both.
struct ParseError {
  std::string message;
};

std::string MarkText(const YAML::Node& node) {
  auto m = node.Mark();
  if (m.line < 0) return "";
  return " (line " + std::to_string(m.line + 1) + ")";
}

[[noreturn]] void Throw(const std::string& where, const std::string& what) {
  throw ParseError{where.empty() ? what : where + ": " + what};
}

json ScalarToJson(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted: always a string
  if (s == "null" || s == "~" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (!s.empty()) {
    char* end = nullptr;
    errno = 0;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (*end == '\0' && errno == 0 && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '+')) return i;
    double d = std::strtod(s.c_str(), &end);
    if (*end == '\0' && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '.' || s[0] == '+')) return d;
  }
  return s;
}

json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return ScalarToJson(node);
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& child : node) arr.push_back(ToJson(child));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : node) obj[kv.first.as<std::string>()] = ToJson(kv.second);
      return obj;
    }
  }
  return nullptr;
}

void CheckKeys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& where) {
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      Throw(where, "unknown key '" + key + "'" + MarkText(kv.first) + "; expected one of: " + list);
    }
  }
}

std::string AsString(const YAML::Node& node, const std::string& where, const std::string& key) {
  if (!node.IsScalar()) Throw(where, "'" + key + "' must be a string" + MarkText(node));
  return node.Scalar();
}

double AsSeconds(const YAML::Node& node, const std::string& where, const std::string& key) {
  json v = node.IsScalar() ? ScalarToJson(node) : json();
  if (!v.is_number() || v.get<double>() < 0) {
    Throw(where, "'" + key + "' must be a number of seconds >= 0" + MarkText(node));
  }
  return v.get<double>();
}

int AsInt(const YAML::Node& node, const std::string& where, const std::string& key, int min) {
  json v = node.IsScalar() ? ScalarToJson(node) : json();
  if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > 1000000) {
    Throw(where, "'" + key + "' must be an integer >= " + std::to_string(min) + MarkText(node));
  }
  return static_cast<int>(v.get<long long>());
}

bool AsBool(const YAML::Node& node, const std::string& where, const std::string& key) {
  json v = node.IsScalar() ? ScalarToJson(node) : json();
  if (!v.is_boolean()) Throw(where, "'" + key + "' must be true or false" + MarkText(node));
  return v.get<bool>();
}

bool IsValidId(const std::string& id) {
  if (id.empty() || id.size() > 250) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  }
  return true;
}

const std::set<std::string> kPolicyKeys = {"retries", "retry_delay", "retry_exponential_backoff",
                                            "max_retry_delay", "execution_timeout"};
// Keys default_args passes on to every task besides the retry policy.
const std::set<std::string> kTaskHookKeys = {"on_failure", "on_retry", "on_success", "on_sla_miss", "sla"};

std::vector<notify::NotifierSpec> Notifiers(const YAML::Node& node, const std::string& where, const std::string& key) {
  auto parsed = notify::ParseNotifiers(ToJson(node), key);
  if (!parsed.ok()) Throw(where, parsed.status().message() + MarkText(node));
  return *parsed;
}

// Applies the hook keys (and sla) present in `map` over `hooks`/`sla`.
void ApplyHooks(const YAML::Node& map, notify::Hooks& hooks, double* sla, const std::string& where) {
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    if (key == "on_failure") hooks.on_failure = Notifiers(kv.second, where, key);
    else if (key == "on_retry") hooks.on_retry = Notifiers(kv.second, where, key);
    else if (key == "on_success") hooks.on_success = Notifiers(kv.second, where, key);
    else if (key == "on_sla_miss") hooks.on_sla_miss = Notifiers(kv.second, where, key);
    else if (key == "sla" && sla) {
      *sla = kv.second.IsNull() ? 0 : AsSeconds(kv.second, where, key);
    }
  }
}

void ApplyPolicy(const YAML::Node& map, RetryPolicy& p, const std::string& where) {
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    if (key == "retries") p.retries = AsInt(kv.second, where, key, 0);
    else if (key == "retry_delay") p.retry_delay = AsSeconds(kv.second, where, key);
    else if (key == "retry_exponential_backoff") p.retry_exponential_backoff = AsBool(kv.second, where, key);
    else if (key == "max_retry_delay") p.max_retry_delay = AsSeconds(kv.second, where, key);
    else if (key == "execution_timeout") {
      p.execution_timeout = kv.second.IsNull() ? 0 : AsSeconds(kv.second, where, key);
    }
  }
}

// Expands `expand` into a list of items (objects of scalar strings).
std::vector<json> ExpandItems(const YAML::Node& node, const std::string& where) {
  std::vector<json> items;
  if (node.IsSequence()) {
    for (const auto& entry : node) {
      if (!entry.IsMap()) Throw(where, "'expand' list entries must be maps like {table: papers}" + MarkText(entry));
      json item = json::object();
      for (const auto& kv : entry) {
        if (!kv.second.IsScalar()) Throw(where, "'expand' values must be scalars" + MarkText(kv.second));
        item[kv.first.as<std::string>()] = kv.second.Scalar();
      }
      items.push_back(item);
    }
  } else if (node.IsMap()) {
    // Cartesian product over every key's list, like Airflow's expand().
    items.push_back(json::object());
    for (const auto& kv : node) {
      auto key = kv.first.as<std::string>();
      if (!kv.second.IsSequence() || kv.second.size() == 0) {
        Throw(where, "'expand." + key + "' must be a non-empty list" + MarkText(kv.second));
      }
      std::vector<json> next;
      for (const auto& base : items) {
        for (const auto& v : kv.second) {
          if (!v.IsScalar()) Throw(where, "'expand." + key + "' values must be scalars" + MarkText(v));
          json item = base;
          item[key] = v.Scalar();
          next.push_back(item);
        }
      }
      items = std::move(next);
    }
  } else {
    Throw(where, "'expand' must be a map of lists or a list of maps" + MarkText(node));
  }
  if (items.empty()) Throw(where, "'expand' produced no items");
  if (items.size() > 10000) Throw(where, "'expand' produced more than 10000 tasks");
  return items;
}

std::string RenderItemId(const std::string& pattern, const json& item, const std::string& where) {
  auto rendered = RenderTemplate(pattern, [&](const std::string& expr) -> Result<std::string> {
    if (expr.rfind("item.", 0) == 0) {
      auto key = expr.substr(5);
      if (item.contains(key)) return item[key].get<std::string>();
      return Status::InvalidArgument("item has no key '" + key + "'");
    }
    return Status::InvalidArgument("only {{ item.X }} may appear in a task_id, not '" + expr + "'");
  });
  if (!rendered.ok()) Throw(where, rendered.status().message());
  return *rendered;
}

std::vector<std::string> SplitList(std::string text) {
  std::vector<std::string> out;
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
  };
  text = trim(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    part = trim(part);
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

struct RawTask {
  TaskSpec spec;
  std::vector<std::string> upstream_patterns;
  std::string where;
};

// Resolves a task id or glob ("loading_table_*") into ids; empty = unknown.
std::vector<std::string> Resolve(const std::string& pattern, const std::vector<RawTask>& tasks) {
  std::vector<std::string> out;
  bool glob = pattern.find_first_of("*?[") != std::string::npos;
  for (const auto& t : tasks) {
    if (glob ? fnmatch(pattern.c_str(), t.spec.task_id.c_str(), 0) == 0 : pattern == t.spec.task_id) {
      out.push_back(t.spec.task_id);
    }
  }
  return out;
}

DagSpec ParseOneDag(const YAML::Node& root, const std::string& file) {
  if (!root.IsMap()) Throw(file, "a DAG document must be a map with dag_id and tasks");
  CheckKeys(root,
            {"dag_id", "description", "schedule", "schedule_interval", "start_date", "catchup",
             "max_active_runs", "is_paused_upon_creation", "tags", "params", "default_args", "tasks",
             "dependencies", "dagrun_timeout", "on_failure", "on_success", "on_sla_miss"},
            file);
  DagSpec dag;
  dag.fileloc = file;
  if (!root["dag_id"]) Throw(file, "missing 'dag_id'");
  dag.dag_id = AsString(root["dag_id"], file, "dag_id");
  if (!IsValidId(dag.dag_id)) {
    Throw(file, "dag_id '" + dag.dag_id + "' may only contain letters, digits, '_', '-' and '.'");
  }
  const std::string where = file + ": DAG '" + dag.dag_id + "'";
  if (root["description"]) dag.description = AsString(root["description"], where, "description");
  for (const char* key : {"schedule", "schedule_interval"}) {
    if (const auto& n = root[key]) {
      std::string text = n.IsNull() ? "none" : AsString(n, where, key);
      auto sched = Schedule::Parse(text);
      if (!sched.ok()) Throw(where, sched.status().message());
      dag.schedule = *sched;
    }
  }
  if (const auto& n = root["start_date"]) {
    auto t = ParseIso(AsString(n, where, "start_date"));
    if (!t) Throw(where, "start_date '" + n.Scalar() + "' is not a date like 2026-01-01 or 2026-01-01T00:00:00Z");
    dag.start_date = *t;
  } else if (dag.schedule.kind() != Schedule::Kind::kNone) {
    Throw(where, "a scheduled DAG needs a 'start_date'");
  }
  if (root["catchup"]) dag.catchup = AsBool(root["catchup"], where, "catchup");
  if (root["max_active_runs"]) dag.max_active_runs = AsInt(root["max_active_runs"], where, "max_active_runs", 1);
  if (root["is_paused_upon_creation"]) {
    dag.is_paused_upon_creation = AsBool(root["is_paused_upon_creation"], where, "is_paused_upon_creation");
  }
  if (const auto& n = root["tags"]) {
    if (!n.IsSequence()) Throw(where, "'tags' must be a list");
    for (const auto& t : n) dag.tags.push_back(AsString(t, where, "tags"));
  }
  if (const auto& n = root["params"]) {
    if (!n.IsMap() && !n.IsNull()) Throw(where, "'params' must be a map");
    if (n.IsMap()) dag.params = ToJson(n);
  }
  if (const auto& n = root["dagrun_timeout"]) {
    dag.dagrun_timeout = n.IsNull() ? 0 : AsSeconds(n, where, "dagrun_timeout");
  }
  ApplyHooks(root, dag.hooks, nullptr, where);
  RetryPolicy defaults;
  notify::Hooks default_hooks;
  double default_sla = 0;
  if (const auto& n = root["default_args"]) {
    if (!n.IsMap()) Throw(where, "'default_args' must be a map");
    std::set<std::string> keys = kPolicyKeys;
    keys.insert(kTaskHookKeys.begin(), kTaskHookKeys.end());
    CheckKeys(n, keys, where + ": default_args");
    ApplyPolicy(n, defaults, where + ": default_args");
    ApplyHooks(n, default_hooks, &default_sla, where + ": default_args");
  }

  const auto& tasks_node = root["tasks"];
  if (!tasks_node || !tasks_node.IsSequence() || tasks_node.size() == 0) {
    Throw(where, "'tasks' must be a non-empty list");
  }
  std::vector<RawTask> raw;
  std::set<std::string> seen;
  std::set<std::string> task_keys = {"task_id", "operator", "args", "upstream", "trigger_rule", "expand", "doc"};
  task_keys.insert(kPolicyKeys.begin(), kPolicyKeys.end());
  task_keys.insert(kTaskHookKeys.begin(), kTaskHookKeys.end());
  size_t index = 0;
  for (const auto& tn : tasks_node) {
    ++index;
    std::string twhere = where + ": task #" + std::to_string(index) + MarkText(tn);
    if (!tn.IsMap()) Throw(twhere, "a task must be a map with task_id and operator");
    if (!tn["task_id"]) Throw(twhere, "missing 'task_id'");
    std::string id_pattern = AsString(tn["task_id"], twhere, "task_id");
    twhere = where + ": task '" + id_pattern + "'";
    CheckKeys(tn, task_keys, twhere);
    TaskSpec base;
    if (!tn["operator"]) Throw(twhere, "missing 'operator'");
    base.operator_name = AsString(tn["operator"], twhere, "operator");
    const OperatorDef* op = FindOperator(base.operator_name);
    if (!op) {
      std::string known;
      for (const auto& o : AllOperators()) known += (known.empty() ? "" : ", ") + std::string(o.name);
      Throw(twhere, "unknown operator '" + base.operator_name + "'; known operators: " + known);
    }
    if (const auto& a = tn["args"]) {
      if (!a.IsMap() && !a.IsNull()) Throw(twhere, "'args' must be a map");
      if (a.IsMap()) base.args = ToJson(a);
    }
    Status valid = op->validate(base.args);
    if (!valid.ok()) Throw(twhere, "args: " + valid.message());
    if (const auto& r = tn["trigger_rule"]) {
      auto text = AsString(r, twhere, "trigger_rule");
      if (!ParseTriggerRule(text, base.trigger_rule)) {
        Throw(twhere, "unknown trigger_rule '" + text +
                          "' (all_success, all_done, all_failed, one_failed, one_success, none_failed, always)");
      }
    }
    base.policy = defaults;
    ApplyPolicy(tn, base.policy, twhere);
    base.hooks = default_hooks;
    base.sla = default_sla;
    ApplyHooks(tn, base.hooks, &base.sla, twhere);
    std::vector<std::string> upstream;
    if (const auto& u = tn["upstream"]) {
      if (u.IsScalar()) upstream = SplitList(u.Scalar());
      else if (u.IsSequence()) for (const auto& x : u) upstream.push_back(AsString(x, twhere, "upstream"));
      else if (!u.IsNull()) Throw(twhere, "'upstream' must be a task id or a list of task ids");
    }
    std::vector<json> items = {json::object()};
    bool expanded = false;
    if (const auto& e = tn["expand"]) {
      items = ExpandItems(e, twhere);
      expanded = true;
      if (id_pattern.find("{{") == std::string::npos) {
        Throw(twhere, "an expanded task's task_id must contain {{ item.KEY }} so each copy gets its own id");
      }
    }
    for (const auto& item : items) {
      RawTask rt;
      rt.spec = base;
      rt.spec.item = item;
      rt.spec.task_id = expanded ? RenderItemId(id_pattern, item, twhere) : id_pattern;
      rt.where = where + ": task '" + rt.spec.task_id + "'";
      if (!IsValidId(rt.spec.task_id)) {
        Throw(rt.where, "task_id may only contain letters, digits, '_', '-' and '.'");
      }
      if (!seen.insert(rt.spec.task_id).second) Throw(rt.where, "duplicate task_id");
      rt.upstream_patterns = upstream;
      raw.push_back(std::move(rt));
    }
  }

  // Edges: per-task `upstream` plus the `dependencies` chains.
  std::map<std::string, std::set<std::string>> ups;
  for (const auto& rt : raw) {
    auto& set = ups[rt.spec.task_id];
    for (const auto& pat : rt.upstream_patterns) {
      auto ids = Resolve(pat, raw);
      if (ids.empty()) Throw(rt.where, "upstream '" + pat + "' does not exist");
      for (auto& id : ids) {
        if (id == rt.spec.task_id) Throw(rt.where, "a task cannot be its own upstream");
        set.insert(id);
      }
    }
  }
  if (const auto& deps = root["dependencies"]) {
    if (!deps.IsSequence()) Throw(where, "'dependencies' must be a list of chains like \"a >> b >> c\"");
    for (const auto& chain_node : deps) {
      std::string chain = AsString(chain_node, where, "dependencies");
      std::vector<std::vector<std::string>> stages;
      size_t pos = 0;
      while (true) {
        size_t next = chain.find(">>", pos);
        std::string stage = chain.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        std::vector<std::string> ids;
        for (const auto& pat : SplitList(stage)) {
          auto found = Resolve(pat, raw);
          if (found.empty()) Throw(where, "dependencies '" + chain + "': task '" + pat + "' does not exist");
          ids.insert(ids.end(), found.begin(), found.end());
        }
        if (ids.empty()) Throw(where, "dependencies '" + chain + "': empty step");
        stages.push_back(ids);
        if (next == std::string::npos) break;
        pos = next + 2;
      }
      if (stages.size() < 2) Throw(where, "dependencies '" + chain + "' needs at least two steps joined by >>");
      for (size_t i = 1; i < stages.size(); ++i) {
        for (const auto& down : stages[i]) {
          for (const auto& up : stages[i - 1]) {
            if (up == down) Throw(where, "dependencies '" + chain + "': task '" + up + "' depends on itself");
            ups[down].insert(up);
          }
        }
      }
    }
  }

  // Topological order (Kahn), keeping file order among ready tasks; a leftover
  // means a cycle, which is reported as a path.
  std::map<std::string, size_t> pos_of;
  for (size_t i = 0; i < raw.size(); ++i) pos_of[raw[i].spec.task_id] = i;
  std::map<std::string, int> indegree;
  std::map<std::string, std::vector<std::string>> downs;
  for (const auto& rt : raw) indegree[rt.spec.task_id] = 0;
  for (const auto& [down, set] : ups) {
    indegree[down] = static_cast<int>(set.size());
    for (const auto& up : set) downs[up].push_back(down);
  }
  std::set<size_t> ready;
  for (const auto& rt : raw) if (indegree[rt.spec.task_id] == 0) ready.insert(pos_of[rt.spec.task_id]);
  while (!ready.empty()) {
    size_t i = *ready.begin();
    ready.erase(ready.begin());
    TaskSpec spec = raw[i].spec;
    spec.upstream.assign(ups[spec.task_id].begin(), ups[spec.task_id].end());
    for (const auto& d : downs[spec.task_id]) {
      spec.downstream.push_back(d);
      if (--indegree[d] == 0) ready.insert(pos_of[d]);
    }
    dag.tasks.push_back(std::move(spec));
  }
  if (dag.tasks.size() != raw.size()) {
    // Walk upstream edges from a task left in the cycle until one repeats.
    std::string start;
    for (const auto& [id, deg] : indegree) if (deg > 0) { start = id; break; }
    std::vector<std::string> path;
    std::map<std::string, size_t> at;
    std::string cur = start;
    while (!at.count(cur)) {
      at[cur] = path.size();
      path.push_back(cur);
      for (const auto& up : ups[cur]) {
        if (indegree[up] > 0) { cur = up; break; }
      }
    }
    std::string cycle = cur;  // upstream walk reversed: a >> b >> c >> a
    for (size_t i = path.size(); i-- > at[cur];) cycle += " >> " + path[i];
    Throw(where, "cycle between tasks: " + cycle);
  }
  return dag;
}

}  // namespace

size_t DagFileMaxBytes() {
  if (const char* env = std::getenv("ARXIVFLOW_DAG_FILE_MAX_BYTES"); env && *env) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(env, &end, 10);
    if (*end == '\0' && v > 0) return static_cast<size_t>(v);
  }
  return kDefaultDagFileMaxBytes;
}

Result<std::vector<DagSpec>> ParseDagYaml(const std::string& text, const std::string& fileloc) {
  YamlLimits limits;
  limits.max_bytes = DagFileMaxBytes();
  AF_ASSIGN_OR_RETURN(std::vector<YAML::Node> docs, LoadYamlDocuments(text, fileloc, limits));
  try {
    std::vector<DagSpec> dags;
    std::set<std::string> ids;
    for (const auto& doc : docs) {
      if (doc.IsNull()) continue;
      dags.push_back(ParseOneDag(doc, fileloc));
      if (!ids.insert(dags.back().dag_id).second) {
        return Status::InvalidArgument(fileloc + ": dag_id '" + dags.back().dag_id + "' appears twice");
      }
    }
    if (dags.empty()) return Status::InvalidArgument(fileloc + ": no DAG in file");
    return dags;
  } catch (const ParseError& e) {
    return Status::InvalidArgument(e.message);
  } catch (const YAML::Exception& e) {
    std::string msg = e.msg;
    if (e.mark.line >= 0) {
      return Status::InvalidArgument(fileloc + ":" + std::to_string(e.mark.line + 1) + ":" +
                                     std::to_string(e.mark.column + 1) + ": invalid YAML: " + msg);
    }
    return Status::InvalidArgument(fileloc + ": invalid YAML: " + msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(fileloc + ": " + e.what());
  }
}

Result<std::vector<DagSpec>> ParseDagFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": cannot open DAG file: " + std::strerror(errno));
  struct stat st;
  size_t max_bytes = DagFileMaxBytes();
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return Status::IOError(path + ": not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    close(fd);
    return Status::InvalidArgument(path + ": " + std::to_string(st.st_size) + " bytes; DAG files may hold at most " +
                                   std::to_string(max_bytes) + " bytes (ARXIVFLOW_DAG_FILE_MAX_BYTES)");
  }
  // Read at most one byte more than allowed: the file may grow meanwhile.
  std::string text;
  char buf[65536];
  while (text.size() <= max_bytes) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return ParseDagYaml(text, path);
}

}  // namespace arxivflow::orchestrator
