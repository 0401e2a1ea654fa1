#include "orchestrator/states.h"

#include <array>
#include <utility>

namespace arxivflow::orchestrator {

namespace {

constexpr std::array<std::pair<TiState, const char*>, 10> kTiNames = {{
    {TiState::kNone, "none"},
    {TiState::kScheduled, "scheduled"},
    {TiState::kQueued, "queued"},
    {TiState::kRunning, "running"},
    {TiState::kSuccess, "success"},
    {TiState::kFailed, "failed"},
    {TiState::kUpForRetry, "up_for_retry"},
    {TiState::kUpstreamFailed, "upstream_failed"},
    {TiState::kSkipped, "skipped"},
    {TiState::kRemoved, "removed"},
}};

constexpr std::array<std::pair<DagRunState, const char*>, 4> kRunNames = {{
    {DagRunState::kQueued, "queued"},
    {DagRunState::kRunning, "running"},
    {DagRunState::kSuccess, "success"},
    {DagRunState::kFailed, "failed"},
}};

template <typename E, size_t N>
const char* NameOf(const std::array<std::pair<E, const char*>, N>& table, E state) {
  for (const auto& [s, name] : table) {
    if (s == state) return name;
  }
  return "unknown";
}

template <typename E, size_t N>
std::optional<E> Parse(const std::array<std::pair<E, const char*>, N>& table, std::string_view text) {
  for (const auto& [s, name] : table) {
    if (text == name) return s;
  }
  return std::nullopt;
}

}  // namespace

const char* StateName(TiState state) { return NameOf(kTiNames, state); }
const char* StateName(DagRunState state) { return NameOf(kRunNames, state); }
std::optional<TiState> ParseTiState(std::string_view text) { return Parse(kTiNames, text); }
std::optional<DagRunState> ParseDagRunState(std::string_view text) { return Parse(kRunNames, text); }

bool IsFinished(TiState s) {
  return s == TiState::kSuccess || s == TiState::kFailed || s == TiState::kSkipped || s == TiState::kUpstreamFailed;
}
bool IsFailure(TiState s) { return s == TiState::kFailed || s == TiState::kUpstreamFailed; }
bool IsExecuting(TiState s) { return s == TiState::kQueued || s == TiState::kRunning; }
bool IsFinished(DagRunState s) { return s == DagRunState::kSuccess || s == DagRunState::kFailed; }

}  // namespace arxivflow::orchestrator
