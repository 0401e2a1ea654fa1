// Defences against requests another web site makes a browser send: the
// checks every state-changing API request passes before anything else.
//
// Why: a browser attaches the credentials it holds for this server (the
// session cookie, and Basic credentials it cached after a login prompt) to
// requests any page can make — an auto-submitted <form> (POST with
// text/plain, urlencoded or multipart bodies) or a no-cors fetch. The session
// cookie is SameSite=Strict and needs the CSRF token; these checks also
// cover Basic credentials and anything the browser adds by itself:
// - CheckCrossSiteWrite: a POST/PATCH/PUT/DELETE whose Sec-Fetch-Site is not
//   same-origin or none (typed by the user), or whose Origin is "null" or
//   names another host than the Host header, is refused with 403. Behind a
//   proxy the proxy must pass the original Host.
// - CheckJsonWrite: a POST/PATCH/PUT must declare Content-Type
//   application/json (which no form and no no-cors fetch can send), else 415.
// - ShouldChallengeBasic: browsers never get `WWW-Authenticate: Basic` (so
//   they never show a login prompt whose answer they would then attach to
//   every request), scripts do.
// Pure functions of the request; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "server/http_types.h"

namespace arxivflow::server {

bool IsStateChangingMethod(const std::string& method);

// A request a browser made (it sends Sec-Fetch-* headers, or identifies as
// Mozilla-compatible, as every browser does).
bool IsBrowserRequest(const HttpRequest& request);

std::optional<HttpResponse> CheckCrossSiteWrite(const HttpRequest& request);
std::optional<HttpResponse> CheckJsonWrite(const HttpRequest& request);

bool ShouldChallengeBasic(const HttpRequest& request);

}  // namespace arxivflow::server
