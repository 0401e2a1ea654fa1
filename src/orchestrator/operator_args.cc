#include "orchestrator/operator_args.h"

namespace arxivflow::orchestrator {

using nlohmann::json;

bool IsScalar(const json& v) { return v.is_string() || v.is_number() || v.is_boolean(); }

std::string ScalarText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

Status CheckOnlyKeys(const json& args, std::initializer_list<const char*> keys) {
  if (!args.is_object() && !args.is_null()) return Status::InvalidArgument("'args' must be a map");
  for (const auto& [k, v] : args.items()) {
    bool ok = false;
    for (const char* key : keys) ok = ok || k == key;
    if (!ok) {
      std::string list;
      for (const char* key : keys) list += (list.empty() ? "" : ", ") + std::string(key);
      return Status::InvalidArgument("unknown arg '" + k + "' (expected: " + list + ")");
    }
  }
  return Status::OK();
}

Status RequireString(const json& args, const char* key, const char* what) {
  if (!args.contains(key)) return Status::InvalidArgument(std::string("'") + key + "' (" + what + ") is required");
  if (!args[key].is_string() || args[key].get<std::string>().empty()) {
    return Status::InvalidArgument(std::string("'") + key + "' must be a non-empty string (" + what + ")");
  }
  return Status::OK();
}

std::string DagRelativePath(const std::string& dag_fileloc, const std::string& path) {
  if (path.empty() || path[0] == '/' || dag_fileloc.empty()) return path;
  return dag_fileloc.substr(0, dag_fileloc.rfind('/') + 1) + path;
}

}  // namespace arxivflow::orchestrator
