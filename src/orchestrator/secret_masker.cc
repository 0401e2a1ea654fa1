#include "orchestrator/secret_masker.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/secret_names.h"
#include "orchestrator/connection.h"

namespace arxivflow::orchestrator {

namespace {

// Every string (and number) under `value`; all of it is secret.
void CollectAll(const nlohmann::json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_number()) {
    out.push_back(value.dump());
  } else if (value.is_structured()) {
    for (const auto& child : value) CollectAll(child, out);
  }
}

// The values held under secret names anywhere inside `value`.
void CollectSecrets(const nlohmann::json& value, std::vector<std::string>& out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      if (IsSecretName(key)) {
        CollectAll(child, out);
      } else {
        CollectSecrets(child, out);
      }
    }
  } else if (value.is_array()) {
    for (const auto& child : value) CollectSecrets(child, out);
  }
}

}  // namespace

void SecretMasker::Add(const std::string& secret) {
  if (secret.size() < kMinSecretLength) return;
  std::vector<std::string> values = {secret};
  // A multi-line secret (a PEM key) reaches a log line by line too; the
  // armour lines ("-----BEGIN ... KEY-----") are not secret.
  for (size_t start = 0, nl; secret.find('\n') != std::string::npos && start < secret.size(); start = nl + 1) {
    nl = secret.find('\n', start);
    if (nl == std::string::npos) nl = secret.size();
    std::string line = secret.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() >= kMinSecretLength && line.rfind("-----", 0) != 0) values.push_back(line);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& v : values) {
    if (std::find(secrets_.begin(), secrets_.end(), v) == secrets_.end()) secrets_.push_back(std::move(v));
  }
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void SecretMasker::AddConnection(const Connection& c) {
  Add(c.password);
  if (!c.password.empty()) Add(c.ToUri());
  std::vector<std::string> extras;
  CollectSecrets(c.extra, extras);
  for (const auto& e : extras) Add(e);
}

void SecretMasker::AddEnvironment(const std::vector<std::string>& environment) {
  static const std::string kConnPrefix = "ARXIVFLOW_CONN_";
  for (const auto& entry : environment) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string name = entry.substr(0, eq), value = entry.substr(eq + 1);
    if (name.compare(0, kConnPrefix.size(), kConnPrefix) == 0) {
      Add(value);
      auto conn = ParseConnectionUri(name.substr(kConnPrefix.size()), value);
      if (conn.ok()) AddConnection(*conn);
    } else if (IsSecretName(name)) {
      Add(value);
    }
  }
}

std::string SecretMasker::Mask(std::string text) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : secrets_) {
    size_t pos = 0;
    while ((pos = text.find(s, pos)) != std::string::npos) {
      text.replace(pos, s.size(), "***");
      pos += 3;
    }
  }
  return text;
}

}  // namespace arxivflow::orchestrator
