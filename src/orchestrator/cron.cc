#include "orchestrator/cron.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <sstream>
#include <vector>

namespace arxivflow::orchestrator {

namespace {

const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                             "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

std::optional<int> ParseValue(std::string token, int field) {
  std::transform(token.begin(), token.end(), token.begin(), ::toupper);
  if (field == 3) {
    for (int i = 0; i < 12; ++i) if (token == kMonthNames[i]) return i + 1;
  } else if (field == 4) {
    for (int i = 0; i < 7; ++i) if (token == kDayNames[i]) return i;
  }
  if (token.empty() || token.size() > 4) return std::nullopt;
  int v = 0;
  for (char c : token) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Parses one field into `bits` (indices lo..hi). Returns false on bad syntax.
template <size_t N>
Status ParseField(const std::string& text, int field, int lo, int hi, std::bitset<N>& bits,
                  bool& restricted) {
  static const char* kFieldNames[] = {"minute", "hour", "day-of-month", "month", "day-of-week"};
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("cron " + std::string(kFieldNames[field]) + " field '" + text +
                                   "': " + why);
  };
  restricted = text != "*" && text != "?";
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    if (part.empty()) return bad("empty list element");
    int step = 1;
    auto slash = part.find('/');
    std::string range = part;
    if (slash != std::string::npos) {
      auto s = ParseValue(part.substr(slash + 1), -1);
      if (!s || *s == 0) return bad("bad step");
      step = *s;
      range = part.substr(0, slash);
    }
    int a, b;
    if (range == "*" || range == "?") {
      a = lo;
      b = hi;
    } else {
      auto dash = range.find('-');
      auto va = ParseValue(range.substr(0, dash), field);
      if (!va) return bad("bad value '" + range.substr(0, dash) + "'");
      a = *va;
      if (dash != std::string::npos) {
        auto vb = ParseValue(range.substr(dash + 1), field);
        if (!vb) return bad("bad value '" + range.substr(dash + 1) + "'");
        b = *vb;
      } else {
        b = slash != std::string::npos ? hi : a;
      }
    }
    if (a < lo || b > hi || a > b) return bad("value out of range " + std::to_string(lo) + "-" + std::to_string(hi));
    for (int v = a; v <= b; v += step) bits.set(field == 4 ? v % 7 : v);  // 7 is Sunday too
  }
  return Status::OK();
}

}  // namespace

Result<Schedule> Schedule::Parse(const std::string& raw) {
  std::string text = raw;
  text.erase(0, text.find_first_not_of(" \t"));
  text.erase(text.find_last_not_of(" \t") + 1);
  Schedule s;
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower.empty() || lower == "none" || lower == "null" || lower == "~") {
    return s;
  }
  s.text_ = text;
  if (lower == "@once") {
    s.kind_ = Kind::kOnce;
    return s;
  }
  std::string expr = text;
  if (lower == "@hourly") expr = "0 * * * *";
  else if (lower == "@daily" || lower == "@midnight") expr = "0 0 * * *";
  else if (lower == "@weekly") expr = "0 0 * * 0";
  else if (lower == "@monthly") expr = "0 0 1 * *";
  else if (lower == "@yearly" || lower == "@annually") expr = "0 0 1 1 *";
  else if (lower[0] == '@') return Status::InvalidArgument("unknown schedule preset '" + text + "'");
  std::stringstream in(expr);
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() != 5) {
    return Status::InvalidArgument("cron expression '" + text + "' must have 5 fields, has " +
                                   std::to_string(fields.size()));
  }
  bool dummy;
  AF_RETURN_IF_ERROR(ParseField(fields[0], 0, 0, 59, s.minutes_, dummy));
  AF_RETURN_IF_ERROR(ParseField(fields[1], 1, 0, 23, s.hours_, dummy));
  AF_RETURN_IF_ERROR(ParseField(fields[2], 2, 1, 31, s.days_, s.days_restricted_));
  AF_RETURN_IF_ERROR(ParseField(fields[3], 3, 1, 12, s.months_, dummy));
  AF_RETURN_IF_ERROR(ParseField(fields[4], 4, 0, 7, s.weekdays_, s.weekdays_restricted_));
  s.kind_ = Kind::kCron;
  return s;
}

std::optional<double> Schedule::Next(double epoch) const {
  if (kind_ != Kind::kCron) return std::nullopt;
  // Start at the next whole minute strictly after epoch.
  auto t = static_cast<time_t>(std::floor(epoch / 60.0) * 60 + 60);
  const time_t limit = t + 5L * 366 * 24 * 3600;
  while (t < limit) {
    struct tm tm;
    gmtime_r(&t, &tm);
    if (!months_.test(tm.tm_mon + 1)) {
      // Jump to the first day of the next month.
      tm.tm_mon += 1;
      tm.tm_mday = 1;
      tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
      t = timegm(&tm);
      continue;
    }
    bool dom = days_.test(tm.tm_mday);
    bool dow = weekdays_.test(tm.tm_wday);
    bool day_ok = (days_restricted_ && weekdays_restricted_) ? (dom || dow) : (dom && dow);
    if (!day_ok) {
      tm.tm_mday += 1;
      tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
      t = timegm(&tm);
      continue;
    }
    if (!hours_.test(tm.tm_hour)) {
      tm.tm_hour += 1;
      tm.tm_min = tm.tm_sec = 0;
      t = timegm(&tm);
      continue;
    }
    if (!minutes_.test(tm.tm_min)) {
      t += 60;
      continue;
    }
    return static_cast<double>(t);
  }
  return std::nullopt;
}

}  // namespace arxivflow::orchestrator
