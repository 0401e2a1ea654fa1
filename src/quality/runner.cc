#include "quality/runner.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

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

namespace {

// Likely cost of a check's query, highest first: the longest queries start
// first so that parallel workers finish together.
int CostRank(const Check& check) {
  switch (check.kind) {
    case CheckKind::kForeignKey: return 0;
    case CheckKind::kUnique: return 1;
    case CheckKind::kSql: return 2;
    case CheckKind::kEmptyCount: return 3;
    case CheckKind::kRowCount: return 4;
    case CheckKind::kNullCount: return 5;
  }
  return 6;
}

bool CanOpenMore(const warehouse::Warehouse& wh) {
  const auto& spec = wh.spec();
  return !(spec.kind == warehouse::TargetKind::kSqlite && spec.sqlite_path == ":memory:");
}

}  // namespace

std::vector<CheckResult> RunChecks(warehouse::Warehouse& wh, const std::vector<Check>& checks,
                                   const warehouse::ParquetArea* area, int jobs) {
  ManifestLookup lookup;
  if (area) {
    lookup = [area](const std::vector<std::string>& path) { return area->ManifestNumber(path); };
  }
  // The distinct queries to run.
  const warehouse::TargetKind target = wh.kind();
  std::vector<CheckQuery> queries;
  std::map<std::pair<std::string, bool>, size_t> query_index;
  std::vector<int> rank;
  std::vector<size_t> query_of(checks.size());  // each check's entry in `queries`
  for (size_t c = 0; c < checks.size(); ++c) {
    const Check& check = checks[c];
    if (check.condition.UsesManifest() && !area) continue;
    CheckQuery query = check.Query(target);
    auto [it, inserted] = query_index.emplace(std::make_pair(query.sql, query.merge_join), queries.size());
    if (inserted) {
      queries.push_back(std::move(query));
      rank.push_back(CostRank(check));
    }
    query_of[c] = it->second;
  }
  auto run = [&](warehouse::Warehouse& on, size_t i) {
    return queries[i].merge_join ? on.QueryScalarByMerge(queries[i].sql) : on.QueryScalar(queries[i].sql);
  };
  std::vector<size_t> order(queries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rank[a] < rank[b]; });
  std::vector<std::optional<Result<warehouse::ScalarValue>>> values(queries.size());
  const int workers = std::max(1, std::min<int>(jobs, static_cast<int>(queries.size())));
  if (workers <= 1 || !CanOpenMore(wh)) {
    for (size_t i : order) values[i] = run(wh, i);
  } else {
    std::mutex mu;
    size_t next = 0;
    auto work = [&](warehouse::Warehouse* own) {
      while (true) {
        size_t i;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (next >= order.size()) return;
          i = order[next++];
        }
        values[i] = run(*own, i);
      }
    };
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<warehouse::Warehouse>> extra;
    for (int w = 1; w < workers; ++w) {
      auto opened = warehouse::Warehouse::Open(wh.spec());
      if (!opened.ok()) break;  // fewer workers; `wh` still does the rest
      extra.push_back(std::move(opened).value());
    }
    for (auto& own : extra) threads.emplace_back(work, own.get());
    work(&wh);
    for (auto& t : threads) t.join();
  }

  std::vector<CheckResult> results;
  for (size_t c = 0; c < checks.size(); ++c) {
    const Check& check = checks[c];
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
    const auto& value = *values[query_of[c]];
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
