// DAG schedules: 5-field cron expressions and Airflow's presets.
//
// Contract: Schedule::Parse accepts null/"none" (manual only), "@once",
// "@hourly", "@daily", "@weekly", "@monthly", "@yearly"/"@annually" and
// "minute hour day-of-month month day-of-week" with *, lists, ranges, steps
// and month/day names (JAN, MON). Day-of-month and day-of-week combine with OR
// when both are restricted, as in cron. Times are UTC. Values are immutable
// after parsing and thread-safe to share.
#pragma once

#include <bitset>
#include <optional>
#include <string>

#include "common/status.h"

namespace arxivflow::orchestrator {

class Schedule {
 public:
  enum class Kind { kNone, kOnce, kCron };

  static Result<Schedule> Parse(const std::string& text);

  Kind kind() const { return kind_; }
  // The text as written ("@daily", "0 3 * * *", or "none").
  const std::string& text() const { return text_; }

  // First cron tick strictly after `epoch`; nullopt for kNone/kOnce or when
  // nothing matches within five years (e.g. "0 0 30 2 *").
  std::optional<double> Next(double epoch) const;

 private:
  Kind kind_ = Kind::kNone;
  std::string text_ = "none";
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;    // 1..31
  std::bitset<13> months_;  // 1..12
  std::bitset<7> weekdays_; // 0=Sunday
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

}  // namespace arxivflow::orchestrator
