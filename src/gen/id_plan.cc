#include "gen/id_plan.h"

#include <algorithm>
#include <cstdio>

#include "gen/text_pools.h"

namespace arxivflow::gen {
namespace {

constexpr int kNewFirstYear = 2007, kNewFirstMonth = 4;
constexpr int kNewBaseMonths = (2024 - 2007) * 12 + (12 - 4) + 1;  // 2007-04 .. 2024-12
constexpr int kOldFirstYear = 1991, kOldFirstMonth = 8;
constexpr int kOldMonths = (2007 - 1991) * 12 + (3 - 8) + 1;       // 1991-08 .. 2007-03

}  // namespace

std::vector<uint64_t> AllocateWithCaps(uint64_t total, const std::vector<double>& weights,
                                       const std::vector<uint64_t>& caps) {
  const size_t n = weights.size();
  std::vector<uint64_t> counts(n, 0);
  std::vector<bool> saturated(n, false);
  uint64_t remaining = total;
  while (remaining > 0) {
    double wsum = 0;
    for (size_t i = 0; i < n; ++i)
      if (!saturated[i]) wsum += weights[i];
    if (wsum <= 0) break;  // every bucket is full
    bool clamped = false;
    for (size_t i = 0; i < n; ++i) {
      if (saturated[i]) continue;
      const double share = static_cast<double>(remaining) * weights[i] / wsum;
      if (share >= static_cast<double>(caps[i] - counts[i])) {
        remaining -= caps[i] - counts[i];
        counts[i] = caps[i];
        saturated[i] = true;
        clamped = true;
      }
    }
    if (clamped) continue;
    // No bucket overflows: hand out floors, then the remainder one by one.
    uint64_t given = 0;
    std::vector<uint64_t> add(n, 0);
    for (size_t i = 0; i < n; ++i) {
      if (saturated[i]) continue;
      add[i] = static_cast<uint64_t>(static_cast<double>(remaining) * weights[i] / wsum);
      given += add[i];
    }
    uint64_t left = remaining - std::min(given, remaining);
    for (size_t i = 0; i < n && left > 0; ++i) {
      if (saturated[i] || counts[i] + add[i] >= caps[i]) continue;
      ++add[i];
      --left;
    }
    for (size_t i = 0; i < n; ++i) counts[i] += add[i];
    remaining = left;  // non-zero only in degenerate rounding cases; loop again
    if (left > 0) {
      for (size_t i = 0; i < n; ++i)
        if (!saturated[i] && counts[i] >= caps[i]) saturated[i] = true;
    }
  }
  return counts;
}

IdPlan::IdPlan(uint64_t records) : records_(records) {
  const Pools& pools = GetPools();
  // Old-style cells: archive (sorted by name) x month (sorted as "yymm" strings,
  // so 2000s before 1990s), 999 papers each at most.
  struct OldCell { int archive; int year; int month; };
  std::vector<OldCell> old_cells;
  std::vector<double> old_w;
  std::vector<uint64_t> old_caps;
  std::vector<std::pair<int, int>> months;  // (year, month) in yymm string order
  for (int m = 0; m < kOldMonths; ++m) {
    const int abs = kOldFirstYear * 12 + (kOldFirstMonth - 1) + m;
    months.push_back({abs / 12, abs % 12 + 1});
  }
  std::sort(months.begin(), months.end(), [](auto a, auto b) {
    const int ka = (a.first % 100) * 100 + a.second, kb = (b.first % 100) * 100 + b.second;
    return ka < kb;
  });
  for (size_t a = 0; a < pools.archives.size(); ++a) {
    for (const auto& [y, mo] : months) {
      const double growth = 1.0 + 3.0 * ((y - kOldFirstYear) * 12 + mo) / kOldMonths;
      old_cells.push_back({static_cast<int>(a), y, mo});
      old_w.push_back(pools.archives[a].weight * growth);
      old_caps.push_back(999);
    }
  }
  uint64_t old_total = records / 5;
  uint64_t old_capacity = 0;
  for (auto c : old_caps) old_capacity += c;
  old_total = std::min(old_total, old_capacity);
  new_records_ = records - old_total;

  // New-style months with growing volume; extend past 2024-12 if needed.
  std::vector<double> new_w;
  std::vector<uint64_t> new_caps;
  uint64_t capacity = 0;
  for (int m = 0; m < kNewBaseMonths || capacity < new_records_; ++m) {
    const int year = kNewFirstYear + (kNewFirstMonth - 1 + m) / 12;
    new_w.push_back(1.0 + 2.5 * std::min(m, kNewBaseMonths) / kNewBaseMonths);
    const uint64_t cap = year < 2015 ? 9999 : 99999;
    new_caps.push_back(cap);
    capacity += cap;
  }
  const auto new_counts = AllocateWithCaps(new_records_, new_w, new_caps);
  const auto old_counts = AllocateWithCaps(old_total, old_w, old_caps);

  uint64_t start = 0;
  for (size_t m = 0; m < new_counts.size(); ++m) {
    if (new_counts[m] == 0) continue;
    const int abs = kNewFirstYear * 12 + (kNewFirstMonth - 1) + static_cast<int>(m);
    cells_.push_back({start, static_cast<uint32_t>(new_counts[m]), static_cast<int16_t>(abs / 12),
                      static_cast<int8_t>(abs % 12 + 1), -1});
    start += new_counts[m];
  }
  for (size_t c = 0; c < old_counts.size(); ++c) {
    if (old_counts[c] == 0) continue;
    cells_.push_back({start, static_cast<uint32_t>(old_counts[c]),
                      static_cast<int16_t>(old_cells[c].year), static_cast<int8_t>(old_cells[c].month),
                      static_cast<int16_t>(old_cells[c].archive)});
    start += old_counts[c];
  }
}

void IdPlan::IdAt(uint64_t index, PaperId* out) const {
  auto it = std::upper_bound(cells_.begin(), cells_.end(), index,
                             [](uint64_t i, const Cell& c) { return i < c.start; });
  const Cell& cell = *(it - 1);
  const uint64_t number = index - cell.start + 1;
  out->year = cell.year;
  out->month = cell.month;
  out->archive = cell.archive;
  const int yy = cell.year % 100;
  if (cell.archive < 0) {
    out->length = std::snprintf(out->text, sizeof(out->text), cell.year < 2015 ? "%02d%02d.%04llu" : "%02d%02d.%05llu",
                                yy, static_cast<int>(cell.month), static_cast<unsigned long long>(number));
  } else {
    out->length = std::snprintf(out->text, sizeof(out->text), "%s/%02d%02d%03llu",
                                GetPools().archives[cell.archive].name.c_str(), yy,
                                static_cast<int>(cell.month), static_cast<unsigned long long>(number));
  }
}

std::string IdPlan::IdString(uint64_t index) const {
  PaperId id;
  IdAt(index, &id);
  return std::string(id.text, id.length);
}

}  // namespace arxivflow::gen
