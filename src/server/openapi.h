// The OpenAPI 3 document served at /api/v1/openapi.json, built from the
// route table so it always lists exactly the routes the server has, with the
// typed bodies of openapi_v1_schemas.h. (API v2's is BuildOpenApiV2,
// api_v2.h.)
//
// Contract: pure function of its inputs; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/router.h"

namespace arxivflow::server {

nlohmann::json BuildOpenApi(const std::vector<const RouteInfo*>& routes, const std::string& version);

}  // namespace arxivflow::server
