// Errors sent to clients as RFC 7807 problem documents
// (application/problem+json: type, title, status, detail), as Airflow's API
// does.
//
// Contract: FromStatus maps a backend Status to a response: kNotFound -> 404,
// kAlreadyExists -> 409, kInvalidArgument -> 400, kPermissionDenied -> 403,
// kUnavailable -> 503; those messages are meant for users and are sent. Every
// other code is an internal failure: its message (which may hold SQL or
// paths) is logged with the request, and the client gets a generic 500.
// Thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "server/http_types.h"

namespace arxivflow::server {

HttpResponse Problem(int status, const std::string& detail);
HttpResponse FromStatus(const Status& status, const std::string& what);

// The standard reason phrase ("Not Found") for a status code.
const char* ReasonPhrase(int status);

}  // namespace arxivflow::server
