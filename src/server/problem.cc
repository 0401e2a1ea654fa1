#include "server/problem.h"

#include <nlohmann/json.hpp>

#include "common/logging.h"

namespace arxivflow::server {

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 204: return "No Content";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

namespace {
std::string TypeSlug(int status) {
  std::string slug;
  for (const char* p = ReasonPhrase(status); *p; ++p) {
    char c = *p;
    if (c == ' ') c = '-';
    else if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    slug.push_back(c);
  }
  return slug;
}
}  // namespace

HttpResponse Problem(int status, const std::string& detail) {
  nlohmann::json doc = {
      {"type", "/api/v1/problems/" + TypeSlug(status)},
      {"title", ReasonPhrase(status)},
      {"status", status},
      {"detail", detail},
  };
  HttpResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse FromStatus(const Status& status, const std::string& what) {
  switch (status.code()) {
    case Status::Code::kNotFound: return Problem(404, status.message());
    case Status::Code::kAlreadyExists: return Problem(409, status.message());
    case Status::Code::kInvalidArgument: return Problem(400, status.message());
    case Status::Code::kPermissionDenied: return Problem(403, status.message());
    case Status::Code::kUnavailable:
      spdlog::warn("{}: {}", what, status.ToString());
      return Problem(503, "A service the server depends on is unavailable; see the server log.");
    default:
      spdlog::error("{}: {}", what, status.ToString());
      return Problem(500, "An internal error occurred; see the server log.");
  }
}

}  // namespace arxivflow::server
