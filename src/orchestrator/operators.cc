#include "orchestrator/operators.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/sqlite.h"
#include "common/task_result.h"
#include "orchestrator/connection.h"
#include "orchestrator/operator_args.h"
#include "orchestrator/ssh_operator.h"
#include "orchestrator/task_environment.h"
#include "warehouse/pg_connection.h"

namespace arxivflow::orchestrator {

namespace {

using nlohmann::json;

// ------------------------------------------------------------ validation

Status ValidateNothing(const json&) { return Status::OK(); }

Status ValidateShell(const json& args) {
  AF_RETURN_IF_ERROR(CheckOnlyKeys(args, {"argv", "env", "cwd", "append_env", "pass_env"}));
  if (!args.contains("argv") || !args["argv"].is_array() || args["argv"].empty()) {
    return Status::InvalidArgument("'argv' must be a non-empty list (the program and its arguments; no shell)");
  }
  for (const auto& a : args["argv"]) {
    if (!IsScalar(a)) return Status::InvalidArgument("'argv' elements must be strings");
  }
  if (args.contains("env")) {
    if (!args["env"].is_object()) return Status::InvalidArgument("'env' must be a map of NAME: value");
    for (const auto& [k, v] : args["env"].items()) {
      if (!IsScalar(v)) return Status::InvalidArgument("'env." + k + "' must be a string");
    }
  }
  if (args.contains("pass_env")) {
    const auto& names = args["pass_env"];
    if (!names.is_array()) return Status::InvalidArgument("'pass_env' must be a list of environment variable names");
    for (const auto& n : names) {
      if (!n.is_string() || !IsValidEnvironmentName(n.get<std::string>())) {
        return Status::InvalidArgument("'pass_env' entries must be environment variable names like JAVA_HOME");
      }
    }
  }
  if (args.contains("cwd") && !args["cwd"].is_string()) return Status::InvalidArgument("'cwd' must be a string");
  if (args.contains("append_env") && !args["append_env"].is_boolean()) {
    return Status::InvalidArgument("'append_env' must be true or false");
  }
  return Status::OK();
}

Status ValidateSql(const json& args) {
  AF_RETURN_IF_ERROR(CheckOnlyKeys(args, {"conn", "sql", "sql_file"}));
  if (!args.contains("conn") || !args["conn"].is_string()) return Status::InvalidArgument("'conn' (a connection id) is required");
  bool has_sql = args.contains("sql"), has_file = args.contains("sql_file");
  if (has_sql == has_file) return Status::InvalidArgument("give exactly one of 'sql' (text or list) and 'sql_file'");
  if (has_sql) {
    const auto& sql = args["sql"];
    if (sql.is_array()) {
      for (const auto& s : sql) if (!s.is_string()) return Status::InvalidArgument("'sql' list elements must be strings");
    } else if (!sql.is_string()) {
      return Status::InvalidArgument("'sql' must be a string or a list of strings");
    }
  } else if (!args["sql_file"].is_string()) {
    return Status::InvalidArgument("'sql_file' must be a path");
  }
  return Status::OK();
}

// Operators that run an arxivflow subcommand: every arg becomes --key value
// (lists repeat the flag, true becomes a bare flag, false is left out), and
// `extra_args` is appended as is.
Status ValidateCliArgs(const json& args) {
  for (const auto& [k, v] : args.items()) {
    if (k == "extra_args") {
      if (!v.is_array()) return Status::InvalidArgument("'extra_args' must be a list of strings");
      for (const auto& a : v) if (!IsScalar(a)) return Status::InvalidArgument("'extra_args' elements must be strings");
      continue;
    }
    if (k.empty() || k[0] == '-') return Status::InvalidArgument("arg names are written without dashes: '" + k + "'");
    if (v.is_array()) {
      for (const auto& a : v) if (!IsScalar(a)) return Status::InvalidArgument("'" + k + "' list elements must be strings");
    } else if (!IsScalar(v) && !v.is_null()) {
      return Status::InvalidArgument("'" + k + "' must be a string, number, boolean or list");
    }
  }
  return Status::OK();
}

// ------------------------------------------------------------ execution

Status ExecuteNoop(TaskContext& ctx) {
  ctx.log("noop: nothing to do");
  return Status::OK();
}

Result<std::string> RenderArg(TaskContext& ctx, const json& v, bool allow_secrets = false) {
  return ctx.render(ScalarText(v), allow_secrets);
}

std::string QuoteArgv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`;&|<>(){}*?") == std::string::npos;
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

Status ExecuteShell(TaskContext& ctx) {
  const json& args = ctx.task->args;
  std::vector<std::string> argv;
  for (const auto& a : args["argv"]) {
    AF_ASSIGN_OR_RETURN(auto s, RenderArg(ctx, a));
    argv.push_back(std::move(s));
  }
  // Never the scheduler's whole environment (connection URIs, AWS keys):
  // the inherited basics, the names the DAG passes, and its env: values.
  bool append_env = !args.contains("append_env") || args["append_env"].get<bool>();
  std::vector<std::string> pass_env;
  if (args.contains("pass_env")) {
    for (const auto& n : args["pass_env"]) pass_env.push_back(n.get<std::string>());
  }
  std::vector<std::string> env = TaskEnvironment(CurrentEnvironment(), append_env, pass_env);
  if (args.contains("env")) {
    for (const auto& [k, v] : args["env"].items()) {
      AF_ASSIGN_OR_RETURN(auto value, RenderArg(ctx, v, /*allow_secrets=*/true));
      SetEnvironmentValue(env, k, value);
    }
  }
  std::string cwd;
  if (args.contains("cwd")) {
    AF_ASSIGN_OR_RETURN(cwd, RenderArg(ctx, args["cwd"]));
  }
  int exit_code = -1;
  Status status = RunProcess(ctx, argv, env, cwd, &exit_code);
  if (ctx.set_result && exit_code >= 0) ctx.set_result({{"exit_code", exit_code}});
  return status;
}

Status ExecuteCliOperator(TaskContext& ctx, std::initializer_list<const char*> subcommand) {
  std::vector<std::string> argv = {SelfExecutable()};
  for (const char* s : subcommand) argv.emplace_back(s);
  std::vector<std::string> extra;
  for (const auto& [k, v] : ctx.task->args.items()) {
    if (k == "extra_args") {
      for (const auto& a : v) {
        AF_ASSIGN_OR_RETURN(auto s, RenderArg(ctx, a));
        extra.push_back(std::move(s));
      }
      continue;
    }
    std::string flag = "--" + k;
    std::vector<json> values = v.is_array() ? std::vector<json>(v.begin(), v.end()) : std::vector<json>{v};
    for (const auto& one : values) {
      if (one.is_null() || (one.is_boolean() && !one.get<bool>())) continue;
      if (one.is_boolean()) {
        argv.push_back(flag);
        continue;
      }
      AF_ASSIGN_OR_RETURN(auto s, RenderArg(ctx, one));
      if (s.empty()) continue;  // e.g. an optional variable rendered through default('')
      argv.push_back(flag);
      argv.push_back(std::move(s));
    }
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  // The product's own commands resolve connections and cloud credentials
  // from the environment (ARXIVFLOW_CONN_*, AWS_*), so they inherit it; their
  // output is masked like every task's.
  std::vector<std::string> env = CurrentEnvironment();
  SetEnvironmentValue(env, "ARXIVFLOW_HOME", ctx.home);
  if (!ctx.result_file.empty()) SetEnvironmentValue(env, kTaskResultFileEnv, ctx.result_file);  // rows loaded, checks, ...
  if (!ctx.progress_file.empty()) SetEnvironmentValue(env, kTaskProgressFileEnv, ctx.progress_file);  // shown while it runs
  return RunProcess(ctx, argv, env, "");
}

Status ExecuteTransform(TaskContext& ctx) { return ExecuteCliOperator(ctx, {"transform"}); }
Status ExecuteWarehouseCreate(TaskContext& ctx) { return ExecuteCliOperator(ctx, {"warehouse", "create"}); }
Status ExecuteWarehouseLoad(TaskContext& ctx) { return ExecuteCliOperator(ctx, {"warehouse", "load"}); }
Status ExecuteWarehouseIndex(TaskContext& ctx) { return ExecuteCliOperator(ctx, {"warehouse", "index"}); }
Status ExecuteWarehousePublish(TaskContext& ctx) { return ExecuteCliOperator(ctx, {"warehouse", "publish"}); }
Status ExecuteQualityCheck(TaskContext& ctx) { return ExecuteCliOperator(ctx, {"warehouse", "check"}); }

// The one PostgreSQL client (warehouse/pg_connection.h) on a stored
// postgres or redshift connection.
Status RunPostgres(TaskContext& ctx, const Connection& c, const std::string& sql) {
  warehouse::ConnectionSpec spec;
  spec.kind = c.conn_type == "redshift" ? warehouse::TargetKind::kRedshift : warehouse::TargetKind::kPostgres;
  if (!c.host.empty()) spec.params.emplace_back("host", c.host);
  if (c.port) spec.params.emplace_back("port", std::to_string(c.port));
  if (!c.schema.empty()) spec.params.emplace_back("dbname", c.schema);
  if (!c.login.empty()) spec.params.emplace_back("user", c.login);
  if (!c.password.empty()) spec.params.emplace_back("password", c.password);
  for (const char* key : {"sslmode", "connect_timeout", "application_name"}) {
    if (c.extra.contains(key)) spec.params.emplace_back(key, ScalarText(c.extra[key]));
  }
  auto pg = warehouse::PgConnection::Connect(spec);
  if (!pg.ok()) return Status::Unavailable("connection '" + c.conn_id + "': " + ctx.mask(pg.status().message()));
  Status st = (*pg)->Exec(sql);
  if (!st.ok()) return Status::InvalidArgument("SQL on '" + c.conn_id + "' failed: " + ctx.mask(st.message()));
  return Status::OK();
}

Status RunSqlite(TaskContext& ctx, const Connection& c, const std::string& sql) {
  std::string path = c.host.empty() ? c.schema : c.host;
  sqlite::Database db;
  sqlite::OpenOptions options;
  options.wal = false;  // the user's database keeps its journal mode
  Status opened = db.Open(path, options, "database");
  if (!opened.ok()) return Status::IOError("connection '" + c.conn_id + "': " + opened.message());
  Status st = db.Exec(sql);
  if (!st.ok()) return Status::InvalidArgument("SQL on '" + c.conn_id + "' failed: " + st.message());
  ctx.log(std::to_string(sqlite3_total_changes(db.raw())) + " row(s) changed");
  return Status::OK();
}

// Statements in a script: non-blank pieces between semicolons outside
// quotes and comments (for the task's result).
int CountSqlStatements(const std::string& sql) {
  int count = 0;
  bool content = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      size_t end = sql.find(c, i + 1);
      i = end == std::string::npos ? sql.size() : end;
      content = true;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      i = end == std::string::npos ? sql.size() : end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string::npos ? sql.size() : end + 1;
    } else if (c == ';') {
      if (content) ++count;
      content = false;
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      content = true;
    }
  }
  return count + (content ? 1 : 0);
}

Status ExecuteSql(TaskContext& ctx) {
  const json& args = ctx.task->args;
  AF_ASSIGN_OR_RETURN(auto conn_id, RenderArg(ctx, args["conn"]));
  AF_ASSIGN_OR_RETURN(auto conn, ctx.get_connection(conn_id));
  std::string script;
  if (args.contains("sql_file")) {
    AF_ASSIGN_OR_RETURN(auto rendered, RenderArg(ctx, args["sql_file"]));
    const std::string path = DagRelativePath(ctx.dag->fileloc, rendered);
    std::ifstream in(path);
    if (!in) return Status::IOError(path + ": cannot read SQL file");
    std::stringstream buf;
    buf << in.rdbuf();
    AF_ASSIGN_OR_RETURN(script, ctx.render(buf.str(), false));
  } else if (args["sql"].is_array()) {
    for (const auto& s : args["sql"]) {
      AF_ASSIGN_OR_RETURN(auto one, RenderArg(ctx, s));
      script += one;
      if (script.find_last_not_of(" \n\t") != std::string::npos && script[script.find_last_not_of(" \n\t")] != ';') script += ";";
      script += "\n";
    }
  } else {
    AF_ASSIGN_OR_RETURN(script, RenderArg(ctx, args["sql"]));
  }
  ctx.log("running SQL on connection '" + conn_id + "' (" + conn.conn_type + "):\n" + script);
  if (ctx.set_result) ctx.set_result({{"statements", CountSqlStatements(script)}});
  if (conn.conn_type == "sqlite") return RunSqlite(ctx, conn, script);
  if (conn.conn_type == "postgres" || conn.conn_type == "redshift") {
    if (CountSqlStatements(script) == 0) return Status::OK();  // only comments: nothing to send
    return RunPostgres(ctx, conn, script);
  }
  return Status::Unsupported("connection '" + conn_id + "' has type '" + conn.conn_type +
                             "'; the sql operator supports sqlite, postgres and redshift");
}

const std::vector<OperatorDef> kOperators = {
    {"noop", "does nothing (Airflow's EmptyOperator)", ValidateNothing, ExecuteNoop},
    {"shell", "runs argv (no shell) with env and cwd", ValidateShell, ExecuteShell},
    {"sql", "runs SQL (inline or sql_file) on a connection (sqlite, postgres, redshift)", ValidateSql, ExecuteSql},
    {"transform", "runs `arxivflow transform` with args as --flags", ValidateCliArgs, ExecuteTransform},
    {"warehouse_create", "runs `arxivflow warehouse create` with args as --flags", ValidateCliArgs, ExecuteWarehouseCreate},
    {"warehouse_load", "runs `arxivflow warehouse load` with args as --flags", ValidateCliArgs, ExecuteWarehouseLoad},
    {"warehouse_index", "runs `arxivflow warehouse index` with args as --flags", ValidateCliArgs, ExecuteWarehouseIndex},
    {"warehouse_publish", "runs `arxivflow warehouse publish` with args as --flags", ValidateCliArgs,
     ExecuteWarehousePublish},
    {"quality_check", "runs `arxivflow warehouse check` with args as --flags", ValidateCliArgs, ExecuteQualityCheck},
    {"ssh", "runs a command on a remote host over an ssh connection, streaming its output", ValidateSshOperator, ExecuteSshOperator},
    {"sftp", "copies one file to (put) or from (get) a remote host over an ssh connection", ValidateSftpOperator, ExecuteSftpOperator},
};

}  // namespace

const OperatorDef* FindOperator(const std::string& name) {
  for (const auto& op : kOperators) if (name == op.name) return &op;
  return nullptr;
}

const std::vector<OperatorDef>& AllOperators() { return kOperators; }

std::string SelfExecutable() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "/proc/self/exe";
  buf[n] = '\0';
  std::string path(buf);
  // A rebuilt binary leaves "(deleted)" on the old inode; /proc/self/exe still runs it.
  if (path.size() > 10 && path.compare(path.size() - 10, 10, " (deleted)") == 0) return "/proc/self/exe";
  return path;
}

Status RunProcess(TaskContext& ctx, const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const std::string& cwd, int* exit_code) {
  if (exit_code) *exit_code = -1;
  if (argv.empty() || argv[0].empty()) return Status::InvalidArgument("empty argv");
  ctx.log("running: " + QuoteArgv(argv) + (cwd.empty() ? "" : " (in " + cwd + ")"));
  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls.
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) return Status::IOError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(out_pipe[1], 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
      int e = errno;
      (void)!write(err_pipe[1], &e, sizeof e);
      _exit(127);
    }
    execvpe(cargv[0], cargv.data(), cenv.data());
    int e = errno;
    (void)!write(err_pipe[1], &e, sizeof e);
    _exit(127);
  }
  if (ctx.child_pid) ctx.child_pid->store(pid);
  close(out_pipe[1]);
  close(err_pipe[1]);
  std::string pending;
  char buf[65536];
  while (true) {
    ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      ctx.log(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
    if (pending.size() > 65536) {  // a very long line without newline
      ctx.log(pending);
      pending.clear();
    }
  }
  if (!pending.empty()) ctx.log(pending);
  close(out_pipe[0]);
  int exec_errno = 0;
  bool exec_failed = read(err_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  close(err_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (ctx.child_pid) ctx.child_pid->store(0);
  if (exec_failed) {
    return Status::InvalidArgument("cannot run '" + argv[0] + "'" + (cwd.empty() ? "" : " in " + cwd) + ": " +
                                   std::strerror(exec_errno));
  }
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    if (exit_code) *exit_code = code;
    ctx.log("process exited with code " + std::to_string(code));
    if (code != 0) return Status::Aborted("'" + argv[0] + "' exited with code " + std::to_string(code));
    return Status::OK();
  }
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return Status::Aborted("'" + argv[0] + "' was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")");
}

}  // namespace arxivflow::orchestrator
