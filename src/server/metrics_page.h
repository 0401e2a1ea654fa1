// GET /metrics: the Prometheus text exposition (version 0.0.4) of the web
// server's own request latencies, the metadata DB's gauges and the
// scheduler's metrics (Backend::MetricsText), and who may read it.
//
// Access: an admin (session or HTTP basic auth), or a client presenting the
// metrics token as "Authorization: Bearer <token>". Nobody else, whatever
// address the server listens on. The token comes from ARXIVFLOW_METRICS_TOKEN,
// else the first line of <home>/metrics_token; only its SHA-256 is kept, and
// a presented token is hashed and compared in constant time. Neither is ever
// logged.
//
// Contract: LoadMetricsTokenHash returns the hex SHA-256 of the configured
// token, "" when none is (a file readable by others is refused with a
// warning). RouteLabel maps a request to a bounded label (the API route
// pattern, never the raw path). Thread-safe.
#pragma once

#include <string>

namespace arxivflow::server {

inline constexpr const char* kMetricsTokenEnv = "ARXIVFLOW_METRICS_TOKEN";
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string LoadMetricsTokenHash(const std::string& home);

// True when `authorization` is "Bearer <token>" and the token's SHA-256 is
// `token_sha256` (never true when token_sha256 is empty).
bool BearerMatches(const std::string& authorization, const std::string& token_sha256);

// The request method as a label: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS or OTHER.
std::string MethodLabel(const std::string& method);

}  // namespace arxivflow::server
