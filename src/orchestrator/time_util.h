// UTC time helpers shared by the orchestrator.
//
// Contract: every timestamp the orchestrator stores or prints is UTC in the
// ISO 8601 form "2026-11-23T21:00:00.123456+00:00" (Airflow's form), which
// sorts lexicographically in time order. Times in memory are seconds since the
// Unix epoch as double. All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace arxivflow::orchestrator {

// Seconds since the epoch, wall clock, microsecond resolution.
double NowEpoch();

// "2026-11-23T21:00:00.123456+00:00"; with micros=false "2026-11-23T21:00:00+00:00".
std::string FormatIso(double epoch, bool micros = true);

// "2026-11-23" (Airflow's {{ ds }}).
std::string FormatDate(double epoch);

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.frac]]" (or a space for T) with
// an optional "Z" or "+HH:MM"/"-HH:MM" offset (none means UTC).
std::optional<double> ParseIso(std::string_view text);

}  // namespace arxivflow::orchestrator
