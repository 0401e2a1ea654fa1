#include "metrics/registry.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace arxivflow::metrics {

const std::vector<double>& DurationBuckets() {
  static const std::vector<double> kBounds = {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600};
  return kBounds;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25,  0.5,    1,     2.5,  5,     10};
  return kBounds;
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || name.substr(0, 2) == "__") return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  // Prefer the shortest form that reads back the same.
  for (int precision = 6; precision < 17; ++precision) {
    char shorter[40];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, value);
    if (std::strtod(shorter, nullptr) == value) return shorter;
  }
  return buf;
}

Registry::Series* Registry::Find(const std::string& name, const std::string& help, Type type,
                                 const std::vector<double>* bounds, const Labels& labels) {
  bool valid = IsValidMetricName(name);
  for (const auto& [k, v] : labels) valid = valid && IsValidLabelName(k) && k != "le";
  if (!valid) {
    ++dropped_;
    return nullptr;
  }
  auto [it, fresh] = families_.try_emplace(name);
  Family& f = it->second;
  if (fresh) {
    f.type = type;
    f.help = help;
    if (bounds) f.bounds = *bounds;
  } else if (f.type != type || (bounds && *bounds != f.bounds)) {
    ++dropped_;
    return nullptr;
  }
  auto s = f.series.find(labels);
  if (s != f.series.end()) return &s->second;
  if (f.series.size() >= kMaxSeriesPerFamily) {
    ++dropped_;
    return nullptr;
  }
  Series& created = f.series[labels];
  created.buckets.assign(f.bounds.size(), 0);
  return &created;
}

void Registry::AddCounter(const std::string& name, const std::string& help, const Labels& labels, double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Series* s = Find(name, help, Type::kCounter, nullptr, labels); s && delta >= 0) s->value += delta;
}

void Registry::SetGauge(const std::string& name, const std::string& help, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Series* s = Find(name, help, Type::kGauge, nullptr, labels)) s->value = value;
}

void Registry::Observe(const std::string& name, const std::string& help, const std::vector<double>& buckets,
                       const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  Series* s = Find(name, help, Type::kHistogram, &buckets, labels);
  if (!s || std::isnan(value)) return;
  for (size_t i = 0; i < buckets.size(); ++i) {
    if (value <= buckets[i]) {
      ++s->buckets[i];
      break;
    }
  }
  ++s->count;
  s->sum += value;
}

namespace {

std::string LabelText(const Labels& labels, const std::string& extra_name = "", const std::string& extra_value = "") {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    out += (first ? "" : ",") + k + "=\"" + EscapeLabelValue(v) + "\"";
    first = false;
  }
  if (!extra_name.empty()) out += (first ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
  return out + "}";
}

}  // namespace

std::string Registry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    const char* type = f.type == Type::kCounter ? "counter" : f.type == Type::kGauge ? "gauge" : "histogram";
    out += "# HELP " + name + " " + EscapeHelp(f.help) + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& [labels, s] : f.series) {
      if (f.type != Type::kHistogram) {
        out += name + LabelText(labels) + " " + FormatSampleValue(s.value) + "\n";
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i < f.bounds.size(); ++i) {
        cumulative += s.buckets[i];
        out += name + "_bucket" + LabelText(labels, "le", FormatSampleValue(f.bounds[i])) + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_bucket" + LabelText(labels, "le", "+Inf") + " " + std::to_string(s.count) + "\n";
      out += name + "_sum" + LabelText(labels) + " " + FormatSampleValue(s.sum) + "\n";
      out += name + "_count" + LabelText(labels) + " " + std::to_string(s.count) + "\n";
    }
  }
  if (dropped_) {
    out += "# HELP " + dropped_name_ + " Observations refused (bad name, changed type, too many series).\n";
    out += "# TYPE " + dropped_name_ + " counter\n";
    out += dropped_name_ + " " + std::to_string(dropped_) + "\n";
  }
  return out;
}

}  // namespace arxivflow::metrics
