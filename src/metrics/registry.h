// Registry: counters, gauges and histograms with labels, rendered in the
// Prometheus text exposition format (version 0.0.4).
//
// Contract:
// - A family is named on first use (name, help, type; histograms also fix
//   their bucket bounds then); later calls with another type or other
//   buckets are ignored, so a family keeps one shape. Names must match
//   [a-zA-Z_:][a-zA-Z0-9_:]* and label names [a-zA-Z_][a-zA-Z0-9_]* (checked:
//   a bad name is dropped and counted in the registry's `dropped_name`
//   counter, distinct per registry so several renders can be concatenated).
// - Label values may be any text: Render() escapes backslash, double quote
//   and newline as the format requires, and HELP text likewise.
// - Cardinality is bounded: a family holds at most kMaxSeriesPerFamily label
//   sets; observations of further ones are dropped and counted.
// - Render() lists families in name order, each with its # HELP and # TYPE
//   lines; histograms with cumulative _bucket{le=...} series, +Inf, _sum and
//   _count. Thread-safe: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace arxivflow::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Bucket bounds (seconds) for task and run durations: 1 s to 6 h.
const std::vector<double>& DurationBuckets();
// Bucket bounds (seconds) for request latencies and loop passes: 1 ms to 10 s.
const std::vector<double>& LatencyBuckets();

class Registry {
 public:
  static constexpr size_t kMaxSeriesPerFamily = 10000;

  explicit Registry(std::string dropped_name = "arxivflow_metrics_dropped_total")
      : dropped_name_(std::move(dropped_name)) {}

  void AddCounter(const std::string& name, const std::string& help, const Labels& labels, double delta = 1);
  void SetGauge(const std::string& name, const std::string& help, const Labels& labels, double value);
  void Observe(const std::string& name, const std::string& help, const std::vector<double>& buckets,
               const Labels& labels, double value);

  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    double value = 0;                // counter / gauge
    std::vector<uint64_t> buckets;   // histogram: per bound, not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::vector<double> bounds;
    std::map<Labels, Series> series;
  };
  // The series for `labels` in family `name`, created as needed; null when
  // the name, a label name, the type or the cardinality bound refuses it.
  Series* Find(const std::string& name, const std::string& help, Type type, const std::vector<double>* bounds,
               const Labels& labels);

  const std::string dropped_name_;
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  uint64_t dropped_ = 0;
};

// Label value / HELP text escaping of the text format.
std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);
// A sample value: integers without a fraction, +Inf/-Inf/NaN spelled as the
// format wants, else the shortest round-tripping decimal.
std::string FormatSampleValue(double value);
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

}  // namespace arxivflow::metrics
