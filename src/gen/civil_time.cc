#include "gen/civil_time.h"

namespace arxivflow::gen {
namespace {

constexpr char kWeekdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr char kMonths[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

void AppendRfc2822(int64_t unix_seconds, OutBuffer* out) {
  const int64_t days = FloorDiv(unix_seconds, 86400);
  const int64_t secs = unix_seconds - days * 86400;
  const CivilDate d = CivilFromDays(days);
  out->Append(kWeekdays[WeekdayFromDays(days)], 3);
  out->Append(", ", 2);
  out->AppendUInt(static_cast<uint64_t>(d.day));
  out->Push(' ');
  out->Append(kMonths[d.month - 1], 3);
  out->Push(' ');
  out->AppendUInt(static_cast<uint64_t>(d.year));
  out->Push(' ');
  out->AppendPadded(static_cast<uint64_t>(secs / 3600), 2);
  out->Push(':');
  out->AppendPadded(static_cast<uint64_t>(secs / 60 % 60), 2);
  out->Push(':');
  out->AppendPadded(static_cast<uint64_t>(secs % 60), 2);
  out->Append(" GMT", 4);
}

void AppendIsoDate(int64_t unix_seconds, OutBuffer* out) {
  const CivilDate d = CivilFromDays(FloorDiv(unix_seconds, 86400));
  out->AppendPadded(static_cast<uint64_t>(d.year), 4);
  out->Push('-');
  out->AppendPadded(static_cast<uint64_t>(d.month), 2);
  out->Push('-');
  out->AppendPadded(static_cast<uint64_t>(d.day), 2);
}

std::string FormatRfc2822(int64_t unix_seconds) {
  OutBuffer b;
  AppendRfc2822(unix_seconds, &b);
  return std::string(b.View());
}

std::string FormatIsoDate(int64_t unix_seconds) {
  OutBuffer b;
  AppendIsoDate(unix_seconds, &b);
  return std::string(b.View());
}

}  // namespace arxivflow::gen
