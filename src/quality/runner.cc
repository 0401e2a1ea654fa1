#include "quality/runner.h"

#include <algorithm>

namespace arxivflow::quality {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kError: return "ERROR";
    case Verdict::kSkip: return "SKIP";
  }
  return "?";
}

std::vector<CheckResult> RunChecks(warehouse::Warehouse& wh, const std::vector<Check>& checks,
                                   const warehouse::ParquetArea* area) {
  ManifestLookup lookup;
  if (area) {
    lookup = [area](const std::vector<std::string>& path) { return area->ManifestNumber(path); };
  }
  std::vector<CheckResult> results;
  for (const auto& check : checks) {
    CheckResult r;
    r.name = check.name;
    r.table = check.table;
    r.observed = "-";
    r.expected = check.condition.Render(lookup);
    if (check.condition.UsesManifest() && !area) {
      r.verdict = Verdict::kSkip;
      r.message = "needs the manifest (--from DIR)";
      results.push_back(std::move(r));
      continue;
    }
    auto value = wh.QueryScalar(check.Sql());
    if (!value.ok()) {
      r.verdict = Verdict::kError;
      r.message = value.status().message();
      results.push_back(std::move(r));
      continue;
    }
    r.observed = value->ToString();
    std::optional<long double> number;
    if (value->type == warehouse::ScalarValue::Type::kInteger) number = static_cast<long double>(value->integer);
    if (value->type == warehouse::ScalarValue::Type::kReal) number = static_cast<long double>(value->real);
    auto ok = check.condition.Evaluate(number, lookup);
    if (!ok.ok()) {
      r.verdict = Verdict::kError;
      r.message = ok.status().message();
    } else if (*ok) {
      r.verdict = Verdict::kPass;
    } else {
      r.verdict = Verdict::kFail;
      r.message = "observed " + r.observed + ", expected " + r.expected;
    }
    results.push_back(std::move(r));
  }
  return results;
}

bool AllPassed(const std::vector<CheckResult>& results) {
  return std::none_of(results.begin(), results.end(), [](const CheckResult& r) {
    return r.verdict == Verdict::kFail || r.verdict == Verdict::kError;
  });
}

std::string FormatResults(const std::vector<CheckResult>& results) {
  const char* headers[5] = {"check", "table", "observed", "expected", "verdict"};
  size_t w[5];
  for (int i = 0; i < 5; ++i) w[i] = std::string(headers[i]).size();
  auto cut = [](const std::string& s) { return s.size() > 60 ? s.substr(0, 57) + "..." : s; };
  for (const auto& r : results) {
    w[0] = std::max(w[0], cut(r.name).size());
    w[1] = std::max(w[1], cut(r.table).size());
    w[2] = std::max(w[2], cut(r.observed).size());
    w[3] = std::max(w[3], cut(r.expected).size());
  }
  auto row = [&](const std::string (&cells)[5]) {
    std::string line;
    for (int i = 0; i < 5; ++i) {
      std::string c = cut(cells[i]);
      line += c;
      if (i < 4) line += std::string(w[i] - c.size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  std::string out = row({headers[0], headers[1], headers[2], headers[3], headers[4]});
  for (const auto& r : results) out += row({r.name, r.table, r.observed, r.expected, VerdictName(r.verdict)});
  for (const auto& r : results) {
    if (r.verdict == Verdict::kFail || r.verdict == Verdict::kError) {
      out += std::string(VerdictName(r.verdict)) + " " + r.name + ": " + r.message + "\n";
    }
  }
  return out;
}

}  // namespace arxivflow::quality
