#include "metrics/registry.h"

#include <gtest/gtest.h>

namespace arxivflow::metrics {
namespace {

TEST(MetricsRegistry, RendersCountersGaugesWithHelpAndType) {
  Registry r;
  r.AddCounter("arxivflow_runs_total", "Runs.", {{"dag_id", "a"}, {"state", "failed"}}, 2);
  r.SetGauge("arxivflow_queue", "Depth.", {}, 3);
  std::string text = r.Render();
  EXPECT_NE(text.find("# HELP arxivflow_queue Depth.\n# TYPE arxivflow_queue gauge\narxivflow_queue 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("arxivflow_runs_total{dag_id=\"a\",state=\"failed\"} 2\n"), std::string::npos);
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  Registry r;
  r.AddCounter("x_total", "line1\nback\\slash", {{"v", "a\"b\\c\nd"}});
  std::string text = r.Render();
  EXPECT_NE(text.find("x_total{v=\"a\\\"b\\\\c\\nd\"} 1"), std::string::npos);
  EXPECT_NE(text.find("# HELP x_total line1\\nback\\\\slash\n"), std::string::npos);
}

TEST(MetricsRegistry, HistogramBucketsAreCumulative) {
  Registry r;
  std::vector<double> b = {1, 5};
  r.Observe("h_seconds", "H.", b, {{"k", "v"}}, 0.5);
  r.Observe("h_seconds", "H.", b, {{"k", "v"}}, 3);
  r.Observe("h_seconds", "H.", b, {{"k", "v"}}, 100);
  std::string text = r.Render();
  EXPECT_NE(text.find("h_seconds_bucket{k=\"v\",le=\"1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("h_seconds_bucket{k=\"v\",le=\"5\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("h_seconds_bucket{k=\"v\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("h_seconds_sum{k=\"v\"} 103.5\n"), std::string::npos);
  EXPECT_NE(text.find("h_seconds_count{k=\"v\"} 3\n"), std::string::npos);
}

TEST(MetricsRegistry, RefusesBadNamesTypeChangesAndTooManySeries) {
  Registry r;
  r.AddCounter("bad name", "x", {});
  r.AddCounter("ok_total", "x", {{"1bad", "v"}});
  r.AddCounter("ok_total", "x", {{"le", "v"}});
  r.SetGauge("c_total", "x", {}, 1);
  r.AddCounter("c_total", "x", {});  // other type: dropped
  for (size_t i = 0; i < Registry::kMaxSeriesPerFamily + 5; ++i) {
    r.AddCounter("many_total", "x", {{"i", std::to_string(i)}});
  }
  std::string text = r.Render();
  EXPECT_EQ(text.find("\nbad name"), std::string::npos);
  EXPECT_NE(text.find("arxivflow_metrics_dropped_total 9\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE c_total gauge"), std::string::npos);
}

TEST(MetricsRegistry, FormatsSampleValues) {
  EXPECT_EQ(FormatSampleValue(3), "3");
  EXPECT_EQ(FormatSampleValue(0.25), "0.25");
  EXPECT_EQ(FormatSampleValue(0.1), "0.1");
  EXPECT_EQ(FormatSampleValue(1.0 / 0.0), "+Inf");
}

}  // namespace
}  // namespace arxivflow::metrics
