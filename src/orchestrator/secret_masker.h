// SecretMasker: replaces every known secret value in task output with "***".
//
// Contract: Add() registers a value (values shorter than kMinSecretLength are
// ignored: masking "1" or "ok" would garble every line); Mask() replaces every
// occurrence of every registered value, longest first. AddConnection()
// registers a connection's password, its full URI, and every string held under
// an extra whose name is a secret name (common/secret_names.h), at any depth.
// AddEnvironment() registers, from "NAME=value" entries, the values of
// secret-named variables and of ARXIVFLOW_CONN_* URIs (with their passwords
// and secret extras). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

namespace arxivflow::orchestrator {

struct Connection;

class SecretMasker {
 public:
  static constexpr size_t kMinSecretLength = 3;

  void Add(const std::string& secret);
  void AddConnection(const Connection& connection);
  void AddEnvironment(const std::vector<std::string>& environment);
  std::string Mask(std::string text) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;  // longest first
};

}  // namespace arxivflow::orchestrator
