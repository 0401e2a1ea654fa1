#include "notify/notifier_spec.h"

#include <cstdio>
#include <set>

namespace arxivflow::notify {

const char* NotifierKindName(NotifierKind kind) {
  switch (kind) {
    case NotifierKind::kWebhook: return "webhook";
    case NotifierKind::kEmail: return "email";
    case NotifierKind::kCommand: return "command";
  }
  return "?";
}

namespace {

using nlohmann::json;

Result<std::vector<std::string>> StringList(const json& v, const std::string& where, size_t max) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array()) {
    for (const auto& e : v) {
      // YAML reads `true` or `1` as a boolean or a number: they mean their text.
      if (!e.is_string() && !e.is_number() && !e.is_boolean()) {
        return Status::InvalidArgument(where + " must be a list of strings");
      }
      out.push_back(e.is_string() ? e.get<std::string>() : e.dump());
    }
  } else {
    return Status::InvalidArgument(where + " must be a string or a list of strings");
  }
  if (out.size() > max) return Status::InvalidArgument(where + " has more than " + std::to_string(max) + " entries");
  return out;
}

Result<NotifierSpec> ParseOne(const json& v, const std::string& where) {
  if (!v.is_object()) {
    return Status::InvalidArgument(where + " must be a map like {notifier: webhook, conn_id: alerts_webhook}");
  }
  static const std::set<std::string> kKeys = {"notifier", "conn_id", "to", "argv", "timeout", "retries", "retry_delay"};
  for (const auto& [k, _] : v.items()) {
    if (!kKeys.count(k)) {
      return Status::InvalidArgument(where + ": unknown key '" + k +
                                     "'; expected notifier, conn_id, to, argv, timeout, retries, retry_delay");
    }
  }
  NotifierSpec spec;
  if (!v.contains("notifier") || !v["notifier"].is_string()) {
    return Status::InvalidArgument(where + ": missing 'notifier' (webhook, email or command)");
  }
  std::string kind = v["notifier"].get<std::string>();
  if (kind == "webhook") spec.kind = NotifierKind::kWebhook, spec.retries = 2;
  else if (kind == "email") spec.kind = NotifierKind::kEmail, spec.retries = 2, spec.conn_id = "smtp_default";
  else if (kind == "command") spec.kind = NotifierKind::kCommand;
  else return Status::InvalidArgument(where + ": unknown notifier '" + kind + "'; expected webhook, email or command");
  if (v.contains("conn_id")) {
    if (!v["conn_id"].is_string() || v["conn_id"].get<std::string>().empty() ||
        v["conn_id"].get<std::string>().size() > 250) {
      return Status::InvalidArgument(where + ": 'conn_id' must be a connection id");
    }
    spec.conn_id = v["conn_id"].get<std::string>();
  }
  auto number = [&](const char* key, double min, double max, double& out) -> Status {
    if (!v.contains(key)) return Status::OK();
    if (!v[key].is_number() || v[key].get<double>() < min || v[key].get<double>() > max) {
      char range[64];
      std::snprintf(range, sizeof range, "%g to %g", min, max);
      return Status::InvalidArgument(where + ": '" + key + "' must be a number from " + range);
    }
    out = v[key].get<double>();
    return Status::OK();
  };
  AF_RETURN_IF_ERROR(number("timeout", 0.1, 3600, spec.timeout));
  AF_RETURN_IF_ERROR(number("retry_delay", 0, 3600, spec.retry_delay));
  double retries = spec.retries;
  AF_RETURN_IF_ERROR(number("retries", 0, 10, retries));
  if (v.contains("retries") && !v["retries"].is_number_integer()) {
    return Status::InvalidArgument(where + ": 'retries' must be an integer from 0 to 10");
  }
  spec.retries = static_cast<int>(retries);
  if (v.contains("to")) {
    if (spec.kind != NotifierKind::kEmail) return Status::InvalidArgument(where + ": 'to' is for the email notifier");
    AF_ASSIGN_OR_RETURN(spec.to, StringList(v["to"], where + ": 'to'", kMaxRecipients));
    for (const auto& addr : spec.to) {
      bool ok = addr.find('@') != std::string::npos && addr.size() <= 254;
      for (char c : addr) ok = ok && c > ' ' && c != '<' && c != '>' && c != ',' && c != 0x7f;
      if (!ok) return Status::InvalidArgument(where + ": 'to' entry '" + addr + "' is not an e-mail address");
    }
  }
  if (v.contains("argv")) {
    if (spec.kind != NotifierKind::kCommand) return Status::InvalidArgument(where + ": 'argv' is for the command notifier");
    AF_ASSIGN_OR_RETURN(spec.argv, StringList(v["argv"], where + ": 'argv'", kMaxArgs));
    for (const auto& a : spec.argv) {
      if (a.find('\0') != std::string::npos) return Status::InvalidArgument(where + ": 'argv' holds a NUL byte");
    }
  }
  switch (spec.kind) {
    case NotifierKind::kWebhook:
      if (spec.conn_id.empty()) return Status::InvalidArgument(where + ": the webhook notifier needs 'conn_id'");
      break;
    case NotifierKind::kEmail:
      if (spec.to.empty()) return Status::InvalidArgument(where + ": the email notifier needs 'to'");
      break;
    case NotifierKind::kCommand:
      if (spec.argv.empty() || spec.argv[0].empty()) {
        return Status::InvalidArgument(where + ": the command notifier needs a non-empty 'argv'");
      }
      if (v.contains("conn_id")) return Status::InvalidArgument(where + ": 'conn_id' is not for the command notifier");
      break;
  }
  return spec;
}

}  // namespace

Result<std::vector<NotifierSpec>> ParseNotifiers(const json& value, const std::string& hook) {
  std::vector<NotifierSpec> out;
  if (value.is_null()) return out;
  if (value.is_object()) {
    AF_ASSIGN_OR_RETURN(auto one, ParseOne(value, hook));
    out.push_back(std::move(one));
    return out;
  }
  if (!value.is_array()) return Status::InvalidArgument(hook + " must be a notifier map or a list of them");
  if (value.size() > kMaxNotifiersPerHook) {
    return Status::InvalidArgument(hook + " lists more than " + std::to_string(kMaxNotifiersPerHook) + " notifiers");
  }
  for (size_t i = 0; i < value.size(); ++i) {
    AF_ASSIGN_OR_RETURN(auto one, ParseOne(value[i], hook + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace arxivflow::notify
