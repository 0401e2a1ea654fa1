#include "orchestrator/task_environment.h"

#include <algorithm>

extern char** environ;

namespace arxivflow::orchestrator {

namespace {

std::string NameOf(const std::string& entry) { return entry.substr(0, entry.find('=')); }

}  // namespace

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

bool IsInheritedVariable(const std::string& name) {
  static const char* kInheritedVariables[] = {"PATH", "HOME",     "USER", "LOGNAME", "SHELL",
                                              "LANG", "LANGUAGE", "TZ",   "TMPDIR",  "TERM"};
  for (const char* n : kInheritedVariables) {
    if (name == n) return true;
  }
  return name.rfind("LC_", 0) == 0;
}

std::vector<std::string> TaskEnvironment(const std::vector<std::string>& from, bool inherit_defaults,
                                         const std::vector<std::string>& pass_env) {
  std::vector<std::string> out;
  for (const auto& entry : from) {
    std::string name = NameOf(entry);
    bool keep = inherit_defaults ? IsInheritedVariable(name) : name == "PATH";
    if (!keep) keep = std::find(pass_env.begin(), pass_env.end(), name) != pass_env.end();
    if (keep) out.push_back(entry);
  }
  return out;
}

void SetEnvironmentValue(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  std::string prefix = name + "=";
  for (auto& e : env) {
    if (e.compare(0, prefix.size(), prefix) == 0) {
      e = prefix + value;
      return;
    }
  }
  env.push_back(prefix + value);
}

bool IsValidEnvironmentName(const std::string& name) {
  if (name.empty() || name.size() > 256 || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace arxivflow::orchestrator
